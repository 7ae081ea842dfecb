"""Weights to and from torch modules and the Keras layout.

torch (``nn.LSTM``, ``nn.GRU``, ``nn.RNN``) uses the same names and layout as glassbox, so conversion
is a copy. Keras stores, per layer, ``kernel (I, G*H)``, ``recurrent_kernel (H, G*H)`` and a bias:

* LSTM: gates ``i, f, c, o`` (the same order as torch's ``i, f, g, o``) and ONE bias ``(4H,)``.
  Import puts it in ``bias_ih`` with ``bias_hh = 0``; export writes ``bias_ih + bias_hh``.
* GRU (``reset_after=True``, the Keras 2/3 default, which has torch's equations): gates ``z, r, h``
  and a bias ``(2, 3H)`` of input and recurrent rows.
* SimpleRNN (tanh): ``kernel (I, H)``, ``recurrent_kernel (H, H)``, ``bias (H,)``.

Nothing here imports TensorFlow; torch is imported only inside the torch functions.
"""

from __future__ import annotations

import logging

import numpy as np

from lstmlab.errors import LstmlabError, LstmlabTypeError
from lstmlab.glassbox.cells import CELLS
from lstmlab.glassbox.init import check_dtype

log = logging.getLogger(__name__)

_TORCH_DTYPES = {"float32": np.float32, "float64": np.float64}


def from_torch(cls, module, dtype=None):
    """``cls`` (LSTM, GRU or RNN) with a copy of ``module``'s weights; see ``Recurrent.from_torch``."""
    import torch

    cell = CELLS[cls.cell]
    expected = f"torch.nn.{cell.torch_class}"
    if not isinstance(module, torch.nn.RNNBase):
        raise LstmlabTypeError(f"expected a {expected}, got {type(module).__module__}.{type(module).__name__}")
    if type(module).__name__ != cell.torch_class:
        raise LstmlabTypeError(f"expected a {expected}, got torch.nn.{type(module).__name__}: "
                               f"use glassbox.{type(module).__name__}.from_torch for it")
    if module.bidirectional:
        raise LstmlabError(f"bidirectional {type(module).__name__} is not supported: expected bidirectional=False")
    if getattr(module, "proj_size", 0):
        raise LstmlabError(f"LSTM with proj_size={module.proj_size} is not supported: expected proj_size=0")
    if not module.bias:
        raise LstmlabError(f"{type(module).__name__} with bias=False is not supported: expected bias=True")
    if cell.name == "rnn" and module.nonlinearity != "tanh":
        raise LstmlabError(f"RNN with nonlinearity={module.nonlinearity!r} is not supported: expected 'tanh'")
    if module.dropout:
        log.warning("%s has dropout=%s between layers; glassbox applies none (as torch in eval mode)",
                    type(module).__name__, module.dropout)
    state = {name: p.detach().cpu() for name, p in module.named_parameters()}
    if dtype is None:
        torch_dtype = str(next(iter(state.values())).dtype).replace("torch.", "")
        dtype = _TORCH_DTYPES.get(torch_dtype, np.float32)
    net = cls(module.input_size, module.hidden_size, module.num_layers, dtype=check_dtype(dtype))
    return net.set_params({name: t.numpy() for name, t in state.items()})


def to_torch(net):
    """A torch module (batch_first=True, same dtype) whose parameters equal ``net.params`` exactly."""
    import torch

    torch_class = getattr(torch.nn, CELLS[net.cell].torch_class)
    dtype = getattr(torch, net.config.dtype)
    module = torch_class(net.input_size, net.hidden_size, net.num_layers, batch_first=True, dtype=dtype)
    with torch.no_grad():
        for name, p in module.named_parameters():
            p.copy_(torch.from_numpy(np.ascontiguousarray(net.params[name])))
    return module


# --------------------------------------------------------------------------------------- Keras

def _gru_rows(H: int) -> np.ndarray:
    """Row permutation between Keras (z, r, h) and torch (r, z, n) blocks; it is its own inverse."""
    return np.concatenate([np.arange(H, 2 * H), np.arange(0, H), np.arange(2 * H, 3 * H)])


def from_keras(cls, weights, dtype=np.float64):
    """``cls`` built from Keras-layout arrays.

    Parameters
    ----------
    weights : list with one ``[kernel, recurrent_kernel, bias]`` per layer (what ``layer.get_weights()``
        returns for each stacked Keras layer); one layer's list may be given directly.
    dtype : float32 or float64
    """
    dtype = check_dtype(dtype)
    if len(weights) == 3 and not isinstance(weights[0], (list, tuple)):
        weights = [weights]
    cell = cls.cell
    layers = []
    for k, w in enumerate(weights):
        if len(w) != 3:
            raise LstmlabError(f"layer {k}: expected [kernel, recurrent_kernel, bias], got {len(w)} arrays")
        kernel, recurrent, bias = (np.asarray(a) for a in w)
        if kernel.ndim != 2 or recurrent.ndim != 2 or recurrent.shape[1] != kernel.shape[1]:
            raise LstmlabError(f"layer {k}: kernel {kernel.shape} and recurrent_kernel {recurrent.shape} "
                               f"must be (I, G*H) and (H, G*H)")
        H = recurrent.shape[0]
        G = CELLS[cell].n_gates
        if kernel.shape[1] != G * H:
            raise LstmlabError(f"layer {k}: kernel has {kernel.shape[1]} columns, expected {G}*H = {G * H} "
                               f"for a {cell.upper()} with H={H}")
        if cell == "gru":
            if bias.shape != (2, 3 * H):
                raise LstmlabError(f"layer {k}: GRU bias has shape {bias.shape}, expected (2, {3 * H}) "
                                   "(Keras reset_after=True)")
            rows = _gru_rows(H)
            layers.append({"weight_ih": kernel.T[rows], "weight_hh": recurrent.T[rows],
                           "bias_ih": bias[0][rows], "bias_hh": bias[1][rows]})
        else:
            if bias.shape != (G * H,):
                raise LstmlabError(f"layer {k}: bias has shape {bias.shape}, expected ({G * H},)")
            layers.append({"weight_ih": kernel.T, "weight_hh": recurrent.T,
                           "bias_ih": bias, "bias_hh": np.zeros_like(bias)})
    if not layers:
        raise LstmlabError("weights is empty: expected one [kernel, recurrent_kernel, bias] per layer")
    H, I = layers[0]["weight_hh"].shape[1], layers[0]["weight_ih"].shape[1]
    net = cls(I, H, len(layers), dtype=dtype)
    return net.set_params({f"{name}_l{k}": a for k, layer in enumerate(layers) for name, a in layer.items()})


def to_keras(net) -> list[list[np.ndarray]]:
    """Keras-layout arrays of ``net``: one ``[kernel, recurrent_kernel, bias]`` per layer."""
    out = []
    H = net.hidden_size
    for k in range(net.num_layers):
        w_ih, w_hh = net.params[f"weight_ih_l{k}"], net.params[f"weight_hh_l{k}"]
        b_ih, b_hh = net.params[f"bias_ih_l{k}"], net.params[f"bias_hh_l{k}"]
        if net.cell == "gru":
            rows = _gru_rows(H)
            out.append([np.ascontiguousarray(w_ih[rows].T), np.ascontiguousarray(w_hh[rows].T),
                        np.stack([b_ih[rows], b_hh[rows]])])
        else:
            out.append([np.ascontiguousarray(w_ih.T), np.ascontiguousarray(w_hh.T), b_ih + b_hh])
    return out


# ------------------------------------------------------------------------------ state dicts

_GATES_TO_CELL = {4: "lstm", 3: "gru", 1: "rnn"}


def state_dict_arrays(state: dict, cell: str | None = None) -> tuple[str, dict[str, np.ndarray]]:
    """The cell and the recurrent parameters (torch names, NumPy arrays) in a torch-style state dict.

    Accepts the parameters of an ``nn.LSTM``/``GRU``/``RNN`` alone (``weight_ih_l0``, ...) or inside
    a larger model (``rnn.weight_ih_l0``, ...: the one prefix in front of ``weight_ih_l0`` is used,
    other entries are ignored). The cell comes from the number of gate rows (4H: LSTM, 3H: GRU, H: RNN)
    unless ``cell`` is given, in which case it must agree. ``glassbox.from_state_dict`` builds the network.
    """
    prefixes = sorted(k[:-len("weight_ih_l0")] for k in state if isinstance(k, str) and k.endswith("weight_ih_l0"))
    if len(prefixes) != 1:
        found = "none" if not prefixes else ", ".join(repr(p + "weight_ih_l0") for p in prefixes)
        raise LstmlabError(f"expected exactly one recurrent module (a 'weight_ih_l0' entry) in the state dict, "
                           f"found {found}")
    prefix = prefixes[0]
    own = {k[len(prefix):]: v for k, v in state.items() if isinstance(k, str) and k.startswith(prefix)}
    unsupported = sorted(k for k in own if k.endswith("_reverse") or k.startswith("weight_hr"))
    if unsupported:
        raise LstmlabError(f"bidirectional or projected recurrent layers are not supported (found {unsupported[0]!r})")
    arrays = {k: np.asarray(v.detach().cpu().numpy() if hasattr(v, "detach") else v) for k, v in own.items()}
    w_hh = arrays.get("weight_hh_l0")
    if w_hh is None or w_hh.ndim != 2 or w_hh.shape[1] == 0:
        raise LstmlabError(f"state dict has no 2-D {prefix}weight_hh_l0")
    H = w_hh.shape[1]
    n_gates = w_hh.shape[0] // H
    inferred = _GATES_TO_CELL.get(n_gates) if w_hh.shape[0] % H == 0 else None
    if inferred is None:
        raise LstmlabError(f"{prefix}weight_hh_l0 has shape {w_hh.shape}: expected (4H, H), (3H, H) or (H, H)")
    if cell is not None and cell != inferred:
        raise LstmlabError(f"the state dict holds a {inferred.upper()} ({prefix}weight_hh_l0 {w_hh.shape}), "
                           f"not the requested {cell.upper()}")
    if arrays["weight_ih_l0"].ndim != 2:
        raise LstmlabError(f"{prefix}weight_ih_l0 has shape {arrays['weight_ih_l0'].shape}, expected (G*H, I)")
    return inferred, arrays
