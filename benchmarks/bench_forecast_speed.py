"""Fit time of LSTMForecaster on one series with the defaults (144 and 500 points), one thread.

    OMP_NUM_THREADS=1 taskset -c 0 .venv/bin/python benchmarks/bench_forecast_speed.py

The 500-point series is AirPassengers repeated and given a trend. Medians of 3 seeds, after a warm-up
fit that pays torch's import. (The global fit over M1's monthly series is timed by bench_fcomp.py.)
"""

from __future__ import annotations

import statistics
import time

import numpy as np


def main() -> None:
    import torch

    from lstmlab.forecast import LSTMForecaster, load_dataset

    torch.set_num_threads(1)
    y = load_dataset("airpassengers").to_numpy()
    LSTMForecaster(horizon=12, seasonal_period=12, steps=2).fit(y[:60])  # warm-up: imports
    for n in (144, 500):
        x = np.resize(y, n) * (1 + np.arange(n) / 500)  # (n,) AirPassengers repeated, with a trend
        seconds = []
        for seed in range(3):
            start = time.perf_counter()
            LSTMForecaster(horizon=12, seasonal_period=12, seed=seed).fit(x).predict()
            seconds.append(time.perf_counter() - start)
        print(f"{n} points: fit + predict {statistics.median(seconds):.1f} s, median of 3 "
              f"({', '.join(f'{s:.1f}' for s in seconds)})", flush=True)


if __name__ == "__main__":
    main()
