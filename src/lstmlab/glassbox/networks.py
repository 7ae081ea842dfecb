"""The glass box's registry: the three networks by cell name, the one list of cells, and the factories that
build a network by name (from a ``.npz`` file or a torch state dict)."""

from __future__ import annotations

import os

import numpy as np

from lstmlab.errors import LstmlabError, LstmlabTypeError
from lstmlab.glassbox.convert import state_dict_arrays
from lstmlab.glassbox.io import EXPECTED, read
from lstmlab.glassbox.layer import GRU, LSTM, RNN, Recurrent

NETWORKS: dict[str, type[Recurrent]] = {"rnn": RNN, "gru": GRU, "lstm": LSTM}
CELL_NAMES: tuple[str, ...] = tuple(NETWORKS)  # the one list of cells, simplest first: rnn, gru, lstm


def check_cell(cell: str) -> str:
    """Return ``cell`` if it names a cell type, else raise an LstmlabError naming the choices."""
    if cell not in NETWORKS:
        raise LstmlabError(f"unknown cell {cell!r}: expected one of {', '.join(CELL_NAMES)}")
    return cell


def load(path: str | os.PathLike) -> Recurrent:
    """Read a network written by ``net.save(path)``; returns a glassbox LSTM, GRU or RNN.

    Raises
    ------
    LstmlabError : the file is not a valid glassbox file (see :func:`lstmlab.glassbox.io.read`), or its
        config or parameters do not describe a network; the message names the file.
    """
    name = os.fspath(path)
    config, params = read(name)
    cell = config.pop("cell", None)
    if cell not in NETWORKS:
        raise LstmlabError(f"{name}: unknown cell {cell!r}, expected one of {', '.join(CELL_NAMES)}")
    try:
        return NETWORKS[cell](**config).set_params(params)
    except (LstmlabError, TypeError) as exc:  # a config of the wrong names or types, or parameters that do not fit
        raise LstmlabError(f"{name}: {exc} ({EXPECTED})") from None


def from_state_dict(state: dict, cell: str | None = None, dtype=None) -> Recurrent:
    """A glassbox network from a torch-style state dict (name -> array or tensor).

    Sizes come from the shapes and the cell from the number of gate rows unless ``cell`` is given; see
    :func:`lstmlab.glassbox.convert.state_dict_arrays`. ``dtype`` defaults to that of ``weight_ih_l0``.
    """
    if not isinstance(state, dict):
        raise LstmlabTypeError(f"expected a state dict (name -> tensor), got {type(state).__name__}")
    cell, arrays = state_dict_arrays(state, cell)
    w_ih, w_hh = arrays["weight_ih_l0"], arrays["weight_hh_l0"]  # (G*H, I), (G*H, H)
    num_layers = sum(1 for k in arrays if k.startswith("weight_ih_l"))
    dtype = w_ih.dtype if dtype is None else dtype
    dtype = np.float64 if np.dtype(dtype) == np.float64 else np.float32
    return NETWORKS[cell](w_ih.shape[1], w_hh.shape[1], num_layers, dtype=dtype).set_params(arrays)
