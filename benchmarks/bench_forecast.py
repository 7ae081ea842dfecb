"""Forecasting benchmarks of issue 3: the tutorial's task and AirPassengers, model beside baselines.

Run on one CPU thread (as reported in docs/forecasting.md):

    OMP_NUM_THREADS=1 taskset -c 0 .venv/bin/python benchmarks/bench_forecast.py --seeds 5

Tasks
-----
seed : the tutorial's series (np.random.seed(0) noise), windows of 50 -> 10; the first 752 windows
    train (the model sees only the points they cover, y[:811], and validates on their
    chronologically last part), the last 189 test. "issue protocol" follows the issue, where the
    first test targets overlap the last training targets; "gapped" fits on y[:802] only, so no
    test target was ever seen. MAE over all test windows, in original units.
airpassengers : fit on the first 120 months, forecast 12 months from origins 120 and 132 (the
    model sees actuals up to the origin, its weights are from the first 120), input window 24.
Coverage of 90 % conformal intervals: on the 189 test windows (seed); on AirPassengers both on the
issue's 24 points (origins 120 and 132) and on 13 rolling origins 120..132 (156 points), each from
the fit on the first 120 months, per seed.
airpassengers-history : a rolling-origin backtest over the series' whole history: origins every
    12 months from 60 (the earliest with enough history to train and validate on windows 24 -> 12)
    to 132, refitted at every origin on all months before it; 84 points per seed. It tells whether
    the intervals are miscalibrated or the two origins of the issue unrepresentative.
"pooled" is the default rule (scores of all steps pooled,
each divided by its step's mean), "per step" the rule that reads each step's scores alone
(lstmlab.forecast.intervals).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import numpy as np
import pandas as pd

LEVEL = 0.9


def coverages(model, X: np.ndarray, Y: np.ndarray, rows=slice(None)) -> dict[str, float]:
    """Share of ``Y[rows]`` inside the model's LEVEL intervals, for the pooled and per-step rules."""
    from lstmlab.forecast import coverage
    from lstmlab.forecast.intervals import conformal_quantiles

    pred, lo, hi = model.predict_windows(X, level=LEVEL)  # pooled: the default
    scale = model.interval_scale(X)  # (N, 1), or None for absolute widths
    half = conformal_quantiles(model.calibration_scores_, LEVEL, pool_steps=False) * (1.0 if scale is None else scale)
    return {"pooled": float(coverage(Y[rows], lo[rows], hi[rows])),
            "per step": float(coverage(Y[rows], (pred - half)[rows], (pred + half)[rows]))}


def medians(runs: list[dict[str, float]]) -> str:
    return ", ".join(f"{k} {statistics.median(r[k] for r in runs):.3f}" for k in runs[0])


def seed_task(seeds: int, steps: int | None, with_reference: bool, reference_epochs: int, settings: dict) -> None:
    from lstmlab.forecast import LSTMForecaster, SeasonalNaive, load_dataset, mae, seed_reference
    from lstmlab.forecast.windows import sliding_windows

    y = load_dataset("synthetic", legacy_seed=0).to_numpy()  # (1000,)
    t = np.arange(len(y))
    noise = y - (0.02 * t + 10 * np.sin(2 * np.pi * t / 50) + 5 * np.sin(2 * np.pi * t / 25))
    X, Y = sliding_windows(y, 50, 10)  # (941, 50), (941, 10)
    n_train = int(0.8 * len(X))  # 752
    Xte, Yte = X[n_train:], Y[n_train:]  # 189 test windows
    floor = float(np.abs(sliding_windows(noise, 50, 10)[1][n_train:]).mean())
    snaive = SeasonalNaive(10, 50).fit(y[:n_train + 59])
    print(f"\n== seed task: {len(X)} windows 50 -> 10, {n_train} train, {len(Xte)} test ==")
    print(f"noise floor (mean |noise| of test targets): {floor:.3f}")
    print(f"seasonal naive (m=50):                      MAE {mae(Yte, snaive.predict_windows(Xte)):.3f}")
    for label, end in (("issue protocol", n_train + 59), ("gapped", n_train + 50)):
        maes, times, covs = [], [], []
        for seed in range(seeds):
            model = LSTMForecaster(**{"horizon": 10, "seasonal_period": 50, "input_size": 50, "steps": steps,
                                      "seed": seed} | settings)
            t0 = time.perf_counter()
            model.fit(y[:end])
            times.append(time.perf_counter() - t0)
            maes.append(float(mae(Yte, model.predict_windows(Xte))))
            covs.append(coverages(model, Xte, Yte))
        print(f"LSTMForecaster, {label:15s} (fit on y[:{end}]): MAE median {statistics.median(maes):.3f} "
              f"[{min(maes):.3f} .. {max(maes):.3f}] over {seeds} seeds; fit median {statistics.median(times):.1f} s "
              f"[{min(times):.1f} .. {max(times):.1f}]; 90% interval coverage medians: {medians(covs)} "
              f"({len(Yte) * 10} points; per seed {[round(c['pooled'], 3) for c in covs]})")
    if with_reference:
        for leak in (True, False):
            r = seed_reference(y, leak=leak, epochs=reference_epochs, seed=0)
            what = "scaler on whole series (leaky)" if leak else "scaler on training part"
            print(f"tutorial method, {what:31s}: MAE {r.mae:.3f} (fit {r.fit_seconds:.0f} s, {r.epochs} epochs)")


def airpassengers(seeds: int, ensemble: int, settings: dict) -> None:
    from lstmlab.forecast import LSTMForecaster, backtest, load_dataset, mae, make_baselines

    y = load_dataset("airpassengers")  # (144,) monthly
    v = y.to_numpy()
    rolling = np.arange(120, 133)  # 13 origins; 0 and 12 are the issue's origins 120 and 132
    hist = np.stack([v[o - 24:o] for o in rolling])  # (13, 24) histories ending at the origins
    actual = np.stack([v[o:o + 12] for o in rolling])  # (13, 12)
    issue = [0, 12]
    print("\n== AirPassengers: fit on 120 months, forecast 12 from origins 120 and 132, input 24 ==")
    for name, base in make_baselines(12, 12).items():  # each from the full history before the origin
        pred = np.stack([base.fit(v[:origin]).predict() for origin in (120, 132)])  # (2, 12)
        print(f"{name:16s} MAE {mae(actual[issue], pred):.2f}")
    # The defaults without input_size: a monthly series gets the shipped pre-trained ensemble (nothing is
    # trained, so one run stands for every seed), fitted at each origin on everything before it.
    pred = np.stack([np.asarray(LSTMForecaster(horizon=12, seasonal_period=12).fit(v[:o]).predict()) for o in (120, 132)])
    print(f"LSTMForecaster defaults (the pre-trained ensemble), fitted at each origin: MAE {mae(actual[issue], pred):.2f}")
    for n_models in dict.fromkeys((1, ensemble)):  # --ensemble 1: the one network once
        maes, times, cov_issue, cov_rolling = [], [], [], []
        for seed in range(seeds):
            model = LSTMForecaster(horizon=12, seasonal_period=12, input_size=24, n_models=n_models,
                                   seed=100 * seed, **settings)
            t0 = time.perf_counter()
            model.fit(v[:120])
            times.append(time.perf_counter() - t0)
            maes.append(float(mae(actual[issue], model.predict_windows(hist[issue]))))
            cov_issue.append(coverages(model, hist, actual, issue))
            cov_rolling.append(coverages(model, hist, actual))
        print(f"LSTMForecaster n_models={n_models}: MAE median {statistics.median(maes):.2f} mean "
              f"{statistics.mean(maes):.2f} [{min(maes):.2f} .. {max(maes):.2f}] over {seeds} seeds; "
              f"fit median {statistics.median(times):.1f} s [{min(times):.1f} .. {max(times):.1f}]")
        print(f"  90% coverage, issue origins 120 and 132 (24 points), medians: {medians(cov_issue)}; "
              f"pooled per seed {[round(c['pooled'], 3) for c in cov_issue]}")
        print(f"  90% coverage, 13 rolling origins 120..132 (156 points), medians: {medians(cov_rolling)}; "
              f"pooled per seed {[round(c['pooled'], 3) for c in cov_rolling]}")
    model = LSTMForecaster(horizon=12, seasonal_period=12, input_size=24, n_models=ensemble)
    result = backtest(model, y, n_windows=13, stride=1, refit=False, level=LEVEL)
    print(f"rolling origins 120..132 (fit once on the first 120 months, seed 0, n_models={ensemble}), 90% intervals:")
    print(result.summary().round(3).to_string())


def airpassengers_history(seeds: int, settings: dict) -> None:
    from lstmlab.forecast import LSTMForecaster, backtest, load_dataset

    y = load_dataset("airpassengers")
    print("\n== AirPassengers: rolling origins 60, 72, ..., 132, refitted at each, 12 months ahead, input 24 ==")
    runs, times = [], []
    for seed in range(seeds):
        t0 = time.perf_counter()
        result = backtest(LSTMForecaster(horizon=12, seasonal_period=12, input_size=24, seed=100 * seed, **settings), y,
                          n_windows=7, stride=12, refit=True, level=LEVEL)
        times.append((time.perf_counter() - t0) / 7)
        table = result.summary()
        runs.append(table)
        per_year = result.by_origin("LSTMForecaster")["inside"].droplevel("unique_id")
        print(f"seed {100 * seed}: LSTMForecaster MAE {table.loc['LSTMForecaster', 'mae']:.2f}, coverage "
              f"{table.loc['LSTMForecaster', 'coverage']:.3f}; by origin "
              f"{', '.join(f'{o}: {c:.2f}' for o, c in per_year.items())}", flush=True)
    print(f"median over {seeds} seeds (fit + forecast per origin: median {statistics.median(times):.1f} s):")
    both = pd.concat(runs).groupby(level=0)
    print(pd.DataFrame({"mae": both["mae"].median(), "mase": both["mase"].median(),
                        "coverage": both["coverage"].median(), "coverage_min": both["coverage"].min(),
                        "coverage_max": both["coverage"].max()}).sort_values("mae").round(3).to_string())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--task", choices=("seed", "airpassengers", "airpassengers-history", "all"), default="all")
    parser.add_argument("--seeds", type=int, default=5, help="training seeds per configuration")
    parser.add_argument("--steps", type=int, help="optimiser steps per network for the seed task (default: auto)")
    parser.add_argument("--ensemble", type=int, default=4, help="n_models of the AirPassengers ensemble (default: "
                        "the forecaster's default, 4)")
    parser.add_argument("--no-reference", action="store_true", help="skip the tutorial method (slow: ~1 min each)")
    parser.add_argument("--reference-epochs", type=int, default=50)
    parser.add_argument("--settings", type=json.loads, default={},
                        help='more LSTMForecaster arguments (JSON) for every trained fit, e.g. \'{"final_steps": 0}\': '
                             "a variant to compare after the fact, not a tuned default")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(1)
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}")
    if args.task in ("seed", "all"):
        seed_task(args.seeds, args.steps, not args.no_reference, args.reference_epochs, args.settings)
    if args.task in ("airpassengers", "all"):
        airpassengers(args.seeds, args.ensemble, args.settings)
    if args.task in ("airpassengers-history", "all"):
        airpassengers_history(args.seeds, args.settings)


if __name__ == "__main__":
    main()
