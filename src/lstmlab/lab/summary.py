"""What the lab concludes, in numbers and sentences: sweep summaries (mean and 95% interval over seeds per kind of run
and length, the longest solved length, the crossover) and the sentences of the gradient and gate experiments."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from lstmlab.glassbox.networks import CELL_NAMES
from lstmlab.lab.gates import GateReading
from lstmlab.lab.gradients import GradientFlow
from lstmlab.lab.run import RunConfig, RunRecord, init_options, wilson

# Two-sided 95% quantiles of Student's t for 1..30 degrees of freedom (standard tables); 1.96 beyond.
_T95 = (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145,
        2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048,
        2.045, 2.042)


def t95(df: int) -> float:
    """The 97.5% quantile of Student's t with ``df`` degrees of freedom."""
    return _T95[df - 1] if df <= len(_T95) else 1.96


@dataclass(frozen=True)
class Row:
    """One kind of run (a cell with its initialisation) at one length, over its seeds.

    ``cell`` is the cell type ("rnn", "gru", "lstm") and ``init``/``forget_bias`` how an LSTM's gate
    biases started: fields for code. ``label`` is the name for people, built by :func:`label`
    ("LSTM (chrono init)"); rows are grouped by it, so each variant of the LSTM is its own row.

    ``lo``/``hi``: a 95% interval for the mean that covers both sources of doubt: the wider of the
    Student-t interval over seeds (seed to seed variation) and the Wilson interval of all test sequences
    pooled (test-set size). ``worst``: the lowest seed. ``solved``: every seed reached the task's solved
    level.
    """

    task: str
    cell: str
    label: str
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
    init: str = "uniform"
    forget_bias: float = 1.0


def label(cell: str, init: str = "uniform", forget_bias: float = 1.0, chrono_tmax: float | None = None) -> str:
    """The name of a kind of run, for people: "RNN", "LSTM", "LSTM (forget bias 3)", "LSTM (chrono init)",
    "LSTM (chrono init, T_max 500)". Only an LSTM's name says how its gate biases started."""
    if cell != "lstm":
        return cell.upper()
    if init == "chrono":
        return "LSTM (chrono init" + (f", T_max {chrono_tmax:g})" if chrono_tmax is not None else ")")
    return f"LSTM (forget bias {forget_bias:g})" if forget_bias != 1.0 else "LSTM"


def config_label(config: dict) -> str:
    """:func:`label` of a run's config (``asdict(RunConfig)``; records older than ``init`` count as uniform)."""
    return label(config["cell"], config.get("init", "uniform"), config.get("forget_bias", 1.0),
                 config.get("chrono_tmax"))


def summarize(records: list[RunRecord]) -> list[Row]:
    """One Row per (task, label, length), sorted by task, cell (rnn, gru, lstm), label and length."""
    groups: dict[tuple, list[RunRecord]] = defaultdict(list)
    for r in records:
        c = r.config
        order = CELL_NAMES.index(c["cell"]) if c["cell"] in CELL_NAMES else len(CELL_NAMES)
        groups[(c["task"], order, config_label(c), c["length"])].append(r)
    rows = []
    for (task, _, name, length), rs in sorted(groups.items()):
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
        c = rs[0].config
        rows.append(Row(task, c["cell"], name, length, n, mean, lo, hi, min(vals),
                        sum(r.metrics["chance"] for r in rs) / n, n_solved == n, n_solved,
                        sum(r.wall_s for r in rs) / n, sum(r.metrics["epochs"] for r in rs) / n,
                        c.get("init", "uniform"), c.get("forget_bias", 1.0)))
    return rows


def longest_solved(rows: list[Row]) -> dict[str, int | None]:
    """Per label, the longest length at which every seed solved the task and all shorter tested lengths
    were solved too (None when even the shortest was not)."""
    out: dict[str, int | None] = {}
    for name in dict.fromkeys(r.label for r in rows):
        best = None
        for r in sorted((r for r in rows if r.label == name), key=lambda r: r.length):
            if not r.solved:
                break
            best = r.length
        out[name] = best
    return out


def at_chance(row: Row) -> bool:
    """True when the row's interval reaches down to its memoryless baseline (not clearly above chance)."""
    return row.lo <= row.chance


def crossover(rows: list[Row], good: str = "LSTM", bad: str = "RNN") -> int | None:
    """The shortest tested length where the rows labelled ``good`` are solved and those labelled ``bad`` are
    not clearly above chance."""
    by = {(r.label, r.length): r for r in rows}
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
    for name, best in longest_solved(rows).items():
        mine = [r for r in rows if r.label == name]
        chance_at = [r.length for r in mine if at_chance(r)]
        s = (f"{name} solved {task} (every seed at >= the solved level) up to length {best}"
             if best is not None else f"{name} did not solve {task} at any tested length")
        s += (f"; its interval reached chance at length(s) {', '.join(map(str, chance_at))}." if chance_at
              else "; it stayed clearly above chance at every tested length.")
        out.append(s)
    names = dict.fromkeys(r.label for r in rows)
    rnn = label("rnn")
    for good in (n for n in names if rnn in names and any(r.label == n and r.cell == "lstm" for r in rows)):
        x = crossover(rows, good=good, bad=rnn)
        out.append(f"The shortest tested length where the {good} solved the task while the RNN was at "
                   f"chance: {x}." if x is not None else
                   f"At no tested length ({', '.join(map(str, lengths))}) was the {good} solved while "
                   "the RNN was at chance.")
    cost = {n: sum(r.seconds for r in rows if r.label == n) / sum(r.label == n for r in rows) for n in names}
    out.append("Mean training time per run: " + ", ".join(f"{n} {cost[n]:.1f} s" for n in names) + ".")
    return out


def gradient_conclusions(flows: list[GradientFlow], lag: int) -> list[str]:
    """Per measurement: how much the gradient shrank from lag 1 to ``lag`` (computed, not assumed)."""
    out = []
    for f in flows:
        r = f.ratio(lag)
        name = f.label or f.cell.upper()
        s = f"{name} ({f.when}): gradient {lag} steps back is {r:.3g} times the one 1 step back"
        if f.forget_product is not None:
            s += f"; the forget gates multiply to {f.forget_product[lag]:.3g} over those steps"
        out.append(s + ".")
    return out


def gate_conclusions(reading: GateReading, record: RunRecord) -> list[str]:
    """What the trained LSTM did on the sentence, from the reading's numbers."""
    sat = reading.saturation()
    H = reading.f.shape[1]
    m = record.metrics
    out = [f"The LSTM reached test accuracy {m['test']:.3f} [{m['test_lo']:.3f}, {m['test_hi']:.3f}] "
           f"(chance {m['chance']:.3f}) at length {record.config['length']}."]
    c = record.config
    if c.get("init") == "chrono":
        tmax = init_options(RunConfig(**c), len(reading.tokens))["chrono_tmax"]
        out.append(f"The forget-gate biases started at log(u), u drawn uniform in [1, {tmax - 1:g}] per unit "
                   f"(chrono init, T_max {tmax:g}): with no other input the gates would sit between 0.50 and "
                   f"{1 - 1 / tmax:.3f}, the input gates at one minus that.")
    else:
        fb = c["forget_bias"]
        out.append(f"The forget-gate bias started at {fb:g}: with no other input the gate would sit at "
                   f"sigmoid({fb:g}) = {1 / (1 + math.exp(-fb)):.2f}.")
    for gate, name in (("i", "input"), ("f", "forget"), ("o", "output")):
        shut, open_ = sat[gate]["shut"], sat[gate]["open"]
        out.append(f"{name} gate: mean fraction of steps shut (< 0.1) {shut.mean():.2f}, open (> 0.9) "
                   f"{open_.mean():.2f}; {int((open_ >= 0.9).sum())} of {H} units open on >= 90% of steps.")
    return out
