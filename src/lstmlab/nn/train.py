"""One training loop for every model here (the memory lab's, the demo's and the forecaster's): Adam,
an optional one-cycle learning rate, gradient clipping, the best validation epoch kept.

An epoch is ``steps_per_epoch`` optimiser steps, not necessarily a pass over the data: training may
draw every batch fresh from a sampler, so a panel of many series never has to be materialised.
Inputs may be one array or a tuple of arrays (``model(*inputs)``), and targets likewise (the loss
gets the tuple), so the loop knows nothing about the model or the task.
"""

from __future__ import annotations

import copy
import logging
import math
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import torch
from torch import nn

from lstmlab.errors import LstmlabError
from lstmlab.nn import distributed

log = logging.getLogger(__name__)

Arrays = np.ndarray | tuple[np.ndarray, ...]
Sampler = Callable[[int], tuple[Arrays, Arrays]]
Loss = Callable[[torch.Tensor, torch.Tensor | tuple[torch.Tensor, ...]], torch.Tensor]


@dataclass(frozen=True)
class TrainConfig:
    """How a model is trained.

    Parameters
    ----------
    learning_rate : float
        Adam's learning rate (its peak with the one-cycle schedule). The same name as
        ``LSTMForecaster(learning_rate=...)`` and ``RunConfig.learning_rate``: one set of names for
        the one training loop.
    batch_size : int
    max_epochs : int
        Upper bound on epochs.
    steps_per_epoch : int or None
        Batches per epoch; None means one pass over a fixed training set (required when training
        draws fresh batches from a sampler).
    patience : int
        Stop after this many epochs without a better validation loss; the best weights are kept.
    clip : float
        Gradient norm clipping: a recurrent net's gradient can explode along the sequence; clipping
        its norm keeps one bad batch from throwing the weights far away.
    target : float or None
        Stop as soon as the validation metric reaches this value (e.g. the task's ``solved_at``).
    max_seconds : float or None
        Stop after the epoch that passes this wall-clock budget.
    keep_best : bool
        Keep the weights of the best validation epoch (default), or the last epoch's. A model whose
        validation errors will be reported or calibrated on should keep the last: choosing the
        checkpoint on the same windows makes those errors optimistic.
    device : {"cpu", "cuda", "mps", "auto"}
        Where the model trains (it is moved there); batches are moved per step, results come back to
        the CPU.
    mixed_precision : bool
        On CUDA, run the forward pass and the loss under ``torch.autocast`` in float16, with a gradient
        scaler; the weights and the optimiser stay float32, ``predict`` runs in float32. Off by default.
        Refused on other devices: oneDNN builds without bfloat16 LSTM kernels fail inside autocast
        (measured on this project's AMD EPYC machines), and networks this small gain little there.
    schedule : {"constant", "onecycle"}
        The learning rate: constant ``learning_rate``, or one cycle up to it and down over all
        ``max_epochs * steps_per_epoch`` steps (Smith & Topin 2019; forgiving about the choice of rate).
    """

    learning_rate: float = 3e-3
    batch_size: int = 64
    max_epochs: int = 60
    steps_per_epoch: int | None = None
    patience: int = 8
    clip: float = 1.0
    target: float | None = None
    max_seconds: float | None = None
    schedule: str = "constant"
    device: str = "cpu"
    keep_best: bool = True
    mixed_precision: bool = False

    def __post_init__(self) -> None:
        for name in ("batch_size", "max_epochs", "patience"):
            if getattr(self, name) < 1:
                raise LstmlabError(f"{name} must be >= 1, got {getattr(self, name)}")
        if self.learning_rate <= 0 or self.clip <= 0:
            raise LstmlabError(f"learning_rate and clip must be > 0, got learning_rate={self.learning_rate}, "
                               f"clip={self.clip}")


@dataclass
class TrainResult:
    """What ``fit`` did: the curve has one dict per epoch (epoch, train_loss, val_loss, val_metric, seconds)."""

    curve: list[dict] = field(default_factory=list)
    best_epoch: int = 0
    stopped: str = ""
    wall_s: float = 0.0

    @property
    def train_loss(self) -> list[float]:
        return [c["train_loss"] for c in self.curve]

    @property
    def val_loss(self) -> list[float]:
        return [c["val_loss"] for c in self.curve]


def loss_fn(kind: str, ignore_index: int = -100) -> Loss:
    """Cross-entropy over class indices for ``"classify"`` (targets equal to ``ignore_index`` are not
    scored: the caller's task says which value that is), mean squared error for ``"regress"``."""
    if kind == "classify":
        ce = nn.CrossEntropyLoss(ignore_index=ignore_index)
        return lambda out, y: ce(out.reshape(-1, out.shape[-1]), y.reshape(-1))  # (N*T, C) vs (N*T,)
    if kind == "regress":
        return lambda out, y: ((out.reshape(y.shape) - y) ** 2).mean()
    raise ValueError(f"unknown task kind {kind!r}: expected 'classify' or 'regress'")


DEVICES = ("auto", "cpu", "cuda", "mps")


def resolve_device(device: str) -> torch.device:
    """``"auto"``: CUDA if available, else Apple's MPS if available, else the CPU; or the device named."""
    if device not in DEVICES:
        raise LstmlabError(f"device={device!r}: expected one of {', '.join(DEVICES)}")
    if device == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        mps = getattr(torch.backends, "mps", None)
        return torch.device("mps" if mps is not None and mps.is_available() else "cpu")
    if device == "cuda" and not torch.cuda.is_available():
        raise LstmlabError("device='cuda' but torch sees no CUDA device: use 'auto' or 'cpu'")
    mps = getattr(torch.backends, "mps", None)
    if device == "mps" and not (mps is not None and mps.is_available()):
        raise LstmlabError("device='mps' but torch sees no MPS device: use 'auto' or 'cpu'")
    return torch.device(device)


def _tensor(a: Arrays, device: torch.device | None = None):
    """One array, or a tuple of arrays, as tensors (sharing their memory on the CPU), on ``device``."""
    if isinstance(a, tuple):
        return tuple(_tensor(x, device) for x in a)
    t = torch.from_numpy(np.ascontiguousarray(a))
    return t if device is None else t.to(device, non_blocking=True)


def _device_of(model: nn.Module) -> torch.device:
    return next(model.parameters()).device


def _rows(a: Arrays, idx) -> Arrays:
    return tuple(x[idx] for x in a) if isinstance(a, tuple) else a[idx]


def _call(model: nn.Module, x):
    return model(*x) if isinstance(x, tuple) else model(x)


@torch.no_grad()
def predict(model: nn.Module, x: Arrays, batch_size: int = 512) -> np.ndarray:
    """Model outputs for x (N, ...) or a tuple of such arrays, as a numpy array on the CPU, in eval mode,
    computed ``batch_size`` rows at a time."""
    model.eval()
    n = len(x[0]) if isinstance(x, tuple) else len(x)
    dev = _device_of(model)  # outputs come back to the CPU, where NumPy takes over
    out = [_call(model, _tensor(_rows(x, slice(i, i + batch_size)), dev)).float().cpu().numpy()
           for i in range(0, n, batch_size)]
    return np.concatenate(out)


def fit(model: nn.Module, loss: Loss, metric: Callable[[np.ndarray, np.ndarray], float],
        train: tuple[np.ndarray, np.ndarray] | Sampler, val: tuple[np.ndarray, np.ndarray],
        config: TrainConfig, generator: torch.Generator, progress: bool = False) -> TrainResult:
    """Train ``model`` in place; on return it holds the weights of the best validation epoch.

    Parameters
    ----------
    model : nn.Module
        Maps x (B, T, I) to head outputs (or several input arrays: ``model(*x)``).
    loss : callable
        ``loss(out, y) -> scalar tensor``, e.g. :func:`loss_fn`; ``y`` as the data gives it (a tensor or a
        tuple of tensors).
    metric : callable
        ``metric(pred, y) -> float``, higher is better, computed on the validation set each epoch.
    train : (x, y) arrays or callable (x and y each an array or a tuple of arrays)
        A fixed training set (shuffled each epoch with ``generator``), or ``sample(n) -> (x, y)``
        that draws fresh examples for every batch (then ``config.steps_per_epoch`` is required).
    val : (x, y) arrays, or None: no validation (the curve's val_loss is then the training loss, and
        the last epoch's weights are kept)
    generator : torch.Generator
        Drives the batch order.
    progress : bool
        Show a tqdm bar on stderr (rank 0 only).

    Under ``torchrun`` (several processes; see :mod:`lstmlab.nn.distributed`) the model is wrapped in
    DistributedDataParallel, each rank trains on its shard of every global batch of ``batch_size`` x
    world examples, and every decision (divergence, early stopping, the time budget) is taken on values
    averaged across ranks, so all ranks stop together with the same weights.
    """
    from tqdm.auto import tqdm

    criterion = loss
    dev = resolve_device(config.device)
    model.to(dev)
    distributed.init_from_env()
    W, R = distributed.world(), distributed.rank()
    net = model if W == 1 else nn.parallel.DistributedDataParallel(
        model, device_ids=[dev.index] if dev.type == "cuda" else None)
    fixed = not callable(train)
    if not fixed and config.steps_per_epoch is None:
        raise LstmlabError("training from a sampler needs config.steps_per_epoch")
    if fixed:
        xt, yt = _tensor(train[0], dev), _tensor(train[1], dev)
        n_fixed = len(xt[0]) if isinstance(xt, tuple) else len(xt)
        steps = config.steps_per_epoch or -(-n_fixed // config.batch_size)
    else:
        steps = config.steps_per_epoch
    opt = torch.optim.Adam(model.parameters(), lr=config.learning_rate)
    sched = (torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=config.learning_rate, total_steps=config.max_epochs * steps)
             if config.schedule == "onecycle" else None)
    if config.mixed_precision and dev.type != "cuda":
        raise LstmlabError(f"mixed_precision=True needs a CUDA device, not {dev.type!r}: train in float32 there")
    scaler = torch.amp.GradScaler("cuda") if config.mixed_precision else None
    result, best_loss, best_state = TrainResult(), float("inf"), copy.deepcopy(model.state_dict())
    yv = None if val is None else _tensor(val[1])
    start, bad = time.perf_counter(), 0
    # disable=None: the bar is drawn only on a terminal, so pipes and log files stay clean.
    bar = tqdm(range(1, config.max_epochs + 1), disable=None if progress and R == 0 else True, leave=False,
               unit="epoch")
    for epoch in bar:
        model.train()
        order = torch.randperm(n_fixed, generator=generator).to(dev) if fixed else None
        total = 0.0
        for s in range(steps):
            if fixed and W == 1:
                idx = order[(s * config.batch_size) % n_fixed:][:config.batch_size]
                xb, yb = _rows(xt, idx), _rows(yt, idx)  # (B, T, I), (B,) or (B, T)
            elif fixed:  # a full global batch (wrapping around), this rank's every W-th row
                size = config.batch_size * W
                idx = order[(s * size + torch.arange(size, device=order.device)) % n_fixed][R::W]
                xb, yb = _rows(xt, idx), _rows(yt, idx)
            elif W == 1:
                xb, yb = (_tensor(a, dev) for a in train(config.batch_size))
            else:  # every rank draws the same seeded global batch and keeps its shard
                xg, yg = train(config.batch_size * W)
                xb, yb = (_tensor(_rows(a, slice(R, None, W)), dev) for a in (xg, yg))
            with torch.autocast(dev.type, dtype=torch.float16, enabled=config.mixed_precision):
                value = criterion(_call(net, xb), yb)
            opt.zero_grad()
            (value if scaler is None else scaler.scale(value)).backward()
            if scaler is not None:
                scaler.unscale_(opt)  # clip the true gradients, not the scaled ones
            # A recurrent net's gradient can explode along the sequence: clipping its norm keeps one bad
            # batch from throwing the weights far away.
            nn.utils.clip_grad_norm_(model.parameters(), config.clip)
            if scaler is None:
                opt.step()
            else:
                scaler.step(opt)  # skips a step whose gradients overflowed float16
                scaler.update()
            if sched is not None:
                sched.step()
            total += value.item()
        total = distributed.mean_across(total)
        if not math.isfinite(total):
            raise LstmlabError(f"training diverged at epoch {epoch} (loss {total / steps}): lower the learning "
                               "rate, or check the data for extreme values")
        if val is None:
            pred, val_loss, val_metric = None, total / steps, float("nan")  # no validation: the last epoch is kept
        else:
            pred = predict(model, val[0])
            val_loss = distributed.mean_across(float(criterion(torch.from_numpy(pred), yv)))
            val_metric = distributed.mean_across(metric(pred, val[1]))
        seconds = distributed.mean_across(time.perf_counter() - start)
        result.curve.append({"epoch": epoch, "train_loss": total / steps, "val_loss": val_loss,
                             "val_metric": val_metric, "seconds": seconds})
        bar.set_postfix(loss=f"{val_loss:.3g}", metric=f"{val_metric:.3f}")
        if val is None or not config.keep_best:
            best_state, result.best_epoch = None, epoch
        elif val_loss < best_loss:
            best_loss, best_state, result.best_epoch, bad = val_loss, copy.deepcopy(model.state_dict()), epoch, 0
        else:
            bad += 1
        if config.target is not None and val_metric >= config.target:
            best_state, result.best_epoch, result.stopped = copy.deepcopy(model.state_dict()), epoch, "target"
            break
        if bad >= config.patience:
            result.stopped = "patience"
            break
        if config.max_seconds is not None and seconds >= config.max_seconds:
            result.stopped = "time"
            break
    else:
        result.stopped = "max_epochs"
    if best_state is not None:
        model.load_state_dict(best_state)
    result.wall_s = time.perf_counter() - start
    log.info("trained %d epochs (%s), best epoch %d, %.1f s", len(result.curve), result.stopped,
             result.best_epoch, result.wall_s)
    return result
