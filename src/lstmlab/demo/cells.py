"""Section 5: RNN vs GRU vs LSTM on a long-memory task, several seeds, with confidence intervals."""

from __future__ import annotations

from dataclasses import dataclass

from lstmlab.demo.config import LSTM_INIT
from lstmlab.demo.context import DemoContext
from lstmlab.demo.phrases import Estimate, compare, pct
from lstmlab.demo.result import Plot, SectionResult, Table
from lstmlab.glassbox.networks import CELL_NAMES


INTRO = """\
One trained network of each kind says little: the outcome of a single run depends on the initial weights and \
the order of the batches. Here the three cell types (the tanh RNN, the GRU and the LSTM) are trained with the \
same budget on the "born in" task of section 1, at two distances, each with several seeds (new ones, not those \
of section 1), and scored on held-out sentences. The plot shows the mean test accuracy per cell and length with a 95% confidence interval \
(error bars), next to the chance level of the task.

The conclusions below compare the cells two by two and call a difference only when the intervals do not \
overlap; with few seeds the intervals are wide, and overlapping intervals are reported as such."""


CELLS = CELL_NAMES  # every cell type: rnn, gru, lstm
PAIRS = (("lstm", "rnn"), ("gru", "rnn"), ("lstm", "gru"))


@dataclass(frozen=True)
class Budget:
    """The sweep: a memory-lab task at ``lengths``, ``seeds`` runs per cell and length."""

    task: str
    lengths: tuple[int, ...]
    seeds: int
    n_test: int
    max_epochs: int


BUDGETS = {False: Budget("born-in", lengths=(10, 20), seeds=3, n_test=2500, max_epochs=15),
           True: Budget("born-in", lengths=(5, 20), seeds=2, n_test=500, max_epochs=6)}


def run(ctx: DemoContext) -> SectionResult:
    """Sweep RNN, GRU and LSTM over lengths and seeds with lstmlab.lab; summarise with intervals."""
    from lstmlab.lab.run import RunConfig
    from lstmlab.lab.summary import conclusions, summarize
    from lstmlab.lab.sweep import grid, sweep
    from lstmlab.tasks import get_task
    from lstmlab.viz.memory import plot_metric_vs_length

    b = BUDGETS[ctx.quick]
    first = ctx.seed_for("cells")
    seeds = [first + k for k in range(b.seeds)]
    base = RunConfig(b.task, "lstm", b.lengths[0], first, n_test=b.n_test, max_epochs=b.max_epochs,
                     init=LSTM_INIT)
    configs = grid(base, CELLS, b.lengths, seeds)

    def on_done(record, done, total):
        c, m = record.config, record.metrics
        ctx.progress(f"run {done}/{total}: {c['cell'].upper()} at length {c['length']}, "
                     f"test accuracy {m['test']:.3f}")

    ctx.progress(f"{len(configs)} training runs on '{b.task}'")
    rows = summarize(sweep(configs, None, workers=1, on_done=on_done))
    numbers = {"task": b.task, "describe": get_task(b.task).describe, "seeds": b.seeds,
               "max_epochs": b.max_epochs, "steps_per_epoch": base.steps_per_epoch,
               "lengths": list(b.lengths),
               "rows": [{"cell": r.cell, "init": r.init, "label": r.label, "length": r.length,
                         "mean": r.mean, "lo": r.lo, "hi": r.hi,
                         "chance": r.chance, "n_solved": r.n_solved, "n_seeds": r.n_seeds, "seconds": r.seconds}
                        for r in rows]}
    plot = Plot("accuracy-vs-length", f"Mean test accuracy of each cell on '{b.task}' against the sequence length, "
                f"over {b.seeds} seeds, with 95% intervals of the mean as error bars; dashed: the best memoryless "
                "guess.", plot_metric_vs_length(rows, "test accuracy", title=f"RNN, GRU and LSTM on '{b.task}'"))
    table = Table(f"'{b.task}': mean test accuracy over seeds with its 95% interval, runs that reached the "
                  "task's solved level, and the mean training time per run",
                  ["cell", "length", "mean", "95% interval", "chance", "solved", "seconds per run"],
                  [[r.label, r.length, r.mean, f"[{r.lo:.3f}, {r.hi:.3f}]", r.chance,
                    f"{r.n_solved}/{r.n_seeds}", round(r.seconds, 1)] for r in rows])
    longest = max(b.lengths)
    at = {r.cell: r for r in rows if r.length == longest}
    headline = [(f"'{b.task}' accuracy at length {longest}, RNN / GRU / LSTM",
                 " / ".join(pct(at[c].mean) for c in CELLS if c in at))]
    return SectionResult("cells", "", intro=INTRO, numbers=numbers, headline=headline,
                         conclusions=conclude(numbers) + conclusions(rows), plots=[plot], tables=[table])


def conclude(n: dict) -> list[str]:
    """Pairwise comparisons at every length, decided by the intervals of the mean over seeds."""
    out = [f"Task '{n['task']}': {n['describe']}; {n['seeds']} seeds per cell and length, each run trained for at "
           f"most {n['max_epochs']} epochs of {n['steps_per_epoch']} batches: a cell that fails here may succeed "
           "with a larger budget."]
    by = {(r["cell"], r["length"]): r for r in n["rows"]}
    for length in n["lengths"]:
        parts = []
        for a, b in PAIRS:
            if (a, length) in by and (b, length) in by:
                ra, rb = by[(a, length)], by[(b, length)]
                parts.append(compare(Estimate(ra.get("label", a.upper()), ra["mean"], ra["lo"], ra["hi"]),
                                     Estimate(rb.get("label", b.upper()), rb["mean"], rb["lo"], rb["hi"]),
                                     "mean test accuracy", fmt="{:.3f}"))
        out.append(f"Length {length}: " + " ".join(parts))
    return out
