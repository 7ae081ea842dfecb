"""Measured memory: how the gradient of the loss reaches back to earlier hidden states."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class GradientFlow:
    """Gradient size against lag for one model on one batch.

    Attributes
    ----------
    cell, when : str
        The cell type, and e.g. "init" or "trained".
    lags : (T,) int, lag T-1-t of each step (0 = the last step)
    grad_norm : (T,) mean over the batch of ||dLoss/dh_t|| (all layers and units), indexed by lag
    forget_product : (T,) or None
        LSTM only: the mean over batch, layers and units of the product of the forget gates applied after
        step t (the factor by which the cell path carries dLoss/dc_T back to c_t); 1 at lag 0.
    init : str
        How the LSTM's gate biases started ("uniform" or "chrono"), for the plot's colours.
    label : str
        The run's name for people (``lstmlab.lab.summary.label``); "" means the cell's name.
    """

    cell: str
    when: str
    lags: np.ndarray
    grad_norm: np.ndarray
    forget_product: np.ndarray | None = None
    init: str = "uniform"
    label: str = ""

    def ratio(self, lag: int, ref: int = 1) -> float:
        """grad_norm at ``lag`` over grad_norm at ``ref`` (how much the gradient shrank going back)."""
        return float(self.grad_norm[lag] / self.grad_norm[ref]) if self.grad_norm[ref] > 0 else float("nan")

    def to_dict(self) -> dict:
        return {"cell": self.cell, "init": self.init, "label": self.label, "when": self.when,
                "lags": self.lags.tolist(), "grad_norm": self.grad_norm.tolist(),
                "forget_product": None if self.forget_product is None else self.forget_product.tolist()}


def gradient_flow(model, kind: str, x: np.ndarray, y: np.ndarray, when: str = "") -> GradientFlow:
    """Measure dLoss/dh_t for every step of x (B, T, I) with targets y, for a SequenceModel.

    The loss is the task's training loss on the whole batch; gradients are taken with respect to the
    hidden state after each step (total derivative: through the head and through all later steps).
    """
    import torch

    from lstmlab.nn.train import loss_fn
    from lstmlab.tasks.base import IGNORE
    from lstmlab.nn.unroll import unroll

    model.eval()
    out, hs, fs = unroll(model, torch.from_numpy(np.ascontiguousarray(x)))
    model.zero_grad()
    loss_fn(kind, IGNORE)(out, torch.from_numpy(np.ascontiguousarray(y))).backward()
    T = len(hs)
    norms = np.array([h.grad.permute(1, 0, 2).reshape(h.shape[1], -1).norm(dim=1).mean().item()
                      for h in hs])  # (T,) by step
    product = None
    if fs:
        f = torch.stack(fs).detach()  # (T, L, B, H)
        # product of f_{t+1} ... f_{T-1}: reverse cumulative product, shifted by one step
        rev = torch.cumprod(f.flip(0), 0).flip(0)  # (T, L, B, H): f_t ... f_{T-1}
        after = torch.cat([rev[1:], torch.ones_like(rev[:1])])  # (T, L, B, H): f_{t+1} ... f_{T-1}
        product = after.mean(dim=(1, 2, 3)).numpy()[::-1].copy()  # (T,) by lag
    return GradientFlow(model.cell, when, np.arange(T), norms[::-1].copy(), product)
