"""A small fit that tests/nn/test_distributed.py runs in one process and under torchrun; writes the
trained weights of each rank to OUT/rank<R>.npy.

Usage: python ddp_fit_worker.py OUT BATCH_SIZE {sampler,fixed}
"""

import sys
from pathlib import Path

import numpy as np
import torch

from lstmlab.nn import distributed
from lstmlab.nn.train import TrainConfig, fit, loss_fn


def main(out: Path, batch_size: int, mode: str) -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(160, 3)).astype(np.float32)
    y = (x @ np.array([1.0, -2.0, 0.5], np.float32) + rng.normal(0, 0.1, 160).astype(np.float32))[:, None]
    draws = np.random.default_rng(1)  # the same seeded draws in every process

    def sample(n: int):
        idx = draws.integers(0, len(x), n)
        return x[idx], y[idx]

    torch.manual_seed(0)
    model = torch.nn.Linear(3, 1)
    config = TrainConfig(learning_rate=0.05, batch_size=batch_size, max_epochs=4, steps_per_epoch=10, patience=2)
    result = fit(model, loss_fn("regress"), lambda p, t: -float(np.mean((p - t) ** 2)),
                 sample if mode == "sampler" else (x, y), (x[:40], y[:40]), config, torch.Generator().manual_seed(0))
    weights = np.concatenate([p.detach().numpy().ravel() for p in model.parameters()])
    np.save(out / f"rank{distributed.rank()}.npy", np.r_[weights, result.best_epoch, len(result.curve)])


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3])
