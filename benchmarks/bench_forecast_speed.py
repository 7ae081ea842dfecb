"""Fit time of LSTMForecaster on one series with the defaults (144 and 500 points), one thread.

    OMP_NUM_THREADS=1 taskset -c 0 .venv/bin/python benchmarks/bench_forecast_speed.py

The 500-point series is AirPassengers repeated and given a trend. Medians of 3 seeds, after a warm-up
fit that pays torch's import. (The global fit over M1's monthly series is timed by bench_fcomp.py.)
Each length is timed with the defaults (a monthly series: the shipped pre-trained ensemble) and with
``pretrained=None``, which trains the one-series recipe (what any series without a pre-trained
ensemble for its seasonal period, e.g. hourly data, gets).
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
        for label, settings in (("defaults", {}), ("pretrained=None", {"pretrained": None})):
            seconds = []
            for seed in range(3):
                start = time.perf_counter()
                model = LSTMForecaster(horizon=12, seasonal_period=12, seed=seed, **settings).fit(x)
                model.predict()
                seconds.append(time.perf_counter() - start)
            how = "pre-trained ensemble" if model.config_.pretrained else "trained"
            print(f"{n} points, {label} ({how}): fit + predict {statistics.median(seconds):.2f} s, median of 3 "
                  f"({', '.join(f'{s:.2f}' for s in seconds)})", flush=True)


if __name__ == "__main__":
    main()
