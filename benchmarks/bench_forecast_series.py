"""LSTMForecaster beside the baselines on every shipped real series: rolling-origin backtests.

Run on one CPU thread (about 15 minutes; reported in docs/benchmarks.md):

    OMP_NUM_THREADS=1 taskset -c 0 .venv/bin/python benchmarks/bench_forecast_series.py --seeds 3

Protocol
--------
For each series, ``backtest(LSTMForecaster(horizon=h, seasonal_period=m, seed=s), y, n_windows=k,
stride=h, refit=True, level=0.9)``: k origins h apart, the last h points before the end; at each
origin the model is fitted afresh on everything before it (default settings) and forecasts the next
h points with 90 % conformal intervals. The baselines (naive, seasonal naive for m > 1, drift,
window mean over the last season, or the whole history for m = 1) are scored on the same origins.

Horizons follow the M4 competition where it has one: 6 for yearly series; for monthly series 12
rather than M4's 18, one full season, which keeps AirPassengers (144 months) comparable with its
benchmark in docs/benchmarks.md and leaves it 5 origins. m is the series' seasonal_period in
DATASETS (11 for sunspots: the solar cycle, approximately). k is chosen so that the earliest origin
still has 3L + h - 1 points (L the automatic input size at full length), where the automatic input
size is not yet shortened, and the whole run fits in about 15 minutes on one core with 3 seeds.

Printed per series: LSTM MAE, MASE and coverage as the median over seeds [min..max], beside each
baseline (deterministic: one run), and the LSTM's seconds per origin (fit + predict, median over
seeds). MASE divides by the in-sample seasonal-naive MAE of each origin's history (naive for m = 1).
Ends with a Markdown table. ``--per-origin`` adds, for the LSTM at each origin (median over seeds),
the share of the h actuals inside the interval, the mean error y - ŷ (its bias) and the MAE.

``--steps`` runs a variant of the default LSTMForecaster (optimiser steps per network), and
``--settings`` one with any other arguments (JSON): for comparisons after the fact, not tuned defaults.

``--quick`` is a smoke run (2 origins, 1 seed by default, 20 steps): its numbers mean nothing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import pandas as pd

LEVEL = 0.9
# name -> (horizon, number of origins)
SERIES = {
    "airpassengers": (12, 5),  # origins 84..132; 3L + h - 1 = 83 with L = 24
    "co2": (12, 4),
    "elnino": (12, 4),
    "sunspots": (6, 6),  # L = 22: needs 71 points; origins 273..303
    "nile": (6, 9),  # L = 12: needs 41 points; origins 46..94 (every origin the series allows)
}
LSTM = "LSTMForecaster"


def run_series(name: str, seeds: int, quick: bool, settings: dict | None = None) -> dict:
    """Backtest one series for each seed; returns per-model rows for the report. ``settings`` are
    extra LSTMForecaster arguments (e.g. steps), for variants of the default."""
    from lstmlab.forecast import LSTMForecaster, backtest, load_dataset
    from lstmlab.forecast.datasets import DATASETS

    y = load_dataset(name)
    h, k = SERIES[name]
    k = 2 if quick else k
    m = DATASETS[name].seasonal_period
    lstm, seconds, baselines, per_origin = [], [], None, []
    for s in range(seeds):
        model = LSTMForecaster(horizon=h, seasonal_period=m, seed=s,
                               **({"steps": 20} if quick else {}) | (settings or {}))
        start = time.perf_counter()
        res = backtest(model, y, n_windows=k, stride=h, refit=True, level=LEVEL, baselines=s == 0)
        seconds.append((time.perf_counter() - start) / k)  # baselines (first seed) take milliseconds
        summary = res.summary()
        lstm.append(summary.loc[LSTM])
        per_origin.append(res.by_origin(LSTM).droplevel("unique_id"))
        if s == 0:
            baselines = summary.drop(index=LSTM)
            origins = sorted(res.frame["origin"].unique())
    return {"name": name, "h": h, "m": m, "k": k, "T": len(y), "origins": origins,
            "points": int(lstm[0]["n"]), "lstm": lstm, "seconds": seconds, "baselines": baselines,
            "per_origin": per_origin}


def spread(values, fmt: str) -> str:
    values = list(values)
    med = statistics.median(values)
    if len(values) == 1:
        return format(med, fmt)
    return f"{format(med, fmt)} [{format(min(values), fmt)}..{format(max(values), fmt)}]"


def report(r: dict, per_origin: bool) -> list[str]:
    """Print one series' results; return its Markdown rows."""
    lstm, base = r["lstm"], r["baselines"]
    mae = spread((x["mae"] for x in lstm), ".3g")
    mase = spread((x["mase"] for x in lstm), ".3f")
    cov = spread((x["coverage"] for x in lstm), ".3f")
    secs = statistics.median(r["seconds"])
    best = base["mae"].idxmin()
    print(f"\n{r['name']}: T={r['T']}, h={r['h']}, m={r['m']}, {r['k']} origins {r['origins'][0]}..{r['origins'][-1]}, "
          f"{r['points']} forecast points per model")
    print(f"  {'LSTM':15s} MAE {mae:24s} MASE {mase:22s} coverage {cov:22s} {secs:.1f} s per origin")
    for model, row in base.iterrows():
        print(f"  {model:15s} MAE {row['mae']:<24.3g} MASE {row['mase']:<22.3f} coverage {row['coverage']:.3f}")
    lstm_mae = statistics.median(x["mae"] for x in lstm)
    verdict = "LSTM best" if lstm_mae < base.loc[best, "mae"] else f"LSTM loses to {best}"
    print(f"  -> {verdict} (median MAE {lstm_mae:.3g} vs {base.loc[best, 'mae']:.3g})", flush=True)
    if per_origin:
        runs = pd.concat(r["per_origin"])
        med = runs.drop(columns="start").groupby(level=0).median()
        for origin, row in med.iterrows():
            start = r["per_origin"][0].loc[origin, "start"]
            print(f"    LSTM origin {origin} (first target {start:%Y-%m}): inside {row['inside']:.2f}, "
                  f"bias {row['bias']:+.3g}, MAE {row['mae']:.3g}")
    rows = [f"| {r['name']} (h={r['h']}, m={r['m']}, {r['k']} origins, {r['points']} points) | LSTM | {mae} | {mase} "
            f"| {cov} | {secs:.1f} |"]
    for model, row in base.iterrows():
        rows.append(f"| | {model} | {row['mae']:.3g} | {row['mase']:.3f} | {row['coverage']:.3f} | |")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=None, help="seeds 0..n-1 (default 3; 1 with --quick)")
    parser.add_argument("--series", default=",".join(SERIES), help=f"comma list from {', '.join(SERIES)}")
    parser.add_argument("--quick", action="store_true", help="smoke run: 2 origins, 20 steps")
    parser.add_argument("--per-origin", action="store_true", help="LSTM coverage, bias and MAE at each origin")
    parser.add_argument("--steps", type=int, help="LSTMForecaster steps per network (default automatic)")
    parser.add_argument("--settings", type=json.loads, default={},
                        help='other LSTMForecaster arguments as JSON, e.g. \'{"pretrained": "/tmp/pre/x"}\'')
    args = parser.parse_args()
    names = [s.strip() for s in args.series.split(",") if s.strip()]
    unknown = [s for s in names if s not in SERIES]
    if unknown or not names:
        parser.error(f"--series {args.series!r}: expected a comma list from {', '.join(SERIES)}")
    seeds = args.seeds if args.seeds is not None else (1 if args.quick else 3)
    if seeds < 1:
        parser.error(f"--seeds {seeds}: expected at least 1")
    import torch

    torch.set_num_threads(1)
    table = ["| series | model | MAE | MASE | 90 % coverage | s per origin |", "|---|---|---|---|---|---|"]
    start = time.perf_counter()
    for name in names:
        settings = args.settings | ({"steps": args.steps} if args.steps is not None else {})
        table += report(run_series(name, seeds, args.quick, settings), args.per_origin)
    print(f"\ntotal {time.perf_counter() - start:.0f} s; LSTM: median over {seeds} seed(s) [min..max]\n")
    print("\n".join(table))


if __name__ == "__main__":
    main()
