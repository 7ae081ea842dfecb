"""The torch module behind LSTMForecaster: a recurrent network on normalised windows.

    z, mask (B, L) --patches--> (B, L/p, 2p) --SequenceModel--> (B, H) [+ base (B, H)] -> normalised ŷ

The inputs are already on a common scale (see :mod:`lstmlab.forecast.panel`): one network serves
every series of a panel, whatever its level. The mask tells the network which history values are
padding, so series shorter than L are forecast too. With ``residual=True`` the network learns a
correction to the seasonal naive forecast ``base`` (it starts out as that baseline, the way ES-RNN
starts from exponential smoothing); without, it forecasts from scratch. The forecaster ensembles
both kinds. Reading the window in patches of p steps (as PatchTST, Nie et al. 2023, does for
transformers) shortens the recurrence L/p-fold.
"""

from __future__ import annotations

import torch
from torch import nn

from lstmlab.errors import LstmlabError
from lstmlab.nn.model import SequenceModel


class ForecastNet(nn.Module):
    """Direct multi-horizon forecaster on normalised windows: (z, mask, base) -> (B, H).

    Parameters
    ----------
    input_size, horizon : L and H.
    cell, hidden_size, num_layers, dropout : the recurrent stack (see SequenceModel).
    patch_len : p, history steps read per recurrent step; must divide L.
    residual : add the network's output to the seasonal naive forecast.
    """

    def __init__(self, input_size: int, horizon: int, cell: str = "lstm", hidden_size: int = 64,
                 num_layers: int = 1, dropout: float = 0.0, patch_len: int = 1, residual: bool = False) -> None:
        super().__init__()
        if input_size % patch_len:
            raise LstmlabError(f"patch_len={patch_len} does not divide input_size={input_size}")
        self.input_size, self.horizon, self.patch_len, self.residual = input_size, horizon, patch_len, residual
        self.net = SequenceModel(2 * patch_len, hidden_size, horizon, cell=cell, num_layers=num_layers,
                                 dropout=dropout, head="last")

    def forward(self, z: torch.Tensor, mask: torch.Tensor, base: torch.Tensor) -> torch.Tensor:
        B = len(z)
        x = torch.stack([z, mask], dim=-1).reshape(B, -1, 2 * self.patch_len)  # (B, L, 2) -> (B, L/p, 2p)
        out = self.net(x)  # (B, H)
        return out + base if self.residual else out


def masked_l1(pred: torch.Tensor, batch: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
    """Mean absolute error over observed targets, in normalised units (MASE with the "mase" scaler)."""
    y, y_mask = batch
    return ((pred - y).abs() * y_mask).sum() / y_mask.sum().clamp(min=1.0)


def masked_l2(pred: torch.Tensor, batch: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
    """Mean squared error over observed targets, in normalised units."""
    y, y_mask = batch
    return ((pred - y) ** 2 * y_mask).sum() / y_mask.sum().clamp(min=1.0)


LOSSES = {"mae": masked_l1, "mse": masked_l2}
