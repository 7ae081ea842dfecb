"""Multiplicative seasonal indices and the forecaster's seasonal adjustment."""

import json

import numpy as np
import pandas as pd
import pytest

from lstmlab.errors import LstmlabError
from lstmlab.forecast import LSTMForecaster
from lstmlab.forecast.io import load, save
from lstmlab.forecast.seasonality import adjusted, factors, panel_indices, seasonal_indices

SHAPE = np.array([0.8, 1.0, 1.3, 0.9])  # mean 1


def test_indices_of_an_exactly_seasonal_series_are_its_pattern():
    x = 100 * np.tile(SHAPE, 10)  # a constant level: the centred moving average is exactly 100
    np.testing.assert_allclose(seasonal_indices(x, 4), SHAPE, rtol=1e-12)
    np.testing.assert_allclose(seasonal_indices(3 * x[1:], 4), np.roll(SHAPE, -1), rtol=1e-12)  # from its first value
    odd = np.array([0.9, 1.2, 0.9])
    np.testing.assert_allclose(seasonal_indices(50 * np.tile(odd, 8), 3), odd, rtol=1e-12)  # odd m: a plain average


@pytest.mark.parametrize("x, m, why", [
    (np.random.default_rng(0).normal(10, 1, 200), 12, "no season by the test"),
    (np.r_[-1.0, 100 * np.tile(SHAPE, 10)[1:]], 4, "negative"),
    (100 * np.tile([0.0, 1.0, 1.5, 1.5], 10), 4, "a position always zero"),
    (np.r_[np.zeros(8), 100 * np.tile(SHAPE, 10)], 4, "a season of zeros"),
    (100 * np.tile(SHAPE, 2), 4, "shorter than three seasons"),
    (np.full(40, 5.0), 4, "flat"),
    (100 * np.tile(SHAPE, 10), 1, "no season"),
])
def test_indices_are_one_where_there_is_no_season_to_remove(x, m, why):
    np.testing.assert_array_equal(seasonal_indices(x, m), np.ones(m))


def test_a_series_with_zeros_out_of_season_is_seasonal():
    x = 100 * np.tile(SHAPE, 10)
    x[::8] = 0.0  # closed in the first quarter of every other year
    idx = seasonal_indices(x, 4)
    assert idx[0] < SHAPE[0] and np.all(idx > 0) and np.argmax(idx) == 2


def test_panel_indices_read_only_the_first_values_asked():
    rng = np.random.default_rng(1)
    a = 100 * np.tile(SHAPE, 12) * rng.uniform(0.95, 1.05, 48)
    b = a.copy()
    b[30:] *= 5  # what comes after value 30 must not matter to indices measured on the first 30
    got = panel_indices([a, b], 4, np.array([30, 30]))
    np.testing.assert_array_equal(got[0], got[1])
    np.testing.assert_array_equal(got[0], seasonal_indices(a[:30], 4))


def test_factors_and_adjusted_line_up_positions():
    idx = np.array([[1.0, 1.0, 1.0, 1.0], SHAPE])
    x = [np.arange(1.0, 7.0), 100 * np.tile(SHAPE, 3)]
    out = adjusted(x, idx)
    np.testing.assert_array_equal(out[0], x[0])  # all ones: the values as they are
    np.testing.assert_allclose(out[1], 100)
    np.testing.assert_array_equal(factors(idx, np.array([1, 1]), np.array([[12, 13], [5, 6]])),
                                  [[SHAPE[0], SHAPE[1]], [SHAPE[1], SHAPE[2]]])


def _panel(n=12, T=48, seed=0):
    rng = np.random.default_rng(seed)
    y = (50 + rng.normal(0, 1, (n, T)).cumsum(axis=1)) * np.tile(SHAPE, T // 4)  # (n, T)
    return pd.DataFrame({"unique_id": np.repeat(np.arange(n), T),
                         "ds": np.tile(pd.date_range("2000-01-01", periods=T, freq="QS"), n), "y": y.ravel()})


TINY = dict(steps=3, n_models=1, hidden_size=4, fallback=False)


def test_a_seasonal_panel_is_adjusted_by_default_and_one_series_is_not():
    frame = _panel()
    f = LSTMForecaster(horizon=4, **TINY).fit(frame)
    assert f.config_.seasonal_period == 4 and f.config_.seasonal
    assert not LSTMForecaster(horizon=4, seasonal_adjust=False, **TINY).fit(frame).config_.seasonal
    one = frame[frame["unique_id"] == 0].set_index("ds")["y"]
    assert not LSTMForecaster(horizon=4, pretrained=None, **TINY).fit(one).config_.seasonal
    assert LSTMForecaster(horizon=4, seasonal_adjust=True, **TINY).fit(one).config_.seasonal
    assert not LSTMForecaster(horizon=4, seasonal_period=1, **TINY).fit(frame).config_.seasonal
    assert not LSTMForecaster(horizon=4, distribution="student_t", **TINY).fit(frame).config_.seasonal


def test_the_forecast_is_the_adjusted_forecast_times_the_indices_ahead():
    frame = _panel()
    f = LSTMForecaster(horizon=4, **TINY).fit(frame)
    histories = [g["y"].to_numpy() for _, g in frame.groupby("unique_id", sort=False)]
    idx = panel_indices(histories, 4)
    plain = LSTMForecaster(horizon=4, **TINY)
    plain.__dict__.update(vars(f))  # the same networks, reading the adjusted series as if they were the data
    plain.config_ = type(f.config_).from_dict(vars(f.config_) | {"seasonal": False})
    inner = plain.predict(y=pd.DataFrame({"unique_id": frame["unique_id"], "ds": frame["ds"],
                                          "y": np.concatenate(adjusted(histories, idx))}))
    ahead = np.array([len(h) for h in histories])[:, None] + np.arange(4)
    expected = inner["y_hat"].to_numpy().reshape(-1, 4) * factors(idx, np.arange(len(histories)), ahead)
    np.testing.assert_allclose(f.predict()["y_hat"].to_numpy().reshape(-1, 4), expected, rtol=1e-6)


def test_seasonal_adjustment_is_saved_and_bad_settings_are_refused(tmp_path):
    frame = _panel()
    f = LSTMForecaster(horizon=4, **TINY).fit(frame)
    save(f, tmp_path / "m")
    g = load(tmp_path / "m")
    assert g.config_.seasonal
    np.testing.assert_array_equal(g.predict(level=0.8).to_numpy(), f.predict(level=0.8).to_numpy())
    cfg = json.loads((tmp_path / "m" / "config.json").read_text())
    cfg["version"] = 7  # what lstmlab wrote before seasonal adjustment: read as not adjusted
    del cfg["config"]["seasonal"], cfg["params"]["seasonal_adjust"]
    (tmp_path / "m" / "config.json").write_text(json.dumps(cfg))
    assert not load(tmp_path / "m").config_.seasonal
    with pytest.raises(LstmlabError, match="seasonal_adjust='yes'"):
        LSTMForecaster(horizon=4, seasonal_adjust="yes", **TINY).fit(frame)
    with pytest.raises(LstmlabError, match="seasonal_adjust=True with distribution"):
        LSTMForecaster(horizon=4, seasonal_adjust=True, distribution="student_t", **TINY).fit(frame)


def test_a_seasonally_adjusted_ensemble_pre_trained_forecasts_one_series_as_its_panel_fit_does(tmp_path):
    from lstmlab.forecast.pretrained import write

    frame = _panel()
    panel_fit = LSTMForecaster(horizon=4, **TINY).fit(frame)
    write(panel_fit, tmp_path / "m4.safetensors", "a test")
    one = frame[frame["unique_id"] == 0].set_index("ds")["y"]
    used = LSTMForecaster(horizon=4, pretrained=str(tmp_path), fallback=False).fit(one)
    assert used.config_.seasonal and "a test" in used.config_.pretrained
    np.testing.assert_allclose(np.asarray(used.predict()), np.asarray(panel_fit.predict(y=one)), rtol=1e-6)
    # a setting against the way the file was trained is refused, naming both
    with pytest.raises(LstmlabError, match="seasonal_adjust=False: .* was trained with seasonal adjustment"):
        LSTMForecaster(horizon=4, pretrained=str(tmp_path), seasonal_adjust=False).fit(one)


def test_each_window_of_a_pre_trained_fit_is_scored_from_the_history_before_it_alone(tmp_path):
    from lstmlab.forecast.panel import Panel
    from lstmlab.forecast.pretrained import write

    frame = _panel()
    write(LSTMForecaster(horizon=4, **TINY).fit(frame), tmp_path / "m4.safetensors", "a test")
    y = frame[frame["unique_id"] == 3]["y"].to_numpy()
    used = LSTMForecaster(horizon=4, seasonal_period=4, pretrained=str(tmp_path), fallback=False).fit(y)
    origins = np.arange(5, len(y) - 4 + 1)  # every window with all 4 targets, from one season and a value on
    assert used.validation_["windows"] == len(origins)
    # each window's forecast is predict's from the values before its origin (its own seasonal indices:
    # nothing at or after the origin is read), scored on seasonal naive's scale of that history (floored by
    # the series' scale before the first window: no target read either)
    own = np.stack([np.asarray(used.predict(y=y[:t])) for t in origins])
    scored = Panel([y], 4, used.config_.scaler).with_scale_end(origins[:1])
    b = scored.batch(np.zeros(len(origins), int), origins, 8, 4)
    expected = np.mean(np.abs(b.decode(b.y.astype(np.float64)) - own) / b.scale[:, None])
    assert used.validation_["lstm"] == pytest.approx(expected, rel=1e-6)
    later = y.copy()
    later[origins[2]:] *= 3  # values from an origin on change no forecast made before it
    np.testing.assert_allclose(used._window_forecasts([later], np.zeros(3, int), origins[:3]), own[:3], rtol=1e-6)


def test_a_series_three_times_larger_gets_a_forecast_three_times_larger():
    one = _panel(n=1)
    both = pd.concat([one, one.assign(unique_id=1, y=3 * one["y"])])
    out = LSTMForecaster(horizon=4, **TINY).fit(both).predict()["y_hat"].to_numpy()  # adjusted: same indices
    np.testing.assert_allclose(out[4:], 3 * out[:4], rtol=1e-5)


def test_one_series_asked_not_to_adjust_still_gets_the_shipped_ensemble():
    y = _panel(n=1)["y"].to_numpy()
    assert LSTMForecaster(horizon=4, seasonal_period=4, seasonal_adjust=False).fit(y).config_.pretrained != ""
    with pytest.raises(LstmlabError, match="pretrained='shipped' with seasonal_adjust=True"):
        LSTMForecaster(horizon=4, seasonal_period=4, seasonal_adjust=True, pretrained="shipped").fit(y)


def test_the_shipped_monthly_ensemble_is_seasonally_adjusted_and_a_setting_against_it_trains_or_is_refused():
    from lstmlab.forecast import pretrained as pt

    rows = {r["seasonal_period"]: r["seasonal_adjust"] for r in pt.describe()}
    assert rows == {1: False, 4: False, 12: True}
    rng = np.random.default_rng(2)
    month = np.array([0.8, 0.85, 0.95, 1.0, 1.1, 1.25, 1.3, 1.2, 1.05, 0.95, 0.8, 0.75])
    y = (100 + np.arange(60)) * np.tile(month, 5) * rng.uniform(0.97, 1.03, 60)
    used = LSTMForecaster(horizon=12, seasonal_period=12).fit(y)
    assert used.config_.seasonal and used.config_.pretrained.startswith(str(pt.file_for(pt.SHIPPED, 12)))
    with pytest.raises(LstmlabError, match="seasonal_adjust=False: .* was trained with seasonal adjustment"):
        LSTMForecaster(horizon=12, seasonal_period=12, seasonal_adjust=False, pretrained="shipped").fit(y)
    own = LSTMForecaster(horizon=12, seasonal_period=12, seasonal_adjust=False).fit(y)  # auto: trains
    assert own.config_.pretrained == "" and not own.config_.seasonal
