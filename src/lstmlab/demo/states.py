"""Section 4: how the hidden state h and the cell state c evolve, as lines and heatmaps."""

from __future__ import annotations

from lstmlab.demo.context import DemoContext
from lstmlab.demo.result import SectionResult

INTRO = """\
An LSTM carries two vectors from step to step: the cell state c, changed only by the gated additive update, and \
the hidden state h = o·tanh(c), which is what the next layer and the next step see. The plots follow both, unit \
by unit, as lines and as heatmaps (units down, steps across): first for the small glass-box layer of section 3 on \
its five-step sequence, then for the trained LSTM of section 1 on its sentence.

A common description says that c changes slowly and h quickly. Rather than assume it, the section measures how \
much each state moves per step, relative to its typical size, and reports which one moved more in this run."""
