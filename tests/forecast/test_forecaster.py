"""LSTMForecaster: the scikit-learn contract, input/output kinds, reproducibility, leak-free fitting."""

import numpy as np
import pandas as pd
import pytest
import torch

from lstmlab.forecast.baselines import SeasonalNaive
from lstmlab.forecast.forecaster import LSTMForecaster, auto_input_size, auto_patch_len
from lstmlab.forecast.metrics import mae
from lstmlab.forecast.windows import sliding_windows

TINY = dict(hidden_size=8, epochs=3, batch_size=64)


def test_init_only_stores_parameters_and_fit_returns_self(seasonal):
    f = LSTMForecaster(horizon=6, **TINY)
    assert f.get_params()["horizon"] == 6 and not hasattr(f, "model_")
    assert f.fit(seasonal) is f
    assert f.config_.seasonal_period == 12  # inferred from the monthly dates
    assert f.config_.input_size == auto_input_size(6, 12, 200) == 24
    assert len(f.history_.train_loss) >= 1 and f.calibration_scores_.shape[1] == 6


def test_predict_returns_the_input_kind(seasonal):
    f = LSTMForecaster(horizon=4, **TINY).fit(seasonal)
    out = f.predict()
    assert isinstance(out, pd.Series) and len(out) == 4
    assert out.index[0] == pd.Timestamp("2016-09-01") and out.name == "demand"
    arr = LSTMForecaster(horizon=4, seasonal_period=12, **TINY).fit(seasonal.to_numpy()).predict(horizon=2)
    assert isinstance(arr, np.ndarray) and arr.shape == (2,)
    long = pd.concat([pd.DataFrame({"unique_id": uid, "ds": seasonal.index, "y": seasonal.to_numpy() * k})
                      for uid, k in (("a", 1.0), ("b", 3.0))])
    glob = LSTMForecaster(horizon=4, **TINY).fit(long)  # one global model for both series
    out = glob.predict()
    assert list(out.columns) == ["unique_id", "ds", "y_hat"] and len(out) == 8
    assert list(glob.predict(level=0.8).columns) == ["unique_id", "ds", "y_hat", "lo", "hi"]
    # RevIN: a series three times larger gets (almost) three times the forecast
    np.testing.assert_allclose(out["y_hat"].iloc[4:].to_numpy(), 3 * out["y_hat"].iloc[:4].to_numpy(), rtol=1e-4)
    ivl = f.predict(level=0.9)
    assert list(ivl.columns) == ["y_hat", "lo", "hi"]
    assert np.all(ivl["lo"] <= ivl["y_hat"]) and np.all(ivl["y_hat"] <= ivl["hi"])


def test_predict_from_new_history_and_horizon_limits(seasonal):
    f = LSTMForecaster(horizon=4, **TINY).fit(seasonal.iloc[:150])
    new = f.predict(y=seasonal)
    assert new.index[0] == seasonal.index[-1] + pd.offsets.MonthBegin()
    np.testing.assert_allclose(new.to_numpy(), f.predict_windows(seasonal.to_numpy()[None])[0], rtol=1e-6)
    with pytest.raises(ValueError, match="horizon=5 is longer than the 4 steps"):
        f.predict(horizon=5)
    with pytest.raises(ValueError, match="needs at least 24"):
        f.predict(y=seasonal.iloc[:10])
    with pytest.raises(ValueError, match="not fitted"):
        LSTMForecaster(horizon=3).predict()


def test_seeded_runs_are_identical_and_leave_the_global_rng_alone(seasonal):
    torch.manual_seed(123)
    before = torch.rand(1)
    torch.manual_seed(123)
    a = LSTMForecaster(horizon=3, seed=5, dropout=0.1, num_layers=2, **TINY).fit(seasonal).predict()
    after = torch.rand(1)
    b = LSTMForecaster(horizon=3, seed=5, dropout=0.1, num_layers=2, **TINY).fit(seasonal).predict()
    np.testing.assert_array_equal(a.to_numpy(), b.to_numpy())
    assert before == after  # fitting drew nothing from the global generator
    c = LSTMForecaster(horizon=3, seed=6, dropout=0.1, num_layers=2, **TINY).fit(seasonal).predict()
    assert not np.array_equal(a.to_numpy(), c.to_numpy())


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
def test_every_cell_trains(seasonal, cell):
    f = LSTMForecaster(horizon=3, cell=cell, **TINY).fit(seasonal)
    assert np.all(np.isfinite(f.predict().to_numpy()))


def test_standard_scaler_is_fitted_on_training_windows_only(seasonal):
    f = LSTMForecaster(horizon=4, scaler="standard", refit=False, **TINY).fit(seasonal)
    changed = seasonal.copy()
    changed.iloc[-30:] += 1000.0  # the validation part only
    g = LSTMForecaster(horizon=4, scaler="standard", refit=False, **TINY).fit(changed)
    assert (f.config_.loc, f.config_.scale) == (g.config_.loc, g.config_.scale)


@pytest.mark.parametrize("scaler", ["revin", "standard"])
def test_interval_widths_are_the_conformal_quantile_times_interval_scale(seasonal, scaler):
    from lstmlab.forecast.intervals import conformal_quantiles

    with pytest.raises(ValueError, match="not fitted yet"):
        LSTMForecaster(horizon=4).interval_scale(np.ones((1, 30)))
    f = LSTMForecaster(horizon=4, scaler=scaler, **TINY).fit(seasonal)
    X = np.stack([seasonal.to_numpy()[i:i + 40] for i in (0, 50, 100)])  # (3, 40): different spreads
    pred, lo, hi = f.predict_windows(X, level=0.8)
    scale = f.interval_scale(X)
    q = conformal_quantiles(f.calibration_scores_, 0.8)  # (4,)
    if scaler == "revin":
        L = f.config_.input_size
        np.testing.assert_allclose(scale[:, 0], X[:, -L:].std(axis=1), rtol=1e-3)  # the window's spread
        np.testing.assert_allclose(hi - pred, q * scale, rtol=1e-12)
    else:
        assert scale is None
        np.testing.assert_allclose(hi - pred, np.broadcast_to(q, pred.shape), rtol=1e-12)
    np.testing.assert_allclose(pred - lo, hi - pred, rtol=1e-12)


def test_bad_settings_and_series(seasonal):
    with pytest.raises(ValueError, match="unknown cell 'lstn'"):
        LSTMForecaster(horizon=3, cell="lstn").fit(seasonal)
    with pytest.raises(ValueError, match="is constant"):
        LSTMForecaster(horizon=3).fit(np.full(100, 2.0))
    with pytest.raises(ValueError, match="too short for input_size=24 and horizon=12"):
        LSTMForecaster(horizon=12, input_size=24).fit(seasonal.iloc[:50])
    with pytest.raises(ValueError, match="horizon=0"):
        LSTMForecaster(horizon=0).fit(seasonal)
    with pytest.raises(ValueError, match="patch_len=5 does not divide input_size=24"):
        LSTMForecaster(horizon=3, patch_len=5).fit(seasonal)
    with pytest.raises(ValueError, match="unknown scaler"):
        LSTMForecaster(horizon=3, scaler="minmax").fit(seasonal)


def test_auto_patch_len():
    assert auto_patch_len(24) == 1 and auto_patch_len(50) == 5 and auto_patch_len(7) == 1 and auto_patch_len(96) == 4


def test_learns_more_than_a_seasonal_naive_forecast(seasonal):
    """A short training run on a noisy seasonal series beats repeating the last season."""
    train, test = seasonal.iloc[:170].to_numpy(), seasonal.to_numpy()
    f = LSTMForecaster(horizon=6, seasonal_period=12, hidden_size=16, input_size=24, refit=False).fit(train)
    X, Y = sliding_windows(test[146:], 24, 6)  # histories ending at 170 .. 194
    snaive = SeasonalNaive(6, 12).fit(train)
    assert mae(Y, f.predict_windows(X)) < 0.8 * mae(Y, snaive.predict_windows(X))
