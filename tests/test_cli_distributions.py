"""Distribution heads and sample paths through the command line: --distribution, --samples."""

import pandas as pd
import pytest

from lstmlab.cli.main import main

TINY = ["--steps", "5", "--n-models", "2", "--hidden-size", "8", "--quiet"]


@pytest.fixture
def counts_csv(tmp_path):
    path = tmp_path / "units.csv"
    dates = pd.date_range("2015-01-01", periods=72, freq="MS")
    values = [3 + (i % 12 in (5, 6, 7)) * 4 + i % 3 for i in range(72)]
    pd.DataFrame({"month": dates.strftime("%Y-%m-%d"), "units": values}).to_csv(path, index=False)
    return path


def test_fit_a_distribution_head_then_predict_sample_paths(counts_csv, tmp_path, capsys):
    out = tmp_path / "run"
    args = ["forecast", "fit", "--csv", str(counts_csv), "--date-col", "month", "--value-col", "units",
            "--horizon", "4", "--distribution", "negative_binomial", "--samples", "20", "--quantiles", "0.1,0.5,0.9"]
    assert main(args + ["--out", str(out)] + TINY) == 0
    assert {p.name for p in out.iterdir()} >= {"model", "forecast.csv", "samples.csv"}
    fc = pd.read_csv(out / "forecast.csv")
    assert (fc["q0.5"] == fc["y_hat"]).all() and (fc[["lo", "hi", "q0.1", "q0.9"]] >= 0).all().all()
    paths = pd.read_csv(out / "samples.csv")
    assert list(paths.columns) == ["ds", "sample", "y"] and len(paths) == 80 and paths["sample"].nunique() == 20
    assert (paths["y"] == paths["y"].round()).all()  # counts
    assert main(["forecast", "predict", "--model", str(out), "--samples", "5", "--horizon", "2", "--quiet",
                 "--out", str(tmp_path / "p")]) == 0
    assert len(pd.read_csv(tmp_path / "p" / "samples.csv")) == 10


def test_bad_values_name_themselves_and_write_nothing(counts_csv, tmp_path, capsys):
    base = ["forecast", "fit", "--csv", str(counts_csv), "--date-col", "month", "--value-col", "units",
            "--horizon", "4"]
    out = tmp_path / "never"
    assert main(base + ["--samples", "0", "--out", str(out)] + TINY) == 2
    assert "n_samples=0: expected a positive integer" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(base + ["--distribution", "gamma", "--out", str(out)] + TINY)
    assert "invalid choice: 'gamma'" in capsys.readouterr().err
    assert main(base + ["--distribution", "student_t", "--loss", "mae", "--out", str(out)] + TINY) == 2
    assert "loss='mae' with distribution='student_t'" in capsys.readouterr().err
    assert not out.exists()


def test_backtest_scores_samples(counts_csv, capsys):
    assert main(["forecast", "backtest", "--csv", str(counts_csv), "--date-col", "month", "--value-col", "units",
                 "--horizon", "4", "--n-windows", "2", "--samples", "30", "--distribution", "student_t"] + TINY) == 0
    assert "crps_samples" in capsys.readouterr().out
