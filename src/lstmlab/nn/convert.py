"""A trained SequenceModel as a glass-box network plus head arrays (the one place importing both)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstmlab import glassbox


@dataclass(frozen=True)
class GlassboxModel:
    """A SequenceModel in NumPy: the recurrent glass-box net and the linear head ``out = h @ W.T + b``.

    Attributes
    ----------
    net : glassbox.LSTM, GRU or RNN, with the torch weights copied exactly
    head_weight : (O, H)
    head_bias : (O,)
    head_mode : "last" or "all"
    """

    net: glassbox.Recurrent
    head_weight: np.ndarray
    head_bias: np.ndarray
    head_mode: str

    def forward(self, x: np.ndarray) -> tuple[np.ndarray, glassbox.Trace]:
        """x (B, T, I) -> (head outputs (B, O) or (B, T, O), the glass-box trace)."""
        out, _, trace = self.net.forward(x)  # out (B, T, H)
        if self.head_mode == "last":
            out = out[:, -1]  # (B, H)
        return out @ self.head_weight.T + self.head_bias, trace


def to_glassbox(model, dtype=np.float64) -> GlassboxModel:
    """Convert a torch SequenceModel (any cell) into a :class:`GlassboxModel` with the same weights."""
    net = glassbox.NETWORKS[model.cell].from_torch(model.rnn, dtype=dtype)
    w = model.head.weight.detach().cpu().numpy().astype(dtype)  # (O, H)
    b = model.head.bias.detach().cpu().numpy().astype(dtype)  # (O,)
    return GlassboxModel(net, w, b, model.head_mode)
