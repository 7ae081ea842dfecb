"""Summaries of sweep records: mean and 95% interval over seeds per cell and length, the longest solved length."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from lstmlab.lab.run import RunRecord, wilson

# Two-sided 95% quantiles of Student's t for 1..30 degrees of freedom (standard tables); 1.96 beyond.
_T95 = (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145,
        2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048,
        2.045, 2.042)


def t95(df: int) -> float:
    """The 97.5% quantile of Student's t with ``df`` degrees of freedom."""
    return _T95[df - 1] if df <= len(_T95) else 1.96


@dataclass(frozen=True)
class Row:
    """One cell at one length, over its seeds.

    ``lo``/``hi``: a 95% interval for the mean that covers both sources of doubt: the wider of the
    Student-t interval over seeds (seed to seed variation) and the Wilson interval of all test sequences
    pooled (test-set size). ``worst``: the lowest seed. ``solved``: every seed reached the task's solved
    level.
    """

    task: str
    cell: str
    length: int
    n_seeds: int
    mean: float
    lo: float
    hi: float
    worst: float
    chance: float
    solved: bool
    n_solved: int
    seconds: float
    epochs: float


def label(config: dict) -> str:
    """The name a run is grouped under: the cell, plus for an LSTM its chrono initialisation ("lstm chrono",
    or "lstm chrono=500" with an explicit time range) or its forget bias when it is not 1 ("lstm fb=3")."""
    if config["cell"] != "lstm":
        return config["cell"]
    if config.get("init", "uniform") == "chrono":
        tmax = config.get("chrono_tmax")
        return "lstm chrono" + (f"={tmax:g}" if tmax is not None else "")
    fb = config.get("forget_bias", 1.0)
    return f"lstm fb={fb:g}" if fb != 1.0 else "lstm"


def pretty(label: str) -> str:
    """"lstm fb=3" -> "LSTM (forget bias 3)", "lstm chrono" -> "LSTM (chrono init)", "rnn" -> "RNN"."""
    if label.startswith("lstm chrono"):
        tmax = label.partition("=")[2]
        return "LSTM (chrono init" + (f", T_max {tmax})" if tmax else ")")
    cell, _, fb = label.partition(" fb=")
    return cell.upper() + (f" (forget bias {fb})" if fb else "")


def summarize(records: list[RunRecord]) -> list[Row]:
    """One Row per (task, label, length), sorted by task, label, length; ``Row.cell`` is the label."""
    groups: dict[tuple, list[RunRecord]] = defaultdict(list)
    for r in records:
        groups[(r.config["task"], label(r.config), r.config["length"])].append(r)
    rows = []
    for (task, cell, length), rs in sorted(groups.items()):
        vals = [r.metrics["test"] for r in rs]
        n = len(vals)
        mean = sum(vals) / n
        scored = [r.metrics.get("n_test_scored", 0) for r in rs]
        if all(scored):  # pooled test sequences: sum of per-run successes over sum of per-run sizes
            lo, hi = wilson(sum(v * k for v, k in zip(vals, scored)), sum(scored))
        else:
            lo, hi = min(r.metrics["test_lo"] for r in rs), max(r.metrics["test_hi"] for r in rs)
        if n > 1:
            sd = math.sqrt(sum((v - mean) ** 2 for v in vals) / (n - 1))
            half = t95(n - 1) * sd / math.sqrt(n)
            lo, hi = min(lo, max(0.0, mean - half)), max(hi, min(1.0, mean + half))
        n_solved = sum(bool(r.metrics["solved"]) for r in rs)
        rows.append(Row(task, cell, length, n, mean, lo, hi, min(vals),
                        sum(r.metrics["chance"] for r in rs) / n, n_solved == n, n_solved,
                        sum(r.wall_s for r in rs) / n, sum(r.metrics["epochs"] for r in rs) / n))
    return rows


def longest_solved(rows: list[Row]) -> dict[str, int | None]:
    """Per cell, the longest length at which every seed solved the task and all shorter tested lengths
    were solved too (None when even the shortest was not)."""
    out: dict[str, int | None] = {}
    for cell in dict.fromkeys(r.cell for r in rows):
        best = None
        for r in sorted((r for r in rows if r.cell == cell), key=lambda r: r.length):
            if not r.solved:
                break
            best = r.length
        out[cell] = best
    return out


def at_chance(row: Row) -> bool:
    """True when the row's interval reaches down to its memoryless baseline (not clearly above chance)."""
    return row.lo <= row.chance


def crossover(rows: list[Row], good: str = "lstm", bad: str = "rnn") -> int | None:
    """The shortest tested length where ``good`` is solved and ``bad`` is not clearly above chance."""
    by = {(r.cell, r.length): r for r in rows}
    for length in sorted({r.length for r in rows}):
        g, b = by.get((good, length)), by.get((bad, length))
        if g is not None and b is not None and g.solved and at_chance(b):
            return length
    return None


def conclusions(rows: list[Row]) -> list[str]:
    """Sentences computed from the rows: what each cell solved, where it fell to chance, the crossover."""
    out = []
    if not rows:
        return ["No runs to summarise."]
    task = rows[0].task
    lengths = sorted({r.length for r in rows})
    for cell, best in longest_solved(rows).items():
        mine = [r for r in rows if r.cell == cell]
        chance_at = [r.length for r in mine if at_chance(r)]
        s = (f"{pretty(cell)} solved {task} (every seed at >= the solved level) up to length {best}"
             if best is not None else f"{pretty(cell)} did not solve {task} at any tested length")
        s += (f"; its interval reached chance at length(s) {', '.join(map(str, chance_at))}." if chance_at
              else "; it stayed clearly above chance at every tested length.")
        out.append(s)
    cells = {r.cell for r in rows}
    for good in sorted(c for c in cells if c.startswith("lstm")):
        if "rnn" not in cells:
            break
        x = crossover(rows, good=good)
        out.append(f"The shortest tested length where the {pretty(good)} solved the task while the RNN was at "
                   f"chance: {x}." if x is not None else
                   f"At no tested length ({', '.join(map(str, lengths))}) was the {pretty(good)} solved while "
                   "the RNN was at chance.")
    cost = {c: sum(r.seconds for r in rows if r.cell == c) / sum(r.cell == c for r in rows) for c in cells}
    out.append("Mean training time per run: " + ", ".join(f"{pretty(c)} {cost[c]:.1f} s" for c in sorted(cost))
               + ".")
    return out
