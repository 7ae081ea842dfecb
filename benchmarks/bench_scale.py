"""A global fit over many generated series: time, windows per second and peak memory (issue 11).

    OMP_NUM_THREADS=1 taskset -c 1 .venv/bin/python benchmarks/bench_scale.py --series 10000 --length 500

The series are seeded and varied: level, trend, a 24-step season of random amplitude and phase, and
noise; 10 % are short (a fifth of the length) and 2 % constant. Memory is the process's peak resident
set since the data were made (``VmHWM``, reset through ``/proc/self/clear_refs``, since making the data
takes more than the data; ``ru_maxrss`` where that fails), reported beside the raw data (the float64
values) and the resident set after the imports and the data were made (Python, numpy, pandas, torch,
the frame), by the end of ``fit`` and after ``predict`` (which builds the long output frame). The
growth includes a fixed part: torch's lazy imports on the first optimiser step, its allocations, the
validation batches. Windows per second count every window drawn for training (steps x batch x
networks, validation run and final fit).
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np
import pandas as pd


def rss_mib() -> float:
    """Peak resident set of this process since :func:`reset_peak` (else since it began), MiB."""
    try:
        with open("/proc/self/status") as fh:
            return next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:")) / 1024  # KiB
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def reset_peak() -> bool:
    """Start the peak resident set again from the current one (Linux: ``/proc/self/clear_refs``), so that
    making the data, whose temporaries are larger than the data, does not count; False if it could not."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        return False
    return True


def current_rss_mib() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize() / 2**20


def make_panel(n: int, length: int, seed: int = 0) -> pd.DataFrame:
    """A long frame of ``n`` generated series (see the module docstring)."""
    rng = np.random.default_rng(seed)
    lengths = np.where(rng.random(n) < 0.1, length // 5, length)
    t = np.arange(length)
    level = rng.lognormal(3, 1, n)[:, None]
    trend = rng.normal(0, 0.002, n)[:, None] * level * t
    season = rng.uniform(0, 0.3, n)[:, None] * level * np.sin(2 * np.pi * t / 24 + rng.uniform(0, 6.3, n)[:, None])
    values = level + trend + season + rng.normal(0, 0.05, (n, length)) * level  # (n, length)
    values[rng.random(n) < 0.02] = 7.0  # constant series
    ids = np.repeat(np.arange(n), lengths)
    cols = np.concatenate([np.arange(length - k, length) for k in lengths])  # the last k points of each
    return pd.DataFrame({"unique_id": ids, "ds": cols - cols.min(), "y": values[ids, cols]})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--series", type=int, default=10000)
    parser.add_argument("--length", type=int, default=500)
    parser.add_argument("--horizon", type=int, default=24)
    parser.add_argument("--steps", type=int, help="optimiser steps per network (default: the forecaster's)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    import torch

    from lstmlab.forecast import LSTMForecaster

    torch.set_num_threads(1)
    frame = make_panel(args.series, args.length, args.seed)
    frame["ds"] = frame.groupby("unique_id").cumcount()  # positions 0, 1, ... per series
    raw = frame["y"].to_numpy().nbytes / 2**20
    base = current_rss_mib()
    data_peak, reset = rss_mib(), reset_peak()
    start = time.perf_counter()
    model = LSTMForecaster(horizon=args.horizon, seasonal_period=24, steps=args.steps, seed=args.seed,
                           progress=False).fit(frame)
    fit_s = time.perf_counter() - start
    fit_peak = rss_mib()
    start = time.perf_counter()
    out = model.predict()
    predict_s = time.perf_counter() - start
    cfg = model.config_
    n_nets = len(cfg.input_sizes)
    windows = cfg.steps * cfg.batch_size * n_nets * 2  # validation run and final fit
    params = sum(p.numel() for p in model.model_.parameters()) * 4 / 2**20
    print(f"{args.series} series x {args.length} points ({len(frame)} values, {raw:.1f} MiB raw float64); "
          f"{n_nets} networks x {cfg.steps} steps x batch {cfg.batch_size}, validation run + final fit")
    print(f"fit {fit_s:.1f} s ({windows / fit_s:.0f} training windows/s), predict {predict_s:.1f} s for "
          f"{len(out)} forecasts; choice: {model.choice_} (seasonal naive {model.blend_:g}, Theta {model.theta_:g}, "
          f"Holt-Winters {model.holt_winters_:g})")
    growth = rss_mib() - base
    if not reset:
        print(f"(the peak could not be reset after the data were made: it includes their making, {data_peak:.0f} MiB)")
    print(f"peak RSS {rss_mib():.0f} MiB (by the end of fit {fit_peak:.0f} MiB); after imports and data {base:.0f} MiB "
          f"(fixed overhead + raw data + the frame); fit's growth {growth:.0f} MiB ({growth / raw:.1f} x raw; by the "
          f"end of fit {fit_peak - base:.0f} MiB) against raw data {raw:.1f} MiB and model {params:.2f} MiB")


if __name__ == "__main__":
    main()
