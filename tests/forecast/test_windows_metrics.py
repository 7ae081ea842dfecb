"""Windows are views with the right contents; splits keep targets apart; metrics match hand values."""

import numpy as np
import pytest

from lstmlab.forecast import metrics
from lstmlab.forecast.intervals import conformal_quantiles
from lstmlab.forecast.windows import sliding_windows, split_windows


def test_windows_are_zero_copy_views_with_the_right_values():
    y = np.arange(20.0)
    X, Y = sliding_windows(y, 5, 3)
    assert X.shape == (13, 5) and Y.shape == (13, 3)
    assert np.shares_memory(X, y) and np.shares_memory(Y, y)
    for i in (0, 7, 12):
        np.testing.assert_array_equal(X[i], y[i:i + 5])
        np.testing.assert_array_equal(Y[i], y[i + 5:i + 8])


def test_windows_too_short():
    with pytest.raises(ValueError, match="too short.*at least 8 points"):
        sliding_windows(np.arange(7.0), 5, 3)


def test_split_leaves_no_shared_targets():
    n, L, H = 100, 5, 4
    tr, va, te = split_windows(n, H, test=10, val=10)
    targets = lambda sl: {t for i in range(sl.start, sl.stop) for t in range(i + L, i + L + H)}  # noqa: E731
    assert not targets(tr) & targets(va) and not targets(va) & targets(te) and not targets(tr) & targets(te)
    assert te == slice(90, 100) and tr.stop == 100 - 10 - 3 - 10 - 3
    tr2, _, _ = split_windows(n, H, test=10, val=10, gap=False)
    assert tr2.stop == 80
    with pytest.raises(ValueError, match="cannot hold"):
        split_windows(10, 4, test=5, val=5)


def test_metrics_against_hand_computed_values():
    y, p = np.array([1.0, 2.0, 4.0]), np.array([2.0, 2.0, 1.0])
    assert metrics.mae(y, p) == pytest.approx(4 / 3)
    assert metrics.rmse(y, p) == pytest.approx(np.sqrt(10 / 3))
    assert metrics.mape(y, p) == pytest.approx(100 * (1 + 0 + 0.75) / 3)
    assert metrics.smape(y, p) == pytest.approx(100 * (2 / 3 + 0 + 6 / 5) / 3)
    # MASE scale with m=1 over history [0, 1, 3]: mean(|1|, |2|) = 1.5
    assert metrics.mase(y, p, [0.0, 1.0, 3.0]) == pytest.approx((4 / 3) / 1.5)
    assert metrics.coverage(y, p - 1, p + 1) == pytest.approx(2 / 3)
    np.testing.assert_allclose(metrics.mae(np.ones((2, 3)), np.zeros((2, 3)), axis=0), [1, 1, 1])


def test_metric_errors():
    with pytest.raises(ValueError, match="same"):
        metrics.mae([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="MAPE is undefined"):
        metrics.mape([0.0, 1.0], [1.0, 1.0])
    with pytest.raises(ValueError, match="scale 0"):
        metrics.mase([1.0], [1.0], [2.0, 2.0, 2.0])
    assert metrics.smape([0.0], [0.0]) == 0.0


def test_conformal_quantile_finite_sample_rule():
    scores = np.arange(1.0, 20.0)[:, None]  # 19 calibration scores, one step
    assert conformal_quantiles(scores, 0.9)[0] == 18.0  # ceil(20 * 0.9) = 18th smallest
    assert np.isinf(conformal_quantiles(scores[:5], 0.9)[0])  # too few to promise 90 %
    with pytest.raises(ValueError, match="level=1.5"):
        conformal_quantiles(scores, 1.5)


def test_pooled_quantiles_keep_each_steps_size_and_use_every_score():
    rng = np.random.default_rng(0)
    base = np.abs(rng.standard_normal((30, 1)))  # (30, 1)
    scores = base * np.array([1.0, 2.0, 4.0])  # (30, 3): step h has the same shape, h-fold size
    q = conformal_quantiles(scores, 0.8)
    np.testing.assert_allclose(q / q[0], [1.0, 2.0, 4.0])
    # one step: the pooled rule is the per-step rule
    np.testing.assert_array_equal(conformal_quantiles(base, 0.8), conformal_quantiles(base, 0.8, pool_steps=False))
    # 9 windows x 10 steps at 90 %: per step the largest of 9; pooled the ceil(91 * 0.9) = 82nd of 90 ratios
    flat = np.arange(1.0, 91.0).reshape(9, 10)  # (9, 10)
    others = (flat.sum(axis=0) - flat) / 8  # each window's step means without it
    ratios = np.sort((flat / others).ravel())
    np.testing.assert_allclose(conformal_quantiles(flat, 0.9), ratios[81] * flat.mean(axis=0))
    np.testing.assert_array_equal(conformal_quantiles(flat, 0.9, pool_steps=False), flat[-1])
    assert np.all(np.isinf(conformal_quantiles(flat[:5], 0.9)))  # too few windows either way


def test_pooled_intervals_cover_the_level_where_per_step_ones_are_coarse():
    """Exchangeable windows, 17 calibration windows of 12 steps, errors growing with the step: the
    per-step rule takes the largest of 17 (expected coverage 17/18 = 0.944), the pooled rule is
    close to the nominal 0.9 (0.884 if each window were divided by step means it contributed to)."""
    rng = np.random.default_rng(1)
    sd = np.linspace(0.5, 2.0, 12)  # (12,)
    cover = {True: [], False: []}
    for _ in range(2000):
        cal = np.abs(rng.standard_normal((17, 12)) * sd)  # (17, 12)
        test = np.abs(rng.standard_normal((1, 12)) * sd)  # (1, 12)
        for pool in cover:
            cover[pool].append(np.mean(test <= conformal_quantiles(cal, 0.9, pool_steps=pool)))
    assert abs(np.mean(cover[True]) - 0.9) < 0.01
    assert abs(np.mean(cover[False]) - 17 / 18) < 0.01


def test_pooled_quantiles_with_zero_and_non_finite_scores():
    rng = np.random.default_rng(1)
    scores = rng.uniform(0.1, 1.0, size=(19, 4))
    scores[:, 2] = 0.0  # a step without any error: width 0, and the other steps are unaffected
    q = conformal_quantiles(scores, 0.9)
    assert q[2] == 0.0 and np.all(np.isfinite(q)) and np.all(q[[0, 1, 3]] > 0)
    one = np.zeros((19, 3))
    one[0, 1] = 0.5  # one window with an error at a step: its leave-one-out mean is 0, its ratio infinite
    assert np.all(np.isfinite(conformal_quantiles(one + scores[:, :3] * [1, 0, 1], 0.9)))
    bad = scores.copy()
    bad[3, 0] = np.nan  # an unknown score counts as the worst: the exact per-step rule, not a narrower interval
    np.testing.assert_array_equal(conformal_quantiles(bad, 0.9),
                                  conformal_quantiles(np.where(np.isnan(bad), np.inf, bad), 0.9, pool_steps=False))
