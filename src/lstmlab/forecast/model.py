"""The torch module behind LSTMForecaster: instance normalisation around a recurrent network.

    x (B, L) --normalise each window--> z (B, L) --patches--> (B, L/p, p) --SequenceModel--> (B, H)
             --undo the normalisation--> ŷ (B, H)

Normalising each input window by its own mean and spread (instance normalisation, as in RevIN,
Kim et al. 2022, here without its learned affine) lets one network serve every level and scale of
the series: a trend moves the level out of the range seen in training, which breaks a scaler
fitted once. Reading the window in patches of p values (as PatchTST, Nie et al. 2023, does for
transformers) shortens the recurrence L/p-fold: faster on CPU, and shorter paths for gradients.
"""

from __future__ import annotations

import torch
from torch import nn

from lstmlab.errors import LstmlabError
from lstmlab.nn.model import SequenceModel

EPS = 1e-5


class ForecastNet(nn.Module):
    """Direct multi-horizon forecaster: (B, L) histories -> (B, H) forecasts, in the units given.

    Parameters
    ----------
    input_size, horizon : L and H.
    cell, hidden_size, num_layers, dropout : the recurrent stack (see SequenceModel).
    patch_len : p, values read per recurrent step; must divide L.
    revin : normalise each window by its mean and standard deviation; else by the fixed ``loc`` and
        ``scale`` (a scaler fitted on the training part of the series).
    """

    def __init__(self, input_size: int, horizon: int, cell: str = "lstm", hidden_size: int = 64,
                 num_layers: int = 1, dropout: float = 0.0, patch_len: int = 1, revin: bool = True, loc: float = 0.0,
                 scale: float = 1.0) -> None:
        super().__init__()
        if input_size % patch_len:
            raise LstmlabError(f"patch_len={patch_len} does not divide input_size={input_size}")
        self.input_size, self.horizon, self.patch_len, self.revin = input_size, horizon, patch_len, revin
        self.loc, self.scale = float(loc), float(scale)
        self.net = SequenceModel(patch_len, hidden_size, horizon, cell=cell, num_layers=num_layers,
                                 dropout=dropout, head="last")

    def stats(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Per-window location and scale, (B, 1) each (the fixed loc and scale without RevIN)."""
        if not self.revin:
            return torch.full_like(x[:, :1], self.loc), torch.full_like(x[:, :1], self.scale)
        mu = x.mean(dim=1, keepdim=True)  # (B, 1)
        sd = (x.var(dim=1, unbiased=False, keepdim=True) + EPS).sqrt()  # (B, 1)
        return mu, sd

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x[:, -self.input_size:]  # (B, L)
        mu, sd = self.stats(x)
        z = ((x - mu) / sd).reshape(len(x), -1, self.patch_len)  # (B, L/p, p)
        return self.net(z) * sd + mu  # (B, H)


class Ensemble(nn.Module):
    """The mean forecast of several networks of the same shape: (B, L) -> (B, H)."""

    def __init__(self, members: list[ForecastNet]) -> None:
        super().__init__()
        self.members = nn.ModuleList(members)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.stack([m(x) for m in self.members]).mean(dim=0)  # (K, B, H) -> (B, H)


def normalized_mse(model: ForecastNet, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """MSE measured in each window's own units (errors divided by the window's scale): windows at a
    high level of the series weigh no more than windows at a low level."""
    _, sd = model.stats(x[:, -model.input_size:])
    return (((model(x) - y) / sd) ** 2).mean()
