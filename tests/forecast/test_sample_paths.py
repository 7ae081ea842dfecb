"""Sample paths: output kinds, seeds, the dependence between steps (resampled errors and the Gaussian copula),
marginals against the head's quantile function and the intervals, the fallback, and bad arguments."""

import logging

import numpy as np
import pandas as pd
import pytest

from lstmlab.errors import LstmlabError
from lstmlab.forecast.baselines import SeasonalNaive
from lstmlab.forecast.distributions import StudentT
from lstmlab.forecast.forecaster import LSTMForecaster
from lstmlab.forecast.paths import copula_factor, copula_uniforms, normal_scores, resample_errors

TINY = dict(hidden_size=4, steps=30, batch_size=32, n_models=1, fallback=False, device="cpu")


@pytest.fixture
def walk():
    """A random walk of 300 steps: the errors of a forecast from its last value add up over the horizon,
    so those of steps 3 and 4 correlate near sqrt(3/4) = 0.87."""
    y = 50 + np.cumsum(np.random.default_rng(5).normal(0, 1, 300))
    return pd.Series(y, index=pd.date_range("2000-01-01", periods=300, freq="D"), name="walk")


def _ar1(n, H, rho, seed):
    """n draws of an AR(1) vector of H standard normals with correlation rho between neighbours."""
    R = rho ** np.abs(np.subtract.outer(np.arange(H), np.arange(H)))
    return np.random.default_rng(seed).standard_normal((n, H)) @ np.linalg.cholesky(R).T


def test_output_kinds_shapes_and_seed(seasonal):
    f = LSTMForecaster(horizon=4, **TINY).fit(seasonal)
    p = f.sample_paths(50, seed=1)
    assert list(p.columns) == ["ds", "sample", "y"] and len(p) == 200
    assert list(p["ds"][:4]) == list(f.predict().index) and list(p["sample"][:5]) == [0, 0, 0, 0, 1]
    pd.testing.assert_frame_equal(p, f.sample_paths(50, seed=1))  # reproducible
    assert not p["y"].equals(f.sample_paths(50, seed=2)["y"])
    assert len(f.sample_paths(7, horizon=2, y=seasonal.iloc[:80])) == 14
    arr = LSTMForecaster(horizon=4, seasonal_period=12, **TINY).fit(seasonal.to_numpy()).sample_paths(30)
    assert isinstance(arr, np.ndarray) and arr.shape == (30, 4)
    long = pd.concat([pd.DataFrame({"unique_id": u, "ds": seasonal.index, "y": seasonal.to_numpy() * k})
                      for u, k in (("a", 1.0), ("b", 2.0))])
    out = LSTMForecaster(horizon=3, **TINY).fit(long).sample_paths(10)
    assert list(out.columns) == ["unique_id", "ds", "sample", "y"] and len(out) == 60
    assert list(out["unique_id"].unique()) == ["a", "b"]
    base = SeasonalNaive(horizon=3, seasonal_period=12).fit(seasonal).sample_paths(10)  # baselines too
    assert len(base) == 30 and np.isfinite(base["y"]).all()


def test_bad_arguments(seasonal):
    f = SeasonalNaive(horizon=3, seasonal_period=12).fit(seasonal)
    with pytest.raises(LstmlabError, match="n_samples=0: expected a positive integer"):
        f.sample_paths(0)
    with pytest.raises(LstmlabError, match="seed=-1: expected a non-negative integer"):
        f.sample_paths(5, seed=-1)
    with pytest.raises(LstmlabError, match="horizon=4 is longer than the 3 steps"):
        f.sample_paths(5, horizon=4)


def test_resampling_keeps_the_errors_correlation():
    errors = _ar1(400, 3, 0.9, seed=0)  # (n, H), neighbours correlated 0.9
    paths = resample_errors(np.zeros((2, 3)), np.array([[1.0], [10.0]]), errors, 5000, np.random.default_rng(1))
    assert paths.shape == (2, 5000, 3)
    c = np.corrcoef(paths[0].T)
    assert c[0, 1] == pytest.approx(np.corrcoef(errors.T)[0, 1], abs=0.03) and c[0, 1] > 0.85
    np.testing.assert_allclose(paths[1], 10 * errors[np.random.default_rng(1).integers(0, 400, (2, 5000))[1]])


def test_copula_keeps_the_pit_correlation_and_falls_back_to_independence(caplog):
    z = _ar1(300, 4, 0.8, seed=2)
    pit = 1 / (1 + np.exp(-1.7 * z))  # any increasing map of the normals: the normal scores undo it
    factor = copula_factor(pit)
    u = copula_uniforms(factor, 1, 20_000, 4, np.random.default_rng(0))[0]  # (S, H)
    c = np.corrcoef(normal_scores(u).T)
    assert c[0, 1] == pytest.approx(0.8, abs=0.06) and c[0, 3] == pytest.approx(0.8 ** 3, abs=0.08)
    assert ((u > 0) & (u < 1)).all()
    with caplog.at_level(logging.WARNING, logger="lstmlab.forecast.paths"):
        assert copula_factor(pit[:6]) is None
    assert "too few to estimate the dependence" in caplog.text
    free = copula_uniforms(None, 1, 20_000, 4, np.random.default_rng(0))[0]
    assert abs(np.corrcoef(free.T)[0, 1]) < 0.03


def test_point_paths_follow_the_validation_errors_and_the_intervals(walk):
    f = LSTMForecaster(horizon=4, **TINY).fit(walk)
    paths = f.sample_paths(4000, seed=0).pivot(index="sample", columns="ds", values="y").to_numpy()  # (S, H)
    c = np.corrcoef(paths.T)
    assert c[2, 3] > 0.6  # the errors of a random walk's steps 3 and 4 move together; independent draws: 0
    band = f.predict(level=0.8)
    lo, hi = np.quantile(paths, [0.1, 0.9], axis=0)
    half = (band["hi"] - band["lo"]).to_numpy() / 2
    np.testing.assert_array_less(np.abs(lo - band["lo"].to_numpy()), 0.35 * half)
    np.testing.assert_array_less(np.abs(hi - band["hi"].to_numpy()), 0.35 * half)


def test_student_t_paths_have_the_head_marginals_and_the_validation_dependence(walk):
    f = LSTMForecaster(horizon=4, distribution="student_t", **TINY).fit(walk)
    paths = f.sample_paths(4000, seed=0).pivot(index="sample", columns="ds", values="y").to_numpy()  # (S, H)
    params = f._ensemble([walk.to_numpy()])[0]  # (H, 3), the head's distribution per step
    for h in range(4):  # each step's draws follow F_h: their PIT values are uniform (Kolmogorov distance)
        u = np.sort(StudentT.cdf(np.broadcast_to(params[h], (4000, 3)), paths[:, h]))
        assert np.abs(u - np.arange(1, 4001) / 4000).max() < 0.03
    np.testing.assert_allclose(np.median(paths, axis=0), f.predict().to_numpy(), atol=0.1 * params[:, 1].max())
    assert np.corrcoef(paths.T)[2, 3] > 0.6  # the copula, from the validation PIT values


def test_fallback_paths_are_seasonal_naive_plus_its_errors(seasonal):
    f = LSTMForecaster(horizon=3, seasonal_period=12, hidden_size=2, steps=1, n_models=1, device="cpu",
                       distribution="student_t").fit(seasonal)
    assert f.choice_ == "seasonal_naive"
    paths = f.sample_paths(30, seed=4).pivot(index="sample", columns="ds", values="y").to_numpy()  # (S, H)
    steps = (paths - f.predict().to_numpy()) / f._scale_many([seasonal.to_numpy()])[0]
    rows = [np.flatnonzero(np.isclose(f.signed_errors_, s, atol=1e-9).all(axis=1)) for s in steps]
    assert all(len(r) for r in rows)  # every path is seasonal naive plus one row of its own validation errors


def test_a_format_6_directory_loads_forecasts_and_says_to_refit_for_paths(seasonal, tmp_path):
    import hashlib
    import json

    from lstmlab.forecast.io import load, save

    f = LSTMForecaster(horizon=3, **TINY).fit(seasonal)
    path = save(f, tmp_path / "v6")
    cfg, state = (json.loads((path / name).read_text()) for name in ("config.json", "state.json"))
    cfg["version"] = 6  # what lstmlab wrote before distribution heads and sample paths
    del cfg["config"]["distribution"], cfg["params"]["distribution"]
    del cfg["config"]["seasonal"], cfg["params"]["seasonal_adjust"]  # nor seasonal adjustment (format 8)
    for k in ("signed_errors", "pit", "dist_validation"):
        del state[k]
    (path / "state.json").write_text(json.dumps(state))
    cfg["sha256"]["state.json"] = hashlib.sha256((path / "state.json").read_bytes()).hexdigest()
    (path / "config.json").write_text(json.dumps(cfg))
    old = load(path)
    pd.testing.assert_frame_equal(old.predict(level=0.8), f.predict(level=0.8))
    assert old.config_.distribution is None and old.signed_errors_ is None
    with pytest.raises(LstmlabError, match="format 6 or earlier.*refit"):
        old.sample_paths(5)


def test_backtest_scores_sample_paths_by_crps(seasonal):
    from lstmlab.forecast.backtesting import backtest
    from lstmlab.forecast.scoring import crps_from_samples

    long = pd.concat([pd.DataFrame({"unique_id": u, "ds": seasonal.index, "y": seasonal.to_numpy() * k})
                      for u, k in (("a", 1.0), ("b", 3.0))])
    model = LSTMForecaster(horizon=3, seasonal_period=12, distribution="student_t", **TINY)
    res = backtest(model, long, n_windows=2, samples=40, quantiles=[0.1, 0.5, 0.9])
    table = res.summary()
    assert "crps_samples" in table and table["crps_samples"].notna().all() and (table["crps_samples"] > 0).all()
    assert f"sample paths' scaled CRPS: {table.loc['LSTMForecaster', 'crps_samples']:.3g}" in res.verdict("LSTMForecaster")
    # one row recomputed by hand: the second origin's paths of series b, from a refit at that origin
    rows = res.frame[(res.frame["model"] == "LSTMForecaster") & (res.frame["unique_id"] == "b")].iloc[3:]
    hist = pd.concat([g.iloc[:-3] for _, g in long.groupby("unique_id", sort=False)])  # before the last origin
    fitted = model.clone().set_params(horizon=3).fit(hist)
    paths = fitted.sample_paths(40, horizon=3, y=hist, seed=1)
    b = paths[paths["unique_id"] == "b"]["y"].to_numpy().reshape(40, 3)
    np.testing.assert_allclose(rows["crps_samples"], crps_from_samples(rows["y"].to_numpy(), b.T, axis=()))
    with pytest.raises(LstmlabError, match="n_samples=0"):
        backtest(model, long, samples=0)


def test_quantile_head_paths_are_its_median_plus_its_errors(seasonal):
    f = LSTMForecaster(horizon=3, quantiles=[0.1, 0.9], **TINY).fit(seasonal)
    paths = f.sample_paths(25, seed=2).pivot(index="sample", columns="ds", values="y").to_numpy()  # (S, H)
    median = f.predict_quantiles()["q0.5"].to_numpy()
    steps = (paths - median) / f._scale_many([seasonal.to_numpy()])[0]
    assert all(np.isclose(f.signed_errors_, s, atol=1e-9).all(axis=1).any() for s in steps)
