"""Damped Holt-Winters: checked against a direct, one-window-at-a-time computation."""

import numpy as np
import pytest

from lstmlab.forecast import holt_winters
from lstmlab.forecast.holt_winters import GRID, holt_winters_forecasts
from lstmlab.forecast.seasonality import panel_indices


def run(x: np.ndarray, params, l0: float, b0: float, states: np.ndarray, horizon: int):
    """The recursion written out one value at a time: one-step errors, and the forecast after the last value."""
    alpha, beta, gamma, phi = params
    m = len(states)
    level, trend, s = l0, b0, states.astype(float).copy()
    errors = []
    for t, v in enumerate(x):
        e = v - (level + phi * trend + s[t % m])
        errors.append(e)
        level, trend = level + phi * trend + alpha * e, phi * trend + beta * e
        s[t % m] += gamma * e
    steps = np.cumsum(phi ** np.arange(1, horizon + 1))
    return np.array(errors), level + steps * trend + s[(len(x) + np.arange(horizon)) % m]


def direct(y: np.ndarray, index: np.ndarray, horizon: int) -> np.ndarray:
    """The forecast of one history ``y`` with multiplicative indices ``index`` (m,): on the adjusted values, for
    every grid point, the errors from (l0, b0) = (0, 0), (1, 0), (0, 1) (they are affine in them), least
    squares by numpy, the point of least squared error; the forecast times the indices ahead."""
    m = len(index)
    x, init = y / index[np.arange(len(y)) % m], np.zeros(m)
    grid = GRID if m > 1 else GRID[GRID[:, 2] == 0]
    best = None
    for params in grid:
        e0, _ = run(x, params, 0.0, 0.0, init, horizon)
        X = np.stack([e0 - run(x, params, 1.0, 0.0, init, horizon)[0],
                      e0 - run(x, params, 0.0, 1.0, init, horizon)[0]], axis=1)  # each error = e0 - X @ (l0, b0)
        if np.linalg.matrix_rank(X) == 2:
            coef = np.linalg.lstsq(X, e0, rcond=None)[0]
        else:  # one value: the level alone
            coef = np.array([X[:, 0] @ e0 / (X[:, 0] @ X[:, 0]), 0.0])
        errors, forecast = run(x, params, *coef, init, horizon)
        sse = float(errors @ errors)
        if best is None or sse < best[0] - 1e-9 * max(1.0, best[0]):
            best = (sse, forecast)
    forecast = best[1] * index[(len(y) + np.arange(horizon)) % m]
    return np.maximum(forecast, 0.0) if y.min() >= 0 else forecast


def test_matches_the_direct_computation_at_every_origin():
    rng = np.random.default_rng(0)
    pattern = np.array([-3.0, 1.0, 4.0, -2.0])
    arrays = [50 + np.cumsum(rng.normal(0.2, 1, n)) + np.resize(pattern, n) for n in (30, 17, 45)]
    arrays.append(np.r_[np.linspace(0, 30, 20), np.linspace(29, 5, 25)] - 10 + rng.normal(0, 0.5, 45))  # below 0
    sidx = np.array([0, 0, 1, 2, 2, 2, 1, 3, 3, 2])
    origin = np.array([30, 12, 17, 1, 2, 40, 5, 45, 30, 7])
    indices = np.ones((4, 4))
    indices[2] = [0.9, 1.2, 1.0, 0.9]  # one series seasonally adjusted
    out = holt_winters_forecasts(arrays, indices, sidx, origin, 5)
    for row, (i, t) in enumerate(zip(sidx, origin)):
        np.testing.assert_allclose(out[row], direct(arrays[i][:t], indices[i], 5), rtol=1e-7, atol=1e-7)
    yearly = holt_winters_forecasts(arrays, np.ones((4, 1)), sidx, origin, 3)  # no season: the damped trend alone
    for row, (i, t) in enumerate(zip(sidx, origin)):
        np.testing.assert_allclose(yearly[row], direct(arrays[i][:t], np.ones(1), 3), rtol=1e-7, atol=1e-7)


def test_reads_nothing_after_each_origin():
    rng = np.random.default_rng(1)
    x = np.cumsum(rng.normal(0, 1, 60)) + 50 + np.resize([2.0, -2.0, 0.0], 60)
    y = x.copy()
    y[40:] += 1000  # changed after the origin
    idx = panel_indices([x[:40]], 3)  # from before the origin
    args = (np.array([0]), np.array([40]), 6)
    np.testing.assert_array_equal(holt_winters_forecasts([x], idx, *args), holt_winters_forecasts([y], idx, *args))


def test_a_flat_series_stays_flat_and_an_exact_season_is_continued():
    np.testing.assert_allclose(holt_winters_forecasts([np.full(20, 7.0)], np.ones((1, 4)), [0], [20], 5), 7.0)
    shape = np.array([0.8, 1.0, 1.3, 0.9])
    x = 100 * np.resize(shape, 42)  # a level with a season, no noise
    out = holt_winters_forecasts([x], panel_indices([x], 4), [0], [42], 6)
    np.testing.assert_allclose(out[0], 100 * np.resize(np.roll(shape, -2), 6), rtol=1e-6)  # 42 % 4 = 2
    # a season the indices do not hold (all 1) is learnt by the seasonal states, at least in its direction
    learnt = holt_winters_forecasts([x], np.ones((1, 4)), [0], [42], 4)[0]
    assert np.argmax(learnt) == np.argmax(np.roll(shape, -2)) and np.argmin(learnt) == np.argmin(np.roll(shape, -2))


def test_a_non_negative_series_is_not_forecast_below_zero():
    x = np.r_[np.linspace(40, 2, 30), np.zeros(2)]  # falling to zero: the trend would cross it
    out = holt_winters_forecasts([x, x - 10], np.ones((2, 1)), [0, 1], [32, 32], 8)
    assert out[0].min() == 0.0 and out[1].min() < -10  # the one that went below zero may go on


def test_no_windows_and_the_shortest_histories():
    ones = np.ones((1, 4))
    assert holt_winters_forecasts([np.arange(5.0)], ones, np.zeros(0, int), np.zeros(0, int), 3).shape == (0, 3)
    out = holt_winters_forecasts([np.array([3.0, 5.0])], ones, [0, 0], [1, 2], 3)
    np.testing.assert_allclose(out[0], 3.0)  # one value: that value
    np.testing.assert_allclose(out[1], direct(np.array([3.0, 5.0]), np.ones(4), 3))  # two: fitted exactly, ties to the first


def test_chunks_of_series_give_the_same_forecasts(monkeypatch):
    rng = np.random.default_rng(2)
    arrays = [rng.uniform(10, 20, n) for n in rng.integers(3, 40, 30)]
    sidx = np.arange(30)
    origin = np.array([len(a) for a in arrays])
    idx = panel_indices(arrays, 4)
    whole = holt_winters_forecasts(arrays, idx, sidx, origin, 4)
    import lstmlab.forecast.smoothing as smoothing

    sizes, real = [], smoothing.by_chunks

    def spy(*args, **kwargs):
        sizes.append((args[4], kwargs["state"]))
        return real(*args, **kwargs)

    monkeypatch.setattr(holt_winters, "by_chunks", spy)
    holt_winters_forecasts(arrays, idx, sidx, origin, 4)
    assert sizes == [(holt_winters.CELLS, 48 * 4)]  # rows bounded by the state held per series, not by time too
    monkeypatch.setattr(holt_winters, "CELLS", 48 * 4 * 3)  # three series per chunk
    np.testing.assert_array_equal(holt_winters_forecasts(arrays, idx, sidx, origin, 4), whole)


@pytest.mark.parametrize("m", [1, 4])
def test_a_large_level_moves_the_forecast_and_nothing_else(m):
    rng = np.random.default_rng(3)
    x = np.cumsum(rng.normal(0, 1, 40)) + np.resize([1.0, -1.0, 2.0, -2.0], 40)
    low = holt_winters_forecasts([x + 10], np.ones((1, m)), [0], [40], 4)
    high = holt_winters_forecasts([x + 1e10], np.ones((1, m)), [0], [40], 4)
    np.testing.assert_allclose(high - 1e10, low - 10, atol=1e-3)
