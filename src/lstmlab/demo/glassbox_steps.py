"""Section 3: an LSTM stepped by hand with the glass-box engine, every gate of every step in a table."""

from __future__ import annotations

import numpy as np

from lstmlab.demo.context import DemoContext
from lstmlab.demo.result import SectionResult, Table

INTRO = """\
This section opens up a single small LSTM layer: one input feature, three units, weights drawn at random \
(torch's initialisation) from the run's seed. The glass-box engine, plain NumPy, processes a five-step \
sequence and records everything it computes on the way.

At each step four vectors are made from the current input and the previous hidden state: the input gate i, \
the forget gate f and the output gate o (sigmoids, between 0 and 1) and the candidate g (tanh, between -1 and 1). \
The cell state is updated as c = f·c_prev + i·g, and the hidden state read out as h = o·tanh(c). The table lists \
these numbers for every unit at every step, so any row can be checked with a calculator.

To show the engine is not an approximation, the same weights are loaded into torch.nn.LSTM and both are run on \
the same input in float64; the largest difference is reported below."""

SEQUENCE = (1.0, 2.0, 3.0, 4.0, 5.0)  # the walk-through sequence: a steady rise, easy to follow by eye
HIDDEN = 3


def conclude(n: dict) -> list[str]:
    """Sentences from this section's numbers."""
    out = [f"Glass-box and torch.nn.LSTM, same weights, same input: the largest difference over every hidden "
           f"state and the final cell state is {n['max_abs_diff_torch']:.1e}"
           + (" (float64 rounding)." if n["max_abs_diff_torch"] < 1e-9 else
              "; that is larger than float64 rounding, so the two disagree in this run.")]
    f_mean, i_mean = n["mean_forget"], n["mean_input"]
    keep = "kept more of the old cell state than it wrote of the new candidate" if f_mean > i_mean + 0.05 else \
        "wrote more of the new candidate than it kept of the old cell state" if f_mean < i_mean - 0.05 else \
        "weighted the old state and the new candidate about equally (gates within 0.05 of each other)"
    out.append(f"Averaged over units and steps the forget gate was {f_mean:.3f} and the input gate {i_mean:.3f}: "
               f"with these untrained weights the cell {keep}.")
    out.append(f"After {n['steps']} steps the cell state spans [{min(n['c_final']):.3f}, {max(n['c_final']):.3f}] "
               f"and the hidden state [{min(n['h_final']):.3f}, {max(n['h_final']):.3f}]; h stays inside (-1, 1) "
               f"by construction (o·tanh(c)), c has no such bound (largest |c| seen: {n['max_abs_c']:.3f}).")
    return out

GATES = ("i", "f", "g", "o")  # torch's gate order; the rows of W_ih, W_hh and the biases come in this order


def run(ctx: DemoContext) -> SectionResult:
    """Step a seeded 1 -> 3 glass-box LSTM over SEQUENCE; table every gate, check against torch."""
    from lstmlab import glassbox

    ctx.progress("stepping a 3-unit LSTM over 5 inputs")
    net = glassbox.LSTM(input_size=1, hidden_size=HIDDEN, dtype=np.float64, seed=ctx.seed_for("glassbox"))
    x = np.asarray(SEQUENCE, dtype=np.float64)[None, :, None]  # (B=1, T=5, I=1)
    out, (h_n, c_n), trace = net.forward(x)  # out (1, T, H); h_n, c_n (1, 1, H)
    q = {name: trace[name][0, 0] for name in (*GATES, "c", "h")}  # each (T, H): layer 0, sequence 0

    ctx.progress("the same weights in torch.nn.LSTM")
    diff = _torch_difference(net, x, out, c_n)
    ctx.artifacts["glassbox_states"] = ({"h": q["h"], "c": q["c"]}, [f"x={v:g}" for v in SEQUENCE])

    T = len(SEQUENCE)
    numbers = {
        "sequence": list(SEQUENCE), "hidden_size": HIDDEN, "steps": T, "max_abs_diff_torch": diff,
        "mean_forget": float(q["f"].mean()), "mean_input": float(q["i"].mean()),
        "mean_output": float(q["o"].mean()), "max_abs_c": float(np.abs(q["c"]).max()),
        "c_final": q["c"][-1].tolist(), "h_final": q["h"][-1].tolist(),
    }
    steps = Table("Every step, every unit: gates i, f, o in (0, 1), candidate g in (-1, 1), then "
                  "c = f·c_prev + i·g and h = o·tanh(c) (c_prev = 0 at step 1)",
                  ["step", "x", "unit", "i", "f", "g", "o", "c", "h"],
                  [[t + 1, SEQUENCE[t], u, *(float(q[n][t, u]) for n in (*GATES, "c", "h"))]
                   for t in range(T) for u in range(HIDDEN)])
    p = net.params
    weights = Table("The weights that produced it (torch layout): the gate pre-activation of a unit is "
                    "W_ih·x + W_hh·h_prev + b_ih + b_hh",
                    ["gate", "unit", "W_ih", *(f"W_hh[{j}]" for j in range(HIDDEN)), "b_ih + b_hh"],
                    [[g, u, float(p["weight_ih_l0"][k * HIDDEN + u, 0]),
                      *(float(w) for w in p["weight_hh_l0"][k * HIDDEN + u]),
                      float(p["bias_ih_l0"][k * HIDDEN + u] + p["bias_hh_l0"][k * HIDDEN + u])]
                     for k, g in enumerate(GATES) for u in range(HIDDEN)])
    return SectionResult("glassbox", "", intro=INTRO, numbers=numbers,
                         headline=[("glass-box vs torch, largest difference", f"{diff:.1e}"),
                                   ("mean forget / input gate", f"{numbers['mean_forget']:.3f} / "
                                                                f"{numbers['mean_input']:.3f}")],
                         conclusions=conclude(numbers), tables=[steps, weights])


def _torch_difference(net, x: np.ndarray, out: np.ndarray, c_n: np.ndarray) -> float:
    """Largest |glass-box - torch| over every hidden state and the final cell state (float64)."""
    import torch

    module = net.to_torch()  # same weights, same dtype
    with torch.no_grad():
        t_out, (_, t_c) = module(torch.from_numpy(x))  # (1, T, H), (1, 1, H)
    return float(max(np.abs(t_out.numpy() - out).max(), np.abs(t_c.numpy() - c_n).max()))
