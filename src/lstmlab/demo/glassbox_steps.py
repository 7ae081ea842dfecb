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
    out = [f"Glass-box and torch.nn.LSTM, same weights, same input: the largest difference over all h and c "
           f"values is {n['max_abs_diff_torch']:.1e}"
           + (" (float64 rounding)." if n["max_abs_diff_torch"] < 1e-9 else
              "; that is larger than float64 rounding, so the two disagree in this run.")]
    f_mean, i_mean = n["mean_forget"], n["mean_input"]
    keep = "kept more of the old cell state than it wrote of the new candidate" if f_mean > i_mean else \
        "wrote more of the new candidate than it kept of the old cell state" if f_mean < i_mean else \
        "weighted old state and new candidate equally"
    out.append(f"Averaged over units and steps the forget gate was {f_mean:.3f} and the input gate {i_mean:.3f}: "
               f"with these untrained weights the cell {keep}.")
    out.append(f"After {n['steps']} steps the cell state spans [{min(n['c_final']):.3f}, {max(n['c_final']):.3f}] "
               f"and the hidden state [{min(n['h_final']):.3f}, {max(n['h_final']):.3f}]; h stays inside (-1, 1) "
               f"by construction (o·tanh(c)), c has no such bound (largest |c| seen: {n['max_abs_c']:.3f}).")
    return out
