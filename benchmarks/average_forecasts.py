"""Averages of two methods' saved forecasts, after the fact: what a combination would have scored.

    /tmp/fcomp-venv/bin/python benchmarks/average_forecasts.py fcomp.json lstmlab#0 AutoTheta

Reads the ``--out`` file of ``bench_fcomp.py`` and prints, per data set and group, the mean MASE (and
MAPE over the forecast points, Tourism's) of ``(1 - w) A + w B`` for w in 0, ¼, ½, ¾, 1. A diagnosis
on test parts, not a way to choose: the forecaster chooses its weights on validation windows.
"""

from __future__ import annotations

import argparse
import json

import numpy as np

from bench_fcomp import load, scores

WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file")
    parser.add_argument("a", help="a method as saved, e.g. lstmlab#0")
    parser.add_argument("b", help="the other, e.g. AutoTheta")
    args = parser.parse_args()
    forecasts = json.load(open(args.file))["forecasts"]
    print("| data set, group | " + " | ".join(f"w = {w:g}" for w in WEIGHTS) + " |")
    print("|---" * (len(WEIGHTS) + 1) + "|")
    for key in sorted(k for k in forecasts if k.endswith(f"/{args.a}")):
        dataset, group, _ = key.split("/")
        other = forecasts.get(f"{dataset}/{group}/{args.b}")
        if other is None:
            continue
        series = load(dataset, group)
        a = np.stack([forecasts[key][s["uid"]] for s in series])
        b = np.stack([other[s["uid"]] for s in series])
        cells = []
        for w in WEIGHTS:
            mixed = (1 - w) * a + w * b
            points = np.concatenate([np.abs(f - s["xx"]) / np.abs(s["xx"]) * 100
                                     for s, f in zip(series, mixed) if np.all(s["xx"] != 0)])
            cells.append(f"{np.mean(scores(series, mixed)['mase']):.3f} / {points.mean():.2f}")
        print(f"| {dataset} {group} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
