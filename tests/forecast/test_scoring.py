"""Probabilistic scores match hand values, each other where theory says so, and the normal closed form."""

import math
from statistics import NormalDist

import numpy as np
import pytest

from lstmlab.errors import LstmlabError
from lstmlab.forecast import metrics, scoring

LEVELS = [0.1, 0.5, 0.9]
Y = np.array([2.0, 4.0])  # (H,)
Q = np.array([[1.0, 2.0, 3.0], [5.0, 6.0, 7.0]])  # (H, Q)
# pinball rho_tau(y - q) by hand, one row per step:
#   y=2: q=1 at 0.1 -> 0.1*1 = 0.1;  q=2 -> 0;  q=3 at 0.9 -> 0.1*1 = 0.1
#   y=4: q=5 at 0.1 -> 0.9*1 = 0.9;  q=6 at 0.5 -> 0.5*2 = 1.0;  q=7 at 0.9 -> 0.1*3 = 0.3
HAND = np.array([[0.1, 0.0, 0.1], [0.9, 1.0, 0.3]])  # (H, Q)


def rho(u, tau):
    """Pinball loss of the residual u = y - q, written apart from the library's form."""
    return np.maximum(tau * u, (tau - 1) * u)


def pairwise_crps(y, samples):
    """The O(S^2) energy form, straight from its definition: E|X - y| - 0.5 E|X - X'|."""
    near = np.mean(np.abs(samples - y[..., None]), axis=-1)
    spread = np.mean(np.abs(samples[..., :, None] - samples[..., None, :]), axis=(-2, -1))
    return near - 0.5 * spread


def normal_crps(y, mu, sigma):
    """Closed-form CRPS of N(mu, sigma^2) at y (Gneiting & Raftery 2007, eq. 5)."""
    z = (y - mu) / sigma
    phi = math.exp(-z * z / 2) / math.sqrt(2 * math.pi)
    Phi = 0.5 * (1 + math.erf(z / math.sqrt(2)))
    return sigma * (z * (2 * Phi - 1) + 2 * phi - 1 / math.sqrt(math.pi))


# ---- pinball, weighted quantile loss, CRPS from quantiles ------------------------------------------------------

def test_pinball_hand_values():
    assert scoring.pinball_loss(Y, Q, LEVELS) == pytest.approx(2.4 / 6)
    np.testing.assert_allclose(scoring.pinball_loss(Y, Q, LEVELS, per_quantile=True), [0.5, 0.5, 0.2])
    np.testing.assert_allclose(HAND, rho(Y[:, None] - Q, np.array(LEVELS)))  # the table above is the definition


def test_pinball_axis_reduces_the_axes_of_y_true():
    rng = np.random.default_rng(0)
    y = rng.normal(size=(4, 5))  # (N, H)
    q = np.sort(rng.normal(size=(4, 5, 3)), axis=-1)  # (N, H, Q)
    loss = rho(y[..., None] - q, np.array(LEVELS))  # (N, H, Q)
    np.testing.assert_allclose(scoring.pinball_loss(y, q, LEVELS, axis=0), loss.mean(axis=(0, 2)))
    np.testing.assert_allclose(scoring.pinball_loss(y, q, LEVELS, axis=-1), loss.mean(axis=(1, 2)))
    np.testing.assert_allclose(scoring.pinball_loss(y, q, LEVELS, axis=0, per_quantile=True), loss.mean(axis=0))
    assert scoring.pinball_loss(y, q, LEVELS, axis=(0, 1)) == pytest.approx(loss.mean())


def test_pinball_at_the_median_is_half_the_mae():
    rng = np.random.default_rng(1)
    y, m = rng.normal(size=(3, 7)), rng.normal(size=(3, 7))
    assert scoring.pinball_loss(y, m[..., None], [0.5]) == pytest.approx(metrics.mae(y, m) / 2)


def test_weighted_quantile_loss_hand_value():
    # 2 * sum of pinball per level / sum |y| = 2 * [1.0, 1.0, 0.4] / 6, then the mean over levels
    np.testing.assert_allclose(scoring.weighted_quantile_loss(Y, Q, LEVELS, per_quantile=True),
                               [2 / 6, 2 / 6, 0.8 / 6])
    assert scoring.weighted_quantile_loss(Y, Q, LEVELS) == pytest.approx(4 / 15)


def test_crps_from_quantiles_is_twice_the_mean_pinball():
    assert scoring.crps_from_quantiles(Y, Q, LEVELS) == pytest.approx(0.8)
    np.testing.assert_allclose(scoring.crps_from_quantiles(Y, Q, LEVELS, axis=0), 0.8)
    np.testing.assert_allclose(scoring.crps_from_quantiles(Y[None], Q[None], LEVELS, axis=0), [0.4 / 3, 4.4 / 3])
    # one level at the median: |y - median|, the MAE of the median
    assert scoring.crps_from_quantiles(Y, Q[:, 1:2], [0.5]) == pytest.approx(metrics.mae(Y, Q[:, 1]))


def test_crps_from_a_dense_normal_quantile_grid_approaches_the_closed_form():
    """The midpoint grid (i - 0.5)/K of N(1, 2^2): the error shrinks as the grid fills (0, 1); at K = 999
    it is below 1e-4 of the CRPS for y from the centre to the far tail."""
    mu, sigma = 1.0, 2.0
    y = np.array([1.0, 2.5, -3.0, 9.0])  # (4,): z = 0, 0.75, -2, 4
    exact = np.array([normal_crps(v, mu, sigma) for v in y])  # (4,)
    errors = []
    for K in (9, 99, 999):
        levels = (np.arange(1, K + 1) - 0.5) / K  # (K,)
        grid = np.array([NormalDist(mu, sigma).inv_cdf(t) for t in levels])  # (K,)
        q = np.broadcast_to(grid, (len(y), 1, K))  # (4, 1, K)
        got = scoring.crps_from_quantiles(y[:, None], q, levels, axis=1)  # (4,)
        errors.append(np.max(np.abs(got - exact) / exact))
    assert errors[0] > errors[1] > errors[2]
    assert errors[2] < 1e-4


def test_crossing_quantiles_are_refused_or_rearranged():
    crossed = Q[:, ::-1].copy()  # (H, Q): the 0.9 value below the 0.1 value
    with pytest.raises(LstmlabError, match=r"q_pred crosses.*level 0\.5.*level 0\.1.*2 of 2 points.*crossing='sort'"):
        scoring.pinball_loss(Y, crossed, LEVELS)
    with pytest.raises(LstmlabError, match="q_pred crosses"):
        scoring.crps_from_quantiles(Y, crossed, LEVELS)
    with pytest.raises(LstmlabError, match="q_pred crosses"):
        scoring.weighted_quantile_loss(Y, crossed, LEVELS)
    # crossing="sort" scores the sorted values: the same as the uncrossed forecast ...
    for f in (scoring.pinball_loss, scoring.crps_from_quantiles, scoring.weighted_quantile_loss):
        assert f(Y, crossed, LEVELS, crossing="sort") == pytest.approx(f(Y, Q, LEVELS))
    # ... which never scores worse than the crossed values taken as they are (rearrangement inequality)
    as_given = rho(Y[:, None] - crossed, np.array(LEVELS)).mean()
    assert scoring.pinball_loss(Y, crossed, LEVELS, crossing="sort") < as_given
    # ties are not crossings
    flat = np.ones((2, 3))
    assert scoring.pinball_loss(Y, flat, LEVELS) == pytest.approx(rho(Y[:, None] - flat, np.array(LEVELS)).mean())
    with pytest.raises(LstmlabError, match="crossing must be 'raise' or 'sort'"):
        scoring.pinball_loss(Y, Q, LEVELS, crossing="ignore")


# ---- CRPS from samples --------------------------------------------------------------------------------------------

def test_crps_from_samples_hand_value():
    # y = 0, samples {-1, 1, 2}: E|X - y| = 4/3, E|X - X'| = 2 * (2 + 3 + 1) / 9 = 4/3, CRPS = 4/3 - 2/3 = 2/3;
    # the same as the integral of (F(x) - 1{x >= 0})^2: 1/9 + 4/9 + 1/9
    assert scoring.crps_from_samples(0.0, [-1.0, 1.0, 2.0]) == pytest.approx(2 / 3)
    assert scoring.crps_from_samples(0.0, [2.0, -1.0, 1.0]) == pytest.approx(2 / 3)  # order does not matter


@pytest.mark.parametrize("S", [1, 2, 5, 40])
def test_crps_from_samples_equals_the_pairwise_formula(S):
    rng = np.random.default_rng(S)
    y = rng.normal(size=(3, 4))  # (N, H)
    samples = rng.normal(size=(3, 4, S))  # (N, H, S)
    samples[0, 0] = np.round(samples[0, 0])  # ties
    np.testing.assert_allclose(scoring.crps_from_samples(y, samples, axis=(0, 1)), pairwise_crps(y, samples).mean())
    np.testing.assert_allclose(scoring.crps_from_samples(y, samples, axis=0), pairwise_crps(y, samples).mean(axis=0))


def test_crps_of_a_point_mass_is_the_mae():
    rng = np.random.default_rng(2)
    y, c = rng.normal(size=(2, 5)), rng.normal(size=(2, 5)) * 1e6  # large values: no cancellation
    samples = np.repeat(c[..., None], 30, axis=-1)  # (2, 5, 30)
    assert scoring.crps_from_samples(y, samples) == pytest.approx(metrics.mae(y, c), rel=1e-12)
    assert scoring.crps_from_samples(c, samples) == 0.0  # exactly, not -1e-10


def test_samples_and_quantiles_meet_at_the_midpoint_levels():
    """The sorted samples as quantiles at levels (i - 0.5)/S give exactly the CRPS of the samples."""
    rng = np.random.default_rng(3)
    y = rng.normal(size=(6,))  # (H,)
    samples = rng.gamma(2.0, size=(6, 25))  # (H, S)
    levels = (np.arange(1, 26) - 0.5) / 25
    np.testing.assert_allclose(scoring.crps_from_quantiles(y, np.sort(samples, axis=-1), levels, axis=0),
                               scoring.crps_from_samples(y, samples, axis=0), rtol=1e-12)


# ---- MSIS and coverage --------------------------------------------------------------------------------------------

TRAIN = [1.0, 3.0, 2.0, 4.0]  # seasonal naive MAE: m=1 -> (2 + 1 + 2)/3 = 5/3; m=2 -> (1 + 1)/2 = 1
YI, LO, HI = np.array([2.0, 5.0, 0.0]), np.ones(3), np.full(3, 3.0)  # inside, 2 above, 1 below


def test_msis_hand_value_and_alpha_penalty():
    # level 0.8, 2/alpha = 10: scores 2, 2 + 10*2, 2 + 10*1 -> mean 12, scaled by 5/3
    assert scoring.msis(YI, LO, HI, TRAIN, seasonal_period=1, level=0.8) == pytest.approx(7.2)
    assert scoring.msis(YI, LO, HI, TRAIN, seasonal_period=2, level=0.8) == pytest.approx(12.0)
    # level 0.95, 2/alpha = 40: scores 2, 82, 42 -> mean 42
    assert scoring.msis(YI, LO, HI, TRAIN, seasonal_period=2, level=0.95) == pytest.approx(42.0)
    # inside the interval only the width counts, whatever the level
    assert scoring.msis([2.0], [1.0], [3.0], TRAIN, 2, 0.5) == scoring.msis([2.0], [1.0], [3.0], TRAIN, 2, 0.99) == 2
    np.testing.assert_allclose(scoring.msis(YI[None], LO[None], HI[None], TRAIN, 2, 0.8, axis=0), [2, 22, 12])


def test_coverage_by_level():
    y = np.array([1.0, 2.0, 3.0, 4.0])
    got = scoring.coverage_by_level(y, {0.9: (np.zeros(4), np.full(4, 3.5)), 0.5: (np.full(4, 1.5), np.full(4, 3.0))})
    assert got == {0.5: 0.5, 0.9: 0.75}  # the ends count as inside; levels sorted
    assert list(got) == [0.5, 0.9]


# ---- errors -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("levels, message", [
    ([0.1, 0.5, 1.0], r"quantile levels must be in \(0, 1\).*got 1\.0 at position 2"),
    ([0.0, 0.5, 0.9], r"quantile levels must be in \(0, 1\).*got 0\.0 at position 0"),
    ([10, 50, 90], r"quantile levels must be in \(0, 1\), e\.g\. 0\.1 for the 10 % quantile.*got 10"),
    ([0.1, float("nan"), 0.9], r"quantile levels must be in \(0, 1\).*got nan at position 1"),
    ([0.1, 0.9, 0.5], r"strictly increasing.*0\.5 after 0\.9"),
    ([0.1, 0.5, 0.5], r"strictly increasing.*0\.5 after 0\.5"),
    ([], r"quantile levels must be a non-empty 1-D list.*shape \(0,\)"),
    (0.5, r"quantile levels must be a non-empty 1-D list.*shape \(\)"),
    (["a", "b", "c"], r"quantile levels must be numbers"),
])
def test_bad_quantile_levels(levels, message):
    with pytest.raises(LstmlabError, match=message):
        scoring.pinball_loss(Y, Q, levels)


def test_shape_and_empty_errors():
    with pytest.raises(LstmlabError, match=r"q_pred has shape \(2, 2\).*y_true has shape \(2,\).*3 levels.*\(2, 3\)"):
        scoring.pinball_loss(Y, Q[:, :2], LEVELS)
    with pytest.raises(LstmlabError, match=r"q_pred has shape \(3,\).*y_true has shape \(2,\).*expected \(2, 3\)"):
        scoring.crps_from_quantiles(Y, Q[0], LEVELS)
    with pytest.raises(LstmlabError, match="no values to score: y_true is empty"):
        scoring.weighted_quantile_loss(np.zeros(0), np.zeros((0, 3)), LEVELS)
    with pytest.raises(LstmlabError, match=r"samples has shape \(3, 10\).*y_true has shape \(2,\).*\(2, S\)"):
        scoring.crps_from_samples(Y, np.zeros((3, 10)))
    with pytest.raises(LstmlabError, match=r"samples has no draws.*shape \(2, 0\)"):
        scoring.crps_from_samples(Y, np.zeros((2, 0)))
    with pytest.raises(LstmlabError, match="no values to score: y_true is empty"):
        scoring.crps_from_samples([], np.zeros((0, 4)))
    with pytest.raises(LstmlabError, match=r"upper has shape \(2,\) but y_true has shape \(3,\)"):
        scoring.msis(YI, LO, HI[:2], TRAIN, 1, 0.8)
    with pytest.raises(LstmlabError, match=r"axis 2 is out of range for y_true with 2 dimensions"):
        scoring.pinball_loss(Y[None], Q[None], LEVELS, axis=2)


def test_weighted_quantile_loss_refuses_all_zero_actuals():
    with pytest.raises(LstmlabError, match=r"weighted quantile loss is undefined: sum \|y_true\| is 0"):
        scoring.weighted_quantile_loss(np.zeros(2), Q, LEVELS)


def test_msis_errors():
    with pytest.raises(LstmlabError, match=r"MSIS is undefined.*scale 0"):
        scoring.msis(YI, LO, HI, [2.0, 2.0, 2.0], 1, 0.8)
    with pytest.raises(LstmlabError, match=r"MSIS needs a history longer than the seasonal period 4 \(got 4\)"):
        scoring.msis(YI, LO, HI, TRAIN, 4, 0.8)
    with pytest.raises(LstmlabError, match=r"seasonal_period must be a positive integer \(got 0\)"):
        scoring.msis(YI, LO, HI, TRAIN, 0, 0.8)
    with pytest.raises(LstmlabError, match=r"y_train must be 1-D.*shape \(2, 2\)"):
        scoring.msis(YI, LO, HI, np.ones((2, 2)), 1, 0.8)
    for bad in (1.0, 0.0, 95, float("nan")):
        with pytest.raises(LstmlabError, match=r"level must be in \(0, 1\), e\.g\. 0\.8 for an 80 % interval"):
            scoring.msis(YI, LO, HI, TRAIN, 1, bad)
    with pytest.raises(LstmlabError, match=r"level must be a number \(got 'high'\)"):
        scoring.msis(YI, LO, HI, TRAIN, 1, "high")
    with pytest.raises(LstmlabError, match=r"lower is above upper at 1 of 3 points \(first at index \(2,\): 4\.0 > 3"):
        scoring.msis(YI, [1.0, 1.0, 4.0], HI, TRAIN, 1, 0.8)


def test_coverage_by_level_errors():
    y = np.arange(3.0)
    with pytest.raises(LstmlabError, match=r"level must be in \(0, 1\).*got 80"):
        scoring.coverage_by_level(y, {80: (y - 1, y + 1)})
    with pytest.raises(LstmlabError, match=r"intervals is empty: expected \{level: \(lower, upper\)\}"):
        scoring.coverage_by_level(y, {})
    with pytest.raises(LstmlabError, match=r"intervals\[0\.8\] must be a pair \(lower, upper\)"):
        scoring.coverage_by_level(y, {0.8: y})
    with pytest.raises(LstmlabError, match=r"level 0\.8: lower has shape \(2,\) but y_true has shape \(3,\)"):
        scoring.coverage_by_level(y, {0.8: (y[:2], y + 1)})
    with pytest.raises(LstmlabError, match=r"level 0\.8: lower is above upper at 3 of 3 points"):
        scoring.coverage_by_level(y, {0.8: (y + 1, y - 1)})
    with pytest.raises(LstmlabError, match="no values to score: y_true is empty"):
        scoring.coverage_by_level([], {0.8: ([], [])})
