"""Split-conformal prediction intervals for multi-step forecasts.

Calibrate on forecasts whose errors the model never trained on (validation windows): the score of
a window is ``|y - ŷ| / s`` per step, where ``s`` is a per-window scale known at forecast time
(1, or the spread of the input window so that widths follow the level of the series). The interval
at level ``a`` is ``ŷ ± q_h * s`` (Vovk et al. 2005; Lei et al. 2018).

Two rules for ``q_h`` from n calibration windows of H steps:

- per step: ``q_h`` is the ceil((n+1)a)-th smallest score of step h. Exact for exchangeable windows,
  but coarse when n is small: with n = 17 at a = 0.9 it is the largest of 17 scores, whose expected
  coverage is 17/18 = 0.944.
- pooled (the default): divide each step's scores by that step's mean score c_h, pool all n·H
  ratios, take their ceil((nH+1)a)-th smallest, r, and set ``q_h = r · c_h``. The widths keep each
  step's own size (c_h grows with the step) while the level is read from n·H scores instead of n.
  A future window is divided by step means it did not contribute to, so each calibration window
  is divided by the step means of the other n-1 windows (leave-one-out, in the spirit of the
  jackknife+, Barber et al. 2021); dividing by means that include the window itself makes the
  ratios look too alike and under-covers (0.884 instead of 0.9 in the simulation of
  tests/forecast/test_windows_metrics.py; 0.906 with leave-one-out). Pooling treats the ratios of
  different steps as draws from one distribution: an assumption, checked by the backtest. (With
  window exchangeability alone the safe rank would be ceil((n+1)Ha), nearly as coarse as the
  per-step rule.)

Coverage is guaranteed at best on average and for exchangeable windows, which time series only
approximate: the backtest measures it.
"""

from __future__ import annotations

import math

import numpy as np

from lstmlab.errors import LstmlabError


def conformal_scores(y_true: np.ndarray, y_pred: np.ndarray, scale: np.ndarray | None = None) -> np.ndarray:
    """Nonconformity scores ``|y - ŷ| / scale``: (N, H) from (N, H) arrays and a (N, 1) scale."""
    err = np.abs(np.asarray(y_true, np.float64) - np.asarray(y_pred, np.float64))  # (N, H)
    return err if scale is None else err / scale


def conformal_quantiles(scores: np.ndarray, level: float, pool_steps: bool = True) -> np.ndarray:
    """Per-step score quantile ``q`` (H,) for intervals at ``level`` (e.g. 0.9) from (N, H) scores.

    ``pool_steps=True``: one rank over all steps' scores, each divided by its step's mean score
    (see the module docstring); ``False``: each step's own ceil((N+1)·level)-th smallest score.
    Either way, with too few calibration windows for the per-step rule (``ceil((N+1)·level) > N``)
    the quantile is infinite: an honest "cannot tell" rather than a too-narrow interval.
    """
    check_level(level)
    scores = np.asarray(scores, np.float64)  # (N, H)
    scores = np.where(np.isnan(scores), np.inf, scores)  # an unknown error (e.g. a zero scale) counts as the worst
    n = scores.shape[0]
    if n == 0:
        raise LstmlabError("no calibration windows: cannot make conformal intervals")
    k = math.ceil((n + 1) * level)
    if k > n:
        return np.full(scores.shape[1], np.inf)
    if not pool_steps or scores.shape[1] == 1 or n == 1 or not np.isfinite(scores).all():
        return np.sort(scores, axis=0)[k - 1]  # (H,) the exact per-step rule; pooling needs finite scores
    c = scores.mean(axis=0)  # (H,) each step's typical score
    c_others = np.maximum(scores.sum(axis=0) - scores, 0.0) / (n - 1)  # (N, H) step means without each window
    with np.errstate(divide="ignore"):
        ratios = np.where(scores == 0, 0.0, scores / np.where(scores == 0, 1.0, c_others))  # x/0 -> inf
    ratios = np.sort(ratios.ravel())  # (N·H,)
    return ratios[math.ceil((ratios.size + 1) * level) - 1] * c  # (H,)


def check_level(level: float) -> float:
    """Return ``level`` if it is in (0, 1), else raise a ValueError."""
    if not 0 < level < 1:
        raise LstmlabError(f"level={level}: expected a coverage level in (0, 1), e.g. 0.9")
    return float(level)


def check_quantiles(quantiles) -> list[float]:
    """Return quantile levels as floats if they are strictly increasing and each in (0, 1), else raise."""
    taus = np.atleast_1d(np.asarray(quantiles, dtype=object))
    if taus.ndim != 1 or taus.size == 0:
        raise LstmlabError(f"quantiles={quantiles!r}: expected a non-empty list of levels, e.g. [0.1, 0.5, 0.9]")
    try:
        taus = [float(t) for t in taus]
    except (TypeError, ValueError):
        raise LstmlabError(f"quantiles={quantiles!r}: expected numbers in (0, 1), e.g. [0.1, 0.5, 0.9]") from None
    bad = [t for t in taus if not 0 < t < 1]
    if bad:
        raise LstmlabError(f"quantile level {bad[0]!r} is outside (0, 1): expected e.g. 0.1 for the 10 % quantile")
    if any(b <= a for a, b in zip(taus, taus[1:])):
        raise LstmlabError(f"quantiles={taus}: expected strictly increasing levels, e.g. [0.1, 0.5, 0.9]")
    return taus
