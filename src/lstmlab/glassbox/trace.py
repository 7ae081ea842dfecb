"""The trace of one forward pass: every gate, cell and hidden state of every layer at every step."""

from __future__ import annotations

import os
from typing import Iterator

import numpy as np

from lstmlab.atomic import atomic_path
from lstmlab.errors import LstmlabError, LstmlabKeyError
from lstmlab.glassbox.cells import CELLS, Cache, quantity


class Trace:
    """What a forward pass saw, kept for inspection and for backward.

    ``trace[name]`` is an array of shape ``(L, B, T, H)``: layers, batch, steps, units. Names are
    ``i, f, g, o, c, h`` for an LSTM, ``r, z, n, h`` for a GRU and ``h`` for an RNN (torch's gate
    meanings). ``trace.inputs[l]`` is what layer ``l`` read, time-major ``(T, B, I_l)``.

    Everything a trace hands out is a copy: its own memory is reachable through the trace only,
    so once the trace is gone the network that made it can reuse that memory for its next trace.
    """

    def __init__(self, cell: str, inputs: list[np.ndarray], caches: list[Cache]) -> None:
        self.cell = cell
        self._inputs = inputs  # per layer (T, B, I_l), views; backward of GRU and RNN reads them
        self._caches = caches  # per layer, the cell's arrays (see glassbox.cells)

    @property
    def inputs(self) -> list[np.ndarray]:
        """What each layer read, a copy per layer: ``(T, B, I_l)``."""
        self._check_alive()
        return [np.array(x) for x in self._inputs]

    @property
    def quantities(self) -> tuple[str, ...]:
        """The names ``trace[name]`` accepts, in a fixed order."""
        return CELLS[self.cell].quantities

    def _check_alive(self) -> None:
        if not self._caches:
            raise LstmlabError("this trace's memory was reused by a later forward(..., reuse=trace): "
                               "it no longer holds its values")

    @property
    def shape(self) -> tuple[int, int, int, int]:
        """``(L, B, T, H)``."""
        self._check_alive()
        T, B, H = self._caches[0]["h"][1:].shape
        return len(self._caches), B, T, H

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self.quantities:
            raise LstmlabKeyError(f"{name!r} is not traced for a {self.cell.upper()}: "
                                  f"expected one of {', '.join(self.quantities)}")
        self._check_alive()
        cell = CELLS[self.cell]
        per_layer = [quantity(cell, cache, name) for cache in self._caches]  # L x (T, B, H)
        return np.stack(per_layer).transpose(0, 2, 1, 3).copy()  # (L, B, T, H)

    def __contains__(self, name: object) -> bool:
        return name in self.quantities

    def __iter__(self) -> Iterator[str]:
        return iter(self.quantities)

    def __len__(self) -> int:
        return len(self.quantities)

    def keys(self) -> tuple[str, ...]:
        return self.quantities

    def items(self) -> Iterator[tuple[str, np.ndarray]]:
        return ((name, self[name]) for name in self.quantities)

    def __repr__(self) -> str:
        if not self._caches:
            return f"Trace(cell={self.cell!r}, reused by a later forward)"
        L, B, T, H = self.shape
        return f"Trace(cell={self.cell!r}, layers={L}, batch={B}, steps={T}, units={H}, quantities={self.quantities})"

    def to_dict(self) -> dict[str, np.ndarray]:
        """Every quantity as ``name -> (L, B, T, H)`` array."""
        return dict(self.items())

    def to_npz(self, path: str | os.PathLike) -> None:
        """Write every quantity (``name -> (L, B, T, H)``) and the cell name to a ``.npz`` file.

        The file is written under a temporary name in the same folder and then moved into place.
        """
        with atomic_path(path, suffix=".npz") as tmp:
            np.savez(tmp, cell=np.array(self.cell), **self.to_dict())

    def to_frame(self):
        """A long pandas table: one row per (batch, step, layer, unit, quantity) with its value.

        Columns ``batch, step, layer, unit, quantity, value``; rows ordered by batch, step, layer,
        quantity (in :attr:`quantities` order) and unit.
        """
        import pandas as pd

        L, B, T, H = self.shape
        names = self.quantities
        stacked = np.stack([self[n] for n in names], axis=3)  # (L, B, T, Q, H)
        values = stacked.transpose(1, 2, 0, 3, 4)  # (B, T, L, Q, H)
        b, t, l, q, u = np.indices(values.shape).reshape(5, -1)
        return pd.DataFrame({
            "batch": b, "step": t, "layer": l, "unit": u,
            "quantity": pd.Categorical.from_codes(q, categories=list(names)),
            "value": values.reshape(-1),
        })
