"""Split-conformal prediction intervals, one width per horizon step.

Calibrate on forecasts whose errors the model never trained on (validation windows): the score of
a window is ``|y - ŷ| / s`` per step, where ``s`` is a per-window scale known at forecast time
(1, or the spread of the input window so that widths follow the level of the series). The interval
at level ``a`` is ``ŷ ± q_h * s`` where ``q_h`` is the ceil((n+1)a)-th smallest score of step h
(Vovk et al. 2005; Lei et al. 2018). Coverage is guaranteed on average if the calibration and the
future windows are exchangeable, which time series only approximate: the backtest measures it.
"""

from __future__ import annotations

import math

import numpy as np


def conformal_scores(y_true: np.ndarray, y_pred: np.ndarray, scale: np.ndarray | None = None) -> np.ndarray:
    """Nonconformity scores ``|y - ŷ| / scale``: (N, H) from (N, H) arrays and a (N, 1) scale."""
    err = np.abs(np.asarray(y_true, np.float64) - np.asarray(y_pred, np.float64))  # (N, H)
    return err if scale is None else err / scale


def conformal_quantiles(scores: np.ndarray, level: float) -> np.ndarray:
    """Per-step score quantile ``q`` (H,) for intervals at ``level`` (e.g. 0.9) from (N, H) scores.

    With too few calibration windows for the level (``ceil((N+1)·level) > N``) the quantile is
    infinite: an honest "cannot tell" rather than a too-narrow interval.
    """
    check_level(level)
    scores = np.sort(np.asarray(scores, np.float64), axis=0)  # (N, H)
    n = scores.shape[0]
    if n == 0:
        raise ValueError("no calibration windows: cannot make conformal intervals")
    k = math.ceil((n + 1) * level)
    if k > n:
        return np.full(scores.shape[1], np.inf)
    return scores[k - 1]  # (H,)


def check_level(level: float) -> float:
    """Return ``level`` if it is in (0, 1), else raise a ValueError."""
    if not 0 < level < 1:
        raise ValueError(f"level={level}: expected a coverage level in (0, 1), e.g. 0.9")
    return float(level)
