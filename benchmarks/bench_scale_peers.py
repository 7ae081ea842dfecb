"""lstmlab beside neuralforecast's LSTM on one generated panel: accuracy, fit time and memory (issue 11).

Each library runs in its own environment and process, on the same seeded panel as
benchmarks/bench_scale.py (``make_panel``: level, trend, a 24-step season, noise; 10 % short series,
2 % constant). The last ``horizon`` points of every series are held out; each library fits on the rest
with its defaults (neuralforecast: ``LSTM(h, input_size=2h, start_padding_enabled=True)``, its
default steps and batch) and
forecasts them. One thread each:

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_scale_peers.py --library lstmlab --series 10000
    # neuralforecast in an environment of its own (benchmarks/requirements-peers.txt):
    OMP_NUM_THREADS=1 /tmp/nf-venv/bin/python benchmarks/bench_scale_peers.py --library neuralforecast --series 10000

Printed: fit + predict seconds, the peak resident memory reached after the panel was made (VmHWM,
reset through /proc/self/clear_refs) minus the memory then, and the mean MASE over the series that
have one (scale: the in-sample seasonal-naive MAE, lag 24; constant series have none) beside seasonal
naive's.
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
import pandas as pd

from bench_scale import make_panel


def rss_now_mib() -> float:
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:")) / 1024


def reset_peak() -> None:
    with open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")  # resets VmHWM to the current RSS (Linux >= 4.0)


def peak_mib() -> float:
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:")) / 1024


def run_lstmlab(train: pd.DataFrame, h: int, seed: int) -> pd.DataFrame:
    from lstmlab.forecast import LSTMForecaster

    out = LSTMForecaster(horizon=h, seasonal_period=24, seed=seed).fit(train).predict()
    return out.rename(columns={"y_hat": "forecast"})


def run_neuralforecast(train: pd.DataFrame, h: int, seed: int) -> pd.DataFrame:
    import logging

    from neuralforecast import NeuralForecast
    from neuralforecast.models import LSTM

    logging.getLogger("pytorch_lightning").setLevel(logging.ERROR)
    logging.getLogger("lightning").setLevel(logging.ERROR)
    # start_padding_enabled: without it neuralforecast refuses a panel whose shortest series is shorter than
    # input_size (bench_scale's short series are); lstmlab pads and masks by default.
    model = LSTM(h=h, input_size=2 * h, random_seed=seed, start_padding_enabled=True, enable_progress_bar=False,
                 accelerator="cpu", devices=1, logger=False, enable_model_summary=False)
    nf = NeuralForecast(models=[model], freq=1)
    nf.fit(df=train)
    return nf.predict().rename(columns={"LSTM": "forecast"})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--library", choices=("lstmlab", "neuralforecast"), required=True)
    parser.add_argument("--series", type=int, default=10000)
    parser.add_argument("--length", type=int, default=500)
    parser.add_argument("--horizon", type=int, default=24)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", help="write the summary as JSON here")
    args = parser.parse_args()

    import torch

    torch.set_num_threads(1)
    h = args.horizon
    frame = make_panel(args.series, args.length, args.seed)
    frame["ds"] = frame.groupby("unique_id").cumcount()
    frame["unique_id"] = frame["unique_id"].astype(str)  # lstmlab answers with string ids
    pos_from_end = frame.groupby("unique_id").cumcount(ascending=False)
    train, test = frame[pos_from_end >= h].reset_index(drop=True), frame[pos_from_end < h]
    raw = frame["y"].to_numpy().nbytes / 2**20
    base = rss_now_mib()
    reset_peak()
    start = time.perf_counter()
    pred = (run_lstmlab if args.library == "lstmlab" else run_neuralforecast)(train, h, args.seed)
    seconds = time.perf_counter() - start
    growth = peak_mib() - base

    pred["unique_id"] = pred["unique_id"].astype(str)
    merged = test.merge(pred[["unique_id", "ds", "forecast"]], on=["unique_id", "ds"], how="left")
    by_id = {uid: g for uid, g in merged.groupby("unique_id", sort=False)}
    scores, naive_scores = [], []
    for uid, g in train.groupby("unique_id", sort=False):
        x = g["y"].to_numpy()
        lag = 24 if len(x) > 24 else 1
        scale = np.mean(np.abs(x[lag:] - x[:-lag]))
        if scale <= 0:  # a constant series: no MASE
            continue
        sn = np.resize(x[-lag:], h)  # seasonal naive: the last season repeated
        g = by_id[uid]
        y, f = g["y"].to_numpy(), g["forecast"].to_numpy()
        scores.append(np.mean(np.abs(y - f)) / scale)
        naive_scores.append(np.mean(np.abs(y - sn)) / scale)
    summary = {"library": args.library, "series": args.series, "length": args.length, "raw_mib": raw,
               "seconds": seconds, "peak_growth_mib": growth, "mase": float(np.mean(scores)),
               "seasonal_naive_mase": float(np.mean(naive_scores)), "scored": len(scores),
               "missing_forecasts": int(merged["forecast"].isna().sum())}
    print(json.dumps(summary))
    if args.out:
        with open(args.out, "w") as fh:
            json.dump(summary, fh)


if __name__ == "__main__":
    main()
