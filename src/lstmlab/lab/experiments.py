"""The lab's two inspection experiments: gradient flow before and after training, and a trained LSTM's gates."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from lstmlab.lab.gates import GateReading, read_gates
from lstmlab.lab.gradients import GradientFlow, gradient_flow
from lstmlab.lab.run import RunConfig, RunRecord, initial_model, run_one
from lstmlab.tasks import get_task


def cell_config(config: RunConfig, cell: str) -> RunConfig:
    """``config`` for ``cell``: chrono sets LSTM gate biases only, so other cells run (and say) uniform."""
    c = replace(config, cell=cell)
    return c if cell == "lstm" else replace(c, init="uniform", chrono_tmax=None)


def gradient_experiment(config: RunConfig, cells: tuple[str, ...] = ("rnn", "lstm"), n_batch: int = 256,
                        train: bool = True, progress: bool = False
                        ) -> tuple[list[GradientFlow], list[RunRecord]]:
    """For each cell: dLoss/dh_t by lag at initialisation and, with ``train``, after training.

    Every cell is measured on the same batch of ``n_batch`` test-distribution sequences of
    ``config.length`` steps (drawn from seed ``[config.seed, 9]``), with the initial weights that
    ``run_one`` starts from. Returns the flows (init first, per cell) and the training records.
    """
    task = get_task(config.task)
    x, y = task.sample(n_batch, config.length, np.random.default_rng([config.seed, 9]))
    flows, records = [], []
    for cell in cells:
        c = cell_config(config, cell)
        init = initial_model(c, x.shape[1])
        flows.append(gradient_flow(init, task.kind, x, y, when="init"))
        if train:
            record, model = run_one(c, progress=progress, keep_model=True)
            flows.append(gradient_flow(model, task.kind, x, y, when="trained"))
            records.append(record)
    return flows, records


def step_labels(task_name: str, tokens: np.ndarray | None, x: np.ndarray) -> list[str]:
    """Labels for the steps of one sequence x (T, I): words for "born-in", else the arg-max input index."""
    if task_name == "born-in" and tokens is not None:
        from lstmlab.tasks.born_in import words

        return words(tokens)
    return [str(int(v)) for v in x.argmax(-1)] if x.shape[-1] > 1 else [f"{v:.2g}" for v in x[:, 0]]


def gate_experiment(config: RunConfig, progress: bool = False) -> tuple[GateReading, RunRecord]:
    """Train an LSTM per ``config`` (cell forced to "lstm") and read its gates on one fresh test sequence."""
    c = replace(config, cell="lstm")
    record, model = run_one(c, progress=progress, keep_model=True)
    rng = np.random.default_rng([c.seed, 8])
    if c.task == "born-in":
        from lstmlab.tasks.base import one_hot
        from lstmlab.tasks.born_in import VOCAB, sentences

        tokens, _ = sentences(1, c.length, rng)
        x = one_hot(tokens, len(VOCAB))[0]  # (T, V)
        labels = step_labels(c.task, tokens[0], x)
    else:
        x = get_task(c.task).sample(1, c.length, rng)[0][0]  # (T, I)
        labels = step_labels(c.task, None, x)
    return read_gates(model, x, labels), record
