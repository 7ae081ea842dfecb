"""Optuna search: a seeded, budgeted search whose result LSTMForecaster and `fit --config` accept."""

import json

import numpy as np
import pytest

from lstmlab.cli.main import main
from lstmlab.forecast.forecaster import LSTMForecaster

optuna = pytest.importorskip("optuna")


def _small_space(trial):  # keeps the test to seconds; the real space is tune.search_space
    return {"hidden_size": trial.suggest_categorical("hidden_size", [4, 8]), "steps": 3,
            "n_models": 1, "learning_rate": trial.suggest_float("learning_rate", 1e-3, 1e-2, log=True)}


def test_tune_returns_settings_the_forecaster_accepts(seasonal, monkeypatch):
    from lstmlab.forecast import tune as tune_module

    monkeypatch.setattr(tune_module, "search_space", _small_space)
    a = tune_module.tune(seasonal, horizon=4, n_trials=3, seed=1)
    b = tune_module.tune(seasonal, horizon=4, n_trials=3, seed=1)
    assert a.params == b.params and a.mase == b.mase  # seeded: the same search twice
    assert len(a.trials) == 3 and a.mase == min(s for _, s in a.trials)
    assert a.params["horizon"] == 4 and a.params["hidden_size"] in (4, 8)
    LSTMForecaster(**a.params).fit(seasonal)  # a plain config that fit accepts


def test_tune_refuses_a_bad_budget(seasonal):
    from lstmlab.forecast.tune import tune

    with pytest.raises(ValueError, match="time_budget=0"):
        tune(seasonal, horizon=4, time_budget=0)
    with pytest.raises(ValueError, match=r"fixed settings \['hiden_size'\]"):
        tune(seasonal, horizon=4, fixed={"hiden_size": 8})


def test_cli_tune_then_fit_with_the_config(tmp_path, monkeypatch, capsys):
    from lstmlab.forecast import tune as tune_module

    monkeypatch.setattr(tune_module, "search_space", _small_space)
    cfg = tmp_path / "best.json"
    assert main(["forecast", "tune", "--dataset", "airpassengers", "--horizon", "6", "--n-trials", "2",
                 "--out", str(cfg)]) == 0
    params = json.loads(cfg.read_text())
    assert params["horizon"] == 6 and "best mean validation MASE" in capsys.readouterr().out
    out = tmp_path / "run"
    assert main(["forecast", "fit", "--dataset", "airpassengers", "--horizon", "6", "--config", str(cfg),
                 "--quiet", "--out", str(out)]) == 0
    saved = json.loads((out / "model" / "config.json").read_text())["params"]
    assert saved["hidden_size"] == params["hidden_size"] and saved["steps"] == 3
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"hiden_size": 8}))
    assert main(["forecast", "fit", "--dataset", "airpassengers", "--horizon", "6", "--config", str(bad),
                 "--out", str(tmp_path / "x")]) == 2
    assert "hiden_size" in capsys.readouterr().err
