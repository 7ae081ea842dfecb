"""The lab's two inspection experiments: gradient flow before and after training, and a trained LSTM's gates.

Both return everything a caller needs to go on (the trained models too), so the CLI and the demo call them
instead of repeating their steps.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any, Callable

import numpy as np

from lstmlab.lab.gates import GateReading, read_gates
from lstmlab.lab.gradients import GradientFlow, gradient_flow
from lstmlab.lab.run import RunConfig, RunRecord, initial_model, run_one
from lstmlab.lab.summary import config_label
from lstmlab.tasks import get_task


def cell_config(config: RunConfig, cell: str) -> RunConfig:
    """``config`` for ``cell``: chrono sets LSTM gate biases only, so other cells run (and say) uniform."""
    c = replace(config, cell=cell)
    return c if cell == "lstm" else replace(c, init="uniform", chrono_tmax=None)


@dataclass
class GradientExperiment:
    """What :func:`gradient_experiment` measured and trained, per cell.

    Attributes
    ----------
    flows : GradientFlow per measurement: for each cell, at initialisation, then (when trained) after training
    configs : cell -> the RunConfig its run used (:func:`cell_config`)
    records : cell -> RunRecord of its training run (empty without training)
    models : cell -> the trained torch SequenceModel (empty without training)
    x, y : the measurement batch, (B, T, I) inputs and their targets
    """

    flows: list[GradientFlow]
    configs: dict[str, RunConfig]
    records: dict[str, RunRecord] = field(default_factory=dict)
    models: dict[str, Any] = field(default_factory=dict)
    x: np.ndarray | None = None
    y: np.ndarray | None = None

    def to_dict(self) -> dict:
        """The configs, flows and records as plain JSON-able values (no models, no batch)."""
        return {"configs": {c: asdict(k) for c, k in self.configs.items()},
                "flows": [f.to_dict() for f in self.flows],
                "records": [asdict(r) for r in self.records.values()]}


def gradient_experiment(config: RunConfig, cells: tuple[str, ...] = ("rnn", "lstm"), n_batch: int = 256,
                        train: bool = True, progress: bool = False,
                        say: Callable[[str], None] | None = None) -> GradientExperiment:
    """For each cell: dLoss/dh_t by lag at initialisation and, with ``train``, after training.

    Every cell is measured on the same batch of ``n_batch`` test-distribution sequences of
    ``config.length`` steps (drawn from seed ``[config.seed, 9]``), with the initial weights that
    ``run_one`` starts from. ``progress`` shows the training progress bar; ``say``, if given, receives one
    line per step ("training the LSTM ...").
    """
    task = get_task(config.task)
    x, y = task.sample(n_batch, config.length, np.random.default_rng([config.seed, 9]))  # (B, T, I), targets
    out = GradientExperiment([], {}, x=x, y=y)
    for cell in cells:
        c = out.configs[cell] = cell_config(config, cell)
        name = config_label(asdict(c))
        if say is not None:
            say(f"gradient flow of an untrained {name} over {x.shape[1]} steps")
        init = initial_model(c, x.shape[1])
        out.flows.append(replace(gradient_flow(init, task.kind, x, y, when="init"), init=c.init, label=name))
        if train:
            if say is not None:
                say(f"training the {name} on '{c.task}' at length {c.length}")
            out.records[cell], out.models[cell] = run_one(c, progress=progress, keep_model=True)
            trained = gradient_flow(out.models[cell], task.kind, x, y, when="trained")
            out.flows.append(replace(trained, init=c.init, label=name))
    return out


def step_labels(task_name: str, tokens: np.ndarray | None, x: np.ndarray) -> list[str]:
    """Labels for the steps of one sequence x (T, I): words for "born-in", else the arg-max input index."""
    if task_name == "born-in" and tokens is not None:
        from lstmlab.tasks.born_in import words

        return words(tokens)
    return [str(int(v)) for v in x.argmax(-1)] if x.shape[-1] > 1 else [f"{v:.2g}" for v in x[:, 0]]


def gate_reading(config: RunConfig, model) -> GateReading:
    """Read the gates of a trained LSTM ``model`` (trained per ``config``) on one fresh test sequence.

    The sequence is drawn from seed ``[config.seed, 8]``, of ``config.length``; its target goes into
    ``GateReading.target`` (the country's class for "born-in").
    """
    rng = np.random.default_rng([config.seed, 8])
    if config.task == "born-in":
        from lstmlab.tasks.base import one_hot
        from lstmlab.tasks.born_in import VOCAB, sentences

        tokens, y = sentences(1, config.length, rng)  # (1, T), (1,)
        x = one_hot(tokens, len(VOCAB))[0]  # (T, V)
        labels = step_labels(config.task, tokens[0], x)
    else:
        xs, y = get_task(config.task).sample(1, config.length, rng)
        x = xs[0]  # (T, I)
        labels = step_labels(config.task, None, x)
    target = int(y[0]) if np.ndim(y[0]) == 0 and np.issubdtype(np.asarray(y).dtype, np.integer) else None
    return replace(read_gates(model, x, labels), target=target)


def gate_experiment(config: RunConfig, progress: bool = False) -> tuple[GateReading, RunRecord, Any]:
    """Train an LSTM per ``config`` (cell forced to "lstm") and read its gates on one fresh test sequence.

    Returns the reading, the training record and the trained model.
    """
    c = replace(config, cell="lstm")
    record, model = run_one(c, progress=progress, keep_model=True)
    return gate_reading(c, model), record, model
