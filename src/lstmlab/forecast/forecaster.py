"""LSTMForecaster: one recurrent network for every series of a panel, direct multi-horizon.

``LSTMForecaster(horizon=12, seasonal_period=12).fit(y).predict()`` works without tuning, on one
series or on thousands (a long frame), of any lengths, flat ones included:

- training windows are (series, origin) pairs drawn afresh for every batch (uniform over series by
  default), gathered from one flat array: nothing is materialised (:mod:`lstmlab.forecast.panel`);
- for a panel, each window is normalised by its last value and the MASE scale of its history, and
  the loss is the mean absolute error in those units (the network is trained on MASE itself), with
  an ensemble of ``n_models`` networks alternating between two input lengths and between forecasting
  from scratch and correcting the seasonal naive forecast, combined by the median; for one series,
  by each window's mean and spread with an MSE loss, one network (:func:`auto_recipe`);
- a validation run of the whole ensemble (the last ``val_fraction`` of each series' windows, after a
  gap so that no validation target is a training target) checks its median forecast against seasonal
  naive on every validation window and calibrates the conformal intervals (on the last window of
  each series, in a panel of :data:`MIN_CALIBRATION` series or more); with ``fallback=True`` the forecast
  is the LSTM's, seasonal naive's, or for a trained panel or a pre-trained ensemble a weighted average of
  the LSTM with the optimised Theta method and (a trained panel) damped Holt-Winters and seasonal
  naive (:data:`THETA_WEIGHTS`, :data:`HOLT_WINTERS_WEIGHTS`, :data:`BLEND_WEIGHTS`), whichever did best
  there, and ``choice_``, ``blend_``, ``theta_`` and ``holt_winters_`` say which; the networks that ship
  then continue the validation run's on every window for half as many steps (``final_steps``);
- with ``quantiles`` each network forecasts those quantiles, trained with the pinball loss, and the
  validation run calibrates them by conformalized quantile regression
  (:meth:`LSTMForecaster.predict_quantiles`);
- with ``distribution`` ("student_t" or "negative_binomial") each network forecasts that family's
  parameters per step, trained by the negative log-likelihood (:mod:`lstmlab.forecast.distributions`);
  the validation run's forecasts calibrate its quantiles (CQR) and its PIT values join the steps of
  its sample paths;
- with ``past_covariates``, ``future_covariates`` and ``static_covariates`` (columns of the long
  frame) the network also reads them (:mod:`lstmlab.forecast.covariates`: past ones only before
  each window's origin), ``predict(future=...)`` takes the future ones for the horizon, and the fit
  always trains with the panel recipe;
- torch is imported on first use; training is seeded and reproducible on CPU.
"""

from __future__ import annotations

import inspect
import logging
import math
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from lstmlab.errors import LstmlabError
from lstmlab.forecast._base import BaseForecaster
from lstmlab.forecast.covariates import (CovariatePanel, CovariateScaling, CovariateSpec, read_ahead, read_history,
                                         with_categories)
from lstmlab.forecast.data import SeriesData, SeriesInput, seasonal_period_from_freq, to_output, to_series_list
from lstmlab.forecast.cqr import calibrated_levels, calibrated_pairs, cqr_margin, cqr_scores
from lstmlab.forecast.holt_winters import holt_winters_forecasts
from lstmlab.forecast.intervals import check_quantiles
from lstmlab.forecast.panel import SCALERS, Batch, Panel, recent, sample_windows, some_windows, split_origins
from lstmlab.forecast.paths import check_seed, copula_factor, copula_uniforms
from lstmlab.forecast.seasonality import adjusted, factors, panel_indices
from lstmlab.forecast.theta import theta_forecasts

log = logging.getLogger(__name__)

SAMPLES = ("series", "window")
# The settings that shape or train a network: left at their defaults, pretrained="auto" may use a
# pre-trained ensemble for a single series; set any of them and the fit trains, as asked.
NETWORK_SETTINGS = ("input_size", "cell", "hidden_size", "num_layers", "dropout", "patch_len", "scaler", "loss",
                    "steps", "batch_size", "learning_rate", "n_models", "sample", "quantiles",
                    "past_covariates", "future_covariates", "static_covariates", "calendar", "mixed_precision",
                    "distribution", "final_steps")
MIN_CALIBRATION = 100
"""A panel with at least this many series calibrates its intervals on the last validation window of each
series; a smaller one (or one series) on every validation window. On M1 and Tourism the last windows
brought the coverage nearer nominal in 9 of 12 group and level cells; on single long series the most
recent windows did not (docs/benchmarks.md, "Which windows calibrate")."""
BLEND_WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)
"""The weights of seasonal naive in a panel's point forecast that validation chooses among (0: the LSTM
alone; 1: seasonal naive, the fallback). Chosen on M1 and Tourism (docs/benchmarks.md, "Shrinking
towards seasonal naive"); one series (trained or pre-trained), a fit with a pre-trained ensemble and a
quantile or distribution head choose between 0 and 1 only: on single series, with their few windows, these
weights did worse, and the others were not measured (:data:`THETA_WEIGHTS` apply with a pre-trained
ensemble too)."""
THETA_WEIGHTS = (0.0, 0.25, 0.5)
"""The weights of the Theta method (:mod:`lstmlab.forecast.theta`) in the point forecast of a trained panel
or of a fit with a pre-trained ensemble, each with every weight of seasonal naive (:data:`BLEND_WEIGHTS`
for a trained panel, 0 or 1 with a pre-trained ensemble) that leaves the LSTM at least half (the three
add up to 1): a ¼ or ½ of Theta with none or ¼ of seasonal naive; validation chooses the pair. Theta
never forecasts alone nor outweighs the LSTM. Chosen on M1 and Tourism, as panels and as series fitted one at a time
(docs/benchmarks.md, "Averaging with the Theta method"). One series that trains its own networks does
not average (on AirPassengers its 19 validation windows chose half Theta, and the test year lost:
MAE 21.5 against 8.9), nor does a quantile or distribution head."""
HOLT_WINTERS_WEIGHTS = (0.0, 0.25, 0.5)
"""The weights of damped Holt-Winters (:mod:`lstmlab.forecast.holt_winters`) in the point forecast
of a trained panel, chosen with those of Theta and seasonal naive: together at most half (the LSTM keeps
at least half). Chosen on M1 and Tourism (docs/benchmarks.md, "Averaging with Holt-Winters"). A fit with a
pre-trained ensemble does not average with it: on one series at a time it did not help (the 100-series
sample 2.237 to 2.241, AirPassengers' rolling origins 18.6 to 24.9)."""
CHOICES = {0.0: "lstm", 1.0: "seasonal_naive"}  # a weight of seasonal naive -> choice_ ("blend" in between)
MAX_VALIDATION = 20_000  # validation windows scored at most (beyond that each series' last and a seeded sample)
CURVE_WINDOWS = 2_000  # validation windows behind each point of the training curve (display only)


def weights_allowed(blend: float, theta: float, holt_winters: float = 0.0) -> bool:
    """Whether a point forecast may have these weights of seasonal naive, Theta and Holt-Winters: none
    negative, and with Theta or Holt-Winters in it the LSTM keeps at least half (else the weights add up to
    at most 1)."""
    averaged = theta + holt_winters
    return min(blend, theta, holt_winters) >= 0 and blend + averaged <= (0.5 if averaged else 1.0)


def choice_of(blend: float, theta: float, holt_winters: float = 0.0) -> str:
    """What a point forecast with these weights of seasonal naive, Theta and Holt-Winters is: "lstm",
    "seasonal_naive" or "blend"."""
    return "blend" if theta or holt_winters else CHOICES.get(blend, "blend")


@dataclass(frozen=True)
class ResolvedConfig:
    """Every setting actually used by a fit, automatic choices filled in (stored as ``config_``).
    ``input_sizes``, ``patch_lens`` and ``residuals`` hold one entry per ensemble member;
    ``quantiles`` the levels of the quantile head (0.5 included), empty for a point forecaster;
    ``distribution`` the family of a distribution head (None without one).
    ``net_horizon`` is the number of steps the members forecast when it exceeds ``horizon`` (a
    pre-trained ensemble, whose forecasts are cut to ``horizon``; 0: ``horizon``), and ``pretrained``
    the file the members came from ("" when they were trained in this fit).
    ``past_covariates``, ``future_covariates``, ``static_covariates`` name the covariate columns (empty:
    none), ``calendar`` the calendar features, ``categories`` the vocabulary of each categorical static
    column ({column: [value, ...]}; None without), and ``covariate_scaling`` the means and spreads of
    the numeric ones (a :class:`~lstmlab.forecast.covariates.CovariateScaling` as a dict; None without
    covariates)."""

    horizon: int
    seasonal_period: int
    input_sizes: tuple
    patch_lens: tuple
    residuals: tuple
    cell: str
    hidden_size: int
    num_layers: int
    dropout: float
    scaler: str
    loss: str
    loc: float
    scale: float
    steps: int
    batch_size: int
    learning_rate: float
    val_fraction: float
    sample: str
    fallback: bool
    seed: int
    quantiles: tuple = ()
    net_horizon: int = 0
    pretrained: str = ""
    past_covariates: tuple = ()
    future_covariates: tuple = ()
    static_covariates: tuple = ()
    covariate_scaling: dict | None = None
    calendar: tuple = ()
    mixed_precision: bool = False
    categories: dict | None = None  # {column: [value, ...]}, the vocabulary of each categorical static column
    distribution: str | None = None
    seasonal: bool = False  # the networks read series divided by their multiplicative seasonal indices
    final_steps: int = 0  # 0: the final members trained from fresh weights for `steps`; n: the validation run's, n more

    @property
    def family(self):
        """The distribution head's family (:mod:`lstmlab.forecast.distributions`), or None."""
        from lstmlab.forecast.distributions import family

        return None if self.distribution is None else family(self.distribution)

    @property
    def covariates(self) -> CovariateSpec:
        """The covariate columns, by kind."""
        return CovariateSpec(self.past_covariates, self.future_covariates, self.static_covariates, self.calendar,
                             tuple((c, tuple(v)) for c, v in (self.categories or {}).items()))

    def net_kwargs(self) -> dict:
        """The covariate widths every member's ForecastNet is built with (empty without covariates)."""
        c = self.covariates
        sizes = tuple(len(v) for _, v in c.categories)
        out = {"n_step": c.n_step, "n_ahead": c.n_future, "n_static": len(c.numeric_static),
               "n_categories": sizes} if c else {}
        return out | ({"n_params": self.family.n_params} if self.distribution else {})

    @property
    def member_horizon(self) -> int:
        """The steps each member forecasts (at least ``horizon``)."""
        return max(self.net_horizon, self.horizon)

    @property
    def input_size(self) -> int:
        """The longest history any member reads."""
        return max(self.input_sizes)

    @classmethod
    def from_dict(cls, d: dict) -> "ResolvedConfig":
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in d.items()})


def auto_input_size(horizon: int, seasonal_period: int) -> int:
    """Default history length: a whole number of seasons covering at least two horizons and two
    seasons, and at least 8 values (24 for monthly data with h=12). Without a season (m = 1) also up to
    four horizons, as long as that is at most 24 values (24 for yearly data with h=6, 16 with h=4, 24 with
    h=12): on M1 yearly and Tourism yearly, panel fits with four horizons scored MASE 3.257 and 2.661
    against 3.340 and 2.698 with two (median of 3 seeds), while on BJsales (h=12) 48 values made every
    fit fall back to naive, with and without its covariate (docs/benchmarks.md). Short series are
    padded, so the length does not depend on theirs."""
    m = max(1, seasonal_period)
    want = max(2 * horizon, 2 * m, 8) if m > 1 else max(2 * horizon, min(4 * horizon, 24), 8)
    return m * math.ceil(want / m)


def short_input_size(long: int, seasonal_period: int) -> int:
    """The second members' history: half of ``long``, rounded up to a whole season (at least one)."""
    m = max(1, seasonal_period)
    return max(m, m * math.ceil(long / 2 / m), 2)


def auto_patch_len(input_size: int, max_steps: int = 24) -> int:
    """The smallest divisor p of ``input_size`` that keeps the recurrence at most ``max_steps`` long
    (1 for windows up to 24 values; 3 for 36; 5 for 50): shorter recurrences train faster."""
    return next(d for d in range(1, input_size + 1) if input_size % d == 0 and input_size // d <= max_steps)


def auto_steps(n_windows: int, batch_size: int) -> int:
    """Optimiser steps per network: about 30 passes over the training windows, at least 500 and at
    most 800 (the upper end chosen on M1 and Tourism, the lower on AirPassengers: 200 steps gave MAE
    26, 500 gave 14.6; docs/forecasting.md)."""
    return int(np.clip(math.ceil(30 * n_windows / batch_size), 500, 800))


def auto_recipe(n_series: int, covariates: bool = False) -> dict:
    """The defaults that depend on the data: one series ("local": per-window RevIN scaling, MSE loss,
    one network, learning rate 5e-3, as chosen on AirPassengers and the seed task; batches of at most
    96 windows, for speed: docs/benchmarks.md, "One series, faster") or a panel of
    several ("global": each window's history MASE scale, MAE loss, an ensemble of 4, learning rate
    3e-3, as chosen on M1 and Tourism). Measured on AirPassengers: the global recipe gives MAE 34-37,
    the local one 14.0-15.1 (3 seeds); on M1 quarterly RevIN gives MASE 1.83, the history scale 1.73.
    History against series scale ("mase"), one seed: M1 yearly 3.33 / 3.69, quarterly 1.73 / 1.71,
    monthly 1.13 / 1.13, Tourism yearly 2.71 / 2.70, quarterly 1.49 / 1.70 (the series scale lost to
    seasonal naive on validation there; docs/benchmarks.md). With ``covariates``, the panel recipe
    always (not measured against the local one)."""
    if n_series == 1 and not covariates:
        return {"scaler": "revin", "loss": "mse", "n_models": 1, "learning_rate": 5e-3, "batch_size": 96}
    return {"scaler": "history", "loss": "mae", "n_models": 4, "learning_rate": 3e-3, "batch_size": 256}


class LSTMForecaster(BaseForecaster):
    """Recurrent forecaster (LSTM, GRU or RNN) predicting ``horizon`` steps at once, for one or many series.

    Parameters
    ----------
    horizon : steps ahead to forecast.
    seasonal_period : season length m (12 for monthly data); default: from the dates' frequency,
        else 1. Sets the MASE scale, the seasonal naive base and the automatic input sizes.
    input_size : history length L read per forecast (every member); default: members alternate
        between :func:`auto_input_size` and :func:`short_input_size`. Shorter histories are padded.
    cell : "lstm", "gru" or "rnn".
    hidden_size, num_layers, dropout : size of the recurrent stack (dropout between layers).
    patch_len : history values read per recurrent step (must divide input_size); default
        :func:`auto_patch_len`.
    scaler : "history" (each window by its last value and its history's MASE scale), "mase" (by its
        last value and its series' MASE scale), "revin" (by its own mean and spread) or "standard"
        (one mean and spread fitted on the training part of every series). Default
        :func:`auto_recipe` (revin for one series, history for a panel). On Tourism "mase" scores a lower
        MAPE than "history" (19.09 against 19.49) at a higher MASE, and a higher MASE on M1
        (docs/forecasting.md): a setting for data judged on percentage errors.
    loss : "mae" (mean absolute error in normalised units: MASE itself with the "mase" scaler),
        "mse", or "mape" (the absolute error over the target's size: the mean absolute percentage
        error, for positive data). Default: :func:`auto_recipe` (mse for one series, mae for a panel).
    steps : optimiser steps of each network of the validation run (and of the final ones with
        ``final_steps=0``); default :func:`auto_steps`.
    batch_size : windows per step, at most the number of training windows; default :func:`auto_recipe`
        (96 for one series, 256 for a panel).
    learning_rate : peak of Adam's one-cycle schedule; default :func:`auto_recipe`.
    val_fraction : share of each series' windows kept for the validation run.
    n_models : ensemble size; members alternate input length (when input_size is automatic) and
        residual (plain, then correcting seasonal naive); their median is the forecast. Default
        :func:`auto_recipe` (1 for one series, 4 for a panel).
    sample : "series" (every series weighs the same: the default) or "window" (long series weigh more).
    fallback : forecast whichever did best on validation of the LSTM, seasonal naive and, for a trained
        panel or a pre-trained ensemble, the LSTM's averages with a quarter or a half of the optimised
        Theta method (:data:`THETA_WEIGHTS`), and for a trained panel also with a quarter or a half of
        damped Holt-Winters, or a quarter of each (:data:`HOLT_WINTERS_WEIGHTS`), and with a
        quarter, a half or three quarters of seasonal naive (:data:`BLEND_WEIGHTS`). False: the LSTM alone.
    seed : seeds initialisation, dropout and sampling (the global RNG is left untouched).
    device : "auto" (CUDA, else MPS, else CPU), "cpu", "cuda" or "mps": where the networks train and
        forecast; forecasts come back to the CPU. Reproducible on the CPU.
    mixed_precision : train in float16 autocast with a gradient scaler (CUDA only: an error on other
        devices); weights stay float32. Default False.
    progress : show a progress bar on stderr while training.
    quantiles : levels of a quantile head, e.g. [0.1, 0.5, 0.9]: increasing, in (0, 1), in symmetric
        pairs (τ, 1 - τ); 0.5 is added if missing and its quantile is the point forecast. Each network
        then outputs H x Q values trained with the pinball loss (``loss`` must be None or "pinball"),
        calibrated by conformalized quantile regression: see :meth:`predict_quantiles`. Default None:
        a point forecaster.
    pretrained : where a network for series too short to teach one comes from. "auto" (the default):
        a single series whose seasonal period has a pre-trained ensemble shipped with lstmlab (1, 4
        and 12: trained on the training parts of M1 and Tourism, :mod:`lstmlab.forecast.pretrained`)
        for at least ``horizon`` steps is forecast by that ensemble, unchanged, when the network's
        settings are left at their defaults; anything else trains as before. "shipped" or a folder of
        one's own pre-trained files: always use them (an error if none fits ``seasonal_period`` and
        ``horizon``), for one series or many. None: always train. With a pre-trained ensemble the
        whole history is out of sample, so every window of it with all ``horizon`` targets (not
        only the last ``val_fraction``) scores it against seasonal naive (the fallback) and
        calibrates the intervals.
    past_covariates, future_covariates, static_covariates : names of columns of the long frame given
        to ``fit``: past ones (numeric) are read only up to each window's origin; future ones (numeric)
        for the history and the horizon (``predict(future=...)`` gives them); static ones are constant
        per series (numeric ones standardised; any other, strings or a pandas category, categorical:
        read through an embedding of the values ``fit`` saw). Default None: none. With any of them
        the fit trains (never a pre-trained ensemble) with the panel recipe (:func:`auto_recipe`),
        even for one series.
    calendar : calendar features made from the dates, e.g. ["month"] or ["dayofweek", "hour"] (see
        :data:`lstmlab.forecast.calendar.FEATURES`): each a sine and cosine pair, read as future-known
        covariates (the horizon's dates are known, so ``future`` is not needed for them). Default None.
    seasonal_adjust : divide each series by its multiplicative seasonal indices, estimated on its whole
        history (classical decomposition with a 90 % seasonality test; :mod:`lstmlab.forecast.seasonality`:
        all 1 for a series that is not seasonal, not positive or shorter than three seasons), train and
        forecast the adjusted values, and multiply the forecasts back. The validation run estimates them
        on each history before its validation windows. Default None: on for a panel (several series)
        with a season (m > 1) and no distribution head, off otherwise (chosen on M1 and Tourism:
        docs/benchmarks.md, "Seasonal adjustment").
    distribution : a distribution head: "student_t" (in each window's normalised units, for any real
        values) or "negative_binomial" (in the series' units, for counts: every value of the fitted
        series must be a non-negative whole number). Each network outputs the family's parameters per
        step, trained by the negative log-likelihood (``loss`` must be None or "nll"); the ensemble's
        distribution has each parameter the members' median. The point forecast is its median;
        ``predict(quantiles=...)``, ``predict_quantiles`` and ``predict(level=...)`` give its quantiles
        at any levels, conformally calibrated on the validation run (see :meth:`predict_quantiles`);
        :meth:`sample_paths` draws joint paths. Not with ``quantiles`` (the head gives every
        quantile). Default None: a point forecaster (or the quantile head).
    final_steps : how the networks that ship are trained after the validation run. n > 0: each
        continues from its validation-run network's weights for n more steps on every window (its
        one-cycle schedule run again), the validation windows now among them; 0: each starts from fresh
        weights and trains ``steps`` steps on every window (the rule before). Default None: half of
        ``steps``: a quarter less training than from fresh weights, and on AirPassengers (9 seeds) MAE
        median 12.4 against 15.1, on M1 and Tourism (3 seeds) a mean MASE as good or better in every
        group (docs/benchmarks.md, "One series, faster" and "Continuing the validation run").

    Attributes
    ----------
    config_ : ResolvedConfig, every setting used. model_ : the torch ModuleList of members.
    choice_ : "lstm", "seasonal_naive" (the fallback) or "blend". blend_ : the weight of seasonal naive
    in the point forecast (0: the LSTM alone, 1: seasonal naive); theta_ : that of the optimised Theta
    method (:mod:`lstmlab.forecast.theta`); holt_winters_ : that of damped Holt-Winters
    (:mod:`lstmlab.forecast.holt_winters`); the LSTM has the rest. validation_ : the number of validation
    windows, the weights chosen ("blend", "theta_weight", "holt_winters_weight") and the mean absolute
    errors on them of the LSTM, of seasonal naive (and of Theta, "theta", and Holt-Winters,
    "holt_winters") and of the average chosen ("chosen"), in normalised
    units (MASE with the "history" and "mase" scalers; with ``loss="mape"`` their mean absolute
    percentage errors, as fractions). history_ : the validation run's TrainResult
    (None without validation windows). calibration_scores_ : (n_cal, H) conformal scores of the
    forecast that ships on the validation windows that calibrate (:data:`MIN_CALIBRATION`).
    signed_errors_ : (n_cal, H) the same errors with their signs, (y - ŷ) / scale,
    behind the sample paths (None in models saved before format 7). cqr_scores_ : (P, n_cal, H) CQR
    scores of the P quantile pairs, outermost first (None without ``quantiles``). pit_ : (n_cal, H) the
    same windows' PIT values under the distribution head, and dist_validation_ : its validation
    forecasts, ``{"params": (n_cal, H, P), "y": (n_cal, H), "scale": (n_cal,)}`` (each None without
    one). series_ : the fitted series. covariates_ : their covariates, one
    :class:`~lstmlab.forecast.covariates.SeriesCovariates` each (None without covariates).
    """

    def __init__(self, horizon: int = 1, seasonal_period: int | None = None, input_size: int | None = None,
                 cell: str = "lstm", hidden_size: int = 64, num_layers: int = 1, dropout: float = 0.0,
                 patch_len: int | None = None, scaler: str | None = None, loss: str | None = None,
                 steps: int | None = None, batch_size: int | None = None, learning_rate: float | None = None,
                 val_fraction: float = 0.2, n_models: int | None = None, sample: str = "series",
                 fallback: bool = True, seed: int = 0, device: str = "auto",
                 progress: bool = False, quantiles: Sequence[float] | None = None,
                 pretrained: str | None = "auto", past_covariates: Sequence[str] | None = None,
                 future_covariates: Sequence[str] | None = None,
                 static_covariates: Sequence[str] | None = None, calendar: Sequence[str] | None = None,
                 mixed_precision: bool = False, distribution: str | None = None,
                 seasonal_adjust: bool | None = None, final_steps: int | None = None) -> None:
        self.horizon, self.seasonal_period, self.input_size = horizon, seasonal_period, input_size
        self.cell, self.hidden_size, self.num_layers, self.dropout = cell, hidden_size, num_layers, dropout
        self.patch_len, self.scaler, self.steps, self.batch_size = patch_len, scaler, steps, batch_size
        self.loss = loss
        self.learning_rate, self.val_fraction, self.n_models = learning_rate, val_fraction, n_models
        self.sample, self.fallback, self.seed, self.progress = sample, fallback, seed, progress
        self.device, self.quantiles, self.pretrained = device, quantiles, pretrained
        self.past_covariates, self.future_covariates = past_covariates, future_covariates
        self.static_covariates, self.calendar = static_covariates, calendar
        self.mixed_precision = mixed_precision
        self.distribution = distribution
        self.seasonal_adjust = seasonal_adjust
        self.final_steps = final_steps

    @property
    def choice_(self) -> str:
        """What the point forecast is, from ``blend_``, ``theta_`` and ``holt_winters_``: "lstm",
        "seasonal_naive" or "blend"."""
        return choice_of(self.blend_, self.theta_, self.holt_winters_)

    @property
    def min_history(self) -> int:
        return 1  # shorter histories than input_size are padded and masked

    # ---- fitting ----
    def _resolve(self, series: list[SeriesData]) -> ResolvedConfig:
        """Check the parameters and fill the automatic settings."""
        from lstmlab.forecast.distributions import family
        from lstmlab.forecast.model import LOSSES, NLL_LOSS, QUANTILE_LOSS
        from lstmlab.glassbox.networks import check_cell
        from lstmlab.nn.train import resolve_device

        check_cell(self.cell)
        device = resolve_device(self.device)
        if self.mixed_precision not in (True, False):
            raise LstmlabError(f"mixed_precision={self.mixed_precision!r}: expected True or False")
        if self.mixed_precision and device.type != "cuda":
            raise LstmlabError(f"mixed_precision=True needs a CUDA device (device={self.device!r} resolves to "
                               f"{device.type!r}): leave it off on a CPU")

        spec = self._spec()
        auto = auto_recipe(len(series), bool(spec))
        scaler, loss, n_models, lr, batch_size = (auto[k] if getattr(self, k) is None else getattr(self, k)
                                                  for k in ("scaler", "loss", "n_models", "learning_rate", "batch_size"))
        final_steps = self.final_steps  # None: half of steps, once steps is known (in _fit)
        if scaler not in SCALERS:
            raise LstmlabError(f"unknown scaler {scaler!r}: expected one of {', '.join(SCALERS)}")
        taus = () if self.quantiles is None else _quantile_levels(self.quantiles)
        if self.distribution is not None:
            family(self.distribution)  # a known name
            if taus:
                raise LstmlabError(f"quantiles={list(self.quantiles)} with distribution={self.distribution!r}: a "
                                   "distribution head gives any quantile after fit (predict(quantiles=...)); "
                                   "set one of them, not both")
            if self.loss not in (None, NLL_LOSS):
                raise LstmlabError(f"loss={self.loss!r} with distribution={self.distribution!r}: a distribution "
                                   f"head is trained with loss={NLL_LOSS!r}, its negative log-likelihood (or "
                                   "leave loss=None)")
            loss = NLL_LOSS
        elif taus and self.loss not in (None, QUANTILE_LOSS):
            raise LstmlabError(f"loss={self.loss!r} with quantiles: a quantile head is trained with "
                               f"loss={QUANTILE_LOSS!r} (or leave loss=None)")
        if not taus and self.distribution is None and loss not in LOSSES:
            raise LstmlabError(f"loss={loss!r}: expected one of {', '.join(LOSSES)}"
                               + (" (pinball needs quantiles=[...])" if loss == QUANTILE_LOSS else "")
                               + (" (nll needs distribution='student_t' or 'negative_binomial')"
                                  if loss == NLL_LOSS else ""))
        loss = QUANTILE_LOSS if taus else loss
        if self.sample not in SAMPLES:
            raise LstmlabError(f"sample={self.sample!r}: expected one of {', '.join(SAMPLES)}")
        for name in ("dropout", "val_fraction"):
            if isinstance(getattr(self, name), bool) or not isinstance(getattr(self, name), (int, float)):
                raise LstmlabError(f"{name}={getattr(self, name)!r}: expected a number")
        if not 0 < self.val_fraction < 1:
            raise LstmlabError(f"val_fraction={self.val_fraction}: expected a share in (0, 1), e.g. 0.2")
        if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not lr > 0:
            raise LstmlabError(f"learning_rate={lr!r}: expected a positive number, e.g. 0.003")
        check_seed(self.seed)
        if not 0 <= self.dropout < 1:
            raise LstmlabError(f"dropout={self.dropout}: expected a probability in [0, 1)")
        for name, value in (("hidden_size", self.hidden_size), ("num_layers", self.num_layers),
                            ("batch_size", batch_size)):
            self._check_positive(value, name)
        if final_steps is not None:
            if isinstance(final_steps, bool) or not isinstance(final_steps, (int, np.integer)) or final_steps < 0:
                raise LstmlabError(f"final_steps={final_steps!r}: expected a whole number >= 0 (0: the final networks "
                                   "trained from fresh weights) or None (automatic)")
            final_steps = int(final_steps)
        H, K = self.horizon, self._check_positive(n_models, "n_models")
        m = self.seasonal_period if self.seasonal_period is not None else seasonal_period_from_freq(series[0].freq)
        self._check_positive(m, "seasonal_period")
        if self.input_size is not None:
            lengths = (self._check_positive(self.input_size, "input_size"),) * K
        else:
            long = auto_input_size(H, m)
            lengths = tuple(long if (k // 2) % 2 == 0 else short_input_size(long, m) for k in range(K))
        if self.patch_len is not None:
            p = self._check_positive(self.patch_len, "patch_len")
            bad = [L for L in lengths if L % p]
            if bad:
                raise LstmlabError(f"patch_len={p} does not divide input_size={bad[0]}: choose a divisor")
            patches = (p,) * K
        else:
            patches = tuple(auto_patch_len(L) for L in lengths)
        residuals = tuple(k % 2 == 1 for k in range(K))
        if self.steps is not None:
            self._check_positive(self.steps, "steps")
        seasonal = self.seasonal_adjust
        if seasonal not in (None, True, False):
            raise LstmlabError(f"seasonal_adjust={seasonal!r}: expected True, False or None (automatic)")
        if seasonal is None:
            seasonal = len(series) > 1 and m > 1 and self.distribution is None
        if seasonal and self.distribution is not None:
            raise LstmlabError(f"seasonal_adjust=True with distribution={self.distribution!r}: a distribution head "
                               "forecasts the series as it is (leave seasonal_adjust=None)")
        return ResolvedConfig(H, int(m), lengths, patches, residuals, self.cell, self.hidden_size, self.num_layers,
                              float(self.dropout), scaler, loss, 0.0, 1.0, self.steps or 0, batch_size,
                              float(lr), float(self.val_fraction), self.sample, bool(self.fallback),
                              int(self.seed), taus, past_covariates=spec.past,
                              future_covariates=spec.future, static_covariates=spec.static,
                              calendar=spec.calendar, categories=getattr(self, "_fit_categories", None),
                              mixed_precision=bool(self.mixed_precision), distribution=self.distribution,
                              seasonal=bool(seasonal), final_steps=final_steps)

    def _spec(self) -> CovariateSpec:
        return CovariateSpec.from_params(self.past_covariates, self.future_covariates, self.static_covariates,
                                         self.calendar)

    # ---- covariates ----
    def fit(self, y: SeriesInput) -> "LSTMForecaster":
        """Fit on a 1-D array (T,), a pandas Series (T,), or a long DataFrame (``unique_id, ds, y``, plus
        the covariate columns when the forecaster reads any). Returns self. Bad covariates raise before
        anything fitted before is touched."""
        spec = with_categories(y, self._spec())
        self._check_positive(self.horizon, "horizon")
        series, kind = to_series_list(y)  # validated once, for the covariates and the fit
        self._fit_covariates = read_history(y, series, spec) if spec else None  # (read by _fit)
        self._fit_categories = {c: list(v) for c, v in spec.categories} or None
        try:
            return self._fit_series(series, kind)
        finally:
            del self._fit_covariates, self._fit_categories

    def predict(self, horizon: int | None = None, y: SeriesInput | None = None, level: float | None = None,
                quantiles: Sequence[float] | None = None, future: pd.DataFrame | None = None):
        """Forecast as :meth:`BaseForecaster.predict` does; with future covariates, ``future`` is a DataFrame
        with ``unique_id, ds`` and those columns for at least the next ``horizon`` steps of each series
        (a step the network reads beyond those repeats the last one given). With ``y``, its
        covariate columns give the new histories' covariates."""
        with self._covariates_for(horizon, y, future), self._one_ensemble_run():
            return super().predict(horizon, y, level, quantiles)

    @contextmanager
    def _one_ensemble_run(self) -> Iterator[None]:
        """Within one predict call the point, the band and the quantiles all read the ensemble's forecast of
        the same histories: :meth:`_ensemble` runs the members once and keeps its forecast here for the others."""
        self._ensemble_kept = []  # [histories, forecast, seasonal indices or None] after the first run
        try:
            yield
        finally:
            del self._ensemble_kept

    @contextmanager
    def _covariates_for(self, horizon: int | None, y, future) -> Iterator[None]:
        """Read (and check) the covariates of a predict call before anything is computed; the forecasting
        methods find them in ``_covariates_now``."""
        self._check_fitted()
        spec = self.config_.covariates
        if not spec:
            if future is not None:
                raise LstmlabError("future= was given, but this model was fitted without covariates")
            yield
            return
        H = self.config_.horizon
        h = H if horizon is None else self._check_positive(horizon, "horizon", H)
        if y is None:
            series, covs = self.series_, self.covariates_
        else:
            series = to_series_list(y)[0]
            covs = read_history(y, series, spec)
        ahead = read_ahead(future, series, spec, H, h)  # (H, Cf) each
        self._covariates_now = [c.with_ahead(a) for c, a in zip(covs, ahead)]
        try:
            yield
        finally:
            del self._covariates_now

    def _covariate_panel(self, panel: Panel) -> CovariatePanel | None:
        """The covariates of the series being forecast (set by :meth:`_covariates_for`), aligned with ``panel``."""
        spec = self.config_.covariates
        if not spec:
            return None
        covs = getattr(self, "_covariates_now", None)
        if covs is None:
            raise LstmlabError(f"this model reads covariates ({', '.join(spec.columns + spec.calendar)}): "
                               "forecast with predict(future=...) or predict_quantiles(future=...)")
        scaling = CovariateScaling.from_dict(self.config_.covariate_scaling)
        return CovariatePanel(covs, spec, scaling, panel.starts, panel.lengths)

    def _fit(self, series: list[SeriesData]) -> None:
        import torch

        from lstmlab.forecast.distributions import check_counts, masked_nll
        from lstmlab.forecast.model import LOSSES, ForecastNet, masked_pinball
        from lstmlab.nn.train import TrainConfig, fit, resolve_device

        cfg = self._resolve(series)
        fam = cfg.family
        if fam is not None and fam.units == "counts":
            check_counts(series)
        self.pit_ = self.dist_validation_ = None
        self.__dict__.pop("_margins", None)  # CQR margins of the last fit's head, by level
        spec = cfg.covariates
        covs = self.covariates_ = self._fit_covariates
        pre = self._pretrained_for(len(series), cfg)
        if pre is not None:
            self._fit_pretrained(series, cfg, pre)
            return
        H, m = cfg.horizon, cfg.seasonal_period
        lengths = np.array([len(s.values) for s in series])
        origins = _origins(lengths, H, m, cfg.val_fraction)
        n_train = origins.n_train
        if n_train == 0:
            raise LstmlabError(f"no series is long enough to train on: the longest has {lengths.max()} points, "
                               f"horizon={H} needs at least {H + 1}")
        arrays = [s.values for s in series]
        # With seasonal adjustment the panels divide each value by its series' indices as they gather it (no
        # adjusted copy of the values): the validation run's indices from before validation, the final fit's
        # from each whole history.
        val_indices = panel_indices(arrays, m, origins.val_lo) if cfg.seasonal else None
        loc = scale = None
        if cfg.scaler == "standard":  # one mean and spread of the training targets' span only
            # the training targets' span, adjusted by indices from before validation (no validation value read)
            part = [a[:max(int(hi) + H - 1, 1)] for a, hi in zip(arrays, origins.train_hi)]
            part = np.concatenate(adjusted(part, val_indices) if cfg.seasonal else part)
            loc, scale = float(part.mean()), float(part.std() or 1.0)
        as_they_are = Panel(arrays, m, cfg.scaler, loc or 0.0, scale or 1.0)  # every panel below shares its values
        panel = as_they_are.with_indices(panel_indices(arrays, m)) if cfg.seasonal else as_they_are  # the final fit's
        # The validation run's windows, scales from before validation; its forecasts are scored (and calibrate
        # the intervals) in the series' own units: with seasonal adjustment, on the panel of the series as they are.
        scored_panel = as_they_are.with_scale_end(origins.val_lo)
        val_panel = scored_panel.with_indices(val_indices) if cfg.seasonal else scored_panel  # the same scale_end
        batch_size = min(cfg.batch_size, n_train)
        steps = cfg.steps or auto_steps(n_train, batch_size)
        # The validation windows (thousands of long series: a seeded sample, not every window); without any,
        # there is no validation run to continue and the final members start from fresh weights.
        vs, vt = some_windows(origins.val_lo, origins.hi, MAX_VALIDATION, [cfg.seed, 2])
        final_steps = 0 if not len(vs) else max(1, steps // 2) if cfg.final_steps is None else cfg.final_steps
        cov = scaling = None
        if spec:  # standardised by the training part of every series, as the "standard" scaler is
            scaling = CovariateScaling.fit(covs, np.maximum(origins.train_hi + H - 1, 1))
            cov = CovariatePanel(covs, spec, scaling, val_panel.starts, val_panel.lengths)
        self.config_ = cfg = ResolvedConfig.from_dict(
            asdict(cfg) | {"loc": loc or 0.0, "scale": scale or 1.0, "steps": steps, "batch_size": batch_size,
                           "final_steps": final_steps,
                           "covariate_scaling": scaling.to_dict() if scaling else None})

        device = resolve_device(self.device)
        # torch.manual_seed reseeds every device: fork the RNG of the one we train on, so the global
        # generators are left as they were.
        fork = dict(devices=[] if device.type == "cpu" else [device.index or 0], device_type=device.type)

        def seed_of(k: int) -> int:
            # Member k of seed s uses s + 1000 k: distinct from every other seed's members for seeds
            # below 1000, and member 0 uses s itself. (Seeds drawn with np.random.SeedSequence instead
            # gave AirPassengers MAE 19-30 over 3 seeds, against 12.8-14.4 with these: the one-series
            # recipe is that sensitive to the initial weights; see docs/forecasting.md, Limitations.)
            return cfg.seed + 1000 * k

        def net(k: int) -> ForecastNet:
            with torch.random.fork_rng(**fork):  # weights drawn from the seed; global RNG untouched
                torch.manual_seed(seed_of(k))
                return ForecastNet(cfg.input_sizes[k], H, cfg.cell, cfg.hidden_size, cfg.num_layers, cfg.dropout,
                                   cfg.patch_lens[k], cfg.residuals[k], len(cfg.quantiles), **cfg.net_kwargs())

        if cfg.quantiles:
            criterion = lambda pred, batch: masked_pinball(pred, batch, cfg.quantiles)  # noqa: E731
        elif fam is not None:
            criterion = lambda raw, batch: masked_nll(fam, raw, batch)  # noqa: E731
        else:
            criterion = LOSSES[cfg.loss]

        def inputs(b: Batch, sidx: np.ndarray, t: np.ndarray, L: int) -> tuple:
            x = self._net_inputs(b, cov.gather(sidx, t, L, H) if cov is not None else ())
            if fam is not None:
                y, ctx = fam.targets(b)  # (B, H) in the head's units, (B,)
                return x, (y, b.y_mask, ctx)
            return x, (b.y, b.percentage_weights() if cfg.loss == "mape" else b.y_mask)

        def train(k: int, panel: Panel, hi: np.ndarray, val: Batch | None, start: ForecastNet | None = None):
            """Member k trained on the windows of ``panel`` before ``hi``: from fresh weights for ``steps``
            steps, or from a copy of ``start``'s weights for ``final_steps`` (a new module: the validation
            network is left as its run ended)."""
            L, rng = cfg.input_sizes[k], np.random.default_rng([cfg.seed, k, 0 if val is None else 1])
            n_steps = steps if start is None else cfg.final_steps

            def sampler(size: int):
                sidx, t = sample_windows(origins.lo, hi, size, rng, cfg.sample)
                return inputs(panel.batch(sidx, t, L, H), sidx, t, L)

            # The validation run records 20 points of its curve but keeps its last weights, like the
            # ensemble: picking a checkpoint on the windows its errors are then reported and calibrated
            # on would make both optimistic.
            evals = 20 if val is not None else 1
            tc = TrainConfig(learning_rate=cfg.learning_rate, batch_size=batch_size, max_epochs=evals,
                             steps_per_epoch=max(1, n_steps // evals), patience=evals, schedule="onecycle",
                             device=self.device, keep_best=False, mixed_precision=cfg.mixed_precision)
            model = net(k)
            if start is not None:
                model.load_state_dict(start.state_dict())
            with torch.random.fork_rng(**fork):  # dropout draws from the seed; global RNG untouched
                torch.manual_seed(seed_of(k))
                result = fit(model, criterion, lambda p, y: float("nan"), sampler,
                             None if val is None else _thin(inputs(val, vs, vt, L), CURVE_WINDOWS), tc,
                             torch.Generator().manual_seed(seed_of(k)),
                             progress=self.progress)
            return model, result

        # 1. Validation run: the whole ensemble, trained before each series' validation windows, so that
        #    the errors that choose among the LSTM, seasonal naive and their averages (and calibrate the
        #    intervals) are those of the median forecast that ships, not of one member.
        self.validation_, self.blend_, self.theta_, self.holt_winters_ = {"windows": int(len(vs))}, 0.0, 0.0, 0.0
        keep = recent(origins.hi[vs] - 1 - vt, MIN_CALIBRATION)  # (n_val,) the windows that calibrate
        starts = [None] * len(cfg.input_sizes)  # where each final member starts: fresh weights, or its validation run's
        if len(vs):
            preds = []
            for k, L in enumerate(cfg.input_sizes):
                val = val_panel.batch(vs, vt, L, H)
                model, history = train(k, val_panel, origins.train_hi, val)
                starts[k] = model if cfg.final_steps else None
                self.history_ = history if k == 0 else self.history_
                preds.append(self._outputs(model, val, inputs(val, vs, vt, L)[0]))  # (n_val, H[, Q or P])
            val = scored_panel.batch(vs, vt, cfg.input_sizes[0], H)  # its scale is the intervals' scale
            actual = val.decode(val.y.astype(np.float64))
            point = np.median(np.stack(preds), axis=0)  # (K, n_val, H[, Q]) -> (n_val, H[, Q])
            if cfg.seasonal:  # back in the series' units
                point = _reseasoned(point, factors(val_indices, vs, vt[:, None] + np.arange(H)))
            if fam is not None:  # point: the ensemble's parameters (n_val, H, P), in the series' units
                target = np.round(actual) if fam.units == "counts" else actual  # decoded float32: round counts
                self.pit_ = fam.pit(point[keep], target[keep], np.random.default_rng([cfg.seed, 3]))  # (n_cal, H)
                self.dist_validation_ = {"params": point[keep], "y": target[keep], "scale": val.scale[keep]}
                point = fam.median(point)  # (n_val, H)
            elif cfg.quantiles:
                point = np.sort(point, axis=-1)  # (n_val, H, Q), monotone rearrangement
                self.cqr_scores_ = cqr_scores(point[keep], actual[keep], val.scale[keep])  # (P, n_cal, H), normalised
                point = point[..., len(cfg.quantiles) // 2]  # (n_val, H), the 0.5 quantile
            if len(series) > 1 and fam is None and not cfg.quantiles:  # a panel's point: averages too
                # Theta and Holt-Winters from each window's history, seasonally adjusted by indices from before
                # validation
                indices = val_indices if cfg.seasonal else panel_indices(arrays, m, origins.val_lo)
                self._choose(point, val, keep, BLEND_WEIGHTS, theta_forecasts(arrays, indices, vs, vt, H),
                             holt_winters_forecasts(arrays, indices, vs, vt, H))
            else:
                self._choose(point, val, keep)
        else:
            self.history_, self.calibration_scores_ = None, np.zeros((0, H))
            self.signed_errors_ = np.zeros((0, H))
            self.cqr_scores_ = np.zeros((len(cfg.quantiles) // 2, 0, H))
            self.pit_ = None if fam is None else np.zeros((0, H))
            self.dist_validation_ = None if fam is None else {"params": np.zeros((0, H, fam.n_params)),
                                                              "y": np.zeros((0, H)), "scale": np.zeros(0)}
        if not cfg.quantiles:
            self.cqr_scores_ = None
        # 2. The ensemble, trained on every window (the validation windows are the most recent data): from fresh
        #    weights, or continuing the validation run's networks (final_steps; their scores above are theirs).
        self.model_ = torch.nn.ModuleList([train(k, panel, origins.hi, None, starts[k])[0]
                                           for k in range(len(cfg.input_sizes))])
        self.model_.eval()

    def _choose(self, point: np.ndarray, val: Batch, keep: np.ndarray, grid: tuple = (0.0, 1.0),
                theta: np.ndarray | None = None, holt_winters: np.ndarray | None = None) -> None:
        """Score the forecasts ``point`` (n, H) of the windows ``val`` against seasonal naive's and the
        weighted averages of the two with seasonal naive's weights ``grid`` (and, given the forecasts of the
        Theta method and Holt-Winters, ``theta`` and ``holt_winters`` (n, H), of them all with their weights
        :data:`THETA_WEIGHTS` and :data:`HOLT_WINTERS_WEIGHTS`), keep the best (among equals the most
        Holt-Winters, Theta, then seasonal naive; with ``fallback=False`` the LSTM), and keep its scores on
        the windows ``keep`` (n,) bool to calibrate the intervals: on the metric the networks were trained for
        (the percentage error with ``loss="mape"``, else the error in normalised units: MASE with the
        "history" and "mase" scalers)."""
        cfg = self.config_
        actual = val.decode(val.y.astype(np.float64))
        signed = (actual - point) / val.scale[:, None]  # (n, H), normalised
        naive_signed = (val.y - val.base).astype(np.float64)
        others = [(actual - f) / val.scale[:, None] if f is not None else 0.0 for f in (theta, holt_winters)]
        options = [(w, v, u) for u in (HOLT_WINTERS_WEIGHTS if holt_winters is not None else (0.0,))
                   for v in (THETA_WEIGHTS if theta is not None else (0.0,)) for w in grid
                   if weights_allowed(w, v, u)]
        weight = val.percentage_weights() if cfg.loss == "mape" else 1.0  # normalised -> percentage

        def mixed(w: float, v: float, u: float) -> np.ndarray:
            return (1 - w - v - u) * signed + w * naive_signed + v * others[0] + u * others[1]

        def error(e: np.ndarray) -> float:
            out = float((np.abs(e) * weight).mean())
            return out if np.isfinite(out) else np.inf  # a non-finite forecast never wins

        errors = [error(mixed(*o)) for o in options]
        best = len(options) - 1 - int(np.argmin(errors[::-1])) if cfg.fallback else 0
        w, v, u = options[best]
        chosen = mixed(w, v, u)
        self.calibration_scores_, self.signed_errors_ = np.abs(chosen[keep]), chosen[keep]
        self.blend_, self.theta_, self.holt_winters_ = w, v, u
        self.validation_ |= {"lstm": errors[0], "seasonal_naive": errors[options.index((grid[-1], 0.0, 0.0))],
                             "blend": w, "chosen": errors[best]}
        if theta is not None:
            self.validation_ |= {"theta": error(others[0]), "theta_weight": v}
        if holt_winters is not None:
            self.validation_ |= {"holt_winters": error(others[1]), "holt_winters_weight": u}
        if w == 1:
            log.warning("the LSTM's validation error %.4g is not below seasonal naive's %.4g, nor is any average "
                        "with it: forecasting seasonal naive (fallback=False keeps the LSTM)", errors[0],
                        self.validation_["seasonal_naive"])

    # ---- pre-trained ensembles ----
    def _pretrained_for(self, n_series: int, cfg: ResolvedConfig):
        """The pre-trained ensemble this fit uses (a :class:`~lstmlab.forecast.pretrained.Pretrained`),
        or None to train (see the ``pretrained`` parameter)."""
        from lstmlab.forecast import pretrained as pt

        if self.pretrained is None:
            return None
        if cfg.covariates and self.pretrained != "auto":
            raise LstmlabError(f"pretrained={self.pretrained!r} with covariates: a pre-trained ensemble reads no "
                               "covariates; use pretrained=None (or 'auto', which then trains)")
        m, H = cfg.seasonal_period, cfg.horizon
        if self.pretrained == "auto":
            defaults = inspect.signature(type(self).__init__).parameters
            trained = all(_same(getattr(self, k), defaults[k].default) for k in NETWORK_SETTINGS)
            found = pt.find(pt.SHIPPED, m, H) if n_series == 1 and trained else None
            # seasonal_adjust set against the way the shipped ensemble was trained: train a network instead
            agrees = found is not None and self.seasonal_adjust in (None, bool(found.config.get("seasonal")))
            return found if agrees else None
        if not isinstance(self.pretrained, (str, os.PathLike)):
            raise LstmlabError(f"pretrained={self.pretrained!r}: expected 'auto', 'shipped', a folder or None")
        if cfg.quantiles:
            raise LstmlabError(f"pretrained={self.pretrained!r} with quantiles: a pre-trained ensemble forecasts "
                               "points; a quantile head is trained (pretrained=None), or ask predict(quantiles=...) for "
                               "conformal ones")
        if cfg.distribution:
            raise LstmlabError(f"pretrained={self.pretrained!r} with distribution={cfg.distribution!r}: a pre-trained "
                               "ensemble forecasts points; a distribution head is trained (pretrained=None)")
        where = pt.folder(self.pretrained)
        if not where.is_dir():
            raise LstmlabError(f"pretrained={self.pretrained!r}: {where} is not a folder of pre-trained files")
        found = pt.find(where, m, H)
        if found is None:
            path = pt.file_for(where, m)
            why = "does not exist" if not path.is_file() else f"forecasts fewer than horizon={H} steps"
            raise LstmlabError(f"pretrained={self.pretrained!r}: no ensemble for seasonal_period={m} and horizon={H} "
                               f"({path} {why}); pretrained=None trains a network instead")
        trained_so = bool(found.config.get("seasonal"))
        if self.seasonal_adjust is not None and bool(self.seasonal_adjust) != trained_so:
            raise LstmlabError(f"pretrained={self.pretrained!r} with seasonal_adjust={self.seasonal_adjust!r}: "
                               f"{found.path} was trained {'with' if trained_so else 'without'} seasonal adjustment "
                               "and forecasts that way (leave seasonal_adjust=None)")
        return found

    def _fit_pretrained(self, series: list[SeriesData], cfg: ResolvedConfig, pre) -> None:
        """Take the pre-trained ensemble ``pre`` as it is; every window of the series that has all H
        targets (none of which the ensemble saw) scores it and calibrates the intervals."""
        H, m = cfg.horizon, cfg.seasonal_period
        self.config_ = ResolvedConfig.from_dict(pre.config | {
            "horizon": H, "net_horizon": pre.config["horizon"], "pretrained": f"{pre.path}: {pre.source}",
            "fallback": cfg.fallback})
        self.model_, self.history_, self.cqr_scores_ = pre.members, None, None
        self.pit_ = self.dist_validation_ = None
        lengths = np.array([len(s.values) for s in series])
        origins = _origins(lengths, H, m, cfg.val_fraction)
        vs, vt = some_windows(origins.lo, origins.hi, MAX_VALIDATION, [cfg.seed, 2])
        self.validation_, self.blend_, self.theta_, self.holt_winters_ = {"windows": int(len(vs))}, 0.0, 0.0, 0.0
        if not len(vs):
            self.calibration_scores_ = self.signed_errors_ = np.zeros((0, H))
            return
        arrays = [s.values for s in series]
        # scales floored by each series' scale before its first scored window (none of their targets)
        panel = Panel(arrays, m, self.config_.scaler, self.config_.loc, self.config_.scale).with_scale_end(origins.lo)
        theta = self._window_forecasts(arrays, vs, vt, self._theta)  # each from its window's history, as predict
        self._choose(self._window_forecasts(arrays, vs, vt), panel.batch(vs, vt, self.config_.input_sizes[0], H),
                     recent(origins.hi[vs] - 1 - vt, MIN_CALIBRATION), theta=theta)

    def _window_forecasts(self, arrays: list[np.ndarray], sidx: np.ndarray, origin: np.ndarray,
                          forecast: Callable[[list[np.ndarray]], np.ndarray] | None = None,
                          most_values: int = 2_000_000) -> np.ndarray:
        """The ensemble's forecasts (n, H) of the windows (``sidx``, ``origin``) of the series ``arrays``
        (or those of ``forecast``, a function of a list of histories such as :meth:`_theta`), each made as
        :meth:`predict` makes one from the history before its origin alone: with seasonal adjustment,
        from indices estimated on that history (no value at or after the origin is read). Histories are
        gathered in chunks of at most ``most_values`` values."""
        H, out, start = self.config_.horizon, [], 0
        forecast = forecast or self._ensemble
        lengths = np.asarray(origin, dtype=np.int64)
        while start < len(lengths):
            stop = start + max(1, int(np.searchsorted(np.cumsum(lengths[start:]), most_values)))
            out.append(forecast([arrays[i][:t] for i, t in zip(sidx[start:stop], lengths[start:stop])]))
            start = stop
        return np.concatenate(out) if out else np.zeros((0, H))

    # ---- forecasting ----
    def _members_forecast(self, panel: Panel, sidx: np.ndarray, origin: np.ndarray,
                          cov: CovariatePanel | None = None) -> np.ndarray:
        """Each member's forecasts of the windows (sidx, origin), in the series' units: (K, n, H[, Q])."""
        cfg, outs = self.config_, []
        for k, member in enumerate(self.model_):
            L, Hm = cfg.input_sizes[k], cfg.member_horizon
            b = panel.batch(sidx, origin, L, Hm)
            x = self._net_inputs(b, cov.gather(sidx, origin, L, Hm) if cov is not None else ())
            outs.append(self._outputs(member, b, x)[:, :cfg.horizon])  # (n, H[, Q or P])
        return np.stack(outs)

    def _net_inputs(self, b: Batch, covariates: tuple = ()) -> tuple:
        """A member's inputs for the windows ``b``: (z, mask, base) and the covariates; a distribution head's
        family says what a residual member adds to its location (``base``)."""
        fam = self.config_.family
        return (b.z, b.mask, b.base if fam is None else fam.net_base(b)) + tuple(covariates)

    def _outputs(self, member, b: Batch, x: tuple) -> np.ndarray:
        """A member's forecasts of the windows ``b`` from inputs ``x``, in the series' units: (B, H) points,
        (B, H, Q) quantiles, or (B, H, P) a distribution head's parameters."""
        import torch

        from lstmlab.nn.train import predict

        fam = self.config_.family
        if fam is None:
            return _decode(b, predict(member, x))
        ctx = torch.as_tensor(fam.targets(b)[1], dtype=torch.float64)
        params = fam.constrain(torch.as_tensor(predict(member, x), dtype=torch.float64), ctx).numpy()  # (B, H, P)
        return fam.to_series(params, b.level, b.scale)

    def _forecast_many(self, histories: list[np.ndarray]) -> np.ndarray:
        """Forecasts (N, H) from N histories of any lengths, in batched forward passes."""
        cfg, w, v, u = self.config_, self.blend_, self.theta_, self.holt_winters_
        if w > 0:
            panel = Panel(histories, cfg.seasonal_period, cfg.scaler, cfg.loc, cfg.scale)
            naive = panel.seasonal_naive(np.arange(len(panel)), panel.lengths, cfg.horizon)
            if w == 1:
                return naive
        out = self._ensemble(histories)  # (N, H), (N, H, Q) or (N, H, P)
        if cfg.distribution:
            return _constants_kept(cfg.family.median(out), histories)  # the distribution's median is the point
        out = out[..., len(cfg.quantiles) // 2] if cfg.quantiles else out  # the 0.5 quantile is the point
        if w == v == u == 0:
            return out
        # shrunk towards seasonal naive and averaged with the Theta method and Holt-Winters
        return ((1 - w - v - u) * out + (w * naive if w else 0.0) + (v * self._theta(histories) if v else 0.0)
                + (u * self._holt_winters(histories) if u else 0.0))

    def _theta(self, histories: list[np.ndarray]) -> np.ndarray:
        """The Theta method's forecasts (N, H) from N histories, seasonally adjusted by indices from each."""
        return self._statistical(theta_forecasts, histories)

    def _holt_winters(self, histories: list[np.ndarray]) -> np.ndarray:
        """Damped Holt-Winters' forecasts (N, H) from N histories, seasonally adjusted by indices from each."""
        return self._statistical(holt_winters_forecasts, histories)

    def _statistical(self, method: Callable, histories: list[np.ndarray]) -> np.ndarray:
        """``method``'s forecasts (N, H) from the end of N histories, seasonally adjusted by indices from each
        (those the networks' run estimated on the same histories, when it did: 15 s for 100,000 series)."""
        cfg = self.config_
        kept = getattr(self, "_ensemble_kept", None)
        indices = kept[2] if kept and kept[0] is histories and kept[2] is not None else \
            panel_indices(histories, cfg.seasonal_period)
        lengths = np.array([len(h) for h in histories])
        return _constants_kept(method(histories, indices, np.arange(len(histories)), lengths, cfg.horizon), histories)

    def _ensemble(self, histories: list[np.ndarray]) -> np.ndarray:
        """The members' median forecast from N histories: (N, H), or (N, H, Q) sorted quantiles, or (N, H, P)
        the distribution head's parameters (each the members' median). Within one predict call
        (:meth:`_one_ensemble_run`) the members run once for the same histories, and every caller reads the
        same array: none may modify it."""
        kept = getattr(self, "_ensemble_kept", None)
        if kept and kept[0] is histories:
            return kept[1]
        cfg = self.config_
        indices = panel_indices(histories, cfg.seasonal_period) if cfg.seasonal else None
        panel = Panel(histories, cfg.seasonal_period, cfg.scaler, cfg.loc, cfg.scale, indices=indices)
        cov = self._covariate_panel(panel)
        outs = self._members_forecast(panel, np.arange(len(panel)), panel.lengths, cov)  # (K, N, H[, Q])
        out = np.median(outs, axis=0)  # (N, H[, Q or P])
        if indices is not None:  # the adjusted forecasts times the indices of the steps ahead
            ahead = panel.lengths[:, None] + np.arange(out.shape[1])  # (N, H) positions
            out = _reseasoned(out, factors(indices, np.arange(len(panel)), ahead))
        if cfg.quantiles:
            out = np.sort(out, axis=-1)  # monotone rearrangement (Chernozhukov et al. 2010)
        if not cfg.distribution:  # a distribution head's point, quantiles and paths keep the constants instead
            out = _constants_kept(out, histories)
        if kept is not None:
            kept[:] = [histories, out, indices]
        return out

    def predict_quantiles(self, horizon: int | None = None, y: SeriesInput | None = None,
                          future: pd.DataFrame | None = None, quantiles: Sequence[float] | None = None) -> pd.DataFrame:
        """The quantile head's forecasts, calibrated by conformalized quantile regression (CQR), or the
        distribution head's quantiles, calibrated on the same validation windows.

        CQR (Romano, Patterson & Candès 2019; the rule and its guarantee in :mod:`lstmlab.forecast.cqr`),
        per pair of levels (τ, 1 - τ) with τ < 0.5 and per step h: the n validation windows (which the
        networks that scored them never trained on) give the scores max(q_lo - y, y - q_hi) / s, with
        ``q_lo``, ``q_hi`` the ensemble's sorted quantiles and ``s`` the window's scale (that of the
        conformal intervals, :meth:`interval_scale`); the calibrated pair is ``[q_lo - c_h s, q_hi + c_h s]``,
        c_h the ceil((n + 1)(1 - 2τ))-th smallest of step h's n scores (infinite if that exceeds n; a
        negative c_h narrows the pair), and the quantiles are then nested outwards from the 0.5 quantile.
        The 0.5 quantile, the point forecast, is not adjusted. The scores come from the validation
        run's ensemble and are applied to the final one, trained on every window, as for ``predict``'s
        intervals. After the fallback to seasonal naive, the quantiles are ``predict``'s symmetric
        conformal ones of seasonal naive.

        A distribution head (``distribution=...``) is calibrated by the same rule at any levels asked for
        after fit: the validation run's distributions are kept (``dist_validation_``), so ``q_lo`` and
        ``q_hi`` of the pair (τ, 1 - τ) are their τ and 1 - τ quantiles, the scores and c_h as above, and
        the pair is widened or narrowed by c_h s (for counts, then rounded outwards to whole numbers and
        floored at 0: only wider). The running minimum and maximum outwards from the median keep the
        levels asked for nested. The median (τ = 0.5) is the point forecast.

        Parameters
        ----------
        horizon : steps ahead, at most the fitted ``horizon`` (default: that).
        y : optional new history, of the same kind as in ``fit``.
        future : the future covariates of the horizon, as for :meth:`predict`.
        quantiles : the levels (increasing, in (0, 1)); default: the quantile head's, or 0.1, 0.5, 0.9 for a
            distribution head (which gives any levels). A quantile head gives only its own.

        Returns
        -------
        A DataFrame with one column per level, ``q0.1``, ``q0.5``, ...: (h, Q), indexed by the future dates
        for a Series; for a long frame ``unique_id, ds, q0.1, ...``.
        """
        self._check_fitted()
        taus = self.config_.quantiles
        if self.config_.distribution:
            taus = (0.1, 0.5, 0.9) if quantiles is None else tuple(check_quantiles(quantiles))
            return self.predict(horizon, y, quantiles=list(taus), future=future).drop(columns="y_hat")
        if quantiles is not None and taus:
            asked = tuple(check_quantiles(quantiles))
            if not set(np.round(asked, 12)) <= set(np.round(taus, 12)):
                raise LstmlabError(f"quantiles={list(asked)}: this quantile head forecasts the levels {list(taus)} "
                                   "only (predict(quantiles=...) gives conformal ones at other levels)")
            out = self.predict_quantiles(horizon, y, future)
            return out[[c for c in out.columns if not c.startswith("q")] + [f"q{t:g}" for t in asked]]
        if not taus:
            raise LstmlabError("this LSTMForecaster has no quantile head: fit it with quantiles=[0.1, 0.5, 0.9], "
                               "or use predict(quantiles=...) for symmetric conformal quantiles")
        if self.choice_ == "seasonal_naive":
            return self.predict(horizon, y, quantiles=list(taus), future=future).drop(columns="y_hat")
        h = self.horizon if horizon is None else self._check_positive(horizon, "horizon", self.horizon)
        series, kind = (self.series_, self.kind_) if y is None else to_series_list(y)
        with self._covariates_for(horizon, y, future):
            q = self._quantiles_many([s.values for s in series])[:, :h]  # (N, h, Q)
        cols = {f"q{t:g}": list(q[..., j]) for j, t in enumerate(taus)}
        return to_output(kind, series, list(q[..., len(taus) // 2]), cols).drop(columns="y_hat")

    def _head_quantiles(self, histories: list[np.ndarray], taus: list[float]) -> dict[float, np.ndarray] | None:
        """The CQR-calibrated head's quantiles when it has every level asked for (and the LSTM forecasts);
        a distribution head's calibrated quantiles at any levels."""
        if self.config_.distribution:
            if self.choice_ != "lstm":
                return None
            q = self._dist_quantiles(self._ensemble(histories), self._scale_many(histories), taus)
            return {t: _constants_kept(v, histories) for t, v in q.items()}
        levels = [round(t, 12) for t in self.config_.quantiles]
        if self.choice_ != "lstm" or not set(round(t, 12) for t in taus) <= set(levels):
            return None
        q = self._quantiles_many(histories)  # (N, H, Q)
        return {t: q[..., levels.index(round(t, 12))] for t in taus}

    def _dist_quantiles(self, params: np.ndarray, scale: np.ndarray, taus) -> dict[float, np.ndarray]:
        """The distribution head's CQR-calibrated quantiles {τ: (N, H)} from the ensemble's parameters (N, H, P)
        and the windows' scales (N, 1) (see :meth:`predict_quantiles`)."""
        fam = self.config_.family
        levels = sorted(set(round(t, 12) for t in taus) | {0.5})  # the median nests the pairs
        raw = {t: fam.ppf(params, t) for t in levels}  # (N, H) each
        margins = {t: self._margin(round(min(t, 1 - t), 12)) for t in levels if t != 0.5}  # (H,) each
        q = calibrated_levels(raw, margins, scale, counts=fam.units == "counts")
        return {t: q[round(t, 12)] for t in taus}

    def _margin(self, tau: float) -> np.ndarray:
        """CQR's margin c_h (H,) for the pair (τ, 1 - τ), τ < 0.5, from the validation run's distributions
        (:func:`~lstmlab.forecast.cqr.cqr_margin` of their scores). Cached by level (the validation quantiles
        take a bisection each)."""
        cache = self.__dict__.setdefault("_margins", {})
        if tau not in cache:
            v, fam = self.dist_validation_, self.config_.family
            if not len(v["y"]):
                raise LstmlabError("no series was long enough to keep validation windows, so the distribution's "
                                   "quantiles cannot be calibrated: fit on longer series")
            q_lo, q_hi = fam.ppf(v["params"], tau), fam.ppf(v["params"], 1 - tau)  # (n, H) each
            score = cqr_scores(np.stack([q_lo, q_hi], axis=-1), v["y"], v["scale"])[0]  # (n, H)
            cache[tau] = cqr_margin(score, tau)  # (H,)
        return cache[tau]

    def _head_band(self, histories: list[np.ndarray], level: float) -> tuple[np.ndarray, np.ndarray] | None:
        """A distribution head's calibrated central interval at ``level`` (while the LSTM forecasts)."""
        a = round((1 - level) / 2, 12)
        q = self._head_quantiles(histories, [a, round(1 - a, 12)]) if self.config_.distribution else None
        return None if q is None else (q[a], q[round(1 - a, 12)])

    def sample_paths(self, n_samples: int, horizon: int | None = None, y: SeriesInput | None = None,
                     future: pd.DataFrame | None = None, seed: int = 0):
        """Draw ``n_samples`` joint paths of the next ``horizon`` values of every series.

        A point forecaster, the quantile head (around its median) and the fallback to seasonal naive:
        the point forecast plus the window's scale times whole H-vectors of the validation run's signed
        errors ``signed_errors_``, drawn with replacement (the dependence between steps is the errors').
        A distribution head: each step's marginal is the head's distribution (not conformally
        calibrated: :meth:`predict_quantiles` is), the steps joined by a Gaussian copula whose correlation
        is that of the normal scores of the validation PIT values ``pit_`` (independent steps, with a
        logged warning, from fewer than max(10, 2H) validation windows). See
        :mod:`lstmlab.forecast.paths`. ``future`` gives the future covariates as for :meth:`predict`;
        ``seed`` seeds the draws. Returns what :meth:`BaseForecaster.sample_paths` returns: an ndarray
        (S, h), or a DataFrame ``[unique_id,] ds, sample, y``.
        """
        with self._covariates_for(horizon, y, future):
            return super().sample_paths(n_samples, horizon, y, seed=seed)

    def _paths(self, histories: list[np.ndarray], h: int, n_samples: int, rng: np.random.Generator) -> np.ndarray:
        fam = self.config_.family
        if fam is None or self.choice_ != "lstm":
            return super()._paths(histories, h, n_samples, rng)
        params = self._ensemble(histories)[:, :h]  # (N, h, P)
        N, P = len(params), params.shape[-1]
        u = copula_uniforms(copula_factor(self.pit_), N, n_samples, h, rng)  # (N, S, h)
        return _constants_kept(fam.ppf(np.broadcast_to(params[:, None], (N, n_samples, h, P)), u), histories)

    def _signed_errors(self) -> np.ndarray:
        if getattr(self, "signed_errors_", None) is None:
            raise LstmlabError("this model keeps no signed validation errors (it comes from a model saved in format "
                               "6 or earlier, which had none): refit it to draw sample paths")
        return self.signed_errors_

    def _quantiles_many(self, histories: list[np.ndarray]) -> np.ndarray:
        """CQR-adjusted quantiles (N, H, Q) from N histories (see :meth:`predict_quantiles`)."""
        if self.cqr_scores_.shape[1] == 0:
            raise LstmlabError("no series was long enough to keep validation windows, so the quantiles cannot "
                               "be calibrated: fit on longer series")
        q = self._ensemble(histories)  # (N, H, Q), sorted
        return calibrated_pairs(q, self.cqr_scores_, self.config_.quantiles, self._scale_many(histories))

    def _forecast(self, X: np.ndarray) -> np.ndarray:
        return self._forecast_many(list(X))

    def interval_scale(self, X: np.ndarray) -> np.ndarray | None:
        """The scale each history is normalised by (N, 1): widths follow the series' own scale."""
        return self._scale_many(list(X))

    def _scale_many(self, histories: list[np.ndarray]) -> np.ndarray:
        self._check_fitted("config_")
        cfg = self.config_
        panel = Panel(histories, cfg.seasonal_period, cfg.scaler, cfg.loc, cfg.scale)
        return panel.last(cfg.input_sizes[0], cfg.horizon).scale[:, None]  # (N, 1)

    def _calibration(self) -> np.ndarray:
        if not len(self.calibration_scores_):
            raise LstmlabError("no series was long enough to keep validation windows, so there are no "
                               "intervals: fit on longer series, or predict without a level")
        return self.calibration_scores_

    def get_config(self) -> dict:
        """The resolved settings as a plain dict (after fit)."""
        self._check_fitted()
        return asdict(self.config_)


def _reseasoned(out: np.ndarray, f: np.ndarray) -> np.ndarray:
    """Seasonally adjusted forecasts (B, H) or quantiles (B, H, Q) times their steps' indices ``f`` (B, H)."""
    return out * (f[..., None] if out.ndim == 3 else f)


def _origins(lengths: np.ndarray, horizon: int, season: int, val_fraction: float):
    """Every fit's training and validation origins: windows from a season and one value of history on."""
    return split_origins(lengths, horizon, min_origin=max(season + 1, 2), val_fraction=val_fraction)


def _same(a, b) -> bool:
    return a is b or (type(a) is type(b) and a == b)


def _quantile_levels(quantiles) -> tuple:
    """The quantile head's levels: checked, in symmetric pairs, with 0.5 added if missing."""
    taus = check_quantiles(quantiles)
    for t in taus:
        if not np.isclose(taus, 1 - t, rtol=0, atol=1e-9).any():
            raise LstmlabError(f"quantiles={taus}: conformalized quantile regression calibrates symmetric pairs "
                               f"(τ, 1 - τ), and {t:g} has no {1 - t:g}: add it")
    return tuple(sorted(set(taus) | {0.5}))


def _constants_kept(out: np.ndarray, histories: list[np.ndarray]) -> np.ndarray:
    """``out`` (N, ...) with the rows of constant histories set to their constant: a flat series is
    forecast as its value, exactly, whatever the networks say (in place; returned)."""
    flat = np.array([np.ptp(h) == 0 for h in histories])  # (N,)
    out[flat] = np.array([h[-1] for h in histories])[flat].reshape((-1,) + (1,) * (out.ndim - 1))
    return out


def _decode(b: Batch, out: np.ndarray) -> np.ndarray:
    """Normalised network outputs (B, H) or (B, H, Q) back in the series' units."""
    shape = (-1,) + (1,) * (out.ndim - 1)
    return b.level.reshape(shape) + b.scale.reshape(shape) * out.astype(np.float64)  # (B, H[, Q])


def _thin(data, most: int):
    """At most ``most`` evenly spaced rows of nested tuples of arrays: the training curve only plots the
    validation loss (the weights kept are the last, whatever it says), so a sample draws it as well
    as 20,000 windows, at a tenth of the cost."""
    if isinstance(data, tuple):
        return tuple(_thin(a, most) for a in data)
    if len(data) <= most:
        return data
    return data[np.linspace(0, len(data) - 1, most).astype(np.int64)]
