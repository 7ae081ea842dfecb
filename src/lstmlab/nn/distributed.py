"""Data-parallel training with torch.distributed: several processes, one model.

Launch any lstmlab command or script with ``torchrun`` (e.g. ``torchrun --nproc_per_node=2 -m lstmlab
forecast fit ...``). torchrun sets ``RANK``, ``WORLD_SIZE``, ``LOCAL_RANK``, ``MASTER_ADDR`` and
``MASTER_PORT``; :func:`init_from_env` (called by :func:`lstmlab.nn.train.fit`) joins the process
group: NCCL when each process has a GPU, gloo on CPUs. Without those variables, or with one process,
nothing changes and training is the single-process loop.

How the loop shares the work (see :func:`lstmlab.nn.train.fit`): every rank draws the same seeded
global batch of ``batch_size * world`` examples and keeps every ``world``-th row from its rank on, so
the shards are disjoint and each step equals a single-process step on the global batch;
DistributedDataParallel averages the gradients; validation losses are averaged across ranks, so early
stopping is decided identically everywhere; every rank does the same number of steps, so uneven data
never leaves one rank waiting. Only rank 0 should write files (:func:`is_writer`).
"""

from __future__ import annotations

import atexit
import os

import torch
import torch.distributed as dist


def init_from_env() -> None:
    """Join the process group that torchrun's environment describes (once); a no-op for one process."""
    if not dist.is_available() or dist.is_initialized() or int(os.environ.get("WORLD_SIZE", "1")) <= 1:
        return
    if torch.cuda.is_available():
        torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", "0")))
        dist.init_process_group("nccl")
    else:
        dist.init_process_group("gloo")
    atexit.register(leave)


def leave() -> None:
    """Leave the process group (if joined), together: registered to run at exit. A gloo group left to
    the interpreter's shutdown aborted a process now and then ("terminate called without an active
    exception", exit code -6, about one 2-process fit in 15) when one rank (one that writes nothing)
    exited while the other still held the connection; so every rank waits for the others first."""
    if dist.is_available() and dist.is_initialized():
        dist.barrier()
        dist.destroy_process_group()


def world() -> int:
    """Processes training together (1 without torch.distributed)."""
    return dist.get_world_size() if dist.is_available() and dist.is_initialized() else 1


def rank() -> int:
    """This process's place among them (0 without torch.distributed)."""
    return dist.get_rank() if dist.is_available() and dist.is_initialized() else 0


def is_writer() -> bool:
    """True in the one process that writes models, files and logs (rank 0)."""
    if dist.is_available() and dist.is_initialized():
        return dist.get_rank() == 0
    return int(os.environ.get("RANK", "0")) == 0


def mean_across(value: float) -> float:
    """The mean of ``value`` over all processes (``value`` itself for one), the same on every rank."""
    if world() == 1:
        return value
    t = torch.tensor([value], dtype=torch.float64)
    if dist.get_backend() == "nccl":  # NCCL reduces GPU tensors only
        t = t.cuda()
    dist.all_reduce(t)
    return float(t.item()) / world()
