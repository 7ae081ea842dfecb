"""Section 1: the memory problem, measured: gradient flow RNN vs LSTM and the "born in" task."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from lstmlab.demo.config import LSTM_INIT
from lstmlab.demo.context import DemoContext
from lstmlab.demo.phrases import Estimate, compare, pct
from lstmlab.demo.result import Plot, SectionResult, Table


INTRO = """\
A recurrent network reads a sequence one step at a time and carries a state forward. To learn that something \
early in the sequence matters at the end, training needs a gradient that travels back from the loss to that \
early step. In a plain tanh RNN this gradient is multiplied, at every step back, by the recurrent weights and \
the tanh slope; it tends to shrink geometrically with the distance. The LSTM's cell state is updated additively, \
scaled only by the forget gate, which gives the gradient a path that can stay open.

Two measurements test this here. First, the size of the gradient of the loss with respect to the hidden state \
at each step before the end, averaged over a batch, for an RNN and an LSTM of the same width. Second, a small \
language task in the spirit of "I was born in France ... I grew up in ___": generated sentences name a country, \
then run on with filler words, then ask for the country again. Both cells are trained on the same sentences at a \
short and a long distance between the country and the question, and scored on sentences they never saw, with a \
95% confidence interval on the test accuracy and the chance level computed from the data. Training gets a \
fixed budget of epochs (fresh sentences every batch, early stopping on a validation set). The LSTM starts with \
chrono initialisation (Tallec and Ollivier 2018): each unit's forget-gate bias is log(u) for a u drawn between 1 \
and the sentence length, so that its units begin with memories of every time scale up to the whole sentence, \
from a few words to all of them."""


def conclude(n: dict) -> list[str]:
    """Sentences from this section's numbers (see ``run`` for the keys)."""
    out = []
    g = n["gradient"]
    lag = g["max_lag"]
    for when, suffix in (("at initialisation", ""), ("after training", "trained_")):
        r_rnn, r_lstm = g.get(f"{suffix}ratio_rnn"), g.get(f"{suffix}ratio_lstm")
        if r_rnn is None or r_lstm is None:
            continue
        if np.isnan(r_rnn) or np.isnan(r_lstm):
            how = "no comparison: a gradient one step back was zero"
        elif r_rnn < r_lstm:
            how = (f"the LSTM kept {r_lstm / r_rnn:.3g} times more of its gradient over those steps than the RNN"
                   if r_rnn > 0 else "the RNN's gradient vanished entirely")
        elif r_rnn > r_lstm:
            how = (f"the RNN kept {r_rnn / r_lstm:.3g} times more of its gradient over those steps than the LSTM, "
                   "against the usual story" if r_lstm > 0 else "the LSTM's gradient vanished entirely")
        else:
            how = "both kept the same share"
        out.append(f"Gradient {lag} steps back relative to one step back, {when}: {r_rnn:.3g} for the RNN, "
                   f"{r_lstm:.3g} for the LSTM; {how}.")
    for key in ("short", "long"):
        d = n["born_in"][key]
        lstm, rnn = (Estimate(name.upper(), *d[name]) for name in ("lstm", "rnn"))
        chance = d["chance"]
        sentence = compare(lstm, rnn, f"test accuracy at distance {d['distance']}", fmt="{:.3f}")
        at_chance = [e.name for e in (rnn, lstm) if e.lo <= chance]
        tail = (f" Chance level is {pct(chance)}; " +
                (f"{' and '.join(at_chance)} did not get clearly above it." if at_chance else
                 "both were clearly above it."))
        out.append(sentence + tail)
    return out


CELLS = ("rnn", "lstm")


@dataclass(frozen=True)
class Budget:
    """Distances and training effort of this section (RunConfig fields of the memory lab)."""

    short: int  # filler words between the country and the question
    long: int
    n_test: int
    max_epochs: int
    n_batch: int  # sequences in the gradient-flow batch


BUDGETS = {False: Budget(short=5, long=30, n_test=2500, max_epochs=25, n_batch=256),
           True: Budget(short=5, long=20, n_test=1000, max_epochs=10, n_batch=128)}


def run(ctx: DemoContext) -> SectionResult:
    """Gradient flow and the born-in task for RNN and LSTM; leaves the long-distance LSTM for section 2."""
    from lstmlab.lab.experiments import cell_config, gradient_experiment
    from lstmlab.lab.run import RunConfig, run_one

    b = BUDGETS[ctx.quick]
    base = RunConfig("born-in", "lstm", b.long, ctx.seed_for("memory"), n_test=b.n_test,
                     max_epochs=b.max_epochs, init=LSTM_INIT)
    results = {}
    for cell in CELLS:
        ctx.progress(f"training the {cell.upper()} on 'born in' at distance {b.short}")
        results[(b.short, cell)] = run_one(cell_config(replace(base, length=b.short), cell))
    exp = gradient_experiment(base, CELLS, n_batch=b.n_batch, say=ctx.progress)  # trains at distance b.long
    results.update({(b.long, cell): record for cell, record in exp.records.items()})
    ctx.artifacts["born_in_lstm"] = (exp.configs["lstm"], exp.models["lstm"], exp.records["lstm"].metrics)
    numbers = _numbers(b, exp.flows, results, exp.x.shape[1])
    return SectionResult("memory", "", intro=INTRO, numbers=numbers, headline=_headline(numbers),
                         conclusions=conclude(numbers), plots=_plots(exp.flows, results, b),
                         tables=[_table(results)])


def _numbers(b: Budget, flows, results, steps: int) -> dict:
    lag = steps - 1
    by = {(f.cell, f.when): f for f in flows}
    gradient = {"max_lag": lag,
                "ratio_rnn": by[("rnn", "init")].ratio(lag), "ratio_lstm": by[("lstm", "init")].ratio(lag),
                "trained_ratio_rnn": by[("rnn", "trained")].ratio(lag),
                "trained_ratio_lstm": by[("lstm", "trained")].ratio(lag),
                "curves": {f"{f.cell} {f.when}": f.grad_norm.tolist() for f in flows}}
    born_in = {}
    for key, distance in (("short", b.short), ("long", b.long)):
        d = {"distance": distance}
        for cell in CELLS:
            m = results[(distance, cell)].metrics
            d[cell] = [m["test"], m["test_lo"], m["test_hi"]]
            d[f"{cell}_epochs"] = m["epochs"]
            d[f"{cell}_seconds"] = results[(distance, cell)].wall_s
            d["chance"] = m["chance"]
            d["n_test"] = m["n_test_scored"]
        born_in[key] = d
    return {"gradient": gradient, "born_in": born_in}


def _headline(n: dict) -> list[tuple[str, str]]:
    g = n["gradient"]
    out = [(f"gradient {g['max_lag']} steps back / 1 step back, RNN / LSTM (init)",
            f"{g['ratio_rnn']:.2g} / {g['ratio_lstm']:.2g}")]
    for key in ("short", "long"):
        d = n["born_in"][key]
        out.append((f"'born in' accuracy at distance {d['distance']}, RNN / LSTM (chance {pct(d['chance'])})",
                    f"{pct(d['rnn'][0])} / {pct(d['lstm'][0])}"))
    return out


def _table(results) -> Table:
    rows = []
    for (distance, cell), r in sorted(results.items()):
        m = r.metrics
        rows.append([distance, cell.upper(), m["test"], f"[{m['test_lo']:.3f}, {m['test_hi']:.3f}]", m["chance"],
                     m["epochs"], round(r.wall_s, 1)])
    return Table("The 'born in' task: test accuracy on unseen sentences with its 95% interval (Wilson), "
                 "the best memoryless guess (chance), and the training effort",
                 ["distance", "cell", "test accuracy", "95% interval", "chance", "epochs", "seconds"], rows)


def _plots(flows, results, b: Budget) -> list[Plot]:
    from lstmlab.viz.memory import plot_gradient_flow

    fig = plot_gradient_flow(flows, title=f"'born in' sentences, {b.long} filler words")
    return [Plot("gradient-flow", "Size of the gradient of the loss with respect to the hidden state at each "
                 "step, against how many steps before the end that state is (log scale), for an RNN and an "
                 "LSTM before (dotted) and after (solid) training; the LSTM's product of forget gates below.",
                 fig)]
