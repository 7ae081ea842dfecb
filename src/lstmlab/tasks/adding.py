"""The adding problem (Hochreiter & Schmidhuber 1997, experiment 4).

Each step carries a value in [-1, 1] and a marker. Two steps are marked: one among the first ten, one in
the first half (not the same step); the target is 0.5 + (X1 + X2) / 4, in [0, 1]. A sequence counts as
solved when the absolute error is below 0.04. (The paper also varies the length by up to 10%; here the
length is fixed so that results are per length.)
"""

from __future__ import annotations

import numpy as np

from lstmlab.errors import LstmlabError
from lstmlab.tasks.base import Task

TOLERANCE = 0.04


def _make(n: int, length: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    if length < 2:
        raise LstmlabError(f"the adding problem needs length >= 2, got {length}")
    values = rng.uniform(-1.0, 1.0, size=(n, length))  # (N, T)
    first = rng.integers(0, min(10, length), size=n)  # (N,)
    half = max(length // 2, 2)
    second = rng.integers(0, half - 1, size=n)  # (N,) one of the other half-1 steps of the first half
    second = second + (second >= first)  # skip the first marker's step
    marks = np.zeros((n, length))  # (N, T)
    rows = np.arange(n)
    marks[rows, first] = 1.0
    marks[rows, second] = 1.0
    y = 0.5 + (values[rows, first] + values[rows, second]) / 4.0  # (N,)
    x = np.stack([values, marks], axis=-1).astype(np.float32)  # (N, T, 2)
    return x, y.astype(np.float32)


def solved_fraction(pred: np.ndarray, y: np.ndarray) -> float:
    """Fraction of sequences with |pred - y| < 0.04; pred (N,) or (N, 1), y (N,)."""
    return float((np.abs(pred.reshape(y.shape) - y) < TOLERANCE).mean())


def constant_baseline(y_train: np.ndarray, y_test: np.ndarray) -> float:
    """Solved fraction on ``y_test`` of always answering the mean training target (a memoryless predictor)."""
    return solved_fraction(np.full(y_test.shape, y_train.mean()), y_test)


def adding_task() -> Task:
    """The 1997 adding problem; metric: fraction of test sequences with |error| < 0.04."""
    return Task("adding", "regress", 2, 1, "last", _make, solved_fraction, constant_baseline,
                describe="0.5 + (X1 + X2) / 4 of the two marked values among `length` steps")
