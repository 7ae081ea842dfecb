import numpy as np
import pytest

from lstmlab.errors import LstmlabError
from lstmlab.forecast.synthetic import mean_reverting_series


def test_lengths_are_drawn_from_the_given_ones_and_series_are_positive():
    xs = mean_reverting_series(60, 12, [20, 50, 200], seed=3)
    assert len(xs) == 60
    assert {len(x) for x in xs} == {20, 50, 200}
    assert all(np.isfinite(x).all() and x.min() > 0 for x in xs)


def test_seeded():
    a, b = mean_reverting_series(12, 4, [40, 80], seed=1), mean_reverting_series(12, 4, [40, 80], seed=1)
    c = mean_reverting_series(12, 4, [40, 80], seed=2)
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    assert not all(np.array_equal(x, y) for x, y in zip(a, c))


def _lag1(x):
    d = x - x.mean()
    return float((d[1:] * d[:-1]).sum() / (d * d).sum())


def test_the_families_are_stationary_and_mean_reverting():
    # level and cycle alternate for yearly data: over 1,000 long series, the mean of the second half
    # stays near the first half's (a random walk's would wander by its whole spread), and level
    # series are positively autocorrelated on average, as phi ~ U(-0.2, 0.9) makes them
    xs = mean_reverting_series(400, 1, [2000], seed=0)
    levels = xs[0::2]
    drift = [abs(x[1000:].mean() - x[:1000].mean()) / x.std() for x in levels]
    assert np.median(drift) < 0.2
    assert 0.2 < np.mean([_lag1(x) for x in levels]) < 0.6


def test_seasonal_data_get_a_seasonal_family():
    xs = mean_reverting_series(300, 12, [600], seed=0)
    anomalies = xs[2::3]  # level, cycle, anomaly, ...
    # the seasonal pattern repeats: each value correlates with the one a season before
    season = [np.corrcoef(x[:-12], x[12:])[0, 1] for x in anomalies]
    assert np.median(season) > 0.5
    assert all(len(x) == 600 for x in xs)


def test_bad_arguments():
    with pytest.raises(LstmlabError, match="n=-1"):
        mean_reverting_series(-1, 1, [10])
    with pytest.raises(LstmlabError, match="lengths"):
        mean_reverting_series(3, 1, [])
    assert mean_reverting_series(0, 1, [10]) == []
