"""Forecast accuracy in NumPy: MAE, RMSE, MASE, sMAPE, MAPE and interval coverage.

All take arrays of the same shape (any shape: (H,), (N, H), ...) and return a float over every
element; ``axis`` gives an array of per-step or per-window values instead (e.g. ``axis=0`` on (N, H):
shape (H,)).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

Axis = int | tuple[int, ...] | None

from lstmlab.errors import LstmlabError


def _pair(y_true: ArrayLike, y_pred: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    a, b = np.asarray(y_true, dtype=np.float64), np.asarray(y_pred, dtype=np.float64)
    if a.shape != b.shape:
        raise LstmlabError(f"y_true has shape {a.shape} but y_pred has shape {b.shape}: expected the same")
    if a.size == 0:
        raise LstmlabError("no values to score: y_true is empty")
    return a, b


def mae(y_true: ArrayLike, y_pred: ArrayLike, axis: Axis = None) -> float | np.ndarray:
    """Mean absolute error."""
    a, b = _pair(y_true, y_pred)
    return np.mean(np.abs(a - b), axis=axis)


def rmse(y_true: ArrayLike, y_pred: ArrayLike, axis: Axis = None) -> float | np.ndarray:
    """Root mean squared error."""
    a, b = _pair(y_true, y_pred)
    return np.sqrt(np.mean((a - b) ** 2, axis=axis))


def mape(y_true: ArrayLike, y_pred: ArrayLike, axis: Axis = None) -> float | np.ndarray:
    """Mean absolute percentage error, in percent. Undefined (raises) if any actual value is 0."""
    a, b = _pair(y_true, y_pred)
    if np.any(a == 0):
        raise LstmlabError("MAPE is undefined when an actual value is 0: use sMAPE or MASE")
    return 100 * np.mean(np.abs((a - b) / a), axis=axis)


def smape(y_true: ArrayLike, y_pred: ArrayLike, axis: Axis = None) -> float | np.ndarray:
    """Symmetric MAPE in percent, 0..200: mean of 2|y - ŷ| / (|y| + |ŷ|), with 0/0 counted as 0."""
    a, b = _pair(y_true, y_pred)
    den = np.abs(a) + np.abs(b)
    ratio = np.divide(2 * np.abs(a - b), den, out=np.zeros_like(den), where=den > 0)
    return 100 * np.mean(ratio, axis=axis)


def mase(y_true: ArrayLike, y_pred: ArrayLike, y_train: ArrayLike, seasonal_period: int = 1,
         axis: Axis = None) -> float | np.ndarray:
    """Mean absolute scaled error: MAE divided by the in-sample MAE of the seasonal naive forecast.

    ``y_train`` (T,) is the history the forecast was made from; ``seasonal_period`` m gives the
    scale ``mean |y_t - y_{t-m}|`` over it (Hyndman & Koehler, 2006).
    """
    scale = seasonal_scale(y_train, int(seasonal_period), "MASE")
    return mae(y_true, y_pred, axis=axis) / scale


def seasonal_scale(y_train: ArrayLike, seasonal_period: int, score: str) -> float:
    """In-sample MAE of the seasonal naive forecast, ``mean |y_t - y_{t-m}|``: the scale of MASE and MSIS
    (``score`` names which, in errors)."""
    m = seasonal_period
    if isinstance(m, bool) or not isinstance(m, (int, np.integer)) or m < 1:
        raise LstmlabError(f"seasonal_period must be a positive integer (got {m!r})")
    h = np.asarray(y_train, dtype=np.float64)
    if h.ndim != 1:
        raise LstmlabError(f"y_train must be 1-D, the history of one series (got shape {h.shape})")
    if len(h) <= m:
        raise LstmlabError(f"{score} needs a history longer than the seasonal period {m} (got {len(h)})")
    scale = float(np.mean(np.abs(h[m:] - h[:-m])))
    if scale == 0:
        raise LstmlabError(f"{score} is undefined: the seasonal naive forecast is exact on the history (scale 0)")
    return scale


def coverage(y_true: ArrayLike, lower: ArrayLike, upper: ArrayLike, axis: Axis = None) -> float | np.ndarray:
    """Fraction of actual values inside [lower, upper]."""
    a, lo = _pair(y_true, lower)
    _, hi = _pair(y_true, upper)
    return np.mean((a >= lo) & (a <= hi), axis=axis)


def evaluate(y_true: ArrayLike, y_pred: ArrayLike, y_train: ArrayLike | None = None,
             seasonal_period: int = 1) -> dict[str, float]:
    """All point metrics as a dict (MASE only with ``y_train``; MAPE only without zeros)."""
    a, _ = _pair(y_true, y_pred)
    out = {"mae": float(mae(y_true, y_pred)), "rmse": float(rmse(y_true, y_pred)),
           "smape": float(smape(y_true, y_pred))}
    out["mape"] = float(mape(y_true, y_pred)) if np.all(a != 0) else float("nan")
    if y_train is not None:
        out["mase"] = float(mase(y_true, y_pred, y_train, seasonal_period))
    return out
