"""Holt-Winters with a damped trend, for many series and forecast origins at once.

Exponential smoothing of a level l, a damped trend b and m seasonal states s (Gardner and McKenzie's
damped trend with additive seasonal states; the point forecasts of the ETS(A,Ad,A) model, Hyndman et al.
2008), on the series seasonally adjusted by the multiplicative indices of
:mod:`lstmlab.forecast.seasonality` (the Theta method's adjustment), so that the states carry what the
fixed indices miss: a season that changes, or one the seasonality test did not accept. For an adjusted
history x_0 .. x_{n-1}:

- the one-step forecast of x_t is f_t = l_{t-1} + φ b_{t-1} + s_{t-m}, its error e_t = x_t - f_t;
- l_t = l_{t-1} + φ b_{t-1} + α e_t, b_t = φ b_{t-1} + β e_t, s_t = s_{t-m} + γ e_t;
- the seasonal states start at 0; the initial level and trend are those of least squared one-step
  errors (the errors are affine in them: closed form); (α, β, γ, φ) is the point of :data:`GRID` with the
  least squared error;
- the forecast h steps ahead is l_{n-1} + (φ + ... + φ^h) b_{n-1} + its season's state, times its index,
  and at least 0 when the history is (a non-negative series is not forecast below zero).

statsforecast's AutoETS chooses among ETS models by AICc with continuous parameters; this one searches
one model family on a grid. On M1 and Tourism (development data, each series' training part, scored
on its test part; ``benchmarks/bench_statistical.py``) it scores mean MASE 3.805, 1.674, 1.058 (M1
yearly, quarterly, monthly) and 2.595, 1.533, 1.531 (Tourism), beside AutoETS' 3.950, 1.659, 1.090 and
2.790, 1.599, 1.531 (docs/benchmarks.md, "Averaging with Holt-Winters"). A trained panel averages it with
its networks' where validation says so.
"""

from __future__ import annotations

import itertools

import numpy as np

from lstmlab.forecast.smoothing import by_chunks

GRID = np.array([(a, a * b, g * (1 - a), p) for a, b, g, p in itertools.product(
    (0.1, 0.3, 0.5, 0.8), (0.0, 0.1), (0.0, 0.1, 0.3), (0.9, 0.98))])
"""(α, β, γ, φ) searched: α in 0.1 .. 0.8, β as 0 or a tenth of α, γ as 0, 0.1 or 0.3 of 1 - α, φ 0.9 or
0.98 (48 points; without a season, γ = 0 only: 16). Chosen on M1 and Tourism (docs/benchmarks.md,
"Averaging with Holt-Winters")."""

CELLS = 500_000
"""Values of the (series x grid points x season) state arrays (and of the series x time histories)
smoothed at once, at most: 4 MB each."""


def holt_winters_forecasts(arrays: list[np.ndarray], indices: np.ndarray, sidx: np.ndarray, origin: np.ndarray,
                           horizon: int) -> np.ndarray:
    """Damped Holt-Winters forecasts (n, horizon) of the windows (``sidx``, ``origin``) of the series ``arrays``,
    with the parameters of :func:`~lstmlab.forecast.theta.theta_forecasts`; m, the width of ``indices``, is
    also the number of seasonal states (1: none)."""
    sidx, origin = np.asarray(sidx, dtype=np.int64), np.asarray(origin, dtype=np.int64)
    m = indices.shape[1]
    grid = GRID if m > 1 else GRID[GRID[:, 2] == 0]

    def fit(x: np.ndarray, row: np.ndarray, at: np.ndarray) -> np.ndarray:
        return _fit(x, m, grid, row, at, horizon)

    out = by_chunks(arrays, sidx, origin, horizon, CELLS, fit, indices, state=len(grid) * m)
    least = np.array([np.min(arrays[i][:t]) for i, t in zip(sidx, origin)])  # (n,) of each history
    return np.where(least[:, None] >= 0, np.maximum(out, 0.0), out) if len(out) else out


def _fit(x: np.ndarray, m: int, grid: np.ndarray, row: np.ndarray, origin: np.ndarray, horizon: int) -> np.ndarray:
    """Forecasts (w, horizon) of the windows (``row``, ``origin``) of the rows of ``x`` (S, T), with m
    seasonal states, fitted as the module says.

    Smoothing from a zero level and trend gives errors u_t; a unit initial level (or trend) with no data
    gives one-step forecasts q_t that depend on the grid point only. The errors from (l, b) are then
    u_t - l q^l_t - b q^b_t: linear least squares in (l, b) for every grid point, from the running sums of
    u², u q and q q'; where they cannot be told apart (one value) the trend is 0."""
    S, T = x.shape
    alpha, beta, gamma, phi = grid.T  # (P,) each
    P = len(grid)
    level, trend = np.zeros((S, P)), np.zeros((S, P))
    states = np.zeros((S, P, m))  # states[..., j] for positions j mod m
    unit_level, unit_trend = np.zeros((2, P)), np.zeros((2, P))  # runs 0 and 1: a unit initial level, trend
    unit_level[0], unit_trend[1] = 1.0, 1.0
    unit_states = np.zeros((2, P, m))
    suu, suq, sqq = np.zeros((S, P)), np.zeros((S, P, 2)), np.zeros((P, 2, 2))
    damped = np.cumsum(phi[:, None] ** np.arange(1, horizon + 1), axis=1)  # (P, H) φ + ... + φ^h
    order = np.argsort(origin, kind="stable")
    bounds = np.searchsorted(origin[order], np.arange(1, T + 2))  # windows with origin t + 1: bounds[t]:bounds[t+1]
    out = np.empty((len(row), horizon))
    for t in range(T):
        j = t % m
        u = x[:, t:t + 1] - (level + phi * trend + states[..., j])  # (S, P)
        q = unit_level + phi * unit_trend + unit_states[..., j]  # (2, P)
        suu += u * u
        suq += u[..., None] * q.T
        sqq += q.T[:, :, None] * q.T[:, None, :]
        level, trend = level + phi * trend + alpha * u, phi * trend + beta * u
        states[..., j] += gamma * u
        unit_level, unit_trend = unit_level + phi * unit_trend - alpha * q, phi * unit_trend - beta * q
        unit_states[..., j] -= gamma * q  # a unit run's error is -q: it has no data
        w = order[bounds[t]:bounds[t + 1]]
        if not len(w):
            continue
        r = row[w]
        det = sqq[:, 0, 0] * sqq[:, 1, 1] - sqq[:, 0, 1] ** 2  # (P,)
        ok = det > 1e-9 * sqq[:, 0, 0] * sqq[:, 1, 1]
        a0, a1 = suq[r][..., 0], suq[r][..., 1]  # (W, P)
        safe = np.where(ok, det, 1.0)
        l0 = np.where(ok, (sqq[:, 1, 1] * a0 - sqq[:, 0, 1] * a1) / safe, a0 / sqq[:, 0, 0])
        b0 = np.where(ok, (sqq[:, 0, 0] * a1 - sqq[:, 0, 1] * a0) / safe, 0.0)
        sse = (suu[r] - 2 * (l0 * a0 + b0 * a1) + l0 * l0 * sqq[:, 0, 0] + 2 * l0 * b0 * sqq[:, 0, 1]
               + b0 * b0 * sqq[:, 1, 1])
        sse = np.where(sse <= 1e-9 * suu[r].max(axis=1, keepdims=True), 0.0, sse)  # exact fits (two values) tie
        best = np.argmin(sse, axis=1)  # (W,) among equals the first
        pick = np.arange(len(w)), best
        lv = level[r][pick] + l0[pick] * unit_level[0, best] + b0[pick] * unit_level[1, best]
        tr = trend[r][pick] + l0[pick] * unit_trend[0, best] + b0[pick] * unit_trend[1, best]
        st = states[r][pick] + l0[pick][:, None] * unit_states[0, best] + b0[pick][:, None] * unit_states[1, best]
        ahead = (t + 1 + np.arange(horizon)) % m  # (H,) the positions forecast
        out[w] = lv[:, None] + damped[best] * tr[:, None] + st[:, ahead]
    return out
