"""A training loop that knows nothing about the model: Adam, one-cycle learning rate, gradient
clipping, early stopping on a validation set, seeded, with an optional progress bar.

Data-parallel training later (torch.distributed) needs only two changes, both marked below:
draw each process's batch indices from a ``DistributedSampler`` over the window indices instead of
:func:`batch_indices`, wrap the model in ``DistributedDataParallel``, and let rank 0 alone keep
the best state and write files. Windows are gathered per batch from index tensors, so every
process can hold the whole (small) series and only the indices are sharded.
"""

from __future__ import annotations

import copy
import logging
import math
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import torch
from torch import nn

from lstmlab.errors import LstmlabError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrainConfig:
    """How to train. ``patience`` epochs without a better validation loss stop training."""

    epochs: int = 200
    batch_size: int = 128
    learning_rate: float = 5e-3
    weight_decay: float = 0.0
    clip_norm: float = 1.0
    patience: int | None = None
    seed: int = 0
    progress: bool = False


@dataclass
class TrainHistory:
    """Per-epoch mean training and validation losses, and the epoch whose weights were kept."""

    train_loss: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    best_epoch: int = -1
    seconds: float = 0.0


def batch_indices(n: int, batch_size: int, generator: torch.Generator) -> Iterator[torch.Tensor]:
    """Shuffled mini-batches of ``range(n)``. (DDP: replace with a DistributedSampler's indices.)"""
    perm = torch.randperm(n, generator=generator)
    for start in range(0, n, batch_size):
        yield perm[start:start + batch_size]


def train(model: nn.Module, loss_fn: Callable[[nn.Module, torch.Tensor, torch.Tensor], torch.Tensor],
          X: torch.Tensor, Y: torch.Tensor, train_idx: torch.Tensor, val_idx: torch.Tensor | None,
          config: TrainConfig) -> TrainHistory:
    """Train ``model`` in place; keep the weights of the best validation epoch.

    Parameters
    ----------
    X, Y : (N, L) histories and (N, H) targets of every window; may be strided views of one series
        (only each batch is gathered into new memory).
    train_idx, val_idx : window indices to train on and to validate on (None: no validation; the
        last epoch's weights are kept).

    Seeds only a private RNG stream: the global torch RNG state is restored afterwards.
    """
    from tqdm.auto import tqdm

    n = len(train_idx)
    if n == 0:
        raise LstmlabError("no training windows")
    steps_per_epoch = math.ceil(n / config.batch_size)
    patience = config.patience if config.patience is not None else max(10, config.epochs // 4)
    history, best_state, best, stale = TrainHistory(), None, math.inf, 0
    t0 = time.perf_counter()
    with torch.random.fork_rng(devices=[]):  # dropout and init draw from here; restored on exit
        torch.manual_seed(config.seed)
        gen = torch.Generator().manual_seed(config.seed)
        opt = torch.optim.Adam(model.parameters(), lr=config.learning_rate, weight_decay=config.weight_decay)
        # One-cycle: warm up then anneal; robust to the choice of learning rate (Smith & Topin 2019).
        sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=config.learning_rate,
                                                    total_steps=config.epochs * steps_per_epoch)
        # disable=None: tqdm draws the bar only on a terminal, so pipes and log files stay clean.
        bar = tqdm(range(config.epochs), disable=None if config.progress else True, file=sys.stderr,
                   desc="training", leave=False)
        for epoch in bar:
            model.train()
            total = 0.0
            for b in batch_indices(n, config.batch_size, gen):
                idx = train_idx[b]
                loss = loss_fn(model, X[idx], Y[idx])  # (B, L), (B, H) gathered here
                opt.zero_grad()
                loss.backward()
                # Recurrent nets can produce rare huge gradients (exploding products through time).
                nn.utils.clip_grad_norm_(model.parameters(), config.clip_norm)
                opt.step()
                sched.step()
                total += loss.item() * len(idx)
            history.train_loss.append(total / n)
            if val_idx is None or len(val_idx) == 0:
                continue
            model.eval()
            with torch.no_grad():
                val = loss_fn(model, X[val_idx], Y[val_idx]).item()
            history.val_loss.append(val)
            bar.set_postfix(train=f"{history.train_loss[-1]:.4f}", val=f"{val:.4f}")
            if val < best:  # (DDP: only rank 0 keeps and later writes this state)
                best, stale, history.best_epoch = val, 0, epoch
                best_state = copy.deepcopy(model.state_dict())
            else:
                stale += 1
                if stale >= patience:
                    log.info("early stop at epoch %d (best %d)", epoch, history.best_epoch)
                    break
        bar.close()
    if best_state is not None:
        model.load_state_dict(best_state)
    else:
        history.best_epoch = len(history.train_loss) - 1
    model.eval()
    history.seconds = time.perf_counter() - t0
    return history
