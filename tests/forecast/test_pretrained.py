"""Pre-trained ensembles: written and read back exactly, used unchanged by a fit, refused when unfit."""

import numpy as np
import pandas as pd
import pytest

from lstmlab.forecast import pretrained as pt
from lstmlab.forecast.forecaster import LSTMForecaster, ResolvedConfig
from lstmlab.forecast.io import load, save
from lstmlab.forecast.panel import all_windows, split_origins

TINY = dict(hidden_size=8, steps=5, batch_size=64, n_models=2)


def panel(n=6, length=60, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(length)
    return pd.DataFrame({"unique_id": np.repeat([f"s{i}" for i in range(n)], length),
                         "ds": np.tile(t, n),
                         "y": np.concatenate([rng.uniform(5, 50) + 3 * np.sin(2 * np.pi * t / 4 + i)
                                              + rng.normal(0, 0.5, length) for i in range(n)])})


@pytest.fixture(scope="module")
def trained():  # as scripts/pretrain.py trains a shipped ensemble: without seasonal adjustment
    return LSTMForecaster(horizon=6, seasonal_period=4, seed=3, seasonal_adjust=False, **TINY).fit(panel())


@pytest.fixture(scope="module")
def folder(trained, tmp_path_factory):
    where = tmp_path_factory.mktemp("pre")
    pt.write(trained, where / "m4.safetensors", source="a test panel")
    return where


def test_written_file_reads_back_exactly(trained, folder):
    back = pt.load(folder / "m4.safetensors")
    assert ResolvedConfig.from_dict(back.config) == trained.config_ and back.source == "a test panel"
    for (k, a), (j, b) in zip(trained.model_.state_dict().items(), back.members.state_dict().items()):
        assert k == j and a.dtype == b.dtype and bool((a == b).all())
    (row,) = pt.describe(folder)
    assert row["seasonal_period"] == 4 and row["horizon"] == 6 and row["members"] == 2


def test_fit_with_a_pretrained_ensemble_forecasts_as_the_ensemble_does(trained, folder):
    frame = panel()
    used = LSTMForecaster(horizon=6, seasonal_period=4, pretrained=folder).fit(frame)
    for f in (used, trained):  # the networks alone, whatever validation chose
        f.blend_ = f.theta_ = f.holt_winters_ = 0.0
    pd.testing.assert_frame_equal(used.predict(), trained.predict())
    assert used.config_.net_horizon == 6 and "a test panel" in used.config_.pretrained
    # a shorter horizon is the first steps of the same forecasts
    short = LSTMForecaster(horizon=3, seasonal_period=4, pretrained=folder, fallback=False).fit(frame)
    full = trained.predict()
    np.testing.assert_array_equal(short.predict()["y_hat"].to_numpy(),
                                  full.groupby("unique_id")["y_hat"].head(3).to_numpy())


def test_every_window_with_all_targets_scores_and_calibrates(folder):
    frame = panel(n=1, length=40)
    y = frame["y"].to_numpy()
    model = LSTMForecaster(horizon=6, seasonal_period=4, pretrained=folder, fallback=False).fit(y)
    o = split_origins(np.array([40]), 6, min_origin=5, val_fraction=0.2)
    assert model.validation_["windows"] == len(all_windows(o.lo, o.hi)[0]) == 40 - 6 + 1 - 5
    assert model.calibration_scores_.shape == (30, 6) and model.history_ is None
    out = model.predict(level=0.9)
    assert np.all(out["lo"] <= out["y_hat"]) and np.all(out["y_hat"] <= out["hi"])


def test_theta_is_scored_on_each_window_from_its_own_history(folder, monkeypatch):
    from lstmlab.forecast import forecaster
    from lstmlab.forecast.seasonality import panel_indices
    from lstmlab.forecast.theta import theta_forecasts

    y = panel(n=1, length=40)["y"].to_numpy()
    seen = {}
    real = forecaster.LSTMForecaster._choose

    def spy(self, point, val, keep, grid=(0.0, 1.0), theta=None, holt_winters=None):
        seen.update(grid=grid, theta=theta, holt_winters=holt_winters)
        return real(self, point, val, keep, grid, theta, holt_winters)

    monkeypatch.setattr(forecaster.LSTMForecaster, "_choose", spy)
    model = LSTMForecaster(horizon=6, seasonal_period=4, pretrained=folder).fit(y)
    assert seen["grid"] == (0.0, 1.0) and seen["theta"].shape == (30, 6) and seen["holt_winters"] is None
    t = 20  # the 11th window (origins 5 .. 34): Theta from the 20 values before it, seasonal indices too
    h = y[:t]
    np.testing.assert_allclose(seen["theta"][t - 5],
                               theta_forecasts([h], panel_indices([h], 4), np.array([0]), np.array([t]), 6)[0])
    assert model.validation_["theta"] > 0 and "theta_weight" in model.validation_
    assert model.holt_winters_ == 0 and "holt_winters" not in model.validation_  # no Holt-Winters beside a pre-trained one


def test_auto_uses_the_shipped_ensemble_for_one_series_with_default_settings():
    y = panel(n=1, length=48)["y"].to_numpy()
    used = LSTMForecaster(horizon=8, seasonal_period=4).fit(y)
    assert used.config_.pretrained.startswith(str(pt.file_for(pt.SHIPPED, 4)))
    assert used.config_.horizon == 8 and len(used.predict()) == 8
    # a setting of the network, several series or pretrained=None: the fit trains
    for model, data in [(LSTMForecaster(horizon=8, seasonal_period=4, hidden_size=8, steps=3), y),
                        (LSTMForecaster(horizon=8, seasonal_period=4, steps=3), panel(n=2, length=48)),
                        (LSTMForecaster(horizon=8, seasonal_period=4, pretrained=None, steps=3), y)]:
        assert model.fit(data).config_.pretrained == "" and model.config_.net_horizon == 0
    # a series too short to train on gets the shipped ensemble's forecast (without intervals: no window scores it)
    short = LSTMForecaster(horizon=12, seasonal_period=12).fit(y[:5])
    assert short.validation_["windows"] == 0 and np.all(np.isfinite(short.predict()))
    with pytest.raises(ValueError, match="no series was long enough to keep validation windows"):
        short.predict(level=0.9)
    # no shipped ensemble for that season, or not that far ahead: trains
    assert LSTMForecaster(horizon=3, seasonal_period=7, steps=3).fit(y).config_.pretrained == ""
    assert LSTMForecaster(horizon=30, seasonal_period=4, steps=3).fit(np.r_[y, y]).config_.pretrained == ""


def test_saved_and_loaded_with_the_forecaster(folder, tmp_path):
    y = panel(n=1, length=50)["y"].to_numpy()
    model = LSTMForecaster(horizon=5, seasonal_period=4, pretrained=folder).fit(y)
    back = load(save(model, tmp_path / "m"))
    assert back.config_ == model.config_
    pd.testing.assert_frame_equal(back.predict(level=0.8), model.predict(level=0.8))


def test_unusable_pretrained_settings_and_files_are_refused(folder, tmp_path):
    y = panel(n=1, length=50)["y"].to_numpy()
    with pytest.raises(ValueError, match="is not a folder of pre-trained files"):
        LSTMForecaster(horizon=5, seasonal_period=4, pretrained=tmp_path / "nowhere").fit(y)
    with pytest.raises(ValueError, match=r"seasonal_period=12 and horizon=5 .*m12.safetensors does not exist"):
        LSTMForecaster(horizon=5, seasonal_period=12, pretrained=folder).fit(y)
    with pytest.raises(ValueError, match="forecasts fewer than horizon=7 steps"):
        LSTMForecaster(horizon=7, seasonal_period=4, pretrained=folder).fit(y)
    with pytest.raises(ValueError, match="a pre-trained ensemble forecasts points"):
        LSTMForecaster(horizon=5, seasonal_period=4, pretrained=folder, quantiles=[0.1, 0.9]).fit(y)
    with pytest.raises(ValueError, match="expected 'auto', 'shipped', a folder or None"):
        LSTMForecaster(horizon=5, seasonal_period=4, pretrained=3).fit(y)
    (tmp_path / "m4.safetensors").write_bytes(b"not a safetensors file")
    with pytest.raises(ValueError, match="m4.safetensors cannot be used"):
        LSTMForecaster(horizon=5, seasonal_period=4, pretrained=tmp_path).fit(y)
    from safetensors.numpy import save_file

    save_file({"w": np.zeros(3, dtype=np.float32)}, str(tmp_path / "m4.safetensors"))
    with pytest.raises(ValueError, match="not an lstmlab pre-trained file"):
        pt.load(tmp_path / "m4.safetensors")


def test_shipped_files_are_those_the_docs_describe():
    rows = {r["seasonal_period"]: r for r in pt.describe()}
    assert sorted(rows) == [1, 4, 12]
    assert [rows[m]["horizon"] for m in (1, 4, 12)] == [6, 8, 24]
    assert all("M1 and Tourism" in r["source"] and "never read" in r["source"] for r in rows.values())
