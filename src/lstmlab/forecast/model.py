"""The torch module behind LSTMForecaster: a recurrent network on normalised windows.

    z, mask (B, L) --patches--> (B, L/p, 2p) --SequenceModel--> (B, H) [+ base (B, H)] -> normalised ŷ

The inputs are already on a common scale (see :mod:`lstmlab.forecast.panel`): one network serves
every series of a panel, whatever its level. The mask tells the network which history values are
padding, so series shorter than L are forecast too. With ``residual=True`` the network learns a
correction to the seasonal naive forecast ``base`` (it starts out as that baseline, the way ES-RNN
starts from exponential smoothing); without, it forecasts from scratch. The forecaster ensembles
both kinds. Reading the window in patches of p steps (as PatchTST, Nie et al. 2023, does for
transformers) shortens the recurrence L/p-fold.

With ``quantiles`` (Q levels) the head outputs H x Q values, (B, H, Q), trained with
:func:`masked_pinball`, the pinball loss averaged over the levels. With a distribution head of P
parameters (:mod:`lstmlab.forecast.distributions`) it outputs H x P raw values, (B, H, P), that the
family maps to its parameters and trains by their negative log-likelihood; a residual member adds
``base`` to the first (the location), whatever the family passes as ``base``.

With covariates (:mod:`lstmlab.forecast.covariates`) each history step also reads its C past and future
columns, in the same patches, and the horizon's future columns (H x C_f) and the static ones (C_s) join
the last hidden state before the head, with an embedding of each categorical static column, then a
one-hidden-layer head::

    [z, mask, steps] (B, L, 2 + C) -> (B, L/p, (2 + C) p) -> LSTM -> h (B, hidden)
    [h, ahead, static, embeddings] (B, hidden + H C_f + C_s + E) -> Linear -> ReLU -> Linear -> (B, H[*Q])

Without covariates the network is exactly the plain one (same parameters, same names).
"""

from __future__ import annotations

from collections.abc import Sequence

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
    residual : add the network's output to the seasonal naive forecast (to every quantile).
    n_quantiles : Q; 0 (the default) for a point forecast (B, H), else quantiles (B, H, Q).
    n_step : C, covariate columns read at every history step (past, then future).
    n_ahead : future columns read at each of the H forecast steps (C_f).
    n_static : numeric static columns (C_s).
    n_categories : the vocabulary size of each categorical static column; each gets an embedding of
        :func:`embedding_size` values.
    n_params : P, the raw parameters per step of a distribution head, (B, H, P); 0 (the default): none.
    """

    def __init__(self, input_size: int, horizon: int, cell: str = "lstm", hidden_size: int = 64,
                 num_layers: int = 1, dropout: float = 0.0, patch_len: int = 1, residual: bool = False,
                 n_quantiles: int = 0, n_step: int = 0, n_ahead: int = 0, n_static: int = 0,
                 n_categories: Sequence[int] = (), n_params: int = 0) -> None:
        super().__init__()
        if input_size % patch_len:
            raise LstmlabError(f"patch_len={patch_len} does not divide input_size={input_size}")
        self.input_size, self.horizon, self.patch_len, self.residual = input_size, horizon, patch_len, residual
        self.n_quantiles, self.n_step, self.n_params = n_quantiles, n_step, n_params
        out = horizon * max(1, n_quantiles, n_params)
        self.net = SequenceModel((2 + n_step) * patch_len, hidden_size, out, cell=cell,
                                 num_layers=num_layers, dropout=dropout, head="last")
        if n_categories:
            self.embeddings = nn.ModuleList([nn.Embedding(n, embedding_size(n)) for n in n_categories])
        self.n_extra = horizon * n_ahead + n_static + sum(map(embedding_size, n_categories))  # join h
        if self.n_extra:  # the head reads [h, ahead, static]: one hidden layer, so the covariates can interact with h
            self.net.head = nn.Sequential(nn.Linear(hidden_size + self.n_extra, hidden_size), nn.ReLU(),
                                          nn.Linear(hidden_size, out))

    def forward(self, z: torch.Tensor, mask: torch.Tensor, base: torch.Tensor, steps: torch.Tensor | None = None,
                ahead: torch.Tensor | None = None, static: torch.Tensor | None = None,
                codes: torch.Tensor | None = None) -> torch.Tensor:
        B = len(z)
        x = torch.stack([z, mask], dim=-1)  # (B, L, 2)
        if self.n_step:
            x = torch.cat([x, steps], dim=-1)  # (B, L, 2) + (B, L, C) -> (B, L, 2 + C)
        x = x.reshape(B, -1, x.shape[-1] * self.patch_len)  # (B, L/p, (2 + C) p)
        if self.n_extra:
            h = self.net.rnn(x)[0][:, -1]  # (B, hidden), the last step's top layer
            emb = [e(codes[:, j]) for j, e in enumerate(self.embeddings)] if hasattr(self, "embeddings") else []
            out = self.net.head(torch.cat([h, ahead, static, *emb], dim=-1))  # (B, hidden + extra) -> (B, H[*Q])
        else:
            out = self.net(x)  # (B, H) or (B, H*Q)
        if self.n_params:
            out = out.reshape(B, self.horizon, self.n_params)  # (B, H, P) raw parameters
            if not self.residual:
                return out
            return torch.cat([out[..., :1] + base[..., None], out[..., 1:]], dim=-1)  # base joins the location
        if self.n_quantiles:
            out = out.reshape(B, self.horizon, self.n_quantiles)  # (B, H, Q)
            base = base[..., None]  # (B, H, 1)
        return out + base if self.residual else out


def embedding_size(n_categories: int) -> int:
    """Values in a categorical column's embedding: half its vocabulary, rounded up, at most 8."""
    return min(8, (n_categories + 1) // 2)


def masked_l1(pred: torch.Tensor, batch: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
    """Mean absolute error over observed targets, in normalised units (MASE with the "mase" scaler)."""
    y, y_mask = batch
    return ((pred - y).abs() * y_mask).sum() / y_mask.sum().clamp(min=1.0)


def masked_l2(pred: torch.Tensor, batch: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
    """Mean squared error over observed targets, in normalised units."""
    y, y_mask = batch
    return ((pred - y) ** 2 * y_mask).sum() / y_mask.sum().clamp(min=1.0)


def masked_pinball(pred: torch.Tensor, batch: tuple[torch.Tensor, torch.Tensor],
                   taus: Sequence[float]) -> torch.Tensor:
    """Pinball (quantile) loss averaged over the Q levels and the observed targets, in normalised units.

    For level τ and error u = y - q the loss is max(τ u, (τ - 1) u) (Koenker & Bassett 1978): its
    minimiser over q is the τ quantile of y. At τ = 0.5 it is half the absolute error.

    Parameters
    ----------
    pred : (B, H, Q) quantile forecasts.
    batch : y (B, H) targets and y_mask (B, H), 1 where observed (as for :func:`masked_l1`).
    taus : the Q levels, in the order of pred's last axis.
    """
    y, y_mask = batch
    tau = torch.as_tensor(list(taus), dtype=pred.dtype, device=pred.device)  # (Q,)
    u = y[..., None] - pred  # (B, H, 1) - (B, H, Q) -> (B, H, Q)
    loss = torch.maximum(tau * u, (tau - 1) * u).mean(dim=-1)  # (B, H), mean over levels
    return (loss * y_mask).sum() / y_mask.sum().clamp(min=1.0)


def masked_ape(pred: torch.Tensor, batch: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
    """Mean absolute percentage error (a fraction) of the observed targets, from normalised units: ``batch``
    is y (B, H) and w (B, H), each target's weight scale / |target| (0 where not observed), as
    :meth:`lstmlab.forecast.panel.Batch.percentage_weights` gives them."""
    y, w = batch
    return ((pred - y).abs() * w).sum() / (w > 0).sum().clamp(min=1)


LOSSES = {"mae": masked_l1, "mse": masked_l2, "mape": masked_ape}
QUANTILE_LOSS = "pinball"  # the loss of a quantile head: masked_pinball, with the forecaster's levels
NLL_LOSS = "nll"  # the loss of a distribution head: distributions.masked_nll
