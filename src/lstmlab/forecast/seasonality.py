"""Multiplicative seasonal indices of each series, estimated on its whole history (classical decomposition).

A network reads a window of a few seasons; the seasonal pattern is better estimated from the whole
history, as the Theta method and ES-RNN do. A panel fit can divide each series by its indices, train
and forecast the seasonally adjusted values, and multiply the forecasts back.

The indices of a series of length n and season m, as in the Theta method's decomposition (Assimakopoulos
and Nikolopoulos 2000; the seasonality test of Hyndman and Athanasopoulos's ``forecast::thetaf``):

- seasonal at all only if the autocorrelation at lag m exceeds 1.645 sqrt((1 + 2 sum_{k<m} r_k^2) / n)
  (a 90 % test), the series is not negative and n >= 3m; otherwise every index is 1;
- the ratio of each value to the centred moving average of one season (2 x m for an even m), averaged
  per position in the season, scaled to a mean of 1; all 1 instead where that average reaches zero or
  an index is zero (a position that is always zero).

Zeros are allowed (Tourism has series that are zero out of season): with them refused, the Theta method of
:mod:`lstmlab.forecast.theta` had Tourism monthly MASE 1.748, and with them 1.646 (statsforecast's
``Theta``: 1.666); the panel LSTM moved by less than its seeds' spread (docs/benchmarks.md).

Positions count from each series' first value: index ``t % m`` belongs to value t.
"""

from __future__ import annotations

import numpy as np

Z90 = 1.645


def seasonal_indices(values: np.ndarray, season: int) -> np.ndarray:
    """The (m,) multiplicative indices of one series (all 1 where it is not seasonal by the test above,
    not positive, or shorter than three seasons)."""
    x = np.asarray(values, dtype=np.float64)
    m, n = int(season), len(x)
    ones = np.ones(max(m, 1))
    if m <= 1 or n < 3 * m or not np.all(np.isfinite(x)) or x.min() < 0:
        return ones
    xc = x - x.mean()
    denom = float(xc @ xc)
    if denom == 0:
        return ones
    acf = np.array([xc[k:] @ xc[:n - k] for k in range(1, m + 1)]) / denom  # (m,) lags 1..m
    if abs(acf[-1]) <= Z90 * np.sqrt((1 + 2 * np.sum(acf[:-1] ** 2)) / n):
        return ones
    w = np.r_[0.5, np.ones(m - 1), 0.5] / m if m % 2 == 0 else np.ones(m) / m
    trend = np.convolve(x, w, mode="valid")  # centred moving average, (n - len(w) + 1,)
    off = (len(w) - 1) // 2
    if trend.min() <= 0:  # a season of zeros: no ratio to it
        return ones
    ratio = x[off:off + len(trend)] / trend
    pos = np.arange(off, off + len(trend)) % m
    idx = np.bincount(pos, weights=ratio, minlength=m) / np.bincount(pos, minlength=m)
    idx = idx / idx.mean()
    return idx if idx.min() > 0 else ones  # a position that is always zero cannot be divided by


def panel_indices(arrays: list[np.ndarray], season: int, ends: np.ndarray | None = None) -> np.ndarray:
    """(N, m) indices of N series, each from its first ``ends[i]`` values (default: all of them)."""
    m = max(int(season), 1)
    ends = [len(a) for a in arrays] if ends is None else ends
    return np.stack([seasonal_indices(a[:int(e)], m) for a, e in zip(arrays, ends)]) if arrays else np.ones((0, m))


def factors(indices: np.ndarray, sidx: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """The index of each (series, position): ``indices`` (N, m), ``sidx`` (B,), ``positions`` (B, ...) ints
    counted from each series' first value; returns an array shaped like ``positions``."""
    m = indices.shape[1]
    sidx = np.asarray(sidx).reshape((-1,) + (1,) * (np.ndim(positions) - 1))
    return indices[sidx, np.asarray(positions) % m]


def adjusted(arrays: list[np.ndarray], indices: np.ndarray) -> list[np.ndarray]:
    """Each series divided by its (N, m) indices, value t of series i by ``indices[i, t % m]``: new arrays.
    (A :class:`~lstmlab.forecast.panel.Panel` given the indices divides as it gathers instead.)"""
    m = indices.shape[1]
    return [a / i[np.arange(len(a)) % m] for a, i in zip(arrays, indices)]
