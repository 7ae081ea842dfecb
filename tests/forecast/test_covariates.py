"""Covariates: the API, the leak rule, bad input, save/load."""

import numpy as np
import pandas as pd
import pytest

from lstmlab.errors import LstmlabError
from lstmlab.forecast import LSTMForecaster, load, save
from lstmlab.forecast.covariates import CovariatePanel, CovariateScaling, CovariateSpec, read_history
from lstmlab.forecast.data import to_series_list
from lstmlab.forecast.panel import Panel

H = 4


def make_frame(n_series: int = 3, n: int = 60, extra: int = 0, seed: int = 0) -> pd.DataFrame:
    """Series driven by a promotion known ahead (future), with a footfall column (past) and a store size
    (static); ``extra`` more rows per series (the future) whose y is NaN."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n_series):
        t = np.arange(n + extra)
        promo = (rng.random(n + extra) < 0.3).astype(float)
        y = 10 + i + 2 * np.sin(2 * np.pi * t / 12) + 5 * promo + rng.normal(0, 0.2, n + extra)
        rows.append(pd.DataFrame({"unique_id": f"s{i}", "ds": pd.date_range("2000-01-01", periods=n + extra, freq="MS"),
                                  "y": y, "promo": promo, "footfall": y + rng.normal(0, 1, n + extra),
                                  "size": float(i + 1)}))
    return pd.concat(rows, ignore_index=True)


def split(frame: pd.DataFrame, n: int):
    """History rows (first n of each series) and the future frame (unique_id, ds, promo) after them."""
    pos = frame.groupby("unique_id").cumcount()
    return frame[pos < n].reset_index(drop=True), frame[pos >= n][["unique_id", "ds", "promo"]].reset_index(drop=True)


def forecaster(**kw) -> LSTMForecaster:
    args = dict(horizon=H, seasonal_period=12, steps=30, seed=0, n_models=2, hidden_size=16, fallback=False,
                future_covariates=["promo"], past_covariates=["footfall"], static_covariates=["size"], device="cpu")
    return LSTMForecaster(**(args | kw))


@pytest.fixture(scope="module")
def data():
    full = make_frame(extra=H)
    return split(full, 60)


@pytest.fixture(scope="module")
def fitted(data):
    hist, _ = data
    return forecaster().fit(hist)


def test_spec_checks_names():
    with pytest.raises(LstmlabError, match="'price' is named in both past_covariates and future_covariates"):
        CovariateSpec.from_params(["price"], ["price"], None)
    with pytest.raises(LstmlabError, match="names 'y', a column of the series itself"):
        CovariateSpec.from_params(None, ["y"], None)
    with pytest.raises(LstmlabError, match="expected a list of column names"):
        CovariateSpec.from_params("price", None, None)


def test_fit_predict_with_covariates(fitted, data):
    _, future = data
    cfg = fitted.config_
    assert (cfg.past_covariates, cfg.future_covariates, cfg.static_covariates) == (("footfall",), ("promo",), ("size",))
    assert cfg.scaler == "history" and cfg.loss == "mae" and cfg.pretrained == ""
    out = fitted.predict(future=future, level=0.8)
    assert list(out.columns) == ["unique_id", "ds", "y_hat", "lo", "hi"] and len(out) == 3 * H
    assert np.all(np.isfinite(out["y_hat"])) and np.all(out["lo"] < out["hi"])
    # the first h steps of the future frame are enough for horizon h
    two = fitted.predict(horizon=2, future=future.groupby("unique_id").head(2))
    assert len(two) == 3 * 2


def test_covariates_change_the_forecast(fitted, data):
    _, future = data
    base = fitted.predict(future=future)["y_hat"].to_numpy()
    promo = fitted.predict(future=future.assign(promo=1.0))["y_hat"].to_numpy()
    assert not np.array_equal(base, promo)


def test_one_series_with_covariates_trains_the_panel_recipe(data):
    hist, future = data
    one = hist[hist.unique_id == "s0"]
    f = forecaster(n_models=None, static_covariates=None).fit(one)
    assert f.config_.scaler == "history" and len(f.config_.input_sizes) == 4 and f.config_.pretrained == ""
    assert len(f.predict(future=future[future.unique_id == "s0"])) == H


def test_quantile_head_and_validation_with_covariates(data):
    hist, future = data
    f = forecaster(quantiles=[0.1, 0.9], fallback=True).fit(hist)
    assert f.validation_["windows"] > 0 and f.choice_ in ("lstm", "seasonal_naive")  # a head: never an average
    q = f.predict_quantiles(future=future)
    assert list(q.columns) == ["unique_id", "ds", "q0.1", "q0.5", "q0.9"]
    assert np.all(q["q0.1"] <= q["q0.5"]) and np.all(q["q0.5"] <= q["q0.9"])


def test_predict_from_a_new_history(fitted, data):
    hist, future = data
    a = fitted.predict(future=future)
    b = fitted.predict(y=hist, future=future)
    np.testing.assert_array_equal(a["y_hat"].to_numpy(), b["y_hat"].to_numpy())


# ---- bad input: a clear error naming the column, and nothing half-written ----
def test_future_missing_for_the_horizon(fitted, data):
    _, future = data
    short = future.drop(index=future.index[(future.unique_id == "s1")][2:])  # s1 has 2 of 4 steps
    with pytest.raises(LstmlabError, match=r"missing for series 's1' from 2005-03-01 00:00:00 on"):
        fitted.predict(future=short)
    with pytest.raises(LstmlabError, match=r"missing for series 's2' from 2005-01-01"):
        fitted.predict(future=future[future.unique_id != "s2"])
    with pytest.raises(LstmlabError, match=r"predict needs future="):
        fitted.predict()


def test_nan_in_a_covariate_names_column_series_and_date(fitted, data):
    hist, future = data
    bad = hist.copy()
    bad.loc[(bad.unique_id == "s2") & (bad.ds == "2001-03-01"), "footfall"] = np.nan
    with pytest.raises(LstmlabError, match=r"covariate 'footfall' of series 's2' is NaN or infinite at 2001-03-01"):
        forecaster().fit(bad)
    fut = future.copy()
    fut.loc[(fut.unique_id == "s0") & (fut.ds == "2005-02-01"), "promo"] = np.nan
    with pytest.raises(LstmlabError, match=r"covariate 'promo' of series 's0' is NaN or infinite at 2005-02-01"):
        fitted.predict(future=fut)
    with pytest.raises(LstmlabError, match=r"covariate 'promo' of series 's0' has a non-numeric value 'yes'"):
        fitted.predict(future=future.assign(promo=["yes"] + [1.0] * (len(future) - 1)))


def test_columns_in_fit_but_not_predict_and_the_reverse(fitted, data):
    hist, future = data
    with pytest.raises(LstmlabError, match=r"the long frame has no column 'footfall'"):
        forecaster().fit(hist.drop(columns="footfall"))
    with pytest.raises(LstmlabError, match=r"future has no column 'promo'"):
        fitted.predict(future=future.drop(columns="promo"))
    with pytest.raises(LstmlabError, match=r"the long frame has no column 'size'"):
        fitted.predict(y=hist.drop(columns="size"), future=future)
    with pytest.raises(LstmlabError, match=r"future has column 'price', a column fit did not read"):
        fitted.predict(future=future.assign(price=1.0))
    with pytest.raises(LstmlabError, match=r"future has column 'footfall', a past covariate"):
        fitted.predict(future=future.assign(footfall=1.0))
    plain = LSTMForecaster(horizon=H, seasonal_period=12, steps=5, n_models=1, device="cpu").fit(hist)
    with pytest.raises(LstmlabError, match=r"future= was given, but this model was fitted without covariates"):
        plain.predict(future=future)
    with pytest.raises(LstmlabError, match=r"are columns of a long DataFrame"):
        forecaster().fit(hist["y"].to_numpy())


def test_static_covariate_varying_within_a_series(data):
    hist, _ = data
    bad = hist.copy()
    bad.loc[bad.index[(bad.unique_id == "s1")][5], "size"] = 9.0
    with pytest.raises(LstmlabError, match=r"static covariate 'size' varies within series 's1' \(2 and 9\)"):
        forecaster().fit(bad)


def test_a_failed_refit_or_predict_leaves_the_model_as_it_was(fitted, data):
    hist, future = data
    before = fitted.predict(future=future, level=0.8)
    bad = hist.copy()
    bad.loc[3, "promo"] = np.inf
    with pytest.raises(LstmlabError, match="covariate 'promo'"):
        fitted.fit(bad)
    with pytest.raises(LstmlabError, match="future has no column"):
        fitted.predict(future=future.drop(columns="promo"))
    assert not hasattr(fitted, "_covariates_now")
    pd.testing.assert_frame_equal(fitted.predict(future=future, level=0.8), before)


# ---- the leak check: a past-only column never enters the forecast period ----
def gathered(frame: pd.DataFrame, spec: CovariateSpec, sidx, origin, L: int):
    """The covariate blocks of windows (sidx, origin) of ``frame``, with a fixed scaling (raw values)."""
    series = to_series_list(frame[["unique_id", "ds", "y"]])[0]
    covs = read_history(frame, series, spec)
    panel = Panel([s.values for s in series], 12)
    raw = CovariateScaling((0.0, 0.0), (1.0, 1.0), (0.0,), (1.0,))
    return CovariatePanel(covs, spec, raw, panel.starts, panel.lengths).gather(sidx, origin, L, H)


def after_origin(frame: pd.DataFrame, column: str, uid: str, origin: int, upto: int | None = None) -> pd.DataFrame:
    """``frame`` with ``column`` of series ``uid`` changed at positions origin .. upto - 1 (default: all after)."""
    out = frame.copy()
    pos = out.groupby("unique_id").cumcount()
    at = (out.unique_id == uid) & (pos >= origin) & (pos < (upto if upto is not None else len(out)))
    out.loc[at, column] = out.loc[at, column] * 7.0 + 100.0
    return out


def test_gatherer_reads_past_columns_only_before_the_origin(data):
    hist, _ = data
    spec = CovariateSpec(("footfall",), ("promo",), ("size",))
    sidx, origin, L = np.array([0, 1, 1]), np.array([30, 5, 40]), 12  # one window padded (origin 5 < L)
    ref = gathered(hist, spec, sidx, origin, L)
    assert [a.shape for a in ref] == [(3, L, 2), (3, H * 1), (3, 1), (3, 0)]
    assert np.all(ref[0][1, :L - 5] == 0)  # padding
    for k, (i, t) in enumerate(zip(sidx, origin)):
        moved = gathered(after_origin(hist, "footfall", f"s{i}", t), spec, sidx, origin, L)
        for a, b in zip(ref, moved):  # window k (others of the same series may see the change)
            np.testing.assert_array_equal(a[k], b[k])
        read = gathered(after_origin(hist, "footfall", f"s{i}", t - 1, t), spec, sidx, origin, L)
        assert read[0][k, -1, 0] != ref[0][k, -1, 0]  # the last history step is read
        ahead = gathered(after_origin(hist, "promo", f"s{i}", t, t + H), spec, sidx, origin, L)
        assert not np.array_equal(ahead[1][k], ref[1][k])  # the horizon's future values are read
        np.testing.assert_array_equal(ahead[0][k], ref[0][k])  # ... and only there


def test_windows_forecast_is_bit_identical_when_past_changes_after_origin(fitted, data):
    hist, _ = data
    series = fitted.series_
    panel = Panel([s.values for s in series], 12, fitted.config_.scaler)
    scaling = CovariateScaling.from_dict(fitted.config_.covariate_scaling)
    spec = fitted.config_.covariates
    sidx, origin = np.array([0, 1, 2, 2]), np.array([40, 30, 20, 50])

    def forecast(frame):
        covs = read_history(frame, series, spec)
        cov = CovariatePanel(covs, spec, scaling, panel.starts, panel.lengths)
        return fitted._members_forecast(panel, sidx, origin, cov)  # (K, n, H)

    ref = forecast(hist)
    for k, (i, t) in enumerate(zip(sidx, origin)):  # window k (another of the same series may see the change)
        np.testing.assert_array_equal(forecast(after_origin(hist, "footfall", f"s{i}", t))[:, k], ref[:, k])
        # the last history step's past value is read: changing it changes that window's forecast
        assert not np.array_equal(forecast(after_origin(hist, "footfall", f"s{i}", t - 1, t))[:, k], ref[:, k])
        # a future column inside the horizon is read
        assert not np.array_equal(forecast(after_origin(hist, "promo", f"s{i}", t, t + H))[:, k], ref[:, k])


def test_predict_reads_no_past_column_beyond_the_history(fitted, data):
    hist, future = data
    # the future frame cannot carry a past column at all, and the stored history stops at the origin
    ref = fitted.predict(future=future)["y_hat"].to_numpy()
    again = fitted.predict(y=hist, future=future)["y_hat"].to_numpy()
    np.testing.assert_array_equal(ref, again)
    changed = fitted.predict(future=future.assign(promo=1.0 - future["promo"]))["y_hat"].to_numpy()
    assert not np.array_equal(ref, changed)


# ---- save and load ----
def test_round_trip_gives_identical_forecasts(fitted, data, tmp_path):
    _, future = data
    path = save(fitted, tmp_path / "m")
    back = load(path)
    assert back.config_ == fitted.config_
    pd.testing.assert_frame_equal(back.predict(future=future, level=0.9), fitted.predict(future=future, level=0.9))


def test_version_4_directories_still_load_and_bad_covariate_state_is_refused(fitted, data, tmp_path):
    import hashlib
    import json

    hist, future = data
    plain = LSTMForecaster(horizon=H, seasonal_period=12, steps=5, n_models=1, device="cpu").fit(hist)
    path = save(plain, tmp_path / "v4")
    cfg, state = (json.loads((path / f).read_text()) for f in ("config.json", "state.json"))
    cfg["version"] = 4  # what lstmlab wrote before covariates: no such settings, parameters or state
    for k in ("past_covariates", "future_covariates", "static_covariates", "covariate_scaling"):
        del cfg["config"][k]
    for k in ("past_covariates", "future_covariates", "static_covariates"):
        del cfg["params"][k]
    del state["covariates"]
    (path / "state.json").write_text(json.dumps(state))
    cfg["sha256"]["state.json"] = hashlib.sha256((path / "state.json").read_bytes()).hexdigest()
    (path / "config.json").write_text(json.dumps(cfg))
    old = load(path)
    assert old.config_.covariates == CovariateSpec() and old.covariates_ is None
    pd.testing.assert_frame_equal(old.predict(), plain.predict())

    path = save(fitted, tmp_path / "cov")
    state = json.loads((path / "state.json").read_text())
    state["covariates"] = None
    (path / "state.json").write_text(json.dumps(state))
    cfg = json.loads((path / "config.json").read_text())
    cfg["sha256"]["state.json"] = hashlib.sha256((path / "state.json").read_bytes()).hexdigest()
    (path / "config.json").write_text(json.dumps(cfg))
    with pytest.raises(LstmlabError, match="covariates missing with covariate columns"):
        load(path)


# ---- calendar features ----
def test_calendar_features_are_sine_cosine_pairs():
    from lstmlab.forecast.calendar import calendar_columns, calendar_features

    d = pd.date_range("2000-12-01", periods=3, freq="MS")  # December, January, February
    f = calendar_features(d, ["month"])
    assert calendar_columns(["month", "hour"]) == ["month_sin", "month_cos", "hour_sin", "hour_cos"]
    np.testing.assert_allclose(f[1], [0.0, 1.0], atol=1e-12)  # January: the start of the cycle
    np.testing.assert_allclose(f[0], [np.sin(2 * np.pi * 11 / 12), np.cos(2 * np.pi * 11 / 12)])
    h = calendar_features(pd.date_range("2000-01-01 06:00", periods=2, freq="h"), ["hour", "dayofweek"])
    np.testing.assert_allclose(h[0, :2], [1.0, 0.0], atol=1e-12)  # 06:00 is a quarter of the day
    with pytest.raises(LstmlabError, match="calendar feature 'moon' is unknown"):
        LSTMForecaster(calendar=["moon"]).fit(make_frame())
    with pytest.raises(LstmlabError, match="need dates, and series 'y' has positions"):
        LSTMForecaster(horizon=2, calendar=["month"]).fit(np.arange(30.0))


def test_calendar_is_future_known_and_needs_no_future_frame(data):
    hist, future = data
    f = forecaster(calendar=["month"], past_covariates=None, static_covariates=None).fit(hist)
    assert f.config_.calendar == ("month",) and f.config_.covariates.n_future == 3
    out = f.predict(future=future)
    assert len(out) == 3 * H and np.all(np.isfinite(out["y_hat"]))
    # calendar alone: a pandas Series with dates, no future frame
    y = hist[hist.unique_id == "s0"].set_index("ds")["y"]
    g = forecaster(calendar=["month", "quarter"], past_covariates=None, static_covariates=None,
                   future_covariates=None).fit(y)
    assert len(g.predict()) == H
    with pytest.raises(LstmlabError, match="future= was given, but this model reads no future covariates"):
        g.predict(future=future)


def test_calendar_model_round_trip(data, tmp_path):
    hist, future = data
    f = forecaster(calendar=["month"]).fit(hist)
    back = load(save(f, tmp_path / "cal"))
    assert back.config_ == f.config_
    pd.testing.assert_frame_equal(back.predict(future=future), f.predict(future=future))


# ---- categorical static covariates ----
def with_region(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(region=frame["unique_id"].map({"s0": "north", "s1": "south", "s2": "north"}))


def test_categorical_static_covariate_is_embedded_and_saved(data, tmp_path):
    hist, future = data
    f = forecaster(static_covariates=["size", "region"]).fit(with_region(hist))
    assert f.config_.categories == {"region": ["north", "south"]}
    assert f.config_.covariates.numeric_static == ("size",)
    assert [c.codes.tolist() for c in f.covariates_] == [[0], [1], [0]]
    assert "embeddings.0.weight" in dict(f.model_[0].named_parameters())
    out = f.predict(future=future)
    other = f.predict(y=with_region(hist).assign(region="south"), future=future)
    assert not np.array_equal(out["y_hat"].to_numpy(), other["y_hat"].to_numpy())  # the category is read
    back = load(save(f, tmp_path / "cat"))
    assert back.config_ == f.config_
    pd.testing.assert_frame_equal(back.predict(future=future), out)


def test_unseen_category_and_varying_category_are_clear_errors(data):
    hist, future = data
    f = forecaster(static_covariates=["region"], past_covariates=None).fit(with_region(hist))
    with pytest.raises(LstmlabError, match=r"static covariate 'region' of series 's0' is 'east', a category fit "
                                           r"never saw: expected one of \['north', 'south'\]"):
        f.predict(y=with_region(hist).assign(region="east"), future=future)
    bad = with_region(hist)
    bad.loc[bad.index[bad.unique_id == "s2"][3], "region"] = "south"
    with pytest.raises(LstmlabError,
                       match=r"static covariate 'region' varies within series 's2' \('north' and 'south'\)"):
        forecaster(static_covariates=["region"]).fit(bad)
    bad = with_region(hist)
    bad.loc[bad.index[bad.unique_id == "s1"][0], "region"] = None
    with pytest.raises(LstmlabError, match=r"covariate 'region' of series 's1' is missing at 2000-01-01"):
        forecaster(static_covariates=["region"]).fit(bad)


@pytest.mark.parametrize("kinds", [{"past_covariates": ["footfall"]}, {"static_covariates": ["size"]},
                                   {"future_covariates": ["promo"]}])
def test_each_kind_alone(data, kinds):
    hist, future = data
    f = forecaster(**({"past_covariates": None, "future_covariates": None, "static_covariates": None} | kinds))
    f.fit(hist)
    out = f.predict(future=future if "future_covariates" in kinds else None)
    assert len(out) == 3 * H and np.all(np.isfinite(out["y_hat"]))


def test_the_network_learns_from_a_future_covariate():
    """Sales jump by 5 in promotion weeks (noise 0.2): with the promotion column the forecasts of held-out
    steps are clearly better than the same recipe's without it (seeded; measured 1.11 against 1.85)."""
    full = make_frame(n_series=3, n=60, extra=H, seed=5)
    hist, future = split(full, 60)
    actual = full.groupby("unique_id").tail(H)["y"].to_numpy()
    common = dict(horizon=H, seasonal_period=12, steps=150, seed=0, n_models=2, hidden_size=16, fallback=False,
                  device="cpu")
    with_promo = LSTMForecaster(future_covariates=["promo"], **common).fit(hist).predict(future=future)
    without = LSTMForecaster(scaler="history", loss="mae", learning_rate=3e-3, pretrained=None, **common)
    without = without.fit(hist[["unique_id", "ds", "y"]]).predict()
    err_with = np.abs(with_promo["y_hat"].to_numpy() - actual).mean()
    err_without = np.abs(without["y_hat"].to_numpy() - actual).mean()
    assert err_with < 0.75 * err_without


def test_backtest_cuts_the_covariates_at_each_origin():
    from lstmlab.forecast.backtesting import backtest

    frame = make_frame(n=60)
    result = backtest(forecaster(steps=10), frame, n_windows=2, stride=H, level=None)
    lstm = result.frame[result.frame["model"] == "LSTMForecaster"]
    pos = frame.groupby("unique_id").cumcount()
    for cut in (60 - 2 * H, 60 - H):  # the two origins: fitted on the rows before, promo given for the horizon
        past, ahead = frame[pos < cut], frame[(pos >= cut) & (pos < cut + H)][["unique_id", "ds", "promo"]]
        direct = forecaster(steps=10).fit(past).predict(future=ahead)
        got = lstm[lstm["origin"] == cut]
        np.testing.assert_array_equal(got["y_hat"].to_numpy(), direct["y_hat"].to_numpy())
    assert set(result.frame["model"]) >= {"LSTMForecaster", "seasonal_naive"}
    # what comes after an origin never reaches its forecast: change every past covariate after the last cut
    later = frame.copy()
    later.loc[pos >= 60 - H, "footfall"] += 1000.0
    again = backtest(forecaster(steps=10), later, n_windows=2, stride=H, level=None)
    np.testing.assert_array_equal(again.frame["y_hat"].to_numpy(), result.frame["y_hat"].to_numpy())
    with pytest.raises(ValueError, match="backtested on a long DataFrame that holds them"):
        backtest(forecaster(), frame["y"].to_numpy()[:60])
