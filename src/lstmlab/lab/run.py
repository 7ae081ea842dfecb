"""One experiment: generate a task's data, train one cell, score it on a held-out test set."""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, field

import numpy as np

from lstmlab.errors import LstmlabError
from lstmlab.glassbox.networks import check_cell
from lstmlab.tasks import get_task
from lstmlab.tasks.base import IGNORE, check_positive


@dataclass(frozen=True)
class RunConfig:
    """Everything that fixes one run; ``asdict(config)`` is stored with its result.

    ``n_train = 0`` (the default) trains on fresh batches drawn every step (``steps_per_epoch`` of
    them per epoch) instead of a fixed training set, so no run can pass by memorising its training set;
    ``n_train > 0`` uses a fixed set of that size. The test set (``n_test``, default 2500 sequences) is
    large enough for a 95% interval of about +-2 points at 50% accuracy; it is drawn from its own
    stream, so it is the same for every cell with the same seed and length.

    ``init``: how the LSTM's gate biases start: ``"uniform"`` (the forget-gate bias set to
    ``forget_bias``) or ``"chrono"`` (Tallec & Ollivier 2018: forget biases log(u), u ~ U[1, chrono_tmax - 1]
    per unit, input biases their negatives; ``forget_bias`` is then not used). ``chrono_tmax`` None means
    the number of steps of the task's sequences. Both leave the RNN and GRU unchanged.

    ``stop_at``: the validation metric at which training stops; None means the task's solved level for a
    regression task (the adding problem) and 1.0 for a classification task. A level above the solved one
    leaves a margin for the difference between the validation and the test sequences.
    """

    task: str = "parity"
    cell: str = "lstm"
    length: int = 20
    seed: int = 0
    hidden_size: int = 32
    n_train: int = 0
    n_val: int = 500
    n_test: int = 2500
    learning_rate: float = 1e-2
    batch_size: int = 128
    max_epochs: int = 60
    steps_per_epoch: int | None = 50
    patience: int = 20
    clip: float = 1.0
    forget_bias: float = 1.0
    max_seconds: float | None = None
    init: str = "uniform"
    chrono_tmax: float | None = None
    stop_at: float | None = None

    def __post_init__(self) -> None:
        from lstmlab.tasks import TASKS

        if self.task not in TASKS:
            raise LstmlabError(f"unknown task {self.task!r}: expected one of {', '.join(TASKS)}")
        check_cell(self.cell)
        check_positive("length", self.length)
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or self.seed < 0:
            raise LstmlabError(f"seed must be an int >= 0, got {self.seed!r}")
        for name in ("hidden_size", "n_val", "n_test"):
            check_positive(name, getattr(self, name))
        if self.n_train < 0 or (self.n_train == 0 and not self.steps_per_epoch):
            raise LstmlabError(f"n_train must be >= 1, or 0 with steps_per_epoch set; got n_train={self.n_train}")
        from lstmlab.nn.init_names import check_init

        check_init(self.init, self.chrono_tmax)
        level = self.stop_at
        if level is not None and (isinstance(level, bool) or not isinstance(level, (int, float))
                                  or not 0 < level <= 1):
            raise LstmlabError(f"stop_at must be a metric level in (0, 1] or None, got {self.stop_at!r}")


@dataclass
class RunRecord:
    """A finished run: its config, test metrics, training curve and wall time."""

    config: dict
    metrics: dict
    curve: list[dict] = field(default_factory=list)
    wall_s: float = 0.0


def wilson(successes: float, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval (95% by default) for a proportion of ``successes`` out of ``n``."""
    p = successes / n
    d = 1 + z * z / n
    mid = (p + z * z / (2 * n)) / d
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return max(0.0, mid - half), min(1.0, mid + half)


def scored_count(y: np.ndarray) -> int:
    """How many targets in y count for the metric."""
    return int((y != IGNORE).sum()) if y.dtype.kind in "iu" else int(y.size)


def init_options(config: RunConfig, n_steps: int) -> dict:
    """The ``init``/``chrono_tmax`` arguments of ``make_model`` for ``config`` on sequences of ``n_steps``."""
    if config.init != "chrono":
        return {"init": config.init}
    return {"init": "chrono", "chrono_tmax": config.chrono_tmax if config.chrono_tmax is not None else max(2, n_steps)}


def initial_model(config: RunConfig, n_steps: int):
    """The untrained SequenceModel a run of ``config`` starts from, on sequences of ``n_steps`` steps."""
    from lstmlab.nn.init import make_model

    task = get_task(config.task)
    return make_model(task.n_inputs, task.n_outputs, config.cell, config.hidden_size, task.head,
                      seed=config.seed, forget_bias=config.forget_bias, **init_options(config, n_steps))


def run_one(config: RunConfig, progress: bool = False, keep_model: bool = False) -> RunRecord | tuple:
    """Train and score one run; with ``keep_model`` return ``(record, model)``.

    The data, the initial weights and the batch order all derive from ``config.seed``: the same config
    gives the same record (up to the wall time).
    """
    import torch

    from lstmlab.nn.train import TrainConfig, fit, loss_fn, predict

    start = time.perf_counter()
    task = get_task(config.task)
    data_rng, test_rng = np.random.default_rng([config.seed, 0]), np.random.default_rng([config.seed, 1])
    x_val, y_val = task.sample(config.n_val, config.length, data_rng)
    x_test, y_test = task.sample(config.n_test, config.length, test_rng)
    if config.n_train:
        train = task.sample(config.n_train, config.length, data_rng)
        y_train = train[1]
    else:
        train_rng = np.random.default_rng([config.seed, 2])
        train = lambda n: task.make(n, config.length, train_rng)  # noqa: E731 - fresh batches
        y_train = task.make(config.n_val, config.length, np.random.default_rng([config.seed, 3]))[1]
    model = initial_model(config, x_val.shape[1])
    tc = TrainConfig(learning_rate=config.learning_rate, batch_size=config.batch_size, max_epochs=config.max_epochs,
                     steps_per_epoch=config.steps_per_epoch, patience=config.patience, clip=config.clip,
                     target=config.stop_at or (task.solved_at if task.kind == "regress" else 1.0),
                     max_seconds=config.max_seconds)
    trained = fit(model, loss_fn(task.kind, IGNORE), task.metric, train, (x_val, y_val), tc,
                  torch.Generator().manual_seed(config.seed), progress=progress)
    pred = predict(model, x_test)
    test = task.metric(pred, y_test)
    n = scored_count(y_test)
    lo, hi = wilson(test * n, n)
    metrics = {"test": test, "test_lo": lo, "test_hi": hi, "n_test_scored": n,
               "chance": task.baseline(y_train, y_test), "solved": test >= task.solved_at,
               "epochs": len(trained.curve), "best_epoch": trained.best_epoch, "stopped": trained.stopped,
               "train_seconds": trained.wall_s}
    if task.kind == "regress":
        metrics["test_mse"] = float(((pred.reshape(y_test.shape) - y_test) ** 2).mean())
    record = RunRecord(asdict(config), metrics, trained.curve, time.perf_counter() - start)
    return (record, model) if keep_model else record
