"""forecast fit/predict with covariates from CSV files, through lstmlab.cli.main.main, with tiny models."""

import numpy as np
import pandas as pd
import pytest

from lstmlab.cli.main import main

TINY = ["--steps", "5", "--n-models", "2", "--hidden-size", "8", "--quiet", "--seasonal-period", "12"]
H = 4


@pytest.fixture
def files(tmp_path):
    """sales.csv (two stores, 48 months, promo/visits/region) and future.csv (the next H months' promo)."""
    rng = np.random.default_rng(0)
    rows = []
    for store, region in (("a", "north"), ("b", "south")):
        promo = (rng.random(48 + H) < 0.3).astype(int)
        dates = pd.date_range("2015-01-01", periods=48 + H, freq="MS").strftime("%Y-%m-%d")
        y = 100 + 20 * promo + rng.normal(0, 2, 48 + H)
        rows.append(pd.DataFrame({"store": store, "month": dates, "units": y.round(1), "promo": promo,
                                  "visits": (y * 3).round(), "region": region}))
    frame = pd.concat(rows, ignore_index=True)
    pos = frame.groupby("store").cumcount()
    sales, future = tmp_path / "sales.csv", tmp_path / "future.csv"
    frame[pos < 48].to_csv(sales, index=False)
    frame[pos >= 48][["store", "month", "promo"]].set_axis(["unique_id", "ds", "promo"], axis=1).to_csv(
        future, index=False)
    return sales, future


FIT = ["forecast", "fit", "--id-col", "store", "--date-col", "month", "--value-col", "units", "--horizon", str(H),
       "--future-covariates", "promo", "--past-covariates", "visits", "--static-covariates", "region",
       "--calendar", "month"]


def test_fit_and_predict_with_covariates(files, tmp_path, capsys):
    sales, future = files
    out = tmp_path / "fit"
    assert main(FIT + ["--csv", str(sales), "--future", str(future), "--out", str(out)] + TINY) == 0
    fc = pd.read_csv(out / "forecast.csv")
    assert list(fc["unique_id"].unique()) == ["a", "b"] and len(fc) == 2 * H
    assert main(["forecast", "predict", "--model", str(out), "--future", str(future), "--quiet", "--out",
                 str(tmp_path / "pred")]) == 0
    again = pd.read_csv(tmp_path / "pred" / "forecast.csv")
    pd.testing.assert_frame_equal(fc, again)
    # a new history from a CSV: its covariate columns are read too
    assert main(["forecast", "predict", "--model", str(out), "--csv", str(sales), "--id-col", "store", "--date-col",
                 "month", "--value-col", "units", "--future", str(future), "--quiet"]) == 0


def test_fit_without_future_file_saves_the_model_only(files, tmp_path, capsys):
    sales, future = files
    out = tmp_path / "fit"
    assert main(FIT + ["--csv", str(sales), "--out", str(out)] + TINY) == 0
    assert "no forecast: the model reads future covariates" in capsys.readouterr().out
    assert (out / "model" / "config.json").exists() and not (out / "forecast.csv").exists()
    assert main(["forecast", "predict", "--model", str(out), "--quiet"]) == 2
    assert "predict needs future=" in capsys.readouterr().err


def test_covariate_errors_name_the_column(files, tmp_path, capsys):
    sales, future = files
    args = FIT + ["--csv", str(sales), "--out", str(tmp_path / "x")] + TINY
    args[args.index("visits")] = "footfall"
    assert main(args) == 2
    assert "no covariate column 'footfall'" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()  # nothing written
    bad = pd.read_csv(future).drop(columns="promo").assign(price=1.0)
    bad.to_csv(tmp_path / "bad.csv", index=False)
    out = tmp_path / "fit"
    assert main(FIT + ["--csv", str(sales), "--future", str(tmp_path / "bad.csv"), "--out", str(out)] + TINY) == 2
    assert "future has no column 'promo'" in capsys.readouterr().err
    assert main(["forecast", "fit", "--dataset", "airpassengers", "--horizon", "3", "--past-covariates", "x",
                 "--out", str(tmp_path / "y")] + TINY) == 2
    assert "a built-in --dataset has none" in capsys.readouterr().err


def test_tune_holds_the_covariates_fixed_and_reads_their_columns(tmp_path, monkeypatch):
    import lstmlab.forecast.tune as tuning
    from lstmlab.cli.main import main

    seen = {}

    def fake_tune(y, horizon, seasonal_period, n_folds, time_budget, n_trials, seed, fixed):
        seen.update(columns=list(y.columns), fixed=fixed)
        return tuning.TuneResult({"horizon": horizon, **fixed}, 0.5, [({}, 0.5)], 0.1)

    monkeypatch.setattr(tuning, "tune", fake_tune)
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"ds": pd.date_range("2000-01-01", periods=40, freq="MS"), "y": rng.normal(10, 1, 40),
                          "promo": rng.integers(0, 2, 40), "other": 1.0})
    frame.to_csv(tmp_path / "s.csv", index=False)
    out = tmp_path / "best.json"
    assert main(["forecast", "tune", "--csv", str(tmp_path / "s.csv"), "--horizon", "4",
                 "--future-covariates", "promo", "--out", str(out)]) == 0
    assert seen["fixed"] == {"future_covariates": ["promo"]} and "promo" in seen["columns"]
    assert "other" not in seen["columns"]
