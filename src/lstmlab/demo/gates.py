"""Section 2: the gates of the LSTM trained in section 1, read token by token on one sentence."""

from __future__ import annotations

import numpy as np

from lstmlab.demo.context import DemoContext
from lstmlab.demo.phrases import pct
from lstmlab.demo.result import Plot, SectionResult


INTRO = """\
Diagrams of an LSTM draw its gates as valves that open and close with meaning. Here are the real ones: the LSTM \
trained in section 1 at the long distance is loaded into the glass-box engine (weights converted exactly) and \
run on one test sentence; the engine records the input, forget and output gates and the cell state of every \
unit at every token.

Two things are worth looking for. Does the network do something different at the country word than at the \
filler words (a burst of the input gate, a change in the cell state)? And do some units hold their cell state \
over the filler (forget gate near 1), which is the mechanism the LSTM was designed around? The saturation \
numbers count how often each gate is nearly shut (below 0.1) or nearly open (above 0.9)."""


SIMILAR = 0.05  # gate means closer than this count as "about the same"


def run(ctx: DemoContext) -> SectionResult:
    """Read the gates of section 1's long-distance LSTM on one fresh sentence (through the glass box)."""
    from lstmlab.lab.experiments import gate_reading
    from lstmlab.tasks.born_in import COUNTRIES, PREFIX
    from lstmlab.viz.memory import plot_gates, plot_saturation

    config, model, metrics = ctx.need("born_in_lstm", "The memory problem, measured")
    ctx.progress("reading the gates of the trained LSTM on one sentence")
    reading = gate_reading(config, model)  # gates and states of one fresh sentence, each (T, H)
    ctx.artifacts["sentence_states"] = ({"h": reading.h, "c": reading.c}, reading.tokens)
    at = len(PREFIX)  # position of the country word
    filler = slice(at + 2, at + 2 + config.length)  # after the country and the full stop
    sat = reading.saturation()
    dc = np.abs(np.diff(np.vstack([np.zeros_like(reading.c[:1]), reading.c]), axis=0)).mean(1)  # (T,) mean |Δc|
    numbers = {
        "distance": config.length, "units": int(reading.f.shape[1]),
        "test_accuracy": metrics["test"], "test_lo": metrics["test_lo"], "chance": metrics["chance"],
        "country": COUNTRIES[reading.target],
        "predicted": None if reading.prediction is None else COUNTRIES[reading.prediction],
        "input_at_country": float(reading.i[at].mean()), "input_on_filler": float(reading.i[filler].mean()),
        "forget_on_filler": float(reading.f[filler].mean()),
        "units_holding": int((reading.f[filler] > 0.9).all(axis=0).sum()),
        "cell_change_at_country": float(dc[at]), "cell_change_on_filler": float(dc[filler].mean()),
        "saturation": {g: {k: float(v.mean()) for k, v in d.items()} for g, d in sat.items()},
    }
    plots = [Plot("heatmaps", f"Input, forget and output gates (0 to 1) and the cell state of every unit "
                  f"(rows) at every word (columns) of one test sentence, distance {config.length}.",
                  plot_gates(reading, title="Gates of the trained LSTM, word by word")),
             Plot("saturation", "For each unit, the fraction of the sentence's words on which each gate was "
                  "nearly shut (< 0.1) or nearly open (> 0.9).", plot_saturation(reading))]
    headline = [("predicted / true country", f"{numbers['predicted']} / {numbers['country']}"),
                ("input gate at the country / on filler", f"{numbers['input_at_country']:.2f} / "
                                                          f"{numbers['input_on_filler']:.2f}")]
    return SectionResult("gates", "", intro=INTRO, numbers=numbers, headline=headline,
                         conclusions=conclude(numbers), plots=plots)


def conclude(n: dict) -> list[str]:
    """Sentences from the gate numbers of one sentence."""
    right = n["predicted"] == n["country"]
    out = [f"On this sentence the LSTM answered {n['predicted']!r}; the country was {n['country']!r} "
           f"({'right' if right else 'wrong'}). Over all test sentences at distance {n['distance']} it was right "
           f"{pct(n['test_accuracy'])} of the time (chance {pct(n['chance'])})."]
    if n["test_lo"] <= n["chance"]:
        out.append("That is not clearly above chance: this LSTM did not learn the task in this run, so the "
                   "gates below show an untrained pattern, not the mechanism that solves it.")
    a, b = n["input_at_country"], n["input_on_filler"]
    rel = "higher than" if a > b + SIMILAR else "lower than" if a < b - SIMILAR else "about the same as"
    out.append(f"Input gate, mean over units: {a:.2f} at the country word, {b:.2f} on the filler words "
               f"({rel} on filler).")
    p, q = n["cell_change_at_country"], n["cell_change_on_filler"]
    if q > 0:
        out.append(f"The cell state moved by {p:.3f} per unit at the country word and by {q:.3f} per filler word "
                   f"on average ({p / q:.2g} times as much at the country).")
    out.append(f"Forget gate on the filler words: mean {n['forget_on_filler']:.2f}; {n['units_holding']} of "
               f"{n['units']} units kept it above 0.9 on every filler word, i.e. held their cell state across "
               "the gap.")
    s = n["saturation"]
    out.append("Share of words on which a gate was nearly shut / nearly open, averaged over units: "
               + "; ".join(f"{name} {s[g]['shut']:.2f} / {s[g]['open']:.2f}"
                           for g, name in (("i", "input"), ("f", "forget"), ("o", "output"))) + ".")
    return out
