"""Baselines against hand values; the backtest's origins, refit modes, columns and CSV."""

import numpy as np
import pandas as pd
import pytest

from lstmlab.forecast.backtesting import backtest
from lstmlab.forecast.baselines import Drift, Naive, SeasonalNaive, WindowMean, make_baselines


def test_baselines_by_hand():
    y = np.array([1.0, 2, 3, 4, 5, 6, 7.5])
    np.testing.assert_allclose(Naive(3).fit(y).predict(), [7.5, 7.5, 7.5])
    np.testing.assert_allclose(SeasonalNaive(5, 3).fit(y).predict(), [5, 6, 7.5, 5, 6])
    np.testing.assert_allclose(Drift(2).fit(y).predict(), [7.5 + 6.5 / 6, 7.5 + 13 / 6])
    np.testing.assert_allclose(WindowMean(2, window=2).fit(y).predict(), [6.75, 6.75])
    np.testing.assert_allclose(WindowMean(1).fit(y).predict(), [y.mean()])
    assert set(make_baselines(4, 12)) == {"naive", "seasonal_naive", "drift", "window_mean"}
    assert "seasonal_naive" not in make_baselines(4, 1)


def test_baseline_intervals_cover_their_own_history():
    rng = np.random.default_rng(0)
    y = np.sin(np.arange(400) * 2 * np.pi / 7) + rng.normal(0, 0.2, 400)
    m = SeasonalNaive(3, 7).fit(y[:300])
    from lstmlab.forecast.windows import sliding_windows

    X, Y = sliding_windows(y[300:], 7, 3)
    _, lo, hi = m.predict_windows(X, level=0.8)
    assert 0.7 < np.mean((Y >= lo) & (Y <= hi)) < 0.9
    _, lo2, hi2 = m.fit(3 * y[:300]).predict_windows(X, level=0.8)  # refit recalibrates
    np.testing.assert_allclose(hi2 - lo2, 3 * (hi - lo))


def test_backtest_origins_and_refit_modes(tmp_path):
    y = pd.Series(np.arange(40.0) % 5 + np.arange(40.0) * 0.1)
    res = backtest(SeasonalNaive(3, 5), y, n_windows=4, stride=2, level=0.9, baselines=False)
    f = res.frame
    assert sorted(f["origin"].unique()) == [31, 33, 35, 37]  # last origin = 40 - horizon
    assert len(f) == 4 * 3 and set(f["step"]) == {1, 2, 3}
    first = f[f["origin"] == 31]
    np.testing.assert_allclose(first["y_hat"], y.to_numpy()[26:29])  # the season before the origin
    np.testing.assert_allclose(first["y"], y.to_numpy()[31:34])
    summary = res.summary()
    assert list(summary.columns) == ["mae", "rmse", "mase", "smape", "coverage", "msis", "n"]
    assert res.by_step().shape == (3, 1)
    path = res.to_csv(tmp_path / "bt.csv")
    assert pd.read_csv(path).shape == f.shape
    assert [p.name for p in tmp_path.iterdir()] == ["bt.csv"]  # no temp file left behind
    full = backtest(Naive(3), y, n_windows=3, baselines=True, level=None)
    assert set(full.frame["model"]) == {"Naive", "naive", "drift", "window_mean"}  # no season given
    assert "coverage" not in full.summary().columns


def test_backtest_verdict_names_the_winner():
    y = pd.Series(np.tile([0.0, 1.0, 2.0, 3.0], 10) + np.arange(40) * 0.01)  # period 4, a slight trend
    snaive = backtest(SeasonalNaive(4, 4), y, n_windows=2, level=0.9, baselines={"naive": Naive(4)})
    assert snaive.verdict("SeasonalNaive").startswith("SeasonalNaive has the lowest MAE: 0.04, ")
    assert "(naive, " in snaive.verdict("SeasonalNaive") and "intervals covered" in snaive.verdict("SeasonalNaive")
    naive = backtest(Naive(4), y, n_windows=2, level=None, baselines={"seasonal": SeasonalNaive(4, 4)})
    assert naive.verdict("Naive").startswith("Naive does NOT beat the baselines here: seasonal has MAE 0.04")
    assert "covered" not in naive.verdict("Naive")
    with pytest.raises(ValueError, match="no forecasts of model 'LSTM'"):
        naive.verdict("LSTM")


def test_backtest_by_origin():
    y = pd.Series(np.r_[np.zeros(20), np.full(6, 2.0)])  # a level shift in the last 6 points
    res = backtest(Naive(3), y, n_windows=3, stride=3, level=0.9, baselines=False)
    table = res.by_origin("Naive")
    assert list(table.index.get_level_values("origin")) == [17, 20, 23]
    assert list(table.columns) == ["start", "mae", "bias", "inside"]
    np.testing.assert_allclose(table["mae"], [0.0, 2.0, 0.0])  # origin 20 forecasts 0, the actuals are 2
    np.testing.assert_allclose(table["bias"], [0.0, 2.0, 0.0])
    assert table["inside"].iloc[1] == 0.0  # a naive interval from a flat history has zero width
    assert table["start"].iloc[0] == 17
    assert "inside" not in backtest(Naive(3), y, n_windows=2, level=None, baselines=False).by_origin("Naive")
    with pytest.raises(ValueError, match="no forecasts of model 'LSTM'"):
        res.by_origin("LSTM")


def test_backtest_refit_false_fits_once(monkeypatch):
    calls = []
    orig = Naive._fit

    def counting(self, series):
        calls.append(len(series[0].values))
        return orig(self, series)

    monkeypatch.setattr(Naive, "_fit", counting)
    backtest(Naive(2), np.arange(30.0), n_windows=5, stride=1, refit=False, baselines=False)
    assert calls == [24]
    calls.clear()
    backtest(Naive(2), np.arange(30.0), n_windows=5, stride=1, refit=2, baselines=False)
    assert calls == [24, 26, 28]
    calls.clear()
    backtest(Naive(2), np.arange(30.0), n_windows=3, stride=1, window="sliding", window_size=10,
             baselines=False)
    assert calls == [10, 10, 10]


def test_backtest_long_format_and_errors():
    long = pd.DataFrame({"unique_id": np.repeat(["a", "b"], 20),
                         "ds": list(pd.date_range("2020-01-01", periods=20, freq="D")) * 2,
                         "y": np.r_[np.arange(20.0), np.arange(20.0) * 2]})
    res = backtest(Drift(2), long, n_windows=2, baselines=False)
    assert set(res.frame["unique_id"]) == {"a", "b"}
    assert res.summary().loc["Drift", "mae"] == pytest.approx(0.0)
    with pytest.raises(ValueError, match="need series of at least 14 points"):
        backtest(Naive(2), np.arange(10.0), n_windows=6, baselines=False)
    with pytest.raises(ValueError, match="window_size"):
        backtest(Naive(2), np.arange(10.0), window="sliding", baselines=False)


def test_seasonal_naive_and_window_mean_forecast_a_history_shorter_than_a_season():
    short, long = np.arange(5.0), np.arange(30.0) % 12
    fc = SeasonalNaive(3, 12).fit(long).predict(y=short)  # the last value, as the panel model does
    assert fc.tolist() == [4.0, 4.0, 4.0]
    assert SeasonalNaive(3, 12).fit(long).predict().tolist() == [6.0, 7.0, 8.0]
    assert WindowMean(2, 12).fit(long).predict(y=short).tolist() == [2.0, 2.0]


def test_backtest_leaves_out_series_too_short_for_the_origins():
    ds = pd.date_range("2020-01-01", periods=30, freq="D")
    long = pd.DataFrame({"unique_id": ["long"] * 30 + ["short"] * 6, "ds": list(ds) + list(ds[:6]),
                         "y": np.r_[np.arange(30.0), np.arange(6.0)]})
    res = backtest(Drift(4), long, n_windows=2, baselines=False)
    assert set(res.frame["unique_id"]) == {"long"}
    assert res.skipped == {"short": "has 6 points: 2 origin(s) 4 apart with horizon 4 need at least 10"}
    assert "1 series too short for these origins" in res.verdict("Drift")
    table = res.by_series()
    assert list(table.index) == ["long"] and table.loc["long", "Drift"] == pytest.approx(0.0)


def test_summary_has_msis_equal_to_the_scoring_function():
    from lstmlab.forecast.scoring import msis

    y = np.sin(np.arange(60) * 2 * np.pi / 12) * 10 + np.arange(60) * 0.3
    res = backtest(SeasonalNaive(6, 12), y, n_windows=1, level=0.8, baselines=False)
    f = res.frame
    expected = msis(f["y"], f["lo"], f["hi"], y[:54], seasonal_period=12, level=0.8)
    assert res.summary().loc["SeasonalNaive", "msis"] == pytest.approx(expected)
    assert "msis" not in backtest(SeasonalNaive(6, 12), y, level=None, baselines=False).summary()


def test_quantiles_are_the_conformal_bounds_on_their_side():
    y = np.sin(np.arange(80) * 2 * np.pi / 12) * 10 + np.random.default_rng(0).normal(0, 1, 80)
    model = SeasonalNaive(6, 12).fit(y)
    out = model.predict(level=0.8, quantiles=[0.05, 0.1, 0.5, 0.9, 0.95])
    assert list(out.columns) == ["y_hat", "lo", "hi", "q0.05", "q0.1", "q0.5", "q0.9", "q0.95"]
    np.testing.assert_array_equal(out["q0.1"], out["lo"])  # the 10 % quantile is the 80 % interval's bound
    np.testing.assert_array_equal(out["q0.9"], out["hi"])
    np.testing.assert_array_equal(out["q0.5"], out["y_hat"])
    wide = model.predict(level=0.9)
    np.testing.assert_array_equal(out["q0.95"], wide["hi"])
    assert (np.diff(out[["q0.05", "q0.1", "q0.5", "q0.9", "q0.95"]].to_numpy(), axis=1) >= 0).all()


@pytest.mark.parametrize("quantiles, message", [
    ([0.1, 1.2], r"quantile level 1.2 is outside \(0, 1\)"),
    ([0.9, 0.1], "strictly increasing"),
    ([0.0, 0.5], r"quantile level 0.0 is outside"),
    ([], "non-empty"),
    (["a"], "expected numbers"),
])
def test_bad_quantile_levels_are_refused(quantiles, message):
    with pytest.raises(ValueError, match=message):
        SeasonalNaive(3, 12).fit(np.arange(40.0)).predict(quantiles=quantiles)


def test_backtest_scores_quantiles_by_crps_and_weighted_quantile_loss():
    from lstmlab.forecast.baselines import SeasonalNaive
    from lstmlab.forecast.scoring import crps_from_quantiles, weighted_quantile_loss

    t = np.arange(120)
    y = 10 + np.sin(2 * np.pi * t / 12) + np.random.default_rng(0).normal(0, 0.2, 120)
    taus = [0.1, 0.5, 0.9]
    result = backtest(SeasonalNaive(6, 12), y, n_windows=2, quantiles=taus, baselines={"naive": Naive(6)})
    f = result.frame
    assert [c for c in f.columns if c.startswith("q")] == ["q0.1", "q0.5", "q0.9"]
    table = result.summary()
    for name, g in f.groupby("model"):
        q = g[["q0.1", "q0.5", "q0.9"]].to_numpy()
        expected = np.mean(crps_from_quantiles(g["y"].to_numpy(), q, taus, axis=()) / g["scale"].to_numpy())
        assert table.loc[name, "crps"] == pytest.approx(expected)
        assert table.loc[name, "wql"] == pytest.approx(weighted_quantile_loss(g["y"].to_numpy(), q, taus))
    assert np.all(f["q0.1"] <= f["q0.5"]) and np.all(f["q0.5"] <= f["q0.9"])
    assert "scaled CRPS" in result.verdict("SeasonalNaive")
    with pytest.raises(ValueError, match="quantile"):
        backtest(SeasonalNaive(6, 12), y, quantiles=[0.5, 1.5])
