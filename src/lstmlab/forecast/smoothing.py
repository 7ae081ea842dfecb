"""Exponential smoothing of many series at many forecast origins at once, a chunk of series at a time.

The statistical forecasters averaged with the networks (:mod:`lstmlab.forecast.theta`,
:mod:`lstmlab.forecast.holt_winters`) fit every window (series i, origin t) on the values before t.
They smooth each series once, one step per time point for all its windows together, and read each
window's sums when the smoothing reaches its origin. :func:`by_chunks` runs such a fit over the series in
chunks whose (series x time) arrays stay small for any number of series.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from lstmlab.forecast.seasonality import factors


def by_chunks(arrays: list[np.ndarray], sidx: np.ndarray, origin: np.ndarray, horizon: int, cells: int,
              fit: Callable, indices: np.ndarray | None = None, state: int = 0) -> np.ndarray:
    """Forecasts (n, horizon) of the windows (``sidx``, ``origin``), each (n,), of the series ``arrays``; with
    multiplicative seasonal ``indices`` (N, m), of the series divided by them (a chunk at a time), the
    forecasts multiplied back by the indices of the steps ahead.

    The series read are taken longest first, as many at a time as keep ``rows x longest history`` and
    ``rows x state`` (the values a fit holds per series besides its history) at most ``cells`` (a longer
    series alone), so the padding of a chunk to its longest is small. For each chunk, ``fit(x, row,
    origin)`` gets ``x`` (S, T), the chunk's histories minus each one's first value and zero beyond what is
    read (the methods here move with a constant shift: fitting from the first value keeps their squared
    errors' sums from being swamped by a large level), and the chunk's windows as ``row`` (w,) into x and
    ``origin`` (w,); it returns their forecasts (w, horizon) of the shifted values.
    """
    sidx, origin = np.asarray(sidx, dtype=np.int64), np.asarray(origin, dtype=np.int64)
    out = np.empty((len(sidx), horizon))
    if not len(sidx):
        return out
    used, row = np.unique(sidx, return_inverse=True)  # the series read, and each window's row among them
    last = np.zeros(len(used), dtype=np.int64)
    np.maximum.at(last, row, origin)  # the longest history read of each series
    rank = np.empty(len(used), dtype=np.int64)
    rank[np.argsort(-last, kind="stable")] = np.arange(len(used))  # rows longest first
    used[rank], last[rank], row = used.copy(), last.copy(), rank[row]
    by_row = np.argsort(row, kind="stable")
    lo = 0
    while lo < len(used):  # the first of each chunk is its longest
        hi = min(len(used), lo + max(1, cells // max(int(last[lo]), state)))
        w = by_row[np.searchsorted(row[by_row], lo):np.searchsorted(row[by_row], hi)]  # their windows
        x = np.zeros((hi - lo, int(last[lo])))  # (S, T)
        for r, (i, n) in enumerate(zip(used[lo:hi], last[lo:hi])):
            x[r, :n] = arrays[i][:n] if indices is None else arrays[i][:n] / indices[i, np.arange(n) % indices.shape[1]]
        first = x[:, 0].copy()
        x -= first[:, None]
        out[w] = first[row[w] - lo][:, None] + fit(x, row[w] - lo, origin[w])
        lo = hi
    return out if indices is None else out * factors(indices, sidx, origin[:, None] + np.arange(horizon))
