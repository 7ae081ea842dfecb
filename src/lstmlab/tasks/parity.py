"""First-element parity: is the first digit of a random digit sequence even?

The tutorial's task. Fed as one-hot tokens the answer is a linear function of the first input, so the
only difficulty is carrying it to the end; fed as a raw scalar (the tutorial's way) the network must also
learn parity of a number, a non-monotone function, which is hard even at length 1.
"""

from __future__ import annotations

import numpy as np

from lstmlab.errors import LstmlabError
from lstmlab.tasks.base import Task, accuracy, majority_baseline, one_hot

DIGITS = 10


def _digits(n: int, length: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    seq = rng.integers(0, DIGITS, size=(n, length))  # (N, T)
    return seq, (seq[:, 0] % 2 == 0).astype(np.int64)  # (N,), 1 = even


def _make_onehot(n: int, length: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    seq, y = _digits(n, length, rng)
    return one_hot(seq, DIGITS), y  # (N, T, 10), (N,)


def _make_scalar(n: int, length: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    seq, y = _digits(n, length, rng)
    return seq[..., None].astype(np.float32), y  # (N, T, 1): the digit's value, as in the tutorial


def parity_task(encoding: str = "onehot") -> Task:
    """First-element parity with digits encoded ``"onehot"`` (10 inputs) or ``"scalar"`` (1 input, raw value)."""
    makers = {"onehot": (_make_onehot, DIGITS), "scalar": (_make_scalar, 1)}
    if encoding not in makers:
        raise LstmlabError(f"unknown encoding {encoding!r}: expected 'onehot' or 'scalar'")
    make, n_inputs = makers[encoding]
    name = "parity" if encoding == "onehot" else "parity-scalar"
    return Task(name, "classify", n_inputs, 2, "last", make, accuracy, majority_baseline,
                describe=f"is the first of `length` random digits even? ({encoding} digits)")
