"""Section 5: RNN vs GRU vs LSTM on a long-memory task, several seeds, with confidence intervals."""

from __future__ import annotations

from lstmlab.demo.context import DemoContext
from lstmlab.demo.result import SectionResult

INTRO = """\
One trained network of each kind says little: the outcome of a single run depends on the initial weights and \
the order of the batches. Here the three cell types (the tanh RNN, the GRU and the LSTM) are trained with the \
same budget on the same long-memory task, at several sequence lengths, each with several seeds, and scored on a \
held-out test set. The plot shows the mean test accuracy per cell and length with a 95% confidence interval \
(error bars), next to the chance level of the task.

The conclusions below compare the cells two by two and call a difference only when the intervals do not \
overlap; with few seeds the intervals are wide, and overlapping intervals are reported as such."""
