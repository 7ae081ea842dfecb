"""What each choice of LSTMForecaster buys on the seed task: one setting changed at a time.

    OMP_NUM_THREADS=1 taskset -c 1 .venv/bin/python benchmarks/bench_forecast_ablation.py --seeds 3
    OMP_NUM_THREADS=1 taskset -c 1 .venv/bin/python benchmarks/bench_forecast_ablation.py --task airpassengers --seeds 5

Same protocols as bench_forecast.py: the seed task (issue protocol: fit on y[:811], test on the
last 189 windows of 50 -> 10) and AirPassengers (fit on 120 months, origins 120 and 132, input
24, one network). MAE median and mean over seeds, fit time median, one CPU thread.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

AP_VARIANTS = {
    "default (RevIN, patch 1, refit full)": {},
    "refit='best'": {"refit": "best"},
    "refit=False (early-stopped net)": {"refit": False},
    "patch_len=2": {"patch_len": 2},
    "scaler='standard' (fitted on train)": {"scaler": "standard"},
}

VARIANTS = {
    "default (RevIN, patch 5, refit full)": {},
    "scaler='standard' (fitted on train)": {"scaler": "standard"},
    "refit=False (early-stopped net)": {"refit": False},
    "refit='best'": {"refit": "best"},
    "patch_len=1 (50 recurrent steps)": {"patch_len": 1},
    "cell='gru'": {"cell": "gru"},
    "cell='rnn'": {"cell": "rnn"},
    "hidden_size=32": {"hidden_size": 32},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--task", choices=("seed", "airpassengers"), default="seed")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=100)
    args = parser.parse_args()
    import torch

    from lstmlab.forecast import LSTMForecaster, load_dataset, mae
    from lstmlab.forecast.windows import sliding_windows

    torch.set_num_threads(1)
    if args.task == "seed":
        y = load_dataset("synthetic", legacy_seed=0).to_numpy()
        X, Y = sliding_windows(y, 50, 10)
        base = dict(horizon=10, seasonal_period=50, input_size=50, epochs=args.epochs)
        variants, fit_end, hist, actual, seeds = VARIANTS, 811, X[752:], Y[752:], range(args.seeds)
    else:
        v = load_dataset("airpassengers").to_numpy()
        base = dict(horizon=12, seasonal_period=12, input_size=24)
        hist, actual = np.stack([v[96:120], v[108:132]]), np.stack([v[120:132], v[132:144]])
        variants, fit_end, y, seeds = AP_VARIANTS, 120, v, [100 * s for s in range(args.seeds)]
    print(f"{'variant':40s} {'MAE med':>7s} {'mean':>7s} {'fit s':>6s}")
    for name, change in variants.items():
        maes, times = [], []
        for seed in seeds:
            t0 = time.perf_counter()
            model = LSTMForecaster(**(base | {"seed": seed} | change)).fit(y[:fit_end])
            times.append(time.perf_counter() - t0)
            maes.append(float(mae(actual, model.predict_windows(hist))))
        print(f"{name:40s} {statistics.median(maes):7.3f} {statistics.mean(maes):7.3f} "
              f"{statistics.median(times):6.1f}", flush=True)


if __name__ == "__main__":
    main()
