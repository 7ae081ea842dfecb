"""Probabilistic forecast scores in NumPy: pinball and weighted quantile loss, CRPS, MSIS and coverage per level.

Lower is better for every score but coverage. Shapes follow the point metrics in ``metrics``: the actual values
``y_true`` have any shape (``(H,)``, ``(N, H)``, ...), and a forecast adds one last axis to it: Q quantile levels
(``q_pred``, ``(..., H, Q)``) or S sample draws (``samples``, ``(..., H, S)``). A score is a float over every
value; ``axis`` (axes of ``y_true``) gives an array of per-step or per-window scores instead.

Quantile forecasts must not cross (a higher level may not have a lower value): by default crossing raises, and
``crossing="sort"`` scores the sorted values instead, the monotone rearrangement of Chernozhukov, Fernández-Val &
Galichon (2010). Sorting never raises the total pinball loss over the levels (by the rearrangement inequality:
pinball = tau * (y - q) + max(q - y, 0), and only the first term depends on which value goes with which level).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from lstmlab.errors import LstmlabError
from lstmlab.forecast.metrics import coverage, seasonal_scale

Axis = int | tuple[int, ...] | None
Crossing = Literal["raise", "sort"]


# ---- checks ---------------------------------------------------------------------------------------------------------

def _levels(quantiles: ArrayLike) -> np.ndarray:
    """Quantile levels as a (Q,) float array: non-empty, each in (0, 1), strictly increasing."""
    try:
        tau = np.asarray(quantiles, dtype=np.float64)
    except (TypeError, ValueError):
        raise LstmlabError(f"quantile levels must be numbers in (0, 1) (got {quantiles!r})") from None
    if tau.ndim != 1 or tau.size == 0:
        raise LstmlabError(f"quantile levels must be a non-empty 1-D list such as [0.1, 0.5, 0.9] "
                           f"(got shape {tau.shape})")
    given = tau.tolist()
    bad = np.flatnonzero(~((tau > 0) & (tau < 1)))  # NaN fails both comparisons
    if bad.size:
        i = bad[0]
        raise LstmlabError(f"quantile levels must be in (0, 1), e.g. 0.1 for the 10 % quantile "
                           f"(got {given[i]!r} at position {i} of {given})")
    down = np.flatnonzero(np.diff(tau) <= 0)
    if down.size:
        i = down[0]
        raise LstmlabError(f"quantile levels must be strictly increasing (got {given[i + 1]!r} after {given[i]!r} "
                           f"in {given})")
    return tau


def _level(level: float, what: str = "level") -> float:
    """An interval's nominal coverage as a float in (0, 1)."""
    try:
        lv = float(level)
    except (TypeError, ValueError):
        raise LstmlabError(f"{what} must be a number (got {level!r})") from None
    if not 0 < lv < 1:  # NaN too
        raise LstmlabError(f"{what} must be in (0, 1), e.g. 0.8 for an 80 % interval (got {level!r})")
    return lv


def _actuals(y_true: ArrayLike) -> np.ndarray:
    y = np.asarray(y_true, dtype=np.float64)
    if y.size == 0:
        raise LstmlabError("no values to score: y_true is empty")
    return y


def _same_shape(y: np.ndarray, other: ArrayLike, name: str, prefix: str = "") -> np.ndarray:
    a = np.asarray(other, dtype=np.float64)
    if a.shape != y.shape:
        raise LstmlabError(f"{prefix}{name} has shape {a.shape} but y_true has shape {y.shape}: expected the same")
    return a


def _interval(y: np.ndarray, lower: ArrayLike, upper: ArrayLike, prefix: str = "") -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper bounds shaped like ``y``, with lower <= upper everywhere."""
    lo, hi = _same_shape(y, lower, "lower", prefix), _same_shape(y, upper, "upper", prefix)
    above = lo > hi
    if above.any():
        first = tuple(int(i) for i in np.argwhere(above)[0])
        raise LstmlabError(f"{prefix}lower is above upper at {int(above.sum())} of {y.size} points (first at index "
                           f"{first}: {float(lo[first])!r} > {float(hi[first])!r}): expected lower <= upper")
    return lo, hi


def _quantile_forecast(y_true: ArrayLike, q_pred: ArrayLike, quantiles: ArrayLike,
                       crossing: Crossing) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Checked ``y`` (...,), ``q`` (..., Q) and levels ``tau`` (Q,); crossing values raise or are sorted."""
    if crossing not in ("raise", "sort"):
        raise LstmlabError(f"crossing must be 'raise' or 'sort' (got {crossing!r})")
    tau = _levels(quantiles)
    y = _actuals(y_true)
    q = np.asarray(q_pred, dtype=np.float64)
    if q.shape != y.shape + tau.shape:
        raise LstmlabError(f"q_pred has shape {q.shape} but y_true has shape {y.shape} and there are {tau.size} "
                           f"levels: expected {y.shape + tau.shape} (one value per level on a last axis)")
    down = np.diff(q, axis=-1) < 0  # (..., Q-1)
    if down.any():
        if crossing == "sort":
            return y, np.sort(q, axis=-1), tau
        where = np.argwhere(down)[0]
        first, j = tuple(int(i) for i in where[:-1]), int(where[-1])
        hi, lo = q[first][j + 1].item(), q[first][j].item()
        raise LstmlabError(
            f"q_pred crosses: the value for level {tau[j + 1].item()!r} is below the one for level {tau[j].item()!r} "
            f"at {int(down.any(axis=-1).sum())} of {y.size} points (first at index {first}: {hi!r} < {lo!r}); "
            f"expected values that do not decrease along the last axis. Pass crossing='sort' to score the sorted "
            f"values (the monotone rearrangement) instead")
    return y, q, tau


def _axes(axis: Axis, y: np.ndarray) -> tuple[int, ...]:
    """``axis`` as non-negative axes of ``y`` (all of them for None)."""
    if axis is None:
        return tuple(range(y.ndim))
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    for a in axes:
        if not -y.ndim <= a < y.ndim:
            raise LstmlabError(f"axis {a} is out of range for y_true with {y.ndim} dimensions (shape {y.shape})")
    return tuple(int(a) % y.ndim for a in axes)


def _pinball(y: np.ndarray, q: np.ndarray, tau: np.ndarray) -> np.ndarray:
    """Pinball loss of every value at every level: rho_tau(u) = u * (tau - 1{u < 0}), u = y - q."""
    u = y[..., None] - q  # (..., Q)
    return u * (tau - (u < 0))  # (..., Q)


# ---- quantile forecasts ---------------------------------------------------------------------------------------------

def pinball_loss(y_true: ArrayLike, q_pred: ArrayLike, quantiles: ArrayLike, axis: Axis = None, *,
                 per_quantile: bool = False, crossing: Crossing = "raise") -> float | np.ndarray:
    """Mean pinball (quantile) loss over values and levels.

    The loss of the quantile ``q`` at level ``tau`` for the actual value ``y`` is
    ``rho_tau(y - q) = tau * (y - q)`` if ``y >= q`` and ``(1 - tau) * (q - y)`` otherwise (Koenker & Bassett,
    1978); its expectation is smallest at the true ``tau``-quantile. At ``tau = 0.5`` it is half the absolute error.

    Parameters
    ----------
    y_true : array (...,)
        Actual values, e.g. (H,) or (N, H).
    q_pred : array (..., Q)
        Forecast quantiles: ``y_true``'s shape plus one value per level.
    quantiles : array (Q,)
        The levels, each in (0, 1), strictly increasing.
    axis : int or tuple of int, optional
        Axes of ``y_true`` to average over; the others stay (None: all).
    per_quantile : bool
        Keep the levels apart: the result gains a last axis of length Q.
    crossing : {"raise", "sort"}
        What to do with values that decrease along the levels (see the module docstring).

    Returns
    -------
    float, or array of the axes left (plus (Q,) with ``per_quantile``).
    """
    y, q, tau = _quantile_forecast(y_true, q_pred, quantiles, crossing)
    loss = _pinball(y, q, tau)  # (..., Q)
    if not per_quantile:
        loss = loss.mean(axis=-1)  # (...,)
    return np.mean(loss, axis=_axes(axis, y))


def weighted_quantile_loss(y_true: ArrayLike, q_pred: ArrayLike, quantiles: ArrayLike, *,
                           per_quantile: bool = False, crossing: Crossing = "raise") -> float | np.ndarray:
    """Weighted quantile loss, the scale-free quantile score of DeepAR and GluonTS.

    For each level ``wQL_tau = 2 * sum_i rho_tau(y_i - q_i) / sum_i |y_i|``, both sums over every value of
    ``y_true`` (all steps of all series); the result is the mean of ``wQL_tau`` over the levels. This is the
    "rho-risk" / quantile loss of Salinas et al. (2020, DeepAR, Int. J. Forecasting 36(3)) and GluonTS's
    ``mean_wQuantileLoss`` (Alexandrov et al., 2020, JMLR 21(116)). At ``tau = 0.5`` it is sum |y - q| / sum |y|.
    Undefined (raises) when every actual value is 0.

    Parameters and shapes as in :func:`pinball_loss`; ``per_quantile`` gives ``wQL_tau`` per level, (Q,).
    """
    y, q, tau = _quantile_forecast(y_true, q_pred, quantiles, crossing)
    total = np.sum(np.abs(y))
    if total == 0:
        raise LstmlabError("weighted quantile loss is undefined: sum |y_true| is 0 (every actual value is 0)")
    wql = 2 * _pinball(y, q, tau).reshape(-1, tau.size).sum(axis=0) / total  # (Q,)
    return wql if per_quantile else np.mean(wql)


def crps_from_quantiles(y_true: ArrayLike, q_pred: ArrayLike, quantiles: ArrayLike, axis: Axis = None, *,
                        crossing: Crossing = "raise") -> float | np.ndarray:
    """CRPS approximated on a grid of quantiles: twice the mean pinball loss over the levels.

    The CRPS is twice the pinball loss integrated over all levels, ``CRPS(F, y) = 2 * int_0^1 rho_tau(y -
    F^-1(tau)) dtau`` (Laio & Tamea, 2007; Gneiting & Ranjan, 2011). The mean over Q levels is a quadrature
    of that integral: it converges to the CRPS as the grid fills (0, 1), and weighs each level alike, so the
    levels should be spread evenly. On the midpoint grid ``(i - 0.5) / Q`` it is exactly the CRPS of the
    distribution with mass 1/Q at each forecast quantile. With the single level 0.5 it is the absolute error of
    the median.

    Parameters and shapes as in :func:`pinball_loss`.
    """
    return 2 * pinball_loss(y_true, q_pred, quantiles, axis, crossing=crossing)


# ---- sample forecasts -----------------------------------------------------------------------------------------------

def crps_from_samples(y_true: ArrayLike, samples: ArrayLike, axis: Axis = None) -> float | np.ndarray:
    """CRPS of the empirical distribution of sample draws, computed exactly in O(S log S).

    The energy form ``CRPS(F, y) = E|X - y| - 0.5 * E|X - X'|``, X and X' independent draws from F
    (Gneiting & Raftery, 2007, eq. 21), with F putting mass 1/S on each sample (the plain estimator, not the
    "fair" one that divides the spread by S(S-1)). With the samples sorted, ``x_(1) <= ... <= x_(S)``, the gap
    ``x_(k+1) - x_(k)`` separates k(S-k) of the S^2 ordered pairs on each side, so
    ``0.5 * E|X - X'| = sum_k k (S - k) (x_(k+1) - x_(k)) / S^2``: a sort, no S x S table, and a sum of
    non-negative terms (a point mass scores exactly its absolute error).

    Parameters
    ----------
    y_true : array (...,)
        Actual values, e.g. (H,) or (N, H).
    samples : array (..., S)
        Draws of the forecast distribution: ``y_true``'s shape plus S draws on a last axis.
    axis : int or tuple of int, optional
        Axes of ``y_true`` to average over; the others stay (None: all).
    """
    y = _actuals(y_true)
    x = np.asarray(samples, dtype=np.float64)
    if x.shape[:-1] != y.shape or x.ndim != y.ndim + 1:
        expected = "(" + ", ".join([*map(str, y.shape), "S"]) + ")"
        raise LstmlabError(f"samples has shape {x.shape} but y_true has shape {y.shape}: expected {expected}, "
                           f"S draws on a last axis")
    S = x.shape[-1]
    if S == 0:
        raise LstmlabError(f"samples has no draws (shape {x.shape}): expected at least one on the last axis")
    x = np.sort(x, axis=-1)  # (..., S)
    near = np.mean(np.abs(x - y[..., None]), axis=-1)  # (...,)  E|X - y|
    k = np.arange(1, S)  # (S-1,)
    half_spread = np.diff(x, axis=-1) @ (k * (S - k) / S**2)  # (...,)  0.5 E|X - X'|
    return np.mean(near - half_spread, axis=_axes(axis, y))


# ---- intervals ------------------------------------------------------------------------------------------------------

def msis(y_true: ArrayLike, lower: ArrayLike, upper: ArrayLike, y_train: ArrayLike, seasonal_period: int = 1,
         level: float = 0.95, axis: Axis = None) -> float | np.ndarray:
    """Mean scaled interval score, the interval measure of the M4 competition.

    With ``alpha = 1 - level``, each value scores the interval score (Gneiting & Raftery, 2007, section 6.2)
    ``(U - L) + (2/alpha) (L - y) 1{y < L} + (2/alpha) (y - U) 1{y > U}``: the width, plus a penalty for a miss
    that grows with its distance and the nominal level. MSIS is the mean score divided by the in-sample MAE of
    the seasonal naive forecast, ``mean |y_t - y_{t-m}|`` over ``y_train``, as in MASE (Makridakis, Spiliotis &
    Assimakopoulos, 2020, "The M4 Competition: 100,000 time series and 61 forecasting methods", Int. J.
    Forecasting 36(1); M4 scored 95 % intervals). Undefined (raises) for a history the seasonal naive forecast
    fits exactly (scale 0).

    Parameters
    ----------
    y_true, lower, upper : arrays of one shape (...,)
        Actual values and the interval's bounds, lower <= upper.
    y_train : array (T,)
        The history the forecast was made from, T > ``seasonal_period``.
    seasonal_period : int
        m of the seasonal naive scale (1: the naive forecast).
    level : float
        Nominal coverage of the interval, in (0, 1).
    axis : int or tuple of int, optional
        Axes to average over; the others stay (None: all).
    """
    scale = seasonal_scale(y_train, seasonal_period, "MSIS")
    score = interval_score(y_true, lower, upper, level)  # (...,)
    return np.mean(score, axis=_axes(axis, score)) / scale


def interval_score(y_true: ArrayLike, lower: ArrayLike, upper: ArrayLike, level: float = 0.95) -> np.ndarray:
    """The interval score of each value, unscaled and not averaged (see :func:`msis`): the width plus
    ``2/alpha`` times the distance by which ``y`` falls outside, with ``alpha = 1 - level``; shape of ``y_true``."""
    alpha = 1 - _level(level)
    y = _actuals(y_true)
    lo, hi = _interval(y, lower, upper)
    return (hi - lo) + (2 / alpha) * (np.maximum(lo - y, 0) + np.maximum(y - hi, 0))


def coverage_by_level(y_true: ArrayLike, intervals: dict[float, tuple[ArrayLike, ArrayLike]]) -> dict[float, float]:
    """Share of the actual values inside each interval, ends included: ``{level: coverage}``, sorted by level.

    ``intervals`` maps each nominal level in (0, 1) to its ``(lower, upper)`` bounds, each shaped like
    ``y_true``. A well-calibrated forecast covers close to each level.
    """
    y = _actuals(y_true)
    if not intervals:
        raise LstmlabError("intervals is empty: expected {level: (lower, upper)}, e.g. {0.8: (lo80, hi80)}")
    out = {}
    for level, bounds in intervals.items():
        lv = _level(level)
        if not isinstance(bounds, (tuple, list)) or len(bounds) != 2:
            raise LstmlabError(f"intervals[{level!r}] must be a pair (lower, upper) (got {type(bounds).__name__})")
        lo, hi = _interval(y, *bounds, prefix=f"level {level!r}: ")
        out[lv] = float(coverage(y, lo, hi))
    return dict(sorted(out.items()))
