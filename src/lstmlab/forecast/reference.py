"""The tutorial's forecasting method, re-implemented from its description, as a reference to beat.

The method: scale the series to [0, 1] with a min-max scaler, cut windows of 50 values -> the next
10, train on the first 80% of windows and test on the rest, with a 2-layer LSTM (64 units, dropout
0.2 between layers, a linear head on the last step), Adam at 1e-3, batches of 32, 50 epochs, MSE.
As written there, the scaler is fitted on the whole series before the split, so the test period
leaks into training (``leak=True``); ``leak=False`` fits it on the training part only.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from lstmlab.errors import LstmlabError
from lstmlab.forecast.windows import sliding_windows


@dataclass(frozen=True)
class SeedReferenceResult:
    """Test forecasts of the reference method, in original units."""

    y_pred: np.ndarray  # (N_test, H)
    y_true: np.ndarray  # (N_test, H)
    mae: float
    rmse: float
    fit_seconds: float
    leak: bool
    epochs: int


def seed_reference(y, input_size: int = 50, horizon: int = 10, train_fraction: float = 0.8, leak: bool = True,
                   epochs: int = 50, seed: int = 0) -> SeedReferenceResult:
    """Fit and test the tutorial's method on series ``y`` (T,).

    Parameters
    ----------
    leak : fit the min-max scaler on the whole series (as the tutorial does) or on training data only.
    epochs : training epochs (50 in the tutorial; fewer for a quick demo).
    seed : seeds initialisation, dropout and shuffling (global RNG untouched).
    """
    import torch

    from lstmlab.nn.model import SequenceModel

    y = np.asarray(y, dtype=np.float64)
    X, Y = sliding_windows(y, input_size, horizon)  # (N, L), (N, H) views
    split = int(train_fraction * len(X))
    if split < 1 or split >= len(X):
        raise LstmlabError(f"train_fraction={train_fraction} leaves no training or no test windows")
    fit_part = y if leak else y[:split + input_size + horizon - 1]  # points the training windows cover
    lo, hi = fit_part.min(), fit_part.max()
    if hi == lo:
        raise LstmlabError("series is constant: min-max scaling is undefined")
    Xs, Ys = (X - lo) / (hi - lo), (Y - lo) / (hi - lo)
    to_t = lambda a: torch.as_tensor(np.ascontiguousarray(a), dtype=torch.float32)  # noqa: E731
    x_tr, y_tr, x_te = to_t(Xs[:split]).unsqueeze(-1), to_t(Ys[:split]), to_t(Xs[split:]).unsqueeze(-1)
    t0 = time.perf_counter()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        gen = torch.Generator().manual_seed(seed)
        net = SequenceModel(1, 64, horizon, cell="lstm", num_layers=2, dropout=0.2, head="last")
        opt = torch.optim.Adam(net.parameters(), lr=1e-3)
        for _ in range(epochs):
            net.train()
            for idx in torch.randperm(split, generator=gen).split(32):
                loss = torch.nn.functional.mse_loss(net(x_tr[idx]), y_tr[idx])
                opt.zero_grad()
                loss.backward()
                opt.step()
    fit_seconds = time.perf_counter() - t0
    net.eval()
    with torch.no_grad():
        pred = net(x_te).double().numpy() * (hi - lo) + lo  # (N_test, H)
    true = np.asarray(Y[split:])
    err = pred - true
    return SeedReferenceResult(pred, true, float(np.abs(err).mean()), float(np.sqrt((err ** 2).mean())),
                               fit_seconds, leak, epochs)
