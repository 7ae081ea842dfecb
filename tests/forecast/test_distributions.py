"""Distribution heads: log-likelihoods against torch.distributions (float64), the special functions and
quantiles against scipy, parameter constraints, the PIT calibration, refused settings and bad counts,
and a save/load round trip."""

import numpy as np
import pandas as pd
import pytest
import torch

from lstmlab.errors import LstmlabError
from lstmlab.forecast.distributions import NegativeBinomial, StudentT, family, masked_nll
from lstmlab.forecast.forecaster import LSTMForecaster
from lstmlab.forecast.io import load, save
from lstmlab.forecast.model import ForecastNet
from lstmlab.forecast.panel import Panel
from lstmlab.forecast.special import betainc, betaincinv

TINY = dict(hidden_size=4, steps=30, batch_size=32, n_models=1, fallback=False, device="cpu")


@pytest.fixture
def counts():
    """200 weekly counts: Poisson around a season of period 12 (mean 3 to 9)."""
    t = np.arange(200)
    y = np.random.default_rng(2).poisson(6 + 3 * np.sin(2 * np.pi * t / 12)).astype(float)
    return pd.Series(y, index=pd.date_range("2000-01-02", periods=200, freq="W"), name="sales")


def _raw(*shape, seed=0):
    return torch.randn(*shape, dtype=torch.float64, generator=torch.Generator().manual_seed(seed)) * 2


def test_student_t_log_prob_matches_torch_and_constraints():
    fam = StudentT()
    params = fam.constrain(_raw(5, 4, 3), torch.ones(5, dtype=torch.float64))  # (B, H, 3)
    loc, scale, df = params.unbind(-1)
    assert (scale > 0).all() and (df > 2).all()
    torch.testing.assert_close(loc, _raw(5, 4, 3)[..., 0])  # the location is the raw output itself
    y = _raw(5, 4, seed=1)
    ref = torch.distributions.StudentT(df, loc, scale).log_prob(y)
    torch.testing.assert_close(fam.log_prob(params, y), ref, rtol=1e-12, atol=1e-12)


def test_negative_binomial_log_prob_matches_torch_and_constraints():
    fam = NegativeBinomial()
    w = torch.tensor([1.0, 4.0, 50.0], dtype=torch.float64)
    params = fam.constrain(_raw(3, 4, 2), w)  # (B, H, 2)
    mu, alpha = params.unbind(-1)
    assert (mu > 0).all() and (alpha > 0).all()
    y = torch.tensor(np.random.default_rng(0).poisson(5, (3, 4)), dtype=torch.float64)
    r = 1 / alpha
    ref = torch.distributions.NegativeBinomial(total_count=r, probs=mu / (r + mu)).log_prob(y)
    torch.testing.assert_close(fam.log_prob(params, y), ref, rtol=1e-10, atol=1e-10)
    # the mean scales with the window's size w: the same raw output, ten times the size, ten times the mean
    p10 = fam.constrain(_raw(3, 4, 2), w * 10)
    torch.testing.assert_close(p10[..., 0] - fam.MU_FLOOR, 10 * (mu - fam.MU_FLOOR))


def test_masked_nll_ignores_padded_targets_and_has_the_right_gradient():
    fam = StudentT()
    raw = _raw(2, 3, 3).requires_grad_()
    y = _raw(2, 3, seed=1)
    mask = torch.tensor([[1.0, 1.0, 0.0], [1.0, 0.0, 0.0]], dtype=torch.float64)
    ctx = torch.ones(2, dtype=torch.float64)
    loss = masked_nll(fam, raw, (y, mask, ctx))
    y2 = y.clone()
    y2[mask == 0] = 1e6  # padding may hold anything
    assert masked_nll(fam, raw, (y2, mask, ctx)).item() == pytest.approx(loss.item(), abs=1e-12)
    want = -(fam.log_prob(fam.constrain(raw, ctx), y) * mask).sum() / 3
    assert loss.item() == pytest.approx(want.item(), abs=1e-12)
    assert torch.autograd.gradcheck(lambda r: masked_nll(fam, r, (y, mask, ctx)), (raw,), eps=1e-6)


def test_betainc_and_quantiles_match_scipy():
    sp = pytest.importorskip("scipy.special")
    st = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(0)
    a, b, x = rng.uniform(0.3, 60, 400), rng.uniform(0.3, 60, 400), rng.uniform(0, 1, 400)
    np.testing.assert_allclose(betainc(a, b, x), sp.betainc(a, b, x), rtol=1e-10, atol=1e-13)
    assert betainc(2.0, 3.0, 0.0) == 0 and betainc(2.0, 3.0, 1.0) == 1
    p = rng.uniform(1e-6, 1 - 1e-6, 300)
    t = np.stack([rng.normal(0, 5, 300), rng.uniform(0.1, 3, 300), 2 + rng.exponential(5, 300)], -1)
    np.testing.assert_allclose(StudentT.ppf(t, p), st.t.ppf(p, t[:, 2], t[:, 0], t[:, 1]), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(StudentT.cdf(t, t[:, 0] + t[:, 1]), st.t.cdf(1.0, t[:, 2]), rtol=1e-11)
    # far tails and the neighbourhood of the median, where |t| must keep its relative precision
    std = t.copy()
    std[:, 0], std[:, 1] = 0.0, 1.0
    for far in (rng.uniform(1e-15, 1e-10, 300), 1 - rng.uniform(1e-10, 1e-6, 300), 0.5 + rng.uniform(-1e-4, 1e-4, 300)):
        np.testing.assert_allclose(StudentT.ppf(std, far), st.t.ppf(far, std[:, 2]), rtol=1e-9)
    target = rng.uniform(1e-3, 1 - 1e-3, 400)  # the inverse, from a poor start: it solves I_w(a, b) = target
    w = betaincinv(a, b, target, np.full(400, 0.5))
    np.testing.assert_allclose(sp.betainc(a, b, w), target, rtol=1e-11)
    np.testing.assert_allclose(w, sp.betaincinv(a, b, target), rtol=1e-8)
    nb = np.stack([rng.uniform(0.05, 800, 300), rng.uniform(1e-3, 3, 300)], -1)
    r = 1 / nb[:, 1]
    np.testing.assert_array_equal(NegativeBinomial().ppf(nb, p), st.nbinom.ppf(p, r, r / (r + nb[:, 0])))
    k = rng.integers(0, 900, 300)
    np.testing.assert_allclose(NegativeBinomial.cdf(nb, k), st.nbinom.cdf(k, r, r / (r + nb[:, 0])), rtol=1e-9,
                               atol=1e-12)


def test_quantile_ends_and_medians():
    t = np.tile([1.0, 2.0, 5.0], (3, 1))  # (3, 3): one distribution, three probabilities
    np.testing.assert_array_equal(StudentT.ppf(t, [0.0, 0.5, 1.0]), [-np.inf, 1.0, np.inf])
    nb = NegativeBinomial()
    params = np.array([[4.0, 0.5]])
    assert nb.ppf(params, 0.0)[0] == 0 and nb.ppf(params, 1.0)[0] == np.inf
    assert nb.median(params)[0] == nb.ppf(params, 0.5)[0]
    # the p quantile is the smallest count whose CDF reaches p
    q = nb.ppf(params, 0.7)[0]
    assert nb.cdf(params, q)[0] >= 0.7 > nb.cdf(params, q - 1)[0]


def test_randomised_pit_of_counts_is_uniform():
    """Counts drawn from the forecast distribution give uniform randomised PIT values (a plain F(y) would
    pile up at the CDF's steps): 20,000 draws, a Kolmogorov distance well under 0.02."""
    rng = np.random.default_rng(0)
    nb = NegativeBinomial()
    params = np.broadcast_to(np.array([3.0, 0.4]), (20_000, 2))
    y = nb.ppf(params, rng.random(20_000))
    u = np.sort(nb.pit(params, y, rng))
    assert np.abs(u - np.arange(1, 20_001) / 20_000).max() < 0.015
    plain = np.sort(nb.cdf(params, y))
    assert np.abs(plain - np.arange(1, 20_001) / 20_000).max() > 0.05


def test_net_outputs_raw_parameters_and_residual_location():
    net = ForecastNet(8, 3, hidden_size=4, n_params=3, residual=True)
    plain = ForecastNet(8, 3, hidden_size=4, n_params=3)
    plain.load_state_dict(net.state_dict())
    z, m, base = torch.zeros(2, 8), torch.ones(2, 8), torch.full((2, 3), 7.0)
    out, ref = net(z, m, base), plain(z, m, base)
    assert out.shape == (2, 3, 3)
    torch.testing.assert_close(out[..., 0], ref[..., 0] + 7.0)  # the base joins the location only
    torch.testing.assert_close(out[..., 1:], ref[..., 1:])


def test_negative_binomial_residual_starts_at_seasonal_naive():
    """A residual member with raw output 0 forecasts the seasonal naive counts as its mean."""
    y = np.array([3.0, 5, 8, 2, 3, 6, 9, 1, 4, 5, 7, 2])
    b = Panel([y], season=4, scaler="history").batch(np.array([0]), np.array([12]), 8, 4)
    fam = NegativeBinomial()
    base = torch.as_tensor(fam.net_base(b), dtype=torch.float64)  # (1, 4)
    ctx = torch.as_tensor(fam.targets(b)[1], dtype=torch.float64)
    assert ctx.item() == pytest.approx(1 + y[4:].mean(), rel=1e-6)  # w: 1 + the mean of the history read
    mu = fam.constrain(torch.stack([base, torch.zeros(1, 4, dtype=torch.float64)], -1), ctx)[..., 0]
    np.testing.assert_allclose(mu.numpy()[0], [4, 5, 7, 2], rtol=1e-5)


def test_student_t_fit_quantiles_levels_and_point(seasonal):
    f = LSTMForecaster(horizon=4, distribution="student_t", **TINY).fit(seasonal)
    assert f.config_.loss == "nll" and f.config_.distribution == "student_t"
    assert f.pit_.shape == (f.validation_["windows"], 4) and ((f.pit_ >= 0) & (f.pit_ <= 1)).all()
    q = f.predict(quantiles=[0.05, 0.25, 0.5, 0.75, 0.95], level=0.9)
    np.testing.assert_allclose(q["q0.5"], q["y_hat"])  # the point is the median
    assert (np.diff(q[["q0.05", "q0.25", "q0.5", "q0.75", "q0.95"]].to_numpy(), axis=1) >= 0).all()
    np.testing.assert_allclose(q["lo"], q["q0.05"])  # the 90 % interval is the calibrated 5 % and 95 % pair
    np.testing.assert_allclose(q["hi"], q["q0.95"])
    pq = f.predict_quantiles(quantiles=[0.2, 0.5, 0.8])
    assert list(pq.columns) == ["q0.2", "q0.5", "q0.8"] and pq.index.equals(f.predict().index)
    assert list(f.predict_quantiles().columns) == ["q0.1", "q0.5", "q0.9"]


def test_one_predict_runs_the_members_once(seasonal, monkeypatch):
    f = LSTMForecaster(horizon=4, distribution="student_t", **TINY).fit(seasonal)
    calls = []
    run = f._members_forecast
    monkeypatch.setattr(f, "_members_forecast", lambda *a, **k: calls.append(1) or run(*a, **k))
    f.predict(quantiles=[0.05, 0.5, 0.95], level=0.8)  # the point, a band and quantiles: one run
    assert len(calls) == 1
    f.predict(level=0.8)  # a second call runs again: nothing is kept between calls
    assert len(calls) == 2


def test_cqr_of_the_head_reads_the_validation_forecasts(seasonal):
    """The calibrated pair (τ, 1 - τ) is the head's pair moved out by c_h s, c_h the conformal quantile of the
    validation scores max(q_lo - y, y - q_hi) / s: with validation forecasts set by hand the scores are known
    exactly."""
    f = LSTMForecaster(horizon=2, distribution="student_t", **TINY).fit(seasonal)
    n = 19
    params = np.broadcast_to([0.0, 1.0, 5.0], (n, 2, 3)).copy()  # t(5) at every validation window and step
    q_hi = StudentT.ppf(params[:1, :1], 0.9)[0, 0]
    d = np.linspace(-1, 1, n)  # each target's distance above q_hi: its score, with s = 2
    f.dist_validation_ = {"params": params, "y": np.tile(q_hi + 2 * d[:, None], (1, 2)), "scale": np.full(n, 2.0)}
    f.__dict__.pop("_margins", None)
    c = d[int(np.ceil((n + 1) * 0.8)) - 1]  # the 16th smallest of 19 scores
    head = f._ensemble([seasonal.to_numpy()])  # (1, H, 3)
    s = f._scale_many([seasonal.to_numpy()])  # (1, 1)
    q = f.predict_quantiles()
    np.testing.assert_allclose(q["q0.9"], StudentT.ppf(head, 0.9)[0] + c * s[0])
    np.testing.assert_allclose(q["q0.1"], StudentT.ppf(head, 0.1)[0] - c * s[0])
    np.testing.assert_allclose(q["q0.5"], head[0, :, 0])
    f.dist_validation_ = {k: v[:3] for k, v in f.dist_validation_.items()}  # too few windows for an 80 % pair:
    f.__dict__.pop("_margins", None)  # infinite bounds, not too narrow ones
    assert np.isinf(f.predict_quantiles()["q0.9"]).all()


def test_calibrated_quantiles_stay_nested_when_the_margins_narrow(seasonal):
    """Validation targets at the centre of narrow windows give negative CQR margins that would pull a pair
    past the median; the calibrated quantiles stay ordered whichever levels are asked for."""
    f = LSTMForecaster(horizon=2, distribution="student_t", **TINY).fit(seasonal)
    n = 19
    params = np.broadcast_to([0.0, 1.0, 5.0], (n, 2, 3)).copy()
    f.dist_validation_ = {"params": params, "y": np.zeros((n, 2)), "scale": np.full(n, 0.2)}  # scores -5.4
    f.__dict__.pop("_margins", None)
    band = f.predict(level=0.4)
    assert (band["lo"] <= band["y_hat"]).all() and (band["y_hat"] <= band["hi"]).all()
    q = f.predict(quantiles=[0.3, 0.7])
    assert (q["q0.3"] <= q["y_hat"]).all() and (q["y_hat"] <= q["q0.7"]).all()
    f.__dict__.pop("_margins", None)
    head = f._ensemble([seasonal.to_numpy()])
    assert (StudentT.ppf(head, 0.3)[0] < head[0, :, 0]).all()  # the head's own pair is ordered: the margin moved it


def test_a_constant_series_is_forecast_as_its_value_by_a_distribution_head(counts):
    frame = pd.DataFrame({"unique_id": "a", "ds": counts.index, "y": counts.to_numpy()})
    flat = frame.assign(unique_id="flat", y=3.0)
    f = LSTMForecaster(horizon=4, distribution="negative_binomial", **TINY).fit(pd.concat([frame, flat]))
    out = f.predict(level=0.8, quantiles=[0.1, 0.9]).set_index("unique_id").loc["flat"]
    for col in ("y_hat", "lo", "hi", "q0.1", "q0.9"):
        np.testing.assert_array_equal(out[col].to_numpy(), 3.0)
    paths = f.sample_paths(20).set_index("unique_id").loc["flat", "y"]
    np.testing.assert_array_equal(paths.to_numpy(), 3.0)


def test_negative_binomial_fit_gives_counts(counts):
    f = LSTMForecaster(horizon=4, distribution="negative_binomial", **TINY).fit(counts)
    q = f.predict(quantiles=[0.1, 0.5, 0.9], level=0.8)
    values = q.to_numpy()
    assert np.isfinite(values).all() and (values >= 0).all() and (values == np.round(values)).all()
    assert q.index.equals(f.predict().index)


@pytest.mark.parametrize("value, why", [(-1.0, "negative"), (2.5, "not a whole number")])
def test_negative_binomial_refuses_data_that_are_not_counts(counts, value, why):
    bad = counts.copy()
    bad.iloc[7] = value
    with pytest.raises(LstmlabError, match=f"series 'sales' has the value {value:g} at position 7, which is {why}"):
        LSTMForecaster(horizon=4, distribution="negative_binomial", **TINY).fit(bad)


def test_refused_settings(seasonal):
    with pytest.raises(LstmlabError, match="distribution='gamma': expected one of student_t, negative_binomial"):
        LSTMForecaster(horizon=4, distribution="gamma", **TINY).fit(seasonal)
    with pytest.raises(LstmlabError, match="quantiles=\\[0.1, 0.9\\] with distribution='student_t'"):
        LSTMForecaster(horizon=4, distribution="student_t", quantiles=[0.1, 0.9], **TINY).fit(seasonal)
    with pytest.raises(LstmlabError, match="loss='mae' with distribution='student_t'"):
        LSTMForecaster(horizon=4, distribution="student_t", loss="mae", **TINY).fit(seasonal)
    with pytest.raises(LstmlabError, match="loss='nll'.*nll needs distribution="):
        LSTMForecaster(horizon=4, loss="nll", **TINY).fit(seasonal)
    with pytest.raises(LstmlabError, match="pretrained='shipped' with distribution='student_t'"):
        LSTMForecaster(horizon=4, distribution="student_t", pretrained="shipped", **TINY).fit(seasonal)
    with pytest.raises(LstmlabError, match="expected one of"):
        family("poisson")


def test_auto_pretrained_never_serves_a_distribution_head(seasonal):
    """distribution is a network setting: with it, pretrained='auto' trains (a yearly series with default
    settings would otherwise take the shipped ensemble)."""
    yearly = pd.Series(seasonal.to_numpy()[:40], index=pd.date_range("1950", periods=40, freq="YS"))
    f = LSTMForecaster(horizon=4, distribution="student_t", steps=20, hidden_size=4, device="cpu").fit(yearly)
    assert f.config_.pretrained == "" and f.config_.distribution == "student_t"


def test_save_load_round_trip_and_old_format_defaults(tmp_path, counts):
    f = LSTMForecaster(horizon=3, distribution="negative_binomial", **TINY).fit(counts)
    g = load(save(f, tmp_path / "m"))
    assert g.config_ == f.config_
    pd.testing.assert_frame_equal(g.predict(quantiles=[0.1, 0.5, 0.9], level=0.8),
                                  f.predict(quantiles=[0.1, 0.5, 0.9], level=0.8))
    pd.testing.assert_frame_equal(g.sample_paths(20, seed=3), f.sample_paths(20, seed=3))
    np.testing.assert_array_equal(g.pit_, f.pit_)
    np.testing.assert_array_equal(g.signed_errors_, f.signed_errors_)


@pytest.mark.parametrize("name", ["student_t", "negative_binomial"])
def test_calibrated_coverage_after_a_fit(name, later_coverage):
    """As the quantile head's test_cqr_coverage_after_a_fit: fit on 1000 points (sin + N(0, 1), or Poisson
    counts around 5 + 3 sin), score the calibrated 80 % pair (q0.1, q0.9) on the 1996 windows of the next
    2000. About 197 validation windows calibrate it: its coverage varies with a standard deviation near
    0.03, so 0.075 is two and a half of them. The Student-t pair covers 0.744 (its 70 % and 90 % rules:
    0.650 and 0.892, so a wrong level fails; the uncalibrated head's 80 % pair: 0.783: CQR narrowed it, as the
    validation run's networks were wider than the final one). For counts the pair is closed on whole
    numbers and covers more than its level (the guarantee is at least 0.8): it covers 0.874, its 70 % and
    90 % rules 0.794 and 0.941, so [0.83, 0.92] catches a wrong level."""
    rng = np.random.default_rng(0)
    T, T0, H, L = 3000, 1000, 4, 48
    t = np.arange(T)
    season = np.sin(2 * np.pi * t / 12)
    y = 2 * season + rng.normal(size=T) if name == "student_t" else rng.poisson(5 + 3 * season).astype(float)
    f = LSTMForecaster(horizon=H, seasonal_period=12, distribution=name, hidden_size=8, steps=150,
                       learning_rate=0.01, n_models=1, fallback=False, device="cpu").fit(y[:T0])
    covered = later_coverage(f, y, T0, H, L)
    if name == "student_t":
        assert covered == pytest.approx(0.8, abs=0.075)
    else:
        assert 0.83 <= covered <= 0.92


def test_distribution_heads_read_covariates():
    """A promotion known ahead moves the counts; the negative binomial head reads it, forecasts and draws paths
    from predict(future=...) / sample_paths(future=...), and without the future frame says what it needs."""
    rng = np.random.default_rng(0)
    H, n = 3, 60
    frames = []
    for i in range(2):
        promo = (rng.random(n + H) < 0.3).astype(float)
        y = rng.poisson(4 + 6 * promo).astype(float)
        frames.append(pd.DataFrame({"unique_id": f"s{i}", "ds": pd.date_range("2000-01-01", periods=n + H, freq="MS"),
                                    "y": y, "promo": promo}))
    full = pd.concat(frames, ignore_index=True)
    pos = full.groupby("unique_id").cumcount()
    hist, future = full[pos < n].reset_index(drop=True), full[pos >= n][["unique_id", "ds", "promo"]]
    f = LSTMForecaster(horizon=H, seasonal_period=12, future_covariates=["promo"], distribution="negative_binomial",
                       **TINY).fit(hist)
    q = f.predict(future=future, quantiles=[0.1, 0.5, 0.9])
    assert list(q.columns) == ["unique_id", "ds", "y_hat", "q0.1", "q0.5", "q0.9"] and len(q) == 2 * H
    assert (q["q0.1"] <= q["q0.5"]).all() and (q["q0.5"] <= q["q0.9"]).all()
    paths = f.sample_paths(8, future=future, seed=1)
    assert len(paths) == 2 * 8 * H and (paths["y"] >= 0).all()
    g = LSTMForecaster(horizon=H, seasonal_period=12, future_covariates=["promo"], distribution="negative_binomial",
                       **(TINY | {"hidden_size": 8, "steps": 150, "learning_rate": 0.01})).fit(hist)
    on, off = (g.predict(future=future.assign(promo=v))["y_hat"].to_numpy() for v in (1.0, 0.0))
    assert (on > off).all() and on.mean() > off.mean() + 2  # a promotion adds 6 on average: the head learnt it
    with pytest.raises(LstmlabError, match="reads future covariates \\[.promo.\\]: predict needs future="):
        f.sample_paths(8)
