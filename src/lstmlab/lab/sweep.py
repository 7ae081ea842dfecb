"""Sweeps: many runs (cells x lengths x seeds) in worker processes, recorded as JSON lines, resumable."""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, fields, replace
from pathlib import Path
from typing import Callable, Iterable

from lstmlab.errors import LstmlabError
from lstmlab.lab.run import RunConfig, RunRecord, run_one

log = logging.getLogger(__name__)


def grid(base: RunConfig, cells: Iterable[str], lengths: Iterable[int], seeds: Iterable[int],
         forget_biases: Iterable[float] | None = None, inits: Iterable[str] | None = None) -> list[RunConfig]:
    """Every (cell, length, seed) combination of ``base``; lengths outermost, so short runs finish first.

    ``forget_biases``: LSTM runs are repeated for each of these initial forget-gate biases (other cells,
    which have no forget gate, run once); None keeps ``base.forget_bias``. ``inits``: LSTM runs are
    repeated for each of these initialisations ("uniform" once per forget bias, "chrono", which does not
    use the forget bias, once); None keeps ``base.init``. Other cells run with ``init="uniform"``.
    """
    fbs = [base.forget_bias] if forget_biases is None else [float(b) for b in forget_biases]
    names = [base.init] if inits is None else list(dict.fromkeys(inits))
    # chrono does not use the forget bias: its runs keep the default, so one chrono run has one config
    unused = RunConfig.__dataclass_fields__["forget_bias"].default
    lstm = [(fb, "uniform") for fb in fbs if "uniform" in names] + [(unused, i) for i in names if i != "uniform"]
    out = []
    for n in lengths:
        for c in cells:
            for fb, init in (lstm if c == "lstm" else [(base.forget_bias, "uniform")]):
                tmax = base.chrono_tmax if init == "chrono" else None
                out += [replace(base, cell=c, length=int(n), seed=int(s), forget_bias=fb, init=init,
                                chrono_tmax=tmax) for s in seeds]
    return out


LATER_FIELDS = ("init", "chrono_tmax", "stop_at")  # RunConfig fields newer than the first records
RENAMED_FIELDS = {"lr": "learning_rate"}  # old name -> RunConfig's, since the training names were unified


def _key(config: dict) -> str:
    return json.dumps(config, sort_keys=True)


def load_records(path: str | os.PathLike) -> list[RunRecord]:
    """The records of a JSON-lines file (an incomplete last line, from an interrupted write, is skipped)."""
    path, out = Path(path), []
    if not path.exists():
        return out
    known = {f.name for f in fields(RunConfig)}
    # Only the fields added after records were first written may be missing; they take their defaults.
    later = {name: RunConfig.__dataclass_fields__[name].default for name in LATER_FIELDS}
    for line in path.read_text().splitlines():
        try:
            d = json.loads(line)
        except json.JSONDecodeError:
            log.warning("skipping an unreadable line in %s", path)
            continue
        config = d.get("config", {})
        if isinstance(config, dict):  # records written before a field was renamed
            config = {RENAMED_FIELDS.get(k, k): v for k, v in config.items()}
        if isinstance(config, dict) and set(config) <= known and known - set(config) <= set(later):
            d["config"] = {**later, **config}
            out.append(RunRecord(**d))
    return out


def _append(path: Path, record: RunRecord) -> None:
    with path.open("a") as fh:  # one line per write: a crash leaves at most one partial line
        fh.write(json.dumps(asdict(record)) + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def _worker_init() -> None:
    import torch

    torch.set_num_threads(1)  # one core per worker: processes, not threads, give the parallelism


def sweep(configs: list[RunConfig], path: str | os.PathLike | None = None, workers: int = 1,
          on_done: Callable[[RunRecord, int, int], None] | None = None) -> list[RunRecord]:
    """Run every config not already recorded in ``path``; return the records of all ``configs``.

    Parameters
    ----------
    configs : list of RunConfig
    path : path of the JSON-lines file; existing records with the same config are reused (resume).
        None keeps the records in memory only.
    workers : processes to use; 1 runs in this process.
    on_done : called as ``on_done(record, done, total)`` after each run (e.g. for a progress bar).
    """
    if workers < 1:
        raise LstmlabError(f"workers must be >= 1, got {workers}")
    path = None if path is None else Path(path)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    done = {_key(r.config): r for r in load_records(path)} if path is not None else {}
    todo = [c for c in configs if _key(asdict(c)) not in done]
    log.info("%d runs, %d already recorded in %s", len(configs), len(configs) - len(todo), path)
    count, total = len(configs) - len(todo), len(configs)

    def record(r: RunRecord) -> None:
        nonlocal count
        if path is not None:
            _append(path, r)
        done[_key(r.config)] = r
        count += 1
        if on_done is not None:
            on_done(r, count, total)

    if workers == 1 or len(todo) <= 1:
        for c in todo:
            record(run_one(c))
    else:
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor, as_completed

        ctx = mp.get_context("spawn")  # a clean interpreter per worker: no forked torch thread pools
        with ProcessPoolExecutor(min(workers, len(todo)), mp_context=ctx, initializer=_worker_init) as pool:
            futures = [pool.submit(run_one, c) for c in todo]
            for f in as_completed(futures):
                record(f.result())
    return [done[_key(asdict(c))] for c in configs]
