"""Copy / delayed recall: read a few symbols, wait ``length`` blank steps, then write them back in order.

Inputs are one-hot over ``symbols`` data symbols plus a blank and a "go" marker. The model must output the
K symbols at the K steps after the marker; every other step is unscored (head "all").
"""

from __future__ import annotations

import numpy as np

from lstmlab.tasks.base import IGNORE, Task, accuracy, majority_baseline, one_hot


def copy_task(symbols: int = 8, k: int = 5) -> Task:
    """Delayed recall of ``k`` symbols drawn from ``symbols``; sequences have k + length + 1 + k steps."""
    blank, go = symbols, symbols + 1
    n_tokens = symbols + 2

    def make(n: int, length: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        data = rng.integers(0, symbols, size=(n, k))  # (N, K)
        total = k + length + 1 + k
        tokens = np.full((n, total), blank)  # (N, T')
        tokens[:, :k] = data
        tokens[:, k + length] = go
        y = np.full((n, total), IGNORE, dtype=np.int64)  # (N, T'): scored only after the marker
        y[:, -k:] = data
        return one_hot(tokens, n_tokens), y

    return Task("copy", "classify", n_tokens, symbols, "all", make, accuracy, majority_baseline,
                describe=f"write back {k} symbols after `length` blank steps")
