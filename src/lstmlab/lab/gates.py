"""Gates of a trained LSTM read token by token through the glass-box engine, and how often they saturate."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

GATES = ("i", "f", "o")  # the sigmoid gates of an LSTM (g is the tanh candidate)


def saturation(values: np.ndarray, low: float = 0.1, high: float = 0.9) -> dict[str, np.ndarray]:
    """Per unit, the fraction of entries below ``low`` and above ``high``.

    Parameters
    ----------
    values : ndarray (..., H)
        Gate activations; every axis but the last (sequences, steps) is pooled.

    Returns
    -------
    {"low": (H,), "high": (H,)}
    """
    v = np.asarray(values, dtype=float)
    v = v.reshape(-1, v.shape[-1])  # (N, H)
    return {"low": (v < low).mean(0), "high": (v > high).mean(0)}


@dataclass
class GateTrace:
    """One sequence read by a trained LSTM, step by step.

    Attributes
    ----------
    words : list of str, length T (or step numbers as strings)
    states : dict name -> (T, H) for "i", "f", "g", "o", "c", "h" (first layer)
    probs : ndarray (O,)
        The model's output probabilities (softmax of the head) at the end, for head "last" classification.
    saturation : dict gate -> {"low": (H,), "high": (H,)}
        Over the steps of this sequence, or of a whole batch when measured with :func:`batch_saturation`.
    """

    words: list[str]
    states: dict[str, np.ndarray]
    probs: np.ndarray
    saturation: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)

    def to_dict(self) -> dict:
        """JSON-ready dict."""
        return {"words": self.words, "states": {k: v.tolist() for k, v in self.states.items()},
                "probs": self.probs.tolist(),
                "saturation": {g: {k: v.tolist() for k, v in d.items()} for g, d in self.saturation.items()}}


def _check_lstm(model) -> None:
    if getattr(model, "cell", None) != "lstm":
        raise ValueError(f"gates are read from an LSTM, got cell {getattr(model, 'cell', None)!r}")


def gate_trace(model, x: np.ndarray, words: Sequence[str] | None = None, layer: int = 0) -> GateTrace:
    """Run one sequence through the glass-box copy of ``model`` and keep every gate and state.

    Parameters
    ----------
    model : SequenceModel with cell "lstm"
    x : ndarray (T, I) or (1, T, I)
    words : optional T labels of the steps
    layer : which recurrent layer to read
    """
    from lstmlab.nn.convert import to_glassbox

    _check_lstm(model)
    x = np.asarray(x, dtype=np.float64)
    x = x[None] if x.ndim == 2 else x  # (1, T, I)
    if x.ndim != 3 or x.shape[0] != 1:
        raise ValueError(f"x must be one sequence (T, I) or (1, T, I), got shape {x.shape}")
    T = x.shape[1]
    if words is not None and len(words) != T:
        raise ValueError(f"got {len(words)} words for {T} steps")
    out, trace = to_glassbox(model).forward(x)
    states = {k: trace[k][layer, 0] for k in ("i", "f", "g", "o", "c", "h")}  # each (T, H)
    logits = out[0] if out.ndim == 2 else out[0, -1]  # (O,)
    probs = np.exp(logits - logits.max())
    words = list(words) if words is not None else [str(t) for t in range(T)]
    return GateTrace(words, states, probs / probs.sum(), {g: saturation(states[g]) for g in GATES})


def batch_saturation(model, x: np.ndarray, layer: int = 0, low: float = 0.1, high: float = 0.9) -> dict:
    """Saturation of each gate per unit over every step of a batch x (B, T, I): gate -> {"low", "high"}."""
    from lstmlab.nn.convert import to_glassbox

    _check_lstm(model)
    _, trace = to_glassbox(model).forward(np.asarray(x, dtype=np.float64))
    return {g: saturation(trace[g][layer], low, high) for g in GATES}  # trace[g][layer]: (B, T, H)


@dataclass
class BornInGates:
    """The gates of an LSTM trained on the "born in" task, on one test sentence, and its training record."""

    trace: GateTrace
    country: str  # the right answer
    predicted: str
    record: object  # lab.run.RunRecord


def born_in_gates(config, model=None, n_stats: int = 256, progress: bool = False) -> BornInGates:
    """Train an LSTM on "born in" (``config``: a lab.run.RunConfig with task "born-in", cell "lstm") and read
    its gates on a fresh sentence; saturation is measured over ``n_stats`` fresh sentences.

    Pass an already trained ``model`` to skip training (then ``record`` is None).
    """
    from lstmlab.lab.run import run_one
    from lstmlab.tasks import born_in
    from lstmlab.tasks.base import one_hot

    if config.task != "born-in":
        raise ValueError(f"born_in_gates needs task 'born-in', got {config.task!r}")
    record = None
    if model is None:
        record, model = run_one(config, progress=progress, keep_model=True)
    rng = np.random.default_rng([config.seed, 11])
    tokens, y = born_in.sentences(n_stats, config.length, rng)  # (N, T), (N,)
    x = one_hot(tokens, len(born_in.VOCAB))  # (N, T, V)
    trace = gate_trace(model, x[:1], born_in.words(tokens[0]))
    trace.saturation = batch_saturation(model, x)
    return BornInGates(trace, born_in.COUNTRIES[int(y[0])], born_in.COUNTRIES[int(trace.probs.argmax())], record)
