"""A trained SequenceModel as a glass-box network plus its head, with the weights copied exactly.

The one place that imports both torch (through the model) and the NumPy engine.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstmlab import glassbox


@dataclass
class GlassboxModel:
    """A NumPy copy of a SequenceModel: the recurrent net and the linear head as arrays.

    Attributes
    ----------
    net : glassbox.Recurrent
    head_weight : ndarray (O, H)
    head_bias : ndarray (O,)
    head : {"last", "all"}
    """

    net: glassbox.Recurrent
    head_weight: np.ndarray
    head_bias: np.ndarray
    head: str

    def forward(self, x: np.ndarray):
        """x (B, T, I) -> (head outputs (B, O) or (B, T, O), trace of every gate and state)."""
        out, _, trace = self.net.forward(x)  # out (B, T, H)
        if self.head == "last":
            out = out[:, -1]  # (B, H)
        return out @ self.head_weight.T + self.head_bias, trace


def to_glassbox(model, dtype=np.float64) -> GlassboxModel:
    """Copy a ``SequenceModel`` (any cell, any number of layers) into a :class:`GlassboxModel`.

    ``dtype`` float64 by default, so inspection does not add float32 rounding of its own.
    """
    net = glassbox.NETWORKS[model.cell].from_torch(model.rnn, dtype=dtype)
    w = model.head.weight.detach().cpu().numpy().astype(dtype)  # (O, H)
    b = model.head.bias.detach().cpu().numpy().astype(dtype)  # (O,)
    return GlassboxModel(net, w, b, model.head_mode)
