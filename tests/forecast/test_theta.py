"""The optimised Theta method: checked against a direct, one-window-at-a-time computation."""

import numpy as np
import pytest

from lstmlab.forecast.seasonality import panel_indices
from lstmlab.forecast.theta import ALPHAS, theta_forecasts


def direct(x: np.ndarray, horizon: int) -> np.ndarray:
    """The optimised Theta forecast of one (already adjusted) history, the slow way: for every α the one-step
    forecasts written out as an affine function of (l_{-1}, c), least squares by numpy, c limited to
    [0, b] by trying both ends, the α of least squared error, and b from numpy's polyfit."""
    n = len(x)
    b = np.polyfit(np.arange(n), x, 1)[0] if n > 1 else 0.0
    best = None
    for alpha in ALPHAS:
        ses = np.array([sum(alpha * (1 - alpha) ** (t - 1 - s) * x[s] for s in range(t)) for t in range(n)])
        d = (1 - alpha) ** np.arange(n)  # the weight of l_{-1} in the forecast of x_t
        g = (1 - (1 - alpha) ** np.arange(1, n + 1)) / alpha  # the drift's
        X = np.stack([d, g], axis=1)
        coef = np.linalg.lstsq(X, x - ses, rcond=None)[0] if n > 1 else np.array([x[0], 0.0])
        options = [coef] if min(0, b) <= coef[1] <= max(0, b) else [
            np.array([d @ (x - ses - c * g) / (d @ d), c]) for c in (0.0, b)]
        for l0, c in options:
            sse = float(np.sum((x - ses - d * l0 - c * g) ** 2))
            if best is None or sse < best[0] - 1e-9 * max(1.0, best[0]):
                level = sum(alpha * (1 - alpha) ** (n - 1 - s) * x[s] for s in range(n)) + (1 - alpha) ** n * l0
                best = (sse, alpha, level, c)
    _, alpha, level, c = best
    h = np.arange(1, horizon + 1)
    return level + c * (h - 1 + (1 - (1 - alpha) ** (n + 1)) / alpha)


def test_matches_the_direct_computation_at_every_origin():
    rng = np.random.default_rng(0)
    arrays = [np.cumsum(rng.normal(0.3, 1, n)) + 20 for n in (30, 17, 45)]
    arrays.append(np.r_[np.linspace(0, 30, 20), np.linspace(29, 5, 25)] + 10 + rng.normal(0, 0.5, 45))  # a hump
    sidx = np.array([0, 0, 1, 2, 2, 2, 1, 3, 3])
    origin = np.array([30, 12, 17, 1, 2, 40, 5, 45, 30])
    ones = np.ones((4, 1))
    out = theta_forecasts(arrays, ones, sidx, origin, 4)
    for row, (i, t) in enumerate(zip(sidx, origin)):
        np.testing.assert_allclose(out[row], direct(arrays[i][:t], 4), rtol=1e-9, atol=1e-9)


def test_reads_nothing_after_each_origin():
    rng = np.random.default_rng(1)
    x = np.cumsum(rng.normal(0, 1, 60)) + 50
    y = x.copy()
    y[40:] += 1000  # changed after the origin
    a = theta_forecasts([x], np.ones((1, 1)), np.array([0]), np.array([40]), 6)
    b = theta_forecasts([y], np.ones((1, 1)), np.array([0]), np.array([40]), 6)
    np.testing.assert_array_equal(a, b)


def test_a_flat_series_is_forecast_flat_and_a_line_is_continued():
    out = theta_forecasts([np.full(20, 7.0)], np.ones((1, 1)), np.array([0]), np.array([20]), 5)
    np.testing.assert_allclose(out, 7.0)
    line = 3.0 + 2.0 * np.arange(50)  # SES lags a line by a constant, which the drift's whole slope makes up
    f = theta_forecasts([line], np.ones((1, 1)), np.array([0]), np.array([50]), 4)[0]
    np.testing.assert_allclose(f, 3.0 + 2.0 * np.arange(50, 54), rtol=1e-9)
    down = theta_forecasts([line[::-1]], np.ones((1, 1)), np.array([0]), np.array([50]), 4)[0]
    np.testing.assert_allclose(down, 3.0 - 2.0 * np.arange(1, 5), rtol=1e-9)


def test_a_seasonal_series_is_forecast_with_its_season():
    shape = np.array([0.8, 1.0, 1.3, 0.9])
    x = 100 * np.tile(shape, 10)  # a constant level times the season
    indices = panel_indices([x], 4)
    np.testing.assert_allclose(indices[0], shape, rtol=1e-12)
    out = theta_forecasts([x], indices, np.array([0]), np.array([40]), 8)[0]
    np.testing.assert_allclose(out, 100 * np.tile(shape, 2), rtol=1e-9)


def test_no_windows():
    assert theta_forecasts([np.ones(5)], np.ones((1, 1)), np.zeros(0, int), np.zeros(0, int), 3).shape == (0, 3)


@pytest.mark.parametrize("n", [1, 2])
def test_the_shortest_histories(n):
    x = np.array([4.0, 6.0])[:n]
    out = theta_forecasts([x], np.ones((1, 1)), np.array([0]), np.array([n]), 3)[0]
    np.testing.assert_allclose(out, direct(x, 3), rtol=1e-9)


def test_chunks_of_series_give_the_same_forecasts(monkeypatch):
    from lstmlab.forecast import theta

    rng = np.random.default_rng(2)
    arrays = [np.abs(np.cumsum(rng.normal(0.2, 1, n))) + 5 for n in (40, 12, 33, 25, 60)]
    indices = panel_indices(arrays, 4)
    sidx = np.array([4, 0, 2, 2, 1, 3, 0, 4])
    origin = np.array([60, 40, 33, 20, 12, 25, 9, 31])
    whole = theta_forecasts(arrays, indices, sidx, origin, 5)
    monkeypatch.setattr(theta, "CHUNK", 50)  # two series or one at a time
    np.testing.assert_allclose(theta_forecasts(arrays, indices, sidx, origin, 5), whole, rtol=1e-12)


def test_a_large_level_moves_the_forecast_and_nothing_else():
    rng = np.random.default_rng(3)
    x = np.cumsum(rng.normal(0, 1, 80))
    ones, at = np.ones((1, 1)), (np.array([0]), np.array([80]))
    base = theta_forecasts([x], ones, *at, 6)
    for shift in (1e8, 1e10):
        np.testing.assert_allclose(theta_forecasts([x + shift], ones, *at, 6) - shift, base, atol=1e-4)
