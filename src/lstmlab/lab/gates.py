"""Measured gates: a trained LSTM read token by token through the glass-box trace."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstmlab.errors import LstmlabError


@dataclass(frozen=True)
class GateReading:
    """The gates and states of one layer of an LSTM over one sequence.

    Attributes
    ----------
    tokens : T labels of the steps (words for the "born in" task)
    i, f, o, g, c, h : (T, H) arrays, step by step
    prediction : the head's class for the sequence (or None)
    target : the sequence's true class, when the caller knows it (or None)
    """

    tokens: list[str]
    i: np.ndarray
    f: np.ndarray
    o: np.ndarray
    g: np.ndarray
    c: np.ndarray
    h: np.ndarray
    prediction: int | None = None
    target: int | None = None

    def saturation(self, low: float = 0.1, high: float = 0.9) -> dict[str, dict[str, np.ndarray]]:
        """Per gate, per unit: the fraction of steps below ``low`` ("shut") and above ``high`` ("open")."""
        return {name: {"shut": (getattr(self, name) < low).mean(0), "open": (getattr(self, name) > high).mean(0)}
                for name in ("i", "f", "o")}  # each (H,)

    def to_dict(self) -> dict:
        sat = self.saturation()
        return {"tokens": self.tokens, "prediction": self.prediction, "target": self.target,
                **{k: getattr(self, k).tolist() for k in ("i", "f", "o", "g", "c", "h")},
                "saturation": {g: {k: v.tolist() for k, v in d.items()} for g, d in sat.items()}}


def read_gates(model, x: np.ndarray, tokens: list[str], layer: int = -1) -> GateReading:
    """Run a torch LSTM SequenceModel on one sequence x (T, I) through the glass box and read its gates."""
    from lstmlab.nn.convert import to_glassbox

    if model.cell != "lstm":
        raise LstmlabError(f"gates are read from an LSTM, got a {model.cell!r} model")
    if x.ndim != 2 or len(tokens) != x.shape[0]:
        raise LstmlabError(f"expected x (T, I) and T tokens, got x {x.shape} and {len(tokens)} tokens")
    gb = to_glassbox(model)
    out, trace = gb.forward(x[None].astype(np.float64))  # out (1, O), trace[...] (L, 1, T, H)
    pred = int(out[0].argmax()) if out.ndim == 2 and out.shape[1] > 1 else None  # a class, not a regression
    return GateReading(list(tokens), *(trace[k][layer, 0] for k in ("i", "f", "o", "g", "c", "h")),
                       prediction=pred)
