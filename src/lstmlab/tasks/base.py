"""The task interface shared by every long-memory task: data, metric, and a baseline computed from data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from lstmlab.errors import LstmlabError, LstmlabTypeError

IGNORE = -1  # target value for steps that are not scored (head "all" tasks)


@dataclass(frozen=True)
class Task:
    """A long-memory task: a generator of (x, y) and how to score predictions.

    Attributes
    ----------
    name : str
    kind : {"classify", "regress"}
        Cross-entropy on class indices, or mean squared error on real targets.
    n_inputs, n_outputs : int
        Features per step (I) and outputs of the model's head (classes, or 1 for regression).
    head : {"last", "all"}
        "last": one target per sequence, y (N,); "all": one per step, y (N, T) with IGNORE on unscored steps.
    make : callable
        ``make(n, length, rng) -> (x, y)`` with x (N, T, I) float32 and y (N,) or (N, T).
    metric : callable
        ``metric(pred, y) -> float`` in [0, 1], higher is better; pred are the head's outputs.
    baseline : callable
        ``baseline(y_train, y_test) -> float``: the metric of the best predictor that ignores the
        input (memoryless), fitted on the training targets and scored on the test targets.
    solved_at : float
        The metric at which a run counts as solving the task.
    describe : str
        One line saying what the model must remember.
    """

    name: str
    kind: str
    n_inputs: int
    n_outputs: int
    head: str
    make: Callable[[int, int, np.random.Generator], tuple[np.ndarray, np.ndarray]]
    metric: Callable[[np.ndarray, np.ndarray], float]
    baseline: Callable[[np.ndarray, np.ndarray], float]
    solved_at: float = 0.99
    describe: str = ""

    def sample(self, n: int, length: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """Validate the arguments, then ``make(n, length, rng)``."""
        check_positive("n", n)
        check_positive("length", length)
        if not isinstance(rng, np.random.Generator):
            raise LstmlabTypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
        return self.make(n, length, rng)


def check_positive(name: str, value: int) -> int:
    """Return ``value`` if it is an int >= 1, else raise naming it."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise LstmlabTypeError(f"{name} must be an int, got {value!r}")
    if value < 1:
        raise LstmlabError(f"{name} must be >= 1, got {value}")
    return int(value)


def one_hot(tokens: np.ndarray, n: int) -> np.ndarray:
    """(N, T) integer tokens -> (N, T, n) float32 one-hot vectors."""
    return np.eye(n, dtype=np.float32)[tokens]  # (N, T, n)


def accuracy(pred: np.ndarray, y: np.ndarray) -> float:
    """Fraction of scored targets whose arg-max class is right; pred (N, C) or (N, T, C), y (N,) or (N, T)."""
    mask = y != IGNORE
    return float((pred.argmax(-1) == y)[mask].mean())


def majority_baseline(y_train: np.ndarray, y_test: np.ndarray) -> float:
    """Accuracy on ``y_test`` of always answering the most frequent scored class of ``y_train``."""
    train = y_train[y_train != IGNORE]
    test = y_test[y_test != IGNORE]
    values, counts = np.unique(train, return_counts=True)
    return float((test == values[counts.argmax()]).mean())
