"""Save/load round trip; corrupted or tampered directories are refused; the tutorial reference runs."""

import json

import numpy as np
import pandas as pd
import pytest

from lstmlab.forecast.datasets import list_datasets, load_dataset, synthetic_series
from lstmlab.forecast.forecaster import LSTMForecaster
from lstmlab.forecast.io import load, save
from lstmlab.forecast.reference import seed_reference

TINY = dict(hidden_size=8, steps=5, batch_size=64)


@pytest.fixture(scope="module")
def fitted():
    y = load_dataset("airpassengers")
    return LSTMForecaster(horizon=6, n_models=2, **TINY).fit(y), y


def test_round_trip_gives_identical_forecasts(fitted, tmp_path):
    model, y = fitted
    path = save(model, tmp_path / "m")
    back = load(path)
    pd.testing.assert_series_equal(model.predict(), back.predict())
    pd.testing.assert_frame_equal(model.predict(level=0.8, y=y.iloc[:100]), back.predict(level=0.8, y=y.iloc[:100]))
    assert back.get_config() == model.get_config()
    save(model, path)  # replacing an existing model directory works
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m"]  # and leaves no temp dirs behind
    assert sorted(p.name for p in path.iterdir()) == ["config.json", "model.safetensors", "state.json"]


def test_quantile_model_round_trip_and_older_versions(fitted, tmp_path):
    model, y = fitted
    q = LSTMForecaster(horizon=4, n_models=2, quantiles=[0.1, 0.5, 0.9], fallback=False, **TINY).fit(y)
    back = load(save(q, tmp_path / "q"))
    pd.testing.assert_frame_equal(q.predict_quantiles(), back.predict_quantiles())  # identical, not close
    pd.testing.assert_frame_equal(q.predict_quantiles(2, y.iloc[:80]), back.predict_quantiles(2, y.iloc[:80]))
    np.testing.assert_array_equal(q.cqr_scores_, back.cqr_scores_)
    assert back.get_config() == q.get_config() and back.get_params() == q.get_params()
    # a version 2 directory (before quantile heads) still loads, as a point forecaster
    path = save(model, tmp_path / "v2")
    cfg = json.loads((path / "config.json").read_text())
    cfg["version"] = 2
    del cfg["config"]["quantiles"], cfg["params"]["quantiles"]
    (path / "config.json").write_text(json.dumps(cfg))
    old = load(path)
    assert old.config_.quantiles == () and old.cqr_scores_ is None
    pd.testing.assert_series_equal(model.predict(), old.predict())
    cfg["version"] = 1
    (path / "config.json").write_text(json.dumps(cfg))
    with pytest.raises(ValueError, match="format version 1, this lstmlab reads 2, 3, 4, 5, 6, 7, 8"):
        load(path)
    # settings that no longer fit the weights and the CQR scores are refused
    path = save(q, tmp_path / "q")
    cfg = json.loads((path / "config.json").read_text())
    cfg["config"]["quantiles"] = [0.05, 0.1, 0.5, 0.9, 0.95]
    (path / "config.json").write_text(json.dumps(cfg))
    with pytest.raises(ValueError, match="inconsistent"):
        load(path)


def test_tampered_and_corrupted_directories_are_refused(fitted, tmp_path):
    model, _ = fitted
    path = save(model, tmp_path / "m")
    weights = path / "model.safetensors"
    raw = bytearray(weights.read_bytes())
    raw[-1] ^= 0xFF
    weights.write_bytes(bytes(raw))
    with pytest.raises(ValueError, match="model.safetensors does not match the checksum"):
        load(path)
    path = save(model, tmp_path / "m")
    (path / "config.json").write_text("{not json")
    with pytest.raises(ValueError, match="corrupted"):
        load(path)
    path = save(model, tmp_path / "m2")
    cfg = json.loads((path / "config.json").read_text())
    cfg["config"]["hidden_size"] = 9  # config no longer matches the weights
    (path / "config.json").write_text(json.dumps(cfg))
    with pytest.raises(ValueError, match="inconsistent"):
        load(path)
    (path / "state.json").unlink()
    with pytest.raises(ValueError, match="missing state.json"):
        load(path)
    with pytest.raises(ValueError, match="not a model directory"):
        load(tmp_path / "nothing")
    other = tmp_path / "docs"
    other.mkdir()
    (other / "notes.txt").write_text("keep me")
    with pytest.raises(ValueError, match="refusing to replace"):
        save(model, other)
    assert (other / "notes.txt").read_text() == "keep me"


def test_datasets():
    ap = load_dataset("airpassengers")
    assert (len(ap), ap.sum(), ap.min(), ap.max(), ap.iloc[0], ap.iloc[-1]) == (144, 40363, 104, 622, 112, 432)
    assert ap.index[0] == pd.Timestamp("1949-01-01") and ap.index.freqstr == "MS"
    np.random.seed(0)
    legacy = np.random.normal(0, 1, 1000)
    t = np.arange(1000)
    signal = 0.02 * t + 10 * np.sin(2 * np.pi * t / 50) + 5 * np.sin(2 * np.pi * t / 25)
    np.testing.assert_array_equal(synthetic_series(legacy_seed=0).to_numpy(), signal + legacy)
    np.testing.assert_array_equal(synthetic_series(seed=3), synthetic_series(seed=3))
    assert {"airpassengers", "synthetic"} <= {d.name for d in list_datasets()}
    with pytest.raises(ValueError, match="unknown dataset 'nile2'"):
        load_dataset("nile2")


def test_seed_reference_leak_switch():
    y = synthetic_series(n=200, seed=0).to_numpy().copy()
    y[-20:] += 50  # a test-period jump: the leaky scaler sees it, the fixed one does not
    leaky = seed_reference(y, input_size=20, horizon=5, epochs=1)
    fixed = seed_reference(y, input_size=20, horizon=5, epochs=1)
    fixed_no_leak = seed_reference(y, input_size=20, horizon=5, epochs=1, leak=False)
    assert leaky.y_pred.shape == leaky.y_true.shape == (176 - 140, 5)  # 176 windows, the first 140 train
    np.testing.assert_array_equal(leaky.y_pred, fixed.y_pred)  # seeded
    assert not np.allclose(leaky.y_pred, fixed_no_leak.y_pred)
