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
