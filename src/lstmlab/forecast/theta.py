"""The optimised Theta method, for many series and forecast origins at once.

The Theta method (Assimakopoulos and Nikolopoulos 2000; it won the M3 competition) is simple
exponential smoothing (SES) with a drift along the series' least-squares line (Hyndman and Billah
2003), on the series seasonally adjusted by classical multiplicative decomposition. The optimised
Theta method (Fiorucci et al. 2016) fits the drift's weight too. For a history x_0 .. x_{n-1}, adjusted
by the indices of :mod:`lstmlab.forecast.seasonality`, with b the least-squares slope of x_t on t:

- the one-step forecast of x_t is l_{t-1} + c g_t, where l_t = α x_t + (1 - α) l_{t-1} is SES' level from
  an initial level l_{-1} and g_t = (1 - (1 - α)^(t+1)) / α; c = (1 - 1/θ) b is the drift's weight, kept
  between 0 and b (θ >= 1; the standard method is θ = 2, half the slope);
- α (one of :data:`ALPHAS`), l_{-1} and c are those with the least sum of squared one-step errors;
- the forecast h steps ahead is l_{n-1} + c (h - 1 + g_n), times the index of its position in the
  season.

On M1 and Tourism (development data; `theta_forecasts` on each series' training part, scored on its
test part) this scores mean MASE 3.649, 1.649, 1.116 (M1 yearly, quarterly, monthly) and 2.559, 1.647,
1.632 (Tourism), beside statsforecast's AutoTheta, which chooses among four Theta models: 3.609, 1.667,
1.101 and 2.590, 1.642, 1.656 (docs/benchmarks.md, "Averaging with the Theta method").

A panel forecaster averages this forecast with its networks' where validation says so. The smoothing
runs once along every series (one step per time point for all series and all α together) and reads
each window's sums at its origin: a forecast from origin t reads values before t only.
"""

from __future__ import annotations

import numpy as np

from lstmlab.forecast.smoothing import by_chunks

ALPHAS = np.linspace(0.05, 1.0, 20)
"""The smoothing weights searched (a grid: vectorised over series and origins, and never stuck in a local
minimum; statsforecast's and R's optimisers search (0, 1) continuously)."""


CHUNK = 1_000_000
"""Cells of the (series x time) array smoothed at once, at most (a longer series alone; series are taken
longest first, so the padding of a chunk to its longest is small): the working arrays stay a few tens of
MB for any number of series."""


def theta_forecasts(arrays: list[np.ndarray], indices: np.ndarray, sidx: np.ndarray, origin: np.ndarray,
                    horizon: int) -> np.ndarray:
    """Optimised Theta forecasts (n, horizon) of the windows (``sidx``, ``origin``) of the series ``arrays``.

    Parameters
    ----------
    arrays : N series, each a 1-D float array.
    indices : (N, m) multiplicative seasonal indices of each series (all 1: not seasonal), positions
        counted from each series' first value; they must come from values before every origin asked for.
    sidx : (n,) the series of each window.
    origin : (n,) each window's history length, 1 <= origin <= len(series).
    horizon : steps ahead.
    """
    sidx, origin = np.asarray(sidx, dtype=np.int64), np.asarray(origin, dtype=np.int64)

    def fit(x: np.ndarray, row: np.ndarray, at: np.ndarray) -> np.ndarray:
        level, alpha, drift = _fit(x, row, at)  # (w,) each
        g = (1 - (1 - alpha) ** (at + 1.0)) / alpha  # g_n, n = origin
        return level[:, None] + drift[:, None] * (np.arange(horizon) + g[:, None])

    return by_chunks(arrays, sidx, origin, horizon, CHUNK, fit, indices)


def _fit(x: np.ndarray, row: np.ndarray, origin: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each window (``row``, ``origin``) of the rows of ``x`` (S, T): its last level l_{origin-1}, α and
    the drift's weight c, each (n,), fitted as the module says.

    SES started from 0 has level a_t and one-step errors u_t = x_t - a_{t-1}; from l_{-1} its one-step
    errors are u_t - d_t l_{-1} with d_t = (1 - α)^t, so each error of the model is u_t - d_t l_{-1} - c g_t:
    linear least squares in (l_{-1}, c), solved for every α from six running sums; c outside [0, b] is
    set to the nearer end (the squared error is a convex quadratic) and l_{-1} refitted. b, the
    least-squares slope of the history on 0 .. origin-1, comes from two more running sums."""
    S, T = x.shape
    A = len(ALPHAS)
    a, suu, sud, sug = (np.zeros((S, A)) for _ in range(4))  # SES from 0; sums of u², u d, u g
    sdd, sdg, sgg, d = np.zeros(A), np.zeros(A), np.zeros(A), np.ones(A)  # sums of d², d g, g²; d_t
    sx, stx = np.zeros(S), np.zeros(S)  # sums of x_t and t x_t
    order = np.argsort(origin, kind="stable")
    bounds = np.searchsorted(origin[order], np.arange(1, T + 2))  # windows with origin t + 1: bounds[t]:bounds[t+1]
    level, alpha, drift = np.empty(len(row)), np.empty(len(row)), np.empty(len(row))
    for t in range(T):
        g = (1 - d * (1 - ALPHAS)) / ALPHAS  # g_t
        u = x[:, t:t + 1] - a  # (S, A)
        suu += u * u
        sud += u * d
        sug += u * g
        sdd += d * d
        sdg += d * g
        sgg += g * g
        a += ALPHAS * u
        d = d * (1 - ALPHAS)  # d_{t+1}
        sx += x[:, t]
        stx += t * x[:, t]
        w = order[bounds[t]:bounds[t + 1]]
        if not len(w):
            continue
        r, n = row[w], t + 1.0
        denom = n * n * (n * n - 1) / 12  # n Σt² - (Σt)² over t = 0 .. n-1
        b = ((n * stx[r] - n * (n - 1) / 2 * sx[r]) / denom if t else np.zeros(len(w)))[:, None]  # (W, 1)
        det = sdd * sgg - sdg * sdg  # (A,) 0 for one value (d_0 = g_0 = 1)
        ok = det > 1e-9 * sdd * sgg
        c = np.where(ok, (sdd * sug[r] - sdg * sud[r]) / np.where(ok, det, 1.0), 0.0)  # (W, A)
        c = np.clip(c, np.minimum(0.0, b), np.maximum(0.0, b))
        l0 = (sud[r] - c * sdg) / sdd
        sse = suu[r] - 2 * l0 * sud[r] - 2 * c * sug[r] + l0 * l0 * sdd + 2 * l0 * c * sdg + c * c * sgg
        best = np.argmin(sse, axis=1)  # equals: the smallest α
        pick = np.arange(len(w)), best
        level[w] = a[r][pick] + d[best] * l0[pick]
        alpha[w], drift[w] = ALPHAS[best], c[pick]
    return level, alpha, drift
