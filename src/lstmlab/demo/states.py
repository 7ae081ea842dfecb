"""Section 4: how the hidden state h and the cell state c evolve, as lines and heatmaps."""

from __future__ import annotations

import numpy as np

from lstmlab.demo.context import DemoContext
from lstmlab.demo.result import Plot, SectionResult


INTRO = """\
An LSTM carries two vectors from step to step: the cell state c, changed only by the gated additive update, and \
the hidden state h = o·tanh(c), which is what the next layer and the next step see. The plots follow both, unit \
by unit, as lines and as heatmaps (units down, steps across): first for the small glass-box layer of section 3 on \
its five-step sequence, then for the trained LSTM of section 1 on its sentence.

A common description says that c changes slowly and h quickly. Rather than assume it, the section measures how \
much each state moves per step, relative to its typical size, and reports which one moved more in this run."""


SIMILAR = 0.10  # relative step sizes within 10% of each other count as "about the same"


def step_change(a: np.ndarray) -> float:
    """Mean |a_t - a_{t-1}| over steps and units, divided by the mean |a|: how much a state moves per step
    relative to its typical size. ``a`` (T, H), T >= 2."""
    size = float(np.abs(a).mean())
    return float(np.abs(np.diff(a, axis=0)).mean() / size) if size > 0 else float("nan")


def run(ctx: DemoContext) -> SectionResult:
    """Lines and heatmaps of h and c for the hand-stepped layer and for the trained LSTM's sentence."""
    from lstmlab.viz.states import plot_state_heatmaps, plot_state_lines

    sources = {}  # key -> ({"h": (T, H), "c": (T, H)}, T step labels)
    if "glassbox_states" in ctx.artifacts:
        sources["hand"] = ctx.artifacts["glassbox_states"]
    if "sentence_states" in ctx.artifacts:
        sources["sentence"] = ctx.artifacts["sentence_states"]
    if not sources:
        raise RuntimeError("no trace to draw: sections 2 and 3 produced none in this run")
    labels = {"hand": "the hand-stepped layer of section 3", "sentence": "the trained LSTM of section 1 on its sentence"}
    numbers, plots = {}, []
    for key, (hc, tokens) in sources.items():
        ctx.progress(f"plotting {labels[key]}")
        h, c = hc["h"], hc["c"]  # (T, H) each
        numbers[key] = {"steps": int(h.shape[0]), "units": int(h.shape[1]),
                        "step_change_h": step_change(h), "step_change_c": step_change(c)}
        for kind, draw in (("lines", plot_state_lines), ("heatmaps", plot_state_heatmaps)):
            trace = {"h": h[None, None], "c": c[None, None]}  # (L=1, B=1, T, H), the layout viz.states reads
            fig = draw(trace, tokens=tokens, title=f"h and c of {labels[key]}")
            plots.append(Plot(f"{key}-{kind}", f"Hidden state h and cell state c of {labels[key]}, per unit, "
                              f"as {'lines' if kind == 'lines' else 'heatmaps (units down, steps across)'}.", fig))
    numbers["missing"] = [labels[k] for k in labels if k not in sources]
    headline = [(f"step change h / c ({k})", f"{v['step_change_h']:.3f} / {v['step_change_c']:.3f}")
                for k, v in numbers.items() if k in labels]
    return SectionResult("states", "", intro=INTRO, numbers=numbers, headline=headline,
                         conclusions=conclude(numbers), plots=plots)


def conclude(n: dict) -> list[str]:
    """Which state moved more per step, relative to its size, for each trace."""
    names = {"hand": "The hand-stepped layer", "sentence": "The trained LSTM on its sentence"}
    out = []
    for key, name in names.items():
        if key not in n:
            continue
        h, c = n[key]["step_change_h"], n[key]["step_change_c"]
        if abs(h - c) <= SIMILAR * max(h, c):
            verdict = "h and c moved about equally"
        elif c < h:
            verdict = f"c moved {h / c:.2g} times less than h: the cell state was the steadier one"
        else:
            verdict = f"c moved {c / h:.2g} times more than h: here the cell state was not the steadier one"
        out.append(f"{name} ({n[key]['steps']} steps, {n[key]['units']} units): per step, h changed by {h:.3f} "
                   f"and c by {c:.3f} of their mean size; {verdict}.")
    for missing in n.get("missing", []):
        out.append(f"No plot of {missing}: that part did not run in this run (see its section).")
    return out
