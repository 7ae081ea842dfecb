"""LSTMForecaster: a recurrent direct multi-horizon forecaster with honest defaults.

``LSTMForecaster(horizon=12, seasonal_period=12).fit(y).predict()`` works without tuning:

- windows of ``input_size`` values -> the next ``horizon`` values, made as strided views;
- the last ``val_fraction`` of each series' windows validate (early stopping and conformal
  intervals), separated from the training windows by ``horizon - 1`` windows so that no validation
  target is ever a training target;
- each window is normalised by its own mean and spread (RevIN-style) unless ``scaler="standard"``,
  where one mean and spread are fitted on the training part only;
- torch is imported on first use, and training is seeded and reproducible on CPU.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace

import numpy as np

from lstmlab.errors import LstmlabError
from lstmlab.forecast._base import BaseForecaster
from lstmlab.forecast.data import SeriesData, check_not_constant, seasonal_period_from_freq
from lstmlab.forecast.intervals import conformal_scores
from lstmlab.forecast.windows import split_windows

SCALERS = ("revin", "standard")


@dataclass(frozen=True)
class ResolvedConfig:
    """Every setting actually used by a fit, automatic choices filled in (stored as ``config_``)."""

    horizon: int
    seasonal_period: int
    input_size: int
    patch_len: int
    cell: str
    hidden_size: int
    num_layers: int
    dropout: float
    scaler: str
    loc: float
    scale: float
    epochs: int
    batch_size: int
    learning_rate: float
    val_fraction: float
    patience: int | None
    refit: str
    n_models: int
    seed: int


def auto_input_size(horizon: int, seasonal_period: int, length: int) -> int:
    """Default history length: a whole number of seasons covering at least two horizons and two
    seasons (e.g. 24 for monthly data with h=12, 100 for period 50 and h=10), shortened (down to
    one season) when the series is too short to give twice as many windows as inputs."""
    m = max(1, seasonal_period)
    want = max(2 * horizon, 2 * m, 8)
    L = m * math.ceil(want / m) if m > 1 else want
    while L > m and length - L - horizon + 1 < 2 * L:  # keep enough windows to learn from
        L -= m if m > 1 else 1
    return max(L, 2)


def auto_patch_len(input_size: int, max_steps: int = 24) -> int:
    """The smallest divisor p of ``input_size`` that keeps the recurrence at most ``max_steps`` long
    (1 for windows up to 24 values; 5 for 50). Chosen on our two benchmarks (docs/forecasting.md):
    patches of 5 on a 50-value window were 3x faster and more accurate than single values, while
    short windows read one value per step were clearly better than in patches."""
    return next(d for d in range(1, input_size + 1) if input_size % d == 0 and input_size // d <= max_steps)


class LSTMForecaster(BaseForecaster):
    """Recurrent forecaster (LSTM, GRU or RNN) predicting ``horizon`` steps at once.

    Parameters
    ----------
    horizon : steps ahead to forecast.
    seasonal_period : season length m (12 for monthly data); default: from the dates' frequency,
        else 1. Used for the automatic input_size and by MASE.
    input_size : history length L read per forecast; default :func:`auto_input_size`.
    cell : "lstm", "gru" or "rnn".
    hidden_size, num_layers, dropout : size of the recurrent stack (dropout between layers).
    patch_len : values read per recurrent step (must divide input_size); default
        :func:`auto_patch_len` (one value per step up to 24 steps, else the smallest patch that
        keeps the recurrence at most 24 steps long).
    scaler : "revin" (normalise each window by its own mean and spread: the default) or "standard"
        (one mean and spread fitted on the training part of the series).
    epochs : at most this many passes; default about 1000 optimiser steps (30 to 500 epochs).
    batch_size, learning_rate : Adam with a one-cycle schedule peaking at learning_rate.
    val_fraction : share of each series' windows kept for validation (early stopping, intervals).
    patience : epochs without validation improvement before stopping; default epochs // 4.
    refit : "full" (default): after the validation run, train a fresh network (same seed) on all
        windows, validation ones included, for ``epochs``; "best": for the number of epochs early
        stopping chose; False: keep the early-stopped network. The validation windows are the most
        recent data, which matters most for short series. Intervals are calibrated on the
        validation errors of the early-stopped networks either way.
    n_models : train this many networks (seeds seed, seed+1, ...) and average their forecasts.
    seed : seeds initialisation, dropout and shuffling (the global RNG is left untouched).
    progress : show a progress bar on stderr while training.

    Attributes
    ----------
    config_ : ResolvedConfig, every setting used. model_ : the torch module (an Ensemble of
    n_models ForecastNets). history_ : losses per epoch of the first validation run (histories_:
    all of them; refit_histories_: the refits). calibration_scores_ : (n_val, H) conformal
    scores. series_ : the fitted series.
    """

    def __init__(self, horizon: int = 1, seasonal_period: int | None = None, input_size: int | None = None,
                 cell: str = "lstm", hidden_size: int = 64, num_layers: int = 1, dropout: float = 0.0,
                 patch_len: int | None = None, scaler: str = "revin", epochs: int | None = None,
                 batch_size: int = 128, learning_rate: float = 5e-3, val_fraction: float = 0.2,
                 patience: int | None = None, refit: bool | str = "full", n_models: int = 1, seed: int = 0,
                 progress: bool = False) -> None:
        self.horizon, self.seasonal_period, self.input_size = horizon, seasonal_period, input_size
        self.cell, self.hidden_size, self.num_layers, self.dropout = cell, hidden_size, num_layers, dropout
        self.patch_len, self.scaler, self.epochs, self.batch_size = patch_len, scaler, epochs, batch_size
        self.learning_rate, self.val_fraction, self.patience = learning_rate, val_fraction, patience
        self.refit, self.n_models, self.seed, self.progress = refit, n_models, seed, progress

    @property
    def min_history(self) -> int:
        return self.config_.input_size if hasattr(self, "config_") else (self.input_size or 1)

    # ---- fitting ----
    def _resolve(self, series: list[SeriesData]) -> tuple[ResolvedConfig, list[tuple[int, slice, slice]]]:
        """Fill automatic settings and split each series' windows; returns (config, [(offset, train, val)])."""
        from lstmlab.nn.model import check_cell

        check_cell(self.cell)
        if self.scaler not in SCALERS:
            raise LstmlabError(f"unknown scaler {self.scaler!r}: expected one of {', '.join(SCALERS)}")
        if not 0 < self.val_fraction < 1:
            raise LstmlabError(f"val_fraction={self.val_fraction}: expected a share in (0, 1), e.g. 0.2")
        for name in ("hidden_size", "num_layers", "batch_size"):
            self._check_positive(getattr(self, name), name)
        H = self.horizon
        m = self.seasonal_period if self.seasonal_period is not None else seasonal_period_from_freq(series[0].freq)
        self._check_positive(m, "seasonal_period")
        shortest = min(len(s.values) for s in series)
        L = self.input_size if self.input_size is not None else auto_input_size(H, m, shortest)
        self._check_positive(L, "input_size")
        p = self.patch_len if self.patch_len is not None else auto_patch_len(L)
        self._check_positive(p, "patch_len")
        if L % p:
            raise LstmlabError(f"patch_len={p} does not divide input_size={L}: choose a divisor")
        splits, offset, n_train_total = [], 0, 0
        for s in series:
            n_win = len(s.values) - L - H + 1
            if n_win < 2 * H:
                raise LstmlabError(
                    f"series {s.uid!r} has {len(s.values)} points: too short for input_size={L} and "
                    f"horizon={H} (needs at least {L + 3 * H - 1} points to train and validate; use a "
                    "shorter horizon or input_size)")
            n_val = max(1, round(self.val_fraction * n_win))
            train, val, _ = split_windows(n_win, H, val=n_val)
            splits.append((offset, train, val))
            n_train_total += train.stop
            offset += len(s.values)
        loc, scale = 0.0, 1.0
        if self.scaler == "standard":  # fitted on training targets' span only: no look at validation
            part = np.concatenate([s.values[:sl.stop + L + H - 1] for s, (_, sl, _) in zip(series, splits)])
            loc, scale = float(part.mean()), float(part.std() or 1.0)
        refit = {True: "best", False: "none"}.get(self.refit, self.refit)
        if refit not in ("best", "full", "none"):
            raise LstmlabError(f"refit={self.refit!r}: expected True, False, 'best' or 'full'")
        steps = math.ceil(n_train_total / self.batch_size)
        epochs = self.epochs if self.epochs is not None else int(np.clip(math.ceil(1000 / steps), 30, 500))
        self._check_positive(epochs, "epochs")
        config = ResolvedConfig(H, int(m), int(L), int(p), self.cell, self.hidden_size, self.num_layers,
                                float(self.dropout), self.scaler, loc, scale, int(epochs), self.batch_size,
                                float(self.learning_rate), float(self.val_fraction), self.patience, refit,
                                self._check_positive(self.n_models, "n_models"), int(self.seed))
        return config, splits

    def _fit(self, series: list[SeriesData]) -> None:
        import torch

        from lstmlab.forecast.model import Ensemble, ForecastNet, normalized_mse
        from lstmlab.forecast.train import TrainConfig, train

        for s in series:
            check_not_constant(s)
        cfg, splits = self._resolve(series)
        L, H = cfg.input_size, cfg.horizon
        values = torch.as_tensor(np.concatenate([s.values for s in series]), dtype=torch.float32)  # (ΣT,)
        W = values.unfold(0, L + H, 1)  # (ΣT - L - H + 1, L + H): a view, no copy
        X, Y = W[:, :L], W[:, L:]  # views
        train_idx = torch.cat([torch.arange(o + sl.start, o + sl.stop) for o, sl, _ in splits])  # windows
        val_idx = torch.cat([torch.arange(o + sl.start, o + sl.stop) for o, _, sl in splits])  # never cross series
        all_idx = torch.cat([torch.arange(o, o + sl.stop) for o, _, sl in splits])  # every window

        def new_net(seed: int) -> ForecastNet:
            with torch.random.fork_rng(devices=[]):  # weights drawn from the seed; global RNG untouched
                torch.manual_seed(seed)
                return ForecastNet(L, H, cfg.cell, cfg.hidden_size, cfg.num_layers, cfg.dropout, cfg.patch_len,
                                   revin=cfg.scaler == "revin", loc=cfg.loc, scale=cfg.scale)

        self.config_, self.histories_, self.refit_histories_ = cfg, [], []
        checked, final = [], []
        for k in range(cfg.n_models):  # a seed ensemble: members differ only in their seed
            tcfg = TrainConfig(epochs=cfg.epochs, batch_size=cfg.batch_size, learning_rate=cfg.learning_rate,
                               patience=cfg.patience, seed=cfg.seed + k, progress=self.progress)
            net = new_net(cfg.seed + k)
            self.histories_.append(train(net, normalized_mse, X, Y, train_idx, val_idx, tcfg))
            checked.append(net)
            if cfg.refit != "none":
                epochs = self.histories_[-1].best_epoch + 1 if cfg.refit == "best" else cfg.epochs
                net = new_net(cfg.seed + k)
                self.refit_histories_.append(train(net, normalized_mse, X, Y, all_idx, None,
                                                   replace(tcfg, epochs=max(epochs, 1))))
            final.append(net)
        self.history_ = self.histories_[0]
        # Intervals from errors on windows the (early-stopped) networks never trained on.
        self.model_ = Ensemble(checked)
        Xv = X[val_idx].double().numpy()  # (n_val, L)
        self.calibration_scores_ = conformal_scores(Y[val_idx].double().numpy(), self._forecast(Xv),
                                                    self.interval_scale(Xv))  # (n_val, H)
        self.model_ = Ensemble(final)

    # ---- forecasting ----
    def _forecast(self, X: np.ndarray) -> np.ndarray:
        import torch

        x = torch.tensor(X[:, -self.config_.input_size:], dtype=torch.float32)  # (N, L), a copy
        with torch.no_grad():
            return self.model_(x).double().numpy()  # (N, H)

    def interval_scale(self, X: np.ndarray) -> np.ndarray | None:
        """With RevIN, the standard deviation of each history's last ``input_size`` values, (N, 1): the
        scale the network normalises by, so widths follow the series' level. With the standard
        scaler, None (absolute widths)."""
        self._check_fitted("config_")  # set by fit before the calibration uses this
        if self.config_.scaler != "revin":
            return None
        from lstmlab.forecast.model import EPS

        return np.sqrt(X[:, -self.config_.input_size:].var(axis=1, keepdims=True) + EPS)  # (N, 1)

    def get_config(self) -> dict:
        """The resolved settings as a plain dict (after fit)."""
        self._check_fitted()
        return asdict(self.config_)
