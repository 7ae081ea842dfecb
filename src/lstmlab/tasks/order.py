"""Temporal order (after Hochreiter & Schmidhuber 1997, experiment 6a).

A sequence of random distractor symbols holds two relevant symbols, each X or Y: the first at a random step
in [0.1 T, 0.2 T), the second in [0.5 T, 0.6 T). The class is their order: XX, XY, YX or YY. Start and end
markers frame the sequence as in the paper.
"""

from __future__ import annotations

import numpy as np

from lstmlab.errors import LstmlabError
from lstmlab.tasks.base import Task, accuracy, majority_baseline, one_hot

DISTRACTORS = 4  # tokens 0..3 are distractors, 4 = X, 5 = Y, 6 = start, 7 = end
X, Y, START, END = 4, 5, 6, 7
N_TOKENS = 8


def _window(length: int, lo: float, hi: float) -> tuple[int, int]:
    a = 1 + int(lo * length)
    return a, max(a + 1, 1 + int(hi * length))


def _make(n: int, length: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    if length < 10:
        raise LstmlabError(f"temporal order needs length >= 10, got {length}")
    tokens = rng.integers(0, DISTRACTORS, size=(n, length + 2))  # (N, T + 2) with the markers
    tokens[:, 0], tokens[:, -1] = START, END
    rows = np.arange(n)
    a, b = _window(length, 0.1, 0.2), _window(length, 0.5, 0.6)
    p1, p2 = rng.integers(*a, size=n), rng.integers(*b, size=n)  # (N,), (N,)
    s1, s2 = rng.integers(0, 2, size=n), rng.integers(0, 2, size=n)  # 0 = X, 1 = Y
    tokens[rows, p1] = X + s1
    tokens[rows, p2] = X + s2
    return one_hot(tokens, N_TOKENS), (2 * s1 + s2).astype(np.int64)  # classes XX, XY, YX, YY


def order_task() -> Task:
    """Classify the order of two X/Y symbols hidden among `length` distractors (4 classes)."""
    return Task("order", "classify", N_TOKENS, 4, "last", _make, accuracy, majority_baseline,
                describe="the order (XX, XY, YX, YY) of two symbols among `length` distractors")
