"""The forecast and datasets commands, through lstmlab.cli.main.main, with tiny models."""

import pandas as pd
import pytest

from lstmlab.cli.main import main

TINY = ["--steps", "5", "--n-models", "2", "--hidden-size", "8", "--quiet"]


@pytest.fixture
def csv(tmp_path):
    path = tmp_path / "sales.csv"
    dates = pd.date_range("2015-01-01", periods=72, freq="MS")
    values = [100 + i + 10 * ((i % 12) in (5, 6, 7)) for i in range(72)]
    pd.DataFrame({"month": dates.strftime("%Y-%m-%d"), "units": values}).to_csv(path, index=False)
    return path


def test_fit_then_predict_from_saved_model(csv, tmp_path, capsys):
    out = tmp_path / "run"
    args = ["forecast", "fit", "--csv", str(csv), "--date-col", "month", "--value-col", "units", "--horizon", "6"]
    assert main(args + ["--out", str(out)] + TINY) == 0
    assert {p.name for p in out.iterdir()} == {"model", "forecast.csv", "forecast.png", "loss.png"}
    fc = pd.read_csv(out / "forecast.csv")
    assert list(fc.columns) == ["ds", "y_hat", "lo", "hi"] and fc["ds"].iloc[0] == "2021-01-01"
    capsys.readouterr()
    assert main(["forecast", "predict", "--model", str(out / "model"), "--horizon", "3", "--quiet"]) == 0
    assert "2021-03-01" in capsys.readouterr().out
    assert main(["forecast", "predict", "--model", str(out), "--quantiles", "0.1,0.5,0.9", "--quiet", "--out",
                 str(tmp_path / "q")]) == 0
    fc = pd.read_csv(tmp_path / "q" / "forecast.csv")
    assert list(fc.columns) == ["ds", "y_hat", "lo", "hi", "q0.1", "q0.5", "q0.9"] and (fc["q0.5"] == fc["y_hat"]).all()
    assert main(["forecast", "predict", "--model", str(out), "--quantiles", "0.9,0.1", "--quiet"]) == 2
    assert "strictly increasing" in capsys.readouterr().err
    assert main(["forecast", "predict", "--model", str(out / "model"), "--horizon", "9", "--quiet"]) == 2
    assert "horizon=9 is longer than the 6 steps" in capsys.readouterr().err


def test_evaluate_and_backtest_print_model_beside_baselines(tmp_path, capsys):
    assert main(["forecast", "evaluate", "--dataset", "airpassengers", "--horizon", "12"] + TINY) == 0
    text = capsys.readouterr().out
    for name in ("LSTMForecaster", "seasonal_naive", "naive", "drift", "window_mean", "coverage"):
        assert name in text
    assert "90% intervals covered" in text.splitlines()[-1]  # the verdict closes the table
    out = tmp_path / "bt"
    assert main(["forecast", "backtest", "--dataset", "airpassengers", "--horizon", "6", "--n-windows", "2",
                 "--no-refit", "--out", str(out)] + TINY) == 0
    frame = pd.read_csv(out / "backtest.csv")
    assert frame["origin"].nunique() == 2 and (out / "error_by_step.png").stat().st_size > 0


@pytest.mark.parametrize("argv, message", [
    (["forecast", "evaluate", "--horizon", "3"], "no data: give a file (FILE or --csv PATH) or --dataset NAME"),
    (["forecast", "evaluate", "missing.csv", "--horizon", "3"], "missing.csv: no such file (expected a CSV file)"),
    (["forecast", "evaluate", "--parquet", "gone.pq", "--horizon", "3"], "gone.pq: no such file (expected a Parquet"),
    (["forecast", "evaluate", "--dataset", "no_such_series", "--horizon", "3"], "unknown dataset 'no_such_series'"),
    (["forecast", "fit", "--dataset", "airpassengers", "--horizon", "3"], "fit needs --out DIR"),
    (["forecast", "evaluate", "--dataset", "airpassengers", "--horizon", "100"], "long enough to train"),
])
def test_errors_exit_non_zero_with_a_message(argv, message, capsys):
    assert main(argv + TINY) == 2
    assert message in capsys.readouterr().err


def test_a_bare_file_is_read_by_its_suffix(csv, tmp_path, capsys):
    cols = ["--date-col", "month", "--value-col", "units", "--horizon", "3"] + TINY
    assert main(["forecast", "evaluate", str(csv)] + cols) == 0
    bare = capsys.readouterr().out
    assert main(["forecast", "evaluate", "--csv", str(csv)] + cols) == 0
    assert capsys.readouterr().out == bare  # the same as --csv
    with pytest.raises(SystemExit):  # one source only
        main(["forecast", "evaluate", str(csv), "--dataset", "airpassengers"] + cols)
    assert "not allowed with" in capsys.readouterr().err
    assert main(["forecast", "evaluate", str(tmp_path / "sales.parquet")] + cols) == 2
    assert "sales.parquet: no such file (expected a Parquet file)" in capsys.readouterr().err  # by its suffix


def test_bad_csv_columns(csv, capsys):
    assert main(["forecast", "evaluate", "--csv", str(csv), "--value-col", "sales", "--horizon", "3"] + TINY) == 2
    assert "no value column 'sales'" in capsys.readouterr().err


def test_help_explains_the_actions(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["forecast", "--help"])
    assert exc.value.code == 0
    text = capsys.readouterr().out
    assert "evaluate" in text and "baselines" in text and "--dataset" in text


def test_datasets_lists_and_exports(tmp_path, capsys):
    assert main(["datasets"]) == 0
    text = capsys.readouterr().out
    assert "airpassengers" in text and "Box" in text and "synthetic" in text
    assert main(["datasets", "airpassengers", "--csv", str(tmp_path / "ap.csv")]) == 0
    frame = pd.read_csv(tmp_path / "ap.csv")
    assert len(frame) == 144 and frame["y"].sum() == 40363


def test_failed_fit_leaves_no_output_folder(tmp_path, capsys):
    short = tmp_path / "short.csv"  # reads fine; fit refuses it (no window with 5 targets and a history)
    short.write_text("date,value\n" + "".join(f"2020-01-0{d},{d}\n" for d in range(1, 6)))
    out = tmp_path / "never"
    assert main(["forecast", "fit", "--csv", str(short), "--horizon", "5", "--out", str(out)] + TINY) == 2
    assert "long enough to train" in capsys.readouterr().err
    assert not out.exists()


def test_out_that_is_a_file_is_refused(tmp_path, capsys):
    target = tmp_path / "taken"
    target.write_text("x")
    assert main(["forecast", "fit", "--dataset", "airpassengers", "--horizon", "3", "--out", str(target)] + TINY) == 2
    assert "is a file: expected a folder" in capsys.readouterr().err
    assert target.read_text() == "x"


@pytest.fixture
def long_csv(tmp_path):
    """Four series in one long file: two seasonal, one flat, one short, and one with a missing value."""
    months = pd.date_range("1992-01-01", periods=48, freq="MS")
    rows = []
    for uid, values in (("north", [100 + 10 * ((i % 12) in (5, 6)) + i for i in range(48)]),
                        ("south", [50 + 5 * ((i % 12) in (0, 1)) + i / 2 for i in range(48)]),
                        ("flat", [7.0] * 48), ("short", [3.0, 4.0, 5.0, 4.0, 6.0, 5.0, 7.0, 6.0]),
                        ("holey", [1.0, float("nan")] + [2.0] * 46)):
        rows += [(uid, d, v) for d, v in zip(months, values)]
    path = tmp_path / "stores.csv"
    pd.DataFrame(rows, columns=["unique_id", "ds", "y"]).to_csv(path, index=False)
    return path


def test_a_long_file_fits_every_usable_series_and_reports_the_others(long_csv, tmp_path, capsys):
    out = tmp_path / "fit"
    assert main(["forecast", "fit", "--csv", str(long_csv), "--horizon", "4", "--plot-all", "--out", str(out)]
                + TINY) == 0
    text = capsys.readouterr().out
    assert "1 of 5 series left out" in text and "holey: series 'holey' has 1 NaN/inf value(s)" in text
    assert "forecast.png shows 4 of 4 series" in text
    report = pd.read_csv(out / "series.csv", keep_default_na=False)
    assert report.set_index("unique_id")["points"].to_dict() == {"north": 48, "south": 48, "flat": 48, "short": 8,
                                                                 "holey": 48}  # counts as in the file
    assert report.set_index("unique_id")["status"].to_dict()["holey"] == "left out"
    fc = pd.read_csv(out / "forecast.csv")
    assert fc.groupby("unique_id").size().to_dict() == {"north": 4, "south": 4, "flat": 4, "short": 4}
    assert (fc.loc[fc["unique_id"] == "flat", "y_hat"] == 7.0).all()  # a constant history: the constant
    assert sorted(p.name for p in (out / "plots").iterdir()) == ["flat.png", "north.png", "short.png", "south.png"]
    # predict takes the folder given to fit --out, not only the model folder inside it
    assert main(["forecast", "predict", "--model", str(out), "--quiet"]) == 0
    assert "north" in capsys.readouterr().out


def test_evaluate_and_backtest_on_a_long_file_go_on_past_short_series(long_csv, tmp_path, capsys):
    out = tmp_path / "ev"
    assert main(["forecast", "evaluate", "--csv", str(long_csv), "--horizon", "4", "--out", str(out)] + TINY) == 0
    capsys.readouterr()
    report = pd.read_csv(out / "series.csv", keep_default_na=False).set_index("unique_id")
    assert report.loc["north", "status"] == "evaluated" and report.loc["north", "mase_seasonal_naive"] != ""
    assert report.loc["flat", "reason"] == "flat history: MASE undefined (its scale is 0)"
    assert (out / "error_by_series.png").stat().st_size > 0 and (out / "forecast.png").stat().st_size > 0
    assert main(["forecast", "backtest", "--csv", str(long_csv), "--horizon", "4", "--n-windows", "3",
                 "--no-refit", "--out", str(tmp_path / "bt")] + TINY) == 0
    text = capsys.readouterr().out
    assert "short: has 8 points: 3 origin(s) 4 apart with horizon 4 need at least 14" in text
    report = pd.read_csv(tmp_path / "bt" / "series.csv", keep_default_na=False).set_index("unique_id")
    assert report.loc["short", "status"] == "left out" and report.loc["north", "status"] == "evaluated"


def test_dayfirst_flag_and_its_hint(tmp_path, capsys):
    path = tmp_path / "dmy.csv"
    months = pd.date_range("2015-01-01", periods=48, freq="MS")
    pd.DataFrame({"ds": months.strftime("%d/%m/%Y"), "y": range(48)}).to_csv(path, index=False)
    argv = ["forecast", "evaluate", "--csv", str(path), "--horizon", "3"] + TINY
    assert main(argv) == 2
    assert "pass --dayfirst" in capsys.readouterr().err
    assert main(argv + ["--dayfirst"]) == 0


@pytest.mark.parametrize("flag, seasonal", [(None, True), ("off", False)])
def test_seasonal_adjust_flag(long_csv, tmp_path, flag, seasonal):
    from lstmlab.forecast.io import load

    out = tmp_path / "fit"
    extra = [] if flag is None else ["--seasonal-adjust", flag]
    assert main(["forecast", "fit", str(long_csv), "--horizon", "4", "--out", str(out)] + extra + TINY) == 0
    assert load(out / "model").config_.seasonal is seasonal  # a monthly panel: adjusted unless turned off


@pytest.mark.parametrize("blend, theta, hw, choice, says", [
    (0.0, 0.0, 0.0, "lstm", "the LSTM forecasts"),
    (1.0, 0.0, 0.0, "seasonal_naive", "seasonal naive forecasts (the LSTM lost)"),
    (0.25, 0.0, 0.0, "blend", "0.75 x the LSTM + 0.25 x seasonal naive forecasts (that average: 0.700)"),
    (0.25, 0.25, 0.0, "blend", "0.5 x the LSTM + 0.25 x seasonal naive + 0.25 x Theta forecasts (that average: 0.700)"),
    (0.0, 0.5, 0.0, "blend", "0.5 x the LSTM + 0.5 x Theta forecasts (that average: 0.700)"),
    (0.0, 0.25, 0.25, "blend", "0.5 x the LSTM + 0.25 x Theta + 0.25 x Holt-Winters forecasts (that average: 0.700)"),
])
def test_the_fit_says_what_validation_chose(blend, theta, hw, choice, says):
    from types import SimpleNamespace

    from lstmlab.cli.forecast import _choice_line

    model = SimpleNamespace(blend_=blend, theta_=theta, holt_winters_=hw, choice_=choice,
                            config_=SimpleNamespace(pretrained="", loss="mae", scaler="history"),
                            validation_={"windows": 40, "lstm": 0.8, "seasonal_naive": 0.9, "chosen": 0.7, "theta": 0.85,
                                         "holt_winters": 0.83})
    line = _choice_line(model)
    assert line == (f"validation, MASE over 40 windows: LSTM 0.800, seasonal naive 0.900, Theta 0.850, "
                    f"Holt-Winters 0.830: {says}")
