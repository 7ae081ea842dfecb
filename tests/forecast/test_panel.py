"""The panel: windows gathered from one flat array, MASE scales, origins and samplers."""

import numpy as np
import pytest

from lstmlab.errors import LstmlabError
from lstmlab.forecast.panel import Panel, all_windows, sample_windows, split_origins


def _mase_scale(x, m):
    lag = m if len(x) > m else 1
    return np.mean(np.abs(x[lag:] - x[:-lag]))


def test_batch_matches_a_window_cut_by_hand():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=30) + 10, rng.normal(size=7) * 3
    panel = Panel([a, b], season=4)
    batch = panel.batch([0, 1, 1], [20, 7, 3], input_size=8, horizon=5)
    # series 0, origin 20: history a[12:20], targets a[20:25]; one MASE scale per series (all its values)
    lev, sc = a[19], _mase_scale(a, 4)
    np.testing.assert_allclose(batch.z[0], (a[12:20] - lev) / sc, rtol=1e-5)
    np.testing.assert_allclose(batch.y[0], (a[20:25] - lev) / sc, rtol=1e-5)
    np.testing.assert_allclose(batch.base[0], (a[[16, 17, 18, 19, 16]] - lev) / sc, rtol=1e-5)  # seasonal naive
    assert batch.mask[0].all() and batch.y_mask[0].all()
    # series 1, origin 7 (its end): 7 observed values left-padded to 8, no observed target
    assert batch.mask[1].tolist() == [0] + [1] * 7 and batch.z[1][0] == 0
    assert batch.y_mask[1].sum() == 0 and np.all(batch.y[1] == 0)
    np.testing.assert_allclose(batch.scale[1], _mase_scale(b, 4))
    # series 1, origin 3 (history no longer than the season): the series' scale, naive base
    np.testing.assert_allclose(batch.scale[2], _mase_scale(b, 4))
    np.testing.assert_allclose(batch.base[2], np.zeros(5), atol=1e-7)  # the last value, normalised
    assert batch.y_mask[2].tolist() == [1, 1, 1, 1, 0]  # b[3:7] observed, the fifth target is not
    np.testing.assert_allclose(batch.decode(batch.y.astype(float))[0], a[20:25], rtol=1e-5)


def test_scale_end_keeps_later_values_out_of_the_scale():
    x = np.arange(20.0) ** 2
    b = Panel([x], season=1, scale_end=[10]).batch([0], [15], 4, 2)
    np.testing.assert_allclose(b.scale, [_mase_scale(x[:10], 1)])
    h = Panel([x], season=1, scaler="history").batch([0, 0], [3, 15], 4, 2)  # the history's own scale...
    np.testing.assert_allclose(h.scale, [max(_mase_scale(x[:3], 1), 0.1 * _mase_scale(x, 1)), _mase_scale(x[:15], 1)])
    short = Panel([x[:3], x], season=12)  # no longer than the season: lag 1
    np.testing.assert_allclose(short.series_scale, [_mase_scale(x[:3], 1), _mase_scale(x, 12)])


def test_flat_and_one_value_histories_get_a_positive_scale():
    panel = Panel([np.full(20, 5.0), np.array([3.0]), np.zeros(4)], season=12)
    b = panel.last(6, 3)
    assert np.all(b.scale > 0) and np.all(np.isfinite(b.z))
    np.testing.assert_allclose(b.decode(b.base.astype(float)), [[5.0] * 3, [3.0] * 3, [0.0] * 3], atol=1e-6)


def test_revin_and_standard_scalers():
    x = np.arange(10.0)
    b = Panel([x], scaler="revin").batch([0], [6], 4, 2)
    np.testing.assert_allclose(b.level, [3.5])
    np.testing.assert_allclose(b.scale, [np.sqrt(np.var(x[2:6]) + 1e-5 * np.mean(x[2:6] ** 2))])
    tiny = Panel([x * 1e-6], scaler="revin").batch([0], [6], 4, 2)  # the floor is relative: units don't matter
    np.testing.assert_allclose(tiny.scale, b.scale * 1e-6, rtol=1e-9)
    b = Panel([x], scaler="standard", loc=2.0, scale=4.0).batch([0], [6], 4, 2)
    np.testing.assert_allclose(b.y[0], (x[6:8] - 2.0) / 4.0, rtol=1e-6)
    with pytest.raises(ValueError, match="unknown scaler 'minmax'"):
        Panel([x], scaler="minmax")


def test_split_origins_keeps_validation_targets_out_of_training():
    lengths = np.array([40, 12, 5, 2])
    o = split_origins(lengths, horizon=4, min_origin=5, val_fraction=0.2)
    # series 0: origins 5..36 (32 windows), 6 validate (31..36), training ends H-1 origins earlier
    assert (o.lo[0], o.hi[0], o.val_lo[0], o.train_hi[0]) == (5, 37, 31, 28)
    assert o.train_hi[0] - 1 + 4 <= o.val_lo[0]  # the last training target comes before the first validation target
    # series 1: origins 5..8 (4 windows): one would validate, but no training window is left before the gap
    assert (o.lo[1], o.hi[1], o.val_lo[1], o.train_hi[1]) == (5, 9, 9, 9)
    # series 2: shorter than min_origin + H: origin 1 only; series 3: no window with all H targets
    assert (o.lo[2], o.hi[2]) == (1, 2) and o.hi[3] - o.lo[3] <= 0
    assert o.n_train == 32 + 4 + 1


def test_samplers_stay_in_range_and_weigh_as_asked():
    lo, hi = np.array([0, 10, 5]), np.array([100, 12, 5])
    rng = np.random.default_rng(0)
    s, t = sample_windows(lo, hi, 20000, rng, "series")
    assert set(np.unique(s)) == {0, 1} and np.all((t >= lo[s]) & (t < hi[s]))
    assert abs(np.mean(s == 1) - 0.5) < 0.02  # every series weighs the same
    s, _ = sample_windows(lo, hi, 20000, rng, "window")
    assert abs(np.mean(s == 1) - 2 / 102) < 0.01  # every window weighs the same
    with pytest.raises(ValueError, match="no training windows"):
        sample_windows(np.array([3]), np.array([3]), 5, rng)
    s, t = all_windows(lo, hi)
    assert len(s) == 102 and t[100:].tolist() == [10, 11]


def test_with_scale_end_shares_the_arrays_and_equals_a_new_panel():
    rng = np.random.default_rng(0)
    arrays = [rng.normal(size=n).cumsum() for n in (30, 7, 50)]
    end = np.array([20, 7, 10])
    full = Panel(arrays, season=4, scaler="history")
    shared = full.with_scale_end(end)
    fresh = Panel(arrays, season=4, scaler="history", scale_end=end)
    np.testing.assert_array_equal(shared.series_scale, fresh.series_scale)
    assert np.shares_memory(shared.values, full.values) and not np.array_equal(shared.series_scale, full.series_scale)


@pytest.mark.parametrize("scaler", ["mase", "history", "revin"])
def test_a_panel_with_indices_equals_a_panel_of_the_adjusted_series(scaler):
    from lstmlab.forecast.seasonality import adjusted

    rng = np.random.default_rng(3)
    flat = rng.uniform(50, 150, 400)
    lengths = rng.integers(1, 60, 10)
    arrays = [flat[a:b] for a, b in zip(np.r_[0, np.cumsum(lengths)[:-1]], np.cumsum(lengths))]
    indices = rng.uniform(0.5, 1.5, (10, 4))
    indices[3] = 1.0  # a series that is not seasonal, among others that are
    end = 1 + (rng.random(10) * lengths).astype(int)
    got = Panel(arrays, season=4, scaler=scaler, scale_end=end, indices=indices)
    want = Panel(adjusted(arrays, indices), season=4, scaler=scaler, scale_end=end)
    assert np.shares_memory(got.values, flat)  # divided as gathered: no adjusted copy
    np.testing.assert_allclose(got.series_scale, want.series_scale, rtol=1e-12)
    later = Panel(arrays, season=4, scaler=scaler).with_indices(indices).with_scale_end(end)
    np.testing.assert_array_equal(later.series_scale, got.series_scale)
    first = Panel(arrays, season=4, scaler=scaler, scale_end=end).with_indices(indices)  # keeps its scale_end
    np.testing.assert_array_equal(first.series_scale, got.series_scale)
    sidx = rng.integers(0, 10, 300)
    origin = 1 + (rng.random(300) * lengths[sidx]).astype(int)
    a, b = got.batch(sidx, origin, 8, 5), want.batch(sidx, origin, 8, 5)
    for name in ("z", "mask", "base", "y", "y_mask", "level", "scale"):
        np.testing.assert_allclose(getattr(a, name), getattr(b, name), rtol=1e-5, atol=1e-6, err_msg=name)
    assert not np.allclose(a.level, Panel(arrays, season=4, scaler=scaler).batch(sidx, origin, 8, 5).level)
    assert Panel(arrays, season=4, indices=np.ones((10, 4))).indices is None  # all ones: nothing to divide
    for bad in (indices[:9], np.ones((9, 4))):
        with pytest.raises(LstmlabError, match="indices of shape"):
            Panel(arrays, season=4, indices=bad)
    with pytest.raises(LstmlabError, match="finite and above 0"):
        Panel(arrays, season=4, indices=np.where(indices > 1.4, 0.0, indices))


def test_percentage_weights_make_the_loss_the_mape():
    import torch

    from lstmlab.forecast.model import masked_ape

    rng = np.random.default_rng(4)
    panel = Panel([rng.uniform(50, 150, 40), rng.uniform(5, 20, 30)], season=4, scaler="history")
    b = panel.batch(np.array([0, 1, 0]), np.array([20, 28, 30]), 8, 5)  # the second window has 2 targets
    pred = rng.normal(size=(3, 5)).astype(np.float32)
    loss = masked_ape(torch.tensor(pred), (torch.tensor(b.y), torch.tensor(b.percentage_weights())))
    actual, forecast = b.decode(b.y.astype(np.float64)), b.decode(pred.astype(np.float64))
    ape = (np.abs(forecast - actual) / np.abs(actual))[b.y_mask > 0]
    assert len(ape) == 12 and float(loss) == pytest.approx(ape.mean(), rel=1e-5)
    # a target near zero weighs as one a tenth of the window's last value
    tiny = Panel([np.r_[np.full(20, 100.0), 1e-9, 100.0]], season=1, scaler="history").batch(
        np.array([0]), np.array([20]), 8, 2)
    w = tiny.percentage_weights()[0]
    assert w[0] == pytest.approx(tiny.scale[0] / 10.0, rel=1e-5) and w[1] == pytest.approx(tiny.scale[0] / 100, rel=1e-5)


def _brute_scale(x, m):
    """MASE scale of one history, as mase_scale defines it, by a loop over its values."""
    lag = m if len(x) > m else 1
    total = sum(abs(x[t] - x[t - lag]) for t in range(lag, len(x)))
    mean_abs = sum(abs(v) for v in x) / len(x)
    return max(total / max(len(x) - lag, 1), 1e-5 * mean_abs + 1e-12)


@pytest.mark.parametrize("season", [1, 4, 12])
def test_history_scales_equal_a_brute_force_per_window(season, monkeypatch):
    import lstmlab.forecast.panel as panel_module

    rng = np.random.default_rng(season)
    arrays = [rng.normal(size=n) * rng.lognormal(0, 2) + rng.normal(0, 50) for n in rng.integers(1, 40, 60)]
    arrays += [np.full(25, 3.0), np.array([-2.0]), np.zeros(season), np.arange(float(season + 1))]  # flat, short
    lengths = np.array([len(a) for a in arrays])
    end = 1 + (rng.random(len(arrays)) * lengths).astype(int)
    panel = Panel(arrays, season=season, scaler="history", scale_end=end)
    want = [_brute_scale(a[:e], season) for a, e in zip(arrays, end)]
    np.testing.assert_allclose(panel.series_scale, want, rtol=1e-12)
    sidx = rng.integers(0, len(arrays), 3000)
    origin = 1 + (rng.random(3000) * lengths[sidx]).astype(int)
    want = [_brute_scale(arrays[i][:t], season) for i, t in zip(sidx, origin)]
    monkeypatch.setattr(panel_module, "CHUNK", 50)  # many chunks, some of one window longer than a chunk
    np.testing.assert_allclose(panel.mase_scale(sidx, origin), want, rtol=1e-12)
    b = panel.batch(sidx, origin, 8, 3)
    np.testing.assert_allclose(b.scale, np.maximum(want, 0.1 * panel.series_scale[sidx]), rtol=1e-12)


def test_consecutive_slices_of_one_array_are_not_copied():
    flat = np.arange(10.0)
    views = [flat[0:3], flat[3:4], flat[4:10]]
    panel = Panel(views, season=2)
    assert np.shares_memory(panel.values, flat) and panel.values.tolist() == flat.tolist()
    for arrays in ([flat[0:3], flat[4:10]], [flat[3:4], flat[0:3]], [flat[::2], flat[1:3]], [flat[:3], np.ones(2)]):
        copied = Panel(arrays, season=2)  # a gap, out of order, strided, not one array: copied
        assert not np.shares_memory(copied.values, flat) and copied.values.tolist() == np.concatenate(arrays).tolist()


@pytest.mark.parametrize("scaler", ["mase", "history", "revin"])
def test_a_large_batch_built_in_blocks_equals_one_built_at_once(scaler, monkeypatch):
    import lstmlab.forecast.panel as panel_module

    rng = np.random.default_rng(2)
    panel = Panel([rng.normal(size=n).cumsum() for n in rng.integers(1, 60, 40)], season=4, scaler=scaler)
    sidx = rng.integers(0, len(panel), 500)
    origin = 1 + (rng.random(500) * panel.lengths[sidx]).astype(int)
    whole = panel.batch(sidx, origin, 12, 5)
    monkeypatch.setattr(panel_module, "BLOCK", 64)  # 8 blocks, the last one short
    blocks = panel.batch(sidx, origin, 12, 5)
    for name in ("z", "mask", "base", "y", "y_mask", "level", "scale"):
        got, want = getattr(blocks, name), getattr(whole, name)
        assert got.dtype == want.dtype and got.shape == want.shape and np.array_equal(got, want), name


def test_some_windows_keeps_every_series_last_window_and_samples_the_others():
    from lstmlab.forecast.panel import some_windows

    rng = np.random.default_rng(7)
    lo = rng.integers(1, 5, 300)
    hi = lo + rng.integers(-2, 40, 300)  # some series without windows
    sidx, origin = all_windows(lo, hi)
    live = np.flatnonzero(hi > lo)
    s2, o2 = some_windows(lo, hi, 500, [3, 2])
    assert len(s2) == 500 and len(set(zip(s2, o2))) == 500  # no window twice
    got = set(zip(s2.tolist(), o2.tolist()))
    assert got <= set(zip(sidx.tolist(), origin.tolist()))  # windows that exist
    assert {(i, hi[i] - 1) for i in live.tolist()} <= got  # the last of every series with one
    np.testing.assert_array_equal(np.lexsort((o2, s2)), np.arange(500))  # in all_windows' order
    again = some_windows(lo, hi, 500, [3, 2])
    np.testing.assert_array_equal(again[0], s2)  # seeded
    np.testing.assert_array_equal(again[1], o2)
    assert not np.array_equal(some_windows(lo, hi, 500, [4, 2])[1], o2)
    # fewer than the series with windows: a sample of their last windows
    s4, o4 = some_windows(lo, hi, 50, [3, 2])
    assert len(s4) == 50 and len(set(s4)) == 50 and np.all(o4 == hi[s4] - 1) and np.all(np.diff(s4) > 0)
    s3, o3 = some_windows(lo, hi, len(sidx), [3, 2])  # as many as there are: every window
    np.testing.assert_array_equal(s3, sidx)
    np.testing.assert_array_equal(o3, origin)


def test_recent_keeps_the_last_windows_of_enough_series_else_all():
    from lstmlab.forecast.panel import recent

    age = np.array([0, 1, 2, 0, 1, 0, 3, 2, 0])  # four series' windows, 0 the last origin of each
    np.testing.assert_array_equal(recent(age, 4), age == 0)  # four series: their last windows
    np.testing.assert_array_equal(recent(age, 3), age == 0)
    assert recent(age, 5).all()  # fewer series than asked: every window
    assert recent(np.zeros(0, dtype=np.int64), 5).shape == (0,)
