"""LSTMForecaster: the scikit-learn contract, input/output kinds, reproducibility, leak-free fitting,
series of every shape in one global fit, and the fallback to seasonal naive."""

import hashlib
import json

import numpy as np
import pandas as pd
import pytest
import torch

from lstmlab.errors import LstmlabError
from lstmlab.forecast.baselines import SeasonalNaive
from lstmlab.forecast.forecaster import (LSTMForecaster, auto_input_size, auto_patch_len, auto_recipe, auto_steps,
                                         short_input_size)
from lstmlab.forecast.metrics import mae
from lstmlab.forecast.windows import sliding_windows

TINY = dict(hidden_size=8, steps=20, batch_size=64, n_models=2)


def test_init_only_stores_parameters_and_fit_returns_self(seasonal):
    f = LSTMForecaster(horizon=6, **TINY)
    assert f.get_params()["horizon"] == 6 and not hasattr(f, "model_")
    assert f.fit(seasonal) is f
    assert f.config_.seasonal_period == 12  # inferred from the monthly dates
    assert f.config_.input_sizes == (24, 24) and f.config_.residuals == (False, True)
    assert len(f.history_.train_loss) == 20 and f.calibration_scores_.shape[1] == 6
    assert f.choice_ in ("lstm", "seasonal_naive") and f.validation_["windows"] > 0  # one series: no average


def test_sklearn_clone_and_get_params_deep(seasonal):
    sklearn_base = pytest.importorskip("sklearn.base")
    f = LSTMForecaster(horizon=4, hidden_size=7, n_models=3)
    g = sklearn_base.clone(f)
    assert g is not f and g.get_params(deep=True) == f.get_params(deep=True)


def test_automatic_sizes():
    assert auto_input_size(12, 12) == 24 and auto_input_size(6, 1) == 24 and auto_input_size(8, 4) == 16
    assert auto_input_size(4, 1) == 16 and auto_input_size(1, 1) == 8 and auto_input_size(1, 12) == 24
    assert auto_input_size(12, 1) == 24 and auto_input_size(18, 1) == 36 and auto_input_size(3, 1) == 12
    assert short_input_size(24, 12) == 12 and short_input_size(36, 12) == 24 and short_input_size(12, 1) == 6
    assert auto_patch_len(24) == 1 and auto_patch_len(50) == 5 and auto_patch_len(7) == 1 and auto_patch_len(96) == 4
    assert auto_steps(10, 10) == 500 and auto_steps(10**6, 256) == 800
    assert auto_steps(1601, 96) == 501 and auto_steps(2559, 96) == 800 and auto_steps(2500, 96) == 782
    assert auto_recipe(1) == {"scaler": "revin", "loss": "mse", "n_models": 1, "learning_rate": 5e-3,
                              "batch_size": 96}
    assert auto_recipe(2) == {"scaler": "history", "loss": "mae", "n_models": 4, "learning_rate": 3e-3,
                              "batch_size": 256}
    f = LSTMForecaster(horizon=6, seasonal_period=1, n_models=4)._resolve([])
    assert f.input_sizes == (24, 24, 12, 12) and f.residuals == (False, True, False, True)


def test_predict_returns_the_input_kind(seasonal):
    f = LSTMForecaster(horizon=4, **TINY).fit(seasonal)
    out = f.predict()
    assert isinstance(out, pd.Series) and len(out) == 4
    assert out.index[0] == pd.Timestamp("2016-09-01") and out.name == "demand"
    arr = LSTMForecaster(horizon=4, seasonal_period=12, **TINY).fit(seasonal.to_numpy()).predict(horizon=2)
    assert isinstance(arr, np.ndarray) and arr.shape == (2,)
    long = pd.concat([pd.DataFrame({"unique_id": uid, "ds": seasonal.index, "y": seasonal.to_numpy() * k + c})
                      for uid, k, c in (("a", 1.0, 0.0), ("b", 3.0, 100.0))])
    # one global model for both series; without seasonal adjustment, whose indices a shift changes
    glob = LSTMForecaster(horizon=4, fallback=False, seasonal_adjust=False, **TINY).fit(long)
    out = glob.predict()
    assert list(out.columns) == ["unique_id", "ds", "y_hat"] and len(out) == 8
    assert list(glob.predict(level=0.8).columns) == ["unique_id", "ds", "y_hat", "lo", "hi"]
    # normalised windows: a series three times larger and shifted gets the same forecast, scaled and shifted
    np.testing.assert_allclose(out["y_hat"].iloc[4:].to_numpy(), 3 * out["y_hat"].iloc[:4].to_numpy() + 100,
                               rtol=1e-4)
    ivl = f.predict(level=0.9)
    assert list(ivl.columns) == ["y_hat", "lo", "hi"]
    assert np.all(ivl["lo"] <= ivl["y_hat"]) and np.all(ivl["y_hat"] <= ivl["hi"])


def test_predict_from_new_history_and_horizon_limits(seasonal):
    f = LSTMForecaster(horizon=4, **TINY).fit(seasonal.iloc[:150])
    new = f.predict(y=seasonal)
    assert new.index[0] == seasonal.index[-1] + pd.offsets.MonthBegin()
    np.testing.assert_allclose(new.to_numpy(), f.predict_windows(seasonal.to_numpy()[None])[0], rtol=1e-6)
    assert len(f.predict(y=seasonal.iloc[:5])) == 4  # a short history is padded, not refused
    with pytest.raises(ValueError, match="horizon=5 is longer than the 4 steps"):
        f.predict(horizon=5)
    with pytest.raises(ValueError, match="not fitted"):
        LSTMForecaster(horizon=3).predict()


def test_predict_is_batched_and_matches_one_series_at_a_time(seasonal):
    long = pd.concat([pd.DataFrame({"unique_id": uid, "ds": seasonal.index[:n], "y": seasonal.to_numpy()[:n] * k})
                      for uid, n, k in (("a", 200, 1.0), ("b", 30, 2.0), ("c", 90, 0.5))])
    f = LSTMForecaster(horizon=3, fallback=False, **TINY).fit(long)
    calls = []
    for member in f.model_:
        member.register_forward_hook(lambda mod, inp, out: calls.append(len(inp[0])))
    together = f.predict()
    assert calls == [3] * len(f.model_)  # one forward pass per member for all three series
    alone = [f.predict(y=g)["y_hat"].to_numpy() for _, g in long.groupby("unique_id", sort=False)]
    np.testing.assert_allclose(together["y_hat"].to_numpy(), np.concatenate(alone), rtol=1e-5)


def test_seeded_runs_are_identical_and_leave_the_global_rng_alone(seasonal):
    torch.manual_seed(123)
    before = torch.rand(1)
    torch.manual_seed(123)
    settings = dict(horizon=3, dropout=0.1, num_layers=2, fallback=False, **TINY)
    a = LSTMForecaster(seed=5, **settings).fit(seasonal).predict()
    after = torch.rand(1)
    b = LSTMForecaster(seed=5, **settings).fit(seasonal).predict()
    np.testing.assert_array_equal(a.to_numpy(), b.to_numpy())
    assert before == after  # fitting drew nothing from the global generator
    c = LSTMForecaster(seed=6, **settings).fit(seasonal).predict()
    assert not np.array_equal(a.to_numpy(), c.to_numpy())


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
def test_every_cell_trains(seasonal, cell):
    f = LSTMForecaster(horizon=3, cell=cell, fallback=False, **TINY).fit(seasonal)
    assert np.all(np.isfinite(f.predict().to_numpy()))


def test_validation_windows_never_reach_training(seasonal):
    """Changing the validation part of the series changes nothing the validation run trained on."""
    f = LSTMForecaster(horizon=4, scaler="standard", **TINY).fit(seasonal)
    changed = seasonal.copy()
    changed.iloc[-30:] += 1000.0  # the validation targets only
    g = LSTMForecaster(horizon=4, scaler="standard", **TINY).fit(changed)
    assert (f.config_.loc, f.config_.scale) == (g.config_.loc, g.config_.scale)
    assert f.history_.train_loss == g.history_.train_loss  # the validation run saw the same windows
    assert f.history_.val_loss != g.history_.val_loss


@pytest.mark.parametrize("scaler", ["mase", "revin", "standard"])
def test_interval_widths_are_the_conformal_quantile_times_interval_scale(seasonal, scaler):
    from lstmlab.forecast.intervals import conformal_quantiles

    with pytest.raises(ValueError, match="not fitted yet"):
        LSTMForecaster(horizon=4).interval_scale(np.ones((1, 30)))
    f = LSTMForecaster(horizon=4, scaler=scaler, **TINY).fit(seasonal)
    X = np.stack([seasonal.to_numpy()[i:i + 40] for i in (0, 50, 100)])  # (3, 40): different spreads
    pred, lo, hi = f.predict_windows(X, level=0.8)
    scale = f.interval_scale(X)
    q = conformal_quantiles(f.calibration_scores_, 0.8)  # (4,)
    if scaler == "mase":
        expected = [np.mean(np.abs(x[12:] - x[:-12])) for x in X]  # each history's MASE scale
    elif scaler == "revin":
        L = f.config_.input_sizes[0]
        expected = X[:, -L:].std(axis=1)  # the window's spread
    else:
        expected = [f.config_.scale] * 3
    np.testing.assert_allclose(scale[:, 0], expected, rtol=1e-3)
    np.testing.assert_allclose(hi - pred, q * scale, rtol=1e-12)
    np.testing.assert_allclose(pred - lo, hi - pred, rtol=1e-12)


def test_series_of_every_shape_in_one_global_fit(seasonal):
    """Flat, near-flat, very short and normal series together: every one gets a finite forecast."""
    v = seasonal.to_numpy()
    parts = {"normal": v, "flat": np.full(60, 7.0), "almost_flat": 3.0 + 1e-9 * np.arange(50),
             "short": v[:14], "two": v[:2], "zeros": np.zeros(40)}
    long = pd.concat([pd.DataFrame({"unique_id": k, "ds": np.arange(len(x)), "y": x}) for k, x in parts.items()])
    f = LSTMForecaster(horizon=6, seasonal_period=12, **TINY).fit(long)
    out = f.predict(level=0.9)
    assert len(out) == 6 * len(parts) and np.all(np.isfinite(out[["y_hat", "lo", "hi"]].to_numpy()))
    flat = out[out["unique_id"] == "flat"]
    assert (flat["y_hat"] == 7.0).all()  # a flat history forecasts its value, exactly (sMAPE 0, not 200 %)
    assert (out[out["unique_id"] == "zeros"]["y_hat"] == 0.0).all()


def test_validation_is_capped_to_a_seeded_sample(seasonal, monkeypatch):
    from lstmlab.forecast import forecaster

    monkeypatch.setattr(forecaster, "MAX_VALIDATION", 7)
    f = LSTMForecaster(horizon=3, **TINY).fit(seasonal)
    assert f.validation_["windows"] == 7 and f.calibration_scores_.shape == (7, 3)


def test_a_single_flat_series_is_forecast_not_refused():
    out = LSTMForecaster(horizon=3, **TINY).fit(np.full(50, 2.5)).predict()
    assert (out == 2.5).all()


def test_falls_back_to_seasonal_naive_when_the_lstm_loses_on_validation():
    rng = np.random.default_rng(0)
    y = np.tile(np.sin(np.arange(12) / 12 * 2 * np.pi) * 10, 12) + rng.normal(0, 0.01, 144)  # a pure season
    f = LSTMForecaster(horizon=12, seasonal_period=12, hidden_size=4, steps=5, n_models=1).fit(y)
    assert f.choice_ == "seasonal_naive" and f.validation_["lstm"] >= f.validation_["seasonal_naive"]
    np.testing.assert_allclose(f.predict(), SeasonalNaive(12, 12).fit(y).predict())
    g = LSTMForecaster(horizon=12, seasonal_period=12, hidden_size=4, steps=5, n_models=1, fallback=False).fit(y)
    assert g.choice_ == "lstm"


def test_validation_chooses_the_weighted_average_with_seasonal_naive_that_does_best(seasonal, tmp_path):
    from lstmlab.forecast import forecaster
    from lstmlab.forecast.io import load, save
    from lstmlab.forecast.panel import Panel

    f = LSTMForecaster(horizon=3, seasonal_period=12, **TINY).fit(seasonal)
    y = seasonal.to_numpy()
    val = Panel([y], 12, f.config_.scaler).batch(np.zeros(20, int), np.arange(100, 120), 12, 3)
    actual, naive = val.decode(val.y.astype(np.float64)), val.decode(val.base.astype(np.float64))
    keep = np.ones(20, dtype=bool)
    f._choose(2 * actual - naive, val, keep, forecaster.BLEND_WEIGHTS)  # errors opposite to seasonal naive's
    assert f.blend_ == 0.5 and f.choice_ == "blend" and f.validation_["chosen"] < 1e-6
    assert f.validation_["lstm"] == pytest.approx(f.validation_["seasonal_naive"])
    assert f.validation_["lstm"] > 0.01
    np.testing.assert_allclose(f.calibration_scores_, 0, atol=1e-6)
    f._choose(0.75 * actual + 0.25 * naive, val, keep, forecaster.BLEND_WEIGHTS)  # a quarter of its error: the LSTM
    assert f.blend_ == 0 and f.choice_ == "lstm"
    f._choose(2.5 * naive - 1.5 * actual, val, keep, forecaster.BLEND_WEIGHTS)  # its errors, 2.5 times: the fallback
    assert f.blend_ == 1 and f.choice_ == "seasonal_naive"
    # the forecast that ships is the weighted average, and a saved model keeps its weight
    f._choose(2 * actual - naive, val, keep, forecaster.BLEND_WEIGHTS)
    lstm, sn = f._ensemble([y])[0], SeasonalNaive(3, 12).fit(y).predict()
    np.testing.assert_allclose(np.asarray(f.predict()), 0.5 * lstm + 0.5 * sn, rtol=1e-6)
    back = load(save(f, tmp_path / "m"))
    assert back.blend_ == 0.5 and back.choice_ == "blend"
    np.testing.assert_allclose(back.predict(), f.predict())
    state = json.loads((tmp_path / "m" / "state.json").read_text())
    (tmp_path / "m" / "state.json").write_text(json.dumps(state | {"choice": "lstm"}))  # a weight that disagrees
    config = json.loads((tmp_path / "m" / "config.json").read_text())  # written so, checksum and all
    config["sha256"]["state.json"] = hashlib.sha256((tmp_path / "m" / "state.json").read_bytes()).hexdigest()
    (tmp_path / "m" / "config.json").write_text(json.dumps(config))
    with pytest.raises(LstmlabError, match="inconsistent: choice 'lstm' with the weights of seasonal naive 0.5, Theta 0.0 and Holt-Winters 0.0"):
        load(tmp_path / "m")
    g = LSTMForecaster(horizon=3, seasonal_period=12, **(TINY | {"fallback": False})).fit(seasonal)
    g._choose(2 * actual - naive, val, keep, forecaster.BLEND_WEIGHTS)
    assert g.blend_ == 0 and g.choice_ == "lstm"
    f._choose(2 * actual - naive, val, keep)  # without forecasts of Theta: the LSTM or seasonal naive only
    assert f.blend_ in (0, 1)


def _two_series_fit(seasonal):
    """A fitted two-series panel and 20 validation windows of the series, their actuals and seasonal naive's
    errors (``gap``): what the tests of validation's averages score made-up forecasts on."""
    from lstmlab.forecast.panel import Panel

    two = pd.concat([seasonal.rename("y").rename_axis("ds").reset_index().assign(unique_id=k) for k in "ab"])
    f = LSTMForecaster(horizon=3, seasonal_period=12, **TINY).fit(two)
    val = Panel([seasonal.to_numpy()], 12, f.config_.scaler).batch(np.zeros(20, int), np.arange(100, 120), 12, 3)
    actual, naive = val.decode(val.y.astype(np.float64)), val.decode(val.base.astype(np.float64))
    return f, two, val, actual, np.ones(20, dtype=bool), actual - naive


def test_validation_may_average_with_the_theta_method(seasonal, tmp_path):
    from lstmlab.forecast import forecaster
    from lstmlab.forecast.io import load, save
    from lstmlab.forecast.seasonality import panel_indices
    from lstmlab.forecast.theta import theta_forecasts

    f, two, val, actual, keep, gap = _two_series_fit(seasonal)
    y = seasonal.to_numpy()
    f._choose(actual + gap, val, keep, forecaster.BLEND_WEIGHTS, actual - gap)  # Theta errs the other way
    assert (f.blend_, f.theta_, f.choice_) == (0.0, 0.5, "blend") and f.validation_["chosen"] < 1e-6
    assert f.validation_["theta"] == pytest.approx(f.validation_["lstm"]) and f.validation_["theta_weight"] == 0.5
    f._choose(actual + gap, val, keep, forecaster.BLEND_WEIGHTS, actual + 5 * gap)  # Theta no help: seasonal naive
    assert (f.blend_, f.theta_) == (0.5, 0.0)
    f._choose(actual + 3 * gap, val, keep, forecaster.BLEND_WEIGHTS, actual - gap)  # best: 1/4 LSTM, 3/4 Theta...
    assert (f.blend_, f.theta_) == (0.75, 0.0)  # ...but Theta never outweighs the LSTM: 3/4 seasonal naive instead
    f._choose(actual + 2 * gap, val, keep, forecaster.BLEND_WEIGHTS, actual - 3 * gap)  # 1/2 LSTM, 1/4 and 1/4
    assert (f.blend_, f.theta_, f.choice_) == (0.25, 0.25, "blend") and f.validation_["chosen"] < 1e-6
    # the forecast that ships is that average, of forecasts from the whole history; a saved model keeps it
    histories = [y[:150], y]
    lstm, sn = f._ensemble(histories), np.stack([SeasonalNaive(3, 12).fit(h).predict() for h in histories])
    theta = theta_forecasts(histories, panel_indices(histories, 12), np.arange(2), np.array([150, len(y)]), 3)
    out = f.predict(y=pd.concat([two[two.unique_id == "a"].iloc[:150], two[two.unique_id == "b"]]))
    np.testing.assert_allclose(out["y_hat"].to_numpy().reshape(2, 3), 0.5 * lstm + 0.25 * sn + 0.25 * theta,
                               rtol=1e-6)
    back = load(save(f, tmp_path / "m"))
    assert (back.blend_, back.theta_, back.choice_) == (0.25, 0.25, "blend")
    np.testing.assert_allclose(back.predict()["y_hat"], f.predict()["y_hat"])


def test_validation_may_average_with_holt_winters_too(seasonal, tmp_path):
    from lstmlab.forecast import forecaster
    from lstmlab.forecast.holt_winters import holt_winters_forecasts
    from lstmlab.forecast.io import load, save
    from lstmlab.forecast.seasonality import panel_indices

    f, two, val, actual, keep, gap = _two_series_fit(seasonal)
    y = seasonal.to_numpy()
    far = actual + 9 * gap  # a Theta no average wants
    f._choose(actual + gap, val, keep, forecaster.BLEND_WEIGHTS, far, actual - gap)  # Holt-Winters errs the other way
    assert (f.blend_, f.theta_, f.holt_winters_, f.choice_) == (0.0, 0.0, 0.5, "blend")
    assert f.validation_["chosen"] < 1e-6 and f.validation_["holt_winters_weight"] == 0.5
    f._choose(actual + 3 * gap, val, keep, forecaster.BLEND_WEIGHTS, actual - 3 * gap, actual - 3 * gap)
    assert (f.blend_, f.theta_, f.holt_winters_) == (0.0, 0.0, 0.5)  # among equals, the most Holt-Winters
    f._choose(actual + 2 * gap, val, keep, forecaster.BLEND_WEIGHTS, actual - 3 * gap, actual - 3 * gap)
    assert (f.blend_, f.theta_, f.holt_winters_) == (0.25, 0.0, 0.25)  # 1/2 LSTM, 1/4 seasonal naive, 1/4 HW
    f._choose(actual + 3 * gap, val, keep, forecaster.BLEND_WEIGHTS, far, actual - gap)  # best: 3/4 HW...
    assert (f.blend_, f.theta_, f.holt_winters_) == (0.75, 0.0, 0.0)  # ...but the LSTM keeps half beside them
    f._choose(actual + 2 * gap, val, keep, forecaster.BLEND_WEIGHTS, far, actual - 2 * gap)  # 1/2 LSTM + 1/2 HW
    assert (f.blend_, f.theta_, f.holt_winters_) == (0.0, 0.0, 0.5)
    # the forecast that ships is that average, of forecasts from the whole history; a saved model keeps it
    histories = [y[:150], y]
    lstm = f._ensemble(histories)
    hw = holt_winters_forecasts(histories, panel_indices(histories, 12), np.arange(2), np.array([150, len(y)]), 3)
    out = f.predict(y=pd.concat([two[two.unique_id == "a"].iloc[:150], two[two.unique_id == "b"]]))
    np.testing.assert_allclose(out["y_hat"].to_numpy().reshape(2, 3), 0.5 * lstm + 0.5 * hw, rtol=1e-6)
    back = load(save(f, tmp_path / "m"))
    assert (back.blend_, back.theta_, back.holt_winters_, back.choice_) == (0.0, 0.0, 0.5, "blend")
    np.testing.assert_allclose(back.predict()["y_hat"], f.predict()["y_hat"])
    state = json.loads((tmp_path / "m" / "state.json").read_text())  # Holt-Winters outweighing the LSTM: refused
    (tmp_path / "m" / "state.json").write_text(json.dumps(state | {"holt_winters": 0.75}))
    config = json.loads((tmp_path / "m" / "config.json").read_text())
    config["sha256"]["state.json"] = hashlib.sha256((tmp_path / "m" / "state.json").read_bytes()).hexdigest()
    (tmp_path / "m" / "config.json").write_text(json.dumps(config))
    with pytest.raises(LstmlabError, match="Holt-Winters 0.75"):
        load(tmp_path / "m")


def test_validation_scores_holt_winters_from_before_each_window(seasonal, monkeypatch):
    from lstmlab.forecast import forecaster
    from lstmlab.forecast.holt_winters import holt_winters_forecasts
    from lstmlab.forecast.panel import some_windows
    from lstmlab.forecast.seasonality import panel_indices

    seen = {}
    real = forecaster.LSTMForecaster._choose

    def spy(self, point, val, keep, grid=(0.0, 1.0), theta=None, holt_winters=None):
        seen["holt_winters"] = holt_winters
        return real(self, point, val, keep, grid, theta, holt_winters)

    monkeypatch.setattr(forecaster.LSTMForecaster, "_choose", spy)
    y = seasonal.to_numpy()
    arrays = [y, 2 * y[20:] + 5]
    frame = pd.concat([pd.DataFrame({"unique_id": k, "ds": np.arange(len(a)), "y": a}) for k, a in zip("ab", arrays)])
    LSTMForecaster(horizon=3, seasonal_period=12, **TINY).fit(frame)
    origins = forecaster._origins(np.array([len(a) for a in arrays]), 3, 12, 0.2)
    vs, vt = some_windows(origins.val_lo, origins.hi, forecaster.MAX_VALIDATION, [0, 2])
    # each window from its own history, seasonally adjusted by indices from before the first validation origin
    want = holt_winters_forecasts(arrays, panel_indices(arrays, 12, origins.val_lo), vs, vt, 3)
    np.testing.assert_allclose(seen["holt_winters"], want, rtol=1e-12)
    assert np.all(vt >= origins.val_lo[vs])


def test_which_fits_choose_among_which_weights(seasonal, monkeypatch):
    from lstmlab.forecast import forecaster

    grids = []
    real = forecaster.LSTMForecaster._choose
    def spy(self, point, val, keep, grid=(0.0, 1.0), theta=None, holt_winters=None):
        grids.append((grid, None if theta is None else theta.shape, None if holt_winters is None else holt_winters.shape))
        return real(self, point, val, keep, grid, theta, holt_winters)

    monkeypatch.setattr(forecaster.LSTMForecaster, "_choose", spy)
    two = pd.concat([seasonal.rename("y").rename_axis("ds").reset_index().assign(unique_id=k) for k in "ab"])
    f = LSTMForecaster(horizon=3, **TINY).fit(two)
    g = LSTMForecaster(horizon=3, **TINY).fit(seasonal)
    LSTMForecaster(horizon=3, quantiles=[0.1, 0.5, 0.9], **TINY).fit(two)
    LSTMForecaster(horizon=3, distribution="student_t", **TINY).fit(two)
    only = ((0.0, 1.0), None, None)  # a head: the LSTM or seasonal naive, no average
    shape = (f.validation_["windows"], 3)
    assert grids == [(forecaster.BLEND_WEIGHTS, shape, shape),  # a panel: every weight
                     only, only, only]  # one series that trains, and the heads
    assert g.theta_ == g.holt_winters_ == 0 and "theta" not in g.validation_ and "holt_winters" not in g.validation_


def test_device_choice(seasonal):
    f = LSTMForecaster(horizon=3, device="cpu", **TINY).fit(seasonal)
    assert all(p.device.type == "cpu" for p in f.model_.parameters())
    auto = LSTMForecaster(horizon=3, device="auto", **TINY).fit(seasonal).predict()
    np.testing.assert_array_equal(auto.to_numpy(), f.predict().to_numpy())  # auto is the CPU here
    with pytest.raises(ValueError, match="device='tpu'"):
        LSTMForecaster(horizon=3, device="tpu").fit(seasonal)
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="no CUDA device"):
            LSTMForecaster(horizon=3, device="cuda").fit(seasonal)
    mps = getattr(torch.backends, "mps", None)
    if not (mps is not None and mps.is_available()):
        with pytest.raises(ValueError, match="no MPS device"):
            LSTMForecaster(horizon=3, device="mps").fit(seasonal)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_trains_and_forecasts_on_cuda(seasonal):
    f = LSTMForecaster(horizon=3, device="cuda", **TINY).fit(seasonal)
    assert all(p.device.type == "cuda" for p in f.model_.parameters())
    out = f.predict(level=0.9)  # outputs come back to the CPU
    assert np.all(np.isfinite(out.to_numpy()))


@pytest.mark.parametrize("n_series, settings, fresh, final", [
    (1, {}, False, 10),  # continues its validation network for half the steps
    (1, {"final_steps": 3}, False, 3),
    (1, {"final_steps": 0}, True, 20),  # fresh weights, all the steps
    (2, {}, False, 10),
    (2, {"final_steps": 0}, True, 20)])
def test_the_final_networks_start_where_asked(seasonal, monkeypatch, n_series, settings, fresh, final):
    from lstmlab.nn import train

    calls, real = [], train.fit

    def spy(model, loss, metric, sampler, val, config, *args, **kwargs):
        calls.append((model, {k: v.clone() for k, v in model.state_dict().items()},
                      config.max_epochs * config.steps_per_epoch, val is None))
        return real(model, loss, metric, sampler, val, config, *args, **kwargs)

    monkeypatch.setattr(train, "fit", spy)
    y = seasonal.to_numpy()
    data = y if n_series == 1 else pd.concat([pd.DataFrame({"unique_id": k, "ds": np.arange(len(y)), "y": y + 10 * k})
                                              for k in range(n_series)])
    f = LSTMForecaster(horizon=3, seasonal_period=12, hidden_size=8, steps=20, n_models=1, **settings).fit(data)
    (val_model, _, val_steps, no_val), (final_model, final_start, final_steps, final_no_val) = calls
    assert (val_steps, no_val, final_no_val) == (20, False, True) and final_steps == final
    trained = val_model.state_dict()  # the validation network's weights after its run
    continued = all(torch.equal(final_start[k], v) for k, v in trained.items())
    assert continued != fresh and final_model is not val_model and f.model_[0] is final_model
    assert f.config_.final_steps == (0 if fresh else final)


def test_a_model_saved_before_final_steps_loads_as_trained_then(seasonal, tmp_path):
    from lstmlab.forecast.io import load, save

    f = LSTMForecaster(horizon=3, seasonal_period=12, hidden_size=8, steps=4, pretrained=None).fit(seasonal)
    save(f, tmp_path / "m")
    cfg = json.loads((tmp_path / "m" / "config.json").read_text())
    assert cfg["version"] == 12 and cfg["config"]["final_steps"] == 2
    cfg["version"] = 9  # what lstmlab wrote before: fresh final networks, and 256 as the batch default
    del cfg["config"]["final_steps"], cfg["params"]["final_steps"]
    cfg["params"]["batch_size"] = 256
    (tmp_path / "m" / "config.json").write_text(json.dumps(cfg))
    g = load(tmp_path / "m")
    assert g.config_.final_steps == 0 and g.theta_ == g.holt_winters_ == 0  # before format 11: no Theta in the forecast
    assert g.batch_size is None and g.final_steps is None  # a refit takes today's defaults, as it did then
    np.testing.assert_array_equal(g.predict(), f.predict())


def test_one_series_trains_in_batches_of_at_most_96(seasonal):
    f = LSTMForecaster(horizon=3, seasonal_period=12, hidden_size=8, steps=2, pretrained=None)
    assert f.fit(np.tile(seasonal.to_numpy(), 3)).config_.batch_size == 96  # 600 points: hundreds of windows
    assert f.fit(seasonal.to_numpy()[:60]).config_.batch_size < 96  # all its training windows


def test_bad_settings_and_series(seasonal):
    with pytest.raises(ValueError, match="unknown cell 'lstn'"):
        LSTMForecaster(horizon=3, cell="lstn").fit(seasonal)
    with pytest.raises(ValueError, match="no series is long enough to train on: the longest has 5 points"):
        LSTMForecaster(horizon=12, pretrained=None).fit(seasonal.iloc[:5])
    with pytest.raises(ValueError, match="horizon=0"):
        LSTMForecaster(horizon=0).fit(seasonal)
    with pytest.raises(ValueError, match="patch_len=5 does not divide input_size=24"):
        LSTMForecaster(horizon=3, patch_len=5).fit(seasonal)
    with pytest.raises(ValueError, match="unknown scaler"):
        LSTMForecaster(horizon=3, scaler="minmax").fit(seasonal)
    with pytest.raises(ValueError, match="sample='all'"):
        LSTMForecaster(horizon=3, sample="all").fit(seasonal)
    with pytest.raises(ValueError, match="n_models=0"):
        LSTMForecaster(horizon=3, n_models=0).fit(seasonal)
    with pytest.raises(ValueError, match="dropout=1.5"):
        LSTMForecaster(horizon=3, dropout=1.5).fit(seasonal)
    assert LSTMForecaster(horizon=3, seasonal_period=1, final_steps=np.int64(3))._resolve([]).final_steps == 3
    for bad in (-1, 2.5, True):
        with pytest.raises(ValueError, match=f"final_steps={bad}: expected a whole number >= 0"):
            LSTMForecaster(horizon=3, final_steps=bad).fit(seasonal)


def test_learns_more_than_a_seasonal_naive_forecast(seasonal):
    """A short training run on a noisy seasonal series beats repeating the last season."""
    train, test = seasonal.iloc[:170].to_numpy(), seasonal.to_numpy()
    f = LSTMForecaster(horizon=6, seasonal_period=12, hidden_size=16, fallback=False).fit(train)
    X, Y = sliding_windows(test[146:], 24, 6)  # histories ending at 170 .. 194
    snaive = SeasonalNaive(6, 12).fit(train)
    assert mae(Y, f.predict_windows(X)) < 0.8 * mae(Y, snaive.predict_windows(X))


def test_the_training_curve_sample_does_not_change_the_forecast(seasonal, monkeypatch):
    from lstmlab.forecast import forecaster

    full = LSTMForecaster(horizon=3, **TINY).fit(seasonal)
    monkeypatch.setattr(forecaster, "CURVE_WINDOWS", 3)  # the curve from 3 validation windows only
    thin = LSTMForecaster(horizon=3, **TINY).fit(seasonal)
    np.testing.assert_array_equal(thin.predict(), full.predict())
    np.testing.assert_array_equal(thin.calibration_scores_, full.calibration_scores_)


def test_a_percentage_loss_is_validated_on_percentage_errors(seasonal):
    model = LSTMForecaster(horizon=6, seasonal_period=12, loss="mape", hidden_size=8, steps=30, fallback=False)
    model.fit(seasonal.to_numpy() + 50)
    v = model.validation_
    # the fit's own windows, scored here as percentages of the targets
    from lstmlab.forecast.panel import Panel, all_windows, split_origins

    y = seasonal.to_numpy() + 50
    o = split_origins(np.array([len(y)]), 6, min_origin=13, val_fraction=0.2)
    vs, vt = all_windows(o.val_lo, o.hi)
    b = Panel([y], 12, model.config_.scaler).batch(vs, vt, model.config_.input_sizes[0], 6)
    actual, naive = b.decode(b.y.astype(np.float64)), b.decode(b.base.astype(np.float64))
    assert v["windows"] == len(vs)
    assert v["seasonal_naive"] == pytest.approx(np.mean(np.abs(naive - actual) / np.abs(actual)), rel=1e-5)
    assert 0 < v["lstm"] < 1


def test_mixed_precision_is_refused_before_training_off_cuda(seasonal):
    with pytest.raises(ValueError, match="mixed_precision=True needs a CUDA device .* resolves to 'cpu'"):
        LSTMForecaster(horizon=3, device="cpu", mixed_precision=True).fit(seasonal)
    with pytest.raises(ValueError, match="mixed_precision='yes': expected True or False"):
        LSTMForecaster(horizon=3, mixed_precision="yes").fit(seasonal)


@pytest.mark.skipif(not __import__("torch").cuda.is_available(), reason="needs CUDA")
def test_trains_in_mixed_precision_on_cuda(seasonal):
    f = LSTMForecaster(horizon=3, device="cuda", mixed_precision=True, **TINY).fit(seasonal)
    assert f.config_.mixed_precision and np.all(np.isfinite(f.predict(level=0.9).to_numpy()))


def test_a_panel_calibrates_on_the_last_validation_origin_of_each_series():
    from lstmlab.forecast.forecaster import MIN_CALIBRATION

    rng = np.random.default_rng(0)
    n = MIN_CALIBRATION + 20
    frame = pd.DataFrame({"unique_id": np.repeat(np.arange(n), 40), "ds": np.tile(np.arange(40), n),
                          "y": (rng.normal(size=(n, 40)).cumsum(axis=1) + 50).ravel()})
    model = LSTMForecaster(horizon=3, steps=2, n_models=1, pretrained=None, fallback=False).fit(frame)
    assert model.validation_["windows"] > 2 * n  # several validation origins per series...
    assert model.calibration_scores_.shape == model.signed_errors_.shape == (n, 3)  # ...one calibrates each
    long = rng.normal(size=800).cumsum()
    one = LSTMForecaster(horizon=3, steps=2, n_models=1).fit(long)  # one series: every window calibrates
    assert len(one.calibration_scores_) == one.validation_["windows"] > MIN_CALIBRATION
