"""A stack of recurrent layers (LSTM, GRU or tanh RNN) in NumPy, with torch's interface and layout."""

from __future__ import annotations

import weakref
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from lstmlab.errors import LstmlabError, LstmlabKeyError, LstmlabTypeError
from lstmlab.glassbox import convert, io
from lstmlab.glassbox.cells import CELLS
from lstmlab.glassbox.init import check_dtype, init_params, param_shapes
from lstmlab.glassbox.trace import Trace

State = Any  # (h, c) for an LSTM, h for a GRU or RNN; each (L, B, H)


@dataclass(frozen=True)
class RecurrentConfig:
    """Everything that defines a network's shape (the weights live in ``params``)."""

    cell: str
    input_size: int
    hidden_size: int
    num_layers: int = 1
    dtype: str = "float64"
    forget_bias: float = 0.0


def _check_positive_int(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise LstmlabError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def _as_float_array(name: str, value, dtype, shape: tuple[int, ...] | None = None,
                    what: str = "") -> np.ndarray:
    """``value`` as a finite array of ``dtype``; with ``shape``, of exactly that shape."""
    arr = np.asarray(value)
    if arr.dtype.kind not in "biuf":
        raise LstmlabTypeError(f"{name} must hold real numbers, got an array of dtype {arr.dtype}")
    if shape is not None and arr.shape != shape:
        raise LstmlabError(f"{name} has shape {arr.shape}, expected {shape}{what}")
    arr = arr.astype(dtype, copy=False)
    if not np.isfinite(arr).all():
        bad = np.argwhere(~np.isfinite(arr))[0]
        raise LstmlabError(f"{name} contains a non-finite value ({arr[tuple(bad)]}) "
                           f"at index {tuple(int(i) for i in bad)}")
    return arr


class Recurrent:
    """A multi-layer recurrent network in NumPy whose every gate can be looked at.

    Use :class:`LSTM`, :class:`GRU` or :class:`RNN`. Inputs are batch-first ``(B, T, I)``;
    weights are stored in ``params`` under torch's names and in torch's layout.

    Parameters
    ----------
    input_size : int
        Features per step, I.
    hidden_size : int
        Units per layer, H.
    num_layers : int
        Stacked layers, L; layer ``k > 0`` reads the hidden states of layer ``k - 1``.
    dtype : float32 or float64
    seed : int or numpy.random.Generator
        Randomness of the initial weights, U(-1/sqrt(H), 1/sqrt(H)) as in torch.
    forget_bias : float
        LSTM only: added to the forget-gate block of each ``bias_ih``.
    """

    cell: str = ""

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, dtype=np.float64,
                 seed: int | np.random.Generator = 0, forget_bias: float = 0.0) -> None:
        if self.cell not in CELLS:
            raise LstmlabTypeError("use glassbox.LSTM, glassbox.GRU or glassbox.RNN")
        dtype = check_dtype(dtype)
        if forget_bias and self.cell != "lstm":
            raise LstmlabError(f"forget_bias applies to an LSTM only, got forget_bias={forget_bias!r} "
                               f"for a {self.cell.upper()}")
        self.config = RecurrentConfig(self.cell, _check_positive_int("input_size", input_size),
                                      _check_positive_int("hidden_size", hidden_size),
                                      _check_positive_int("num_layers", num_layers),
                                      np.dtype(dtype).name, float(forget_bias))
        rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
        self.params: dict[str, np.ndarray] = init_params(self.cell, input_size, hidden_size, num_layers,
                                                         dtype, rng, forget_bias)
        self._work: dict[str, np.ndarray] = {}  # backward's scratch arrays, reused between calls
        self._spare: list[tuple] = []  # (weak reference to a recent trace, its caches): see _take

    # ----------------------------------------------------------------------------- description
    @property
    def input_size(self) -> int:
        return self.config.input_size

    @property
    def hidden_size(self) -> int:
        return self.config.hidden_size

    @property
    def num_layers(self) -> int:
        return self.config.num_layers

    @property
    def dtype(self) -> type:
        return np.dtype(self.config.dtype).type

    @property
    def num_parameters(self) -> int:
        return int(sum(p.size for p in self.params.values()))

    def __repr__(self) -> str:
        c = self.config
        return (f"glassbox.{CELLS[c.cell].torch_class}(input_size={c.input_size}, hidden_size={c.hidden_size}, "
                f"num_layers={c.num_layers}, dtype={c.dtype})")

    def get_config(self) -> dict:
        """The constructor's arguments as a plain dict (``cell`` included)."""
        return asdict(self.config)

    def set_params(self, params: dict[str, np.ndarray]) -> "Recurrent":
        """Replace every parameter by a copy of ``params[name]`` (torch names and shapes); returns self."""
        shapes = param_shapes(self.cell, self.input_size, self.hidden_size, self.num_layers)
        missing = sorted(set(shapes) - set(params))
        extra = sorted(set(params) - set(shapes))
        if missing or extra:
            raise LstmlabKeyError(f"parameters do not match a {self}: missing {missing}, unexpected {extra}")
        self.params = {name: np.array(_as_float_array(name, params[name], self.dtype, shape), copy=True)
                       for name, shape in shapes.items()}
        return self

    # --------------------------------------------------------------------------------- checks
    def _check_input(self, x) -> np.ndarray:
        x = np.asarray(x)
        if x.ndim != 3:
            raise LstmlabError(f"x must have 3 dimensions (batch, steps, features), got shape {x.shape}")
        if x.shape[2] != self.input_size:
            raise LstmlabError(f"x has {x.shape[2]} features per step (shape {x.shape}), "
                               f"expected input_size={self.input_size}")
        if x.shape[0] == 0 or x.shape[1] == 0:
            raise LstmlabError(f"x must have at least one sequence and one step, got shape {x.shape}")
        return _as_float_array("x", x, self.dtype)

    def _split_state(self, state: State, B: int, name: str = "state") -> tuple[np.ndarray | None, np.ndarray | None]:
        """``state`` -> (h, c) arrays of shape (L, B, H) (c is None for GRU/RNN); None -> zeros."""
        L, H = self.num_layers, self.hidden_size
        shape = (L, B, H)
        where = " (num_layers, batch, hidden_size)"
        if state is None:
            return None, None
        if self.cell == "lstm":
            if not isinstance(state, (tuple, list)) or len(state) != 2:
                raise LstmlabTypeError(f"{name} of an LSTM must be a pair (h, c), got {type(state).__name__}")
            return (_as_float_array(f"{name}[0] (h)", state[0], self.dtype, shape, where),
                    _as_float_array(f"{name}[1] (c)", state[1], self.dtype, shape, where))
        if isinstance(state, (tuple, list)):
            raise LstmlabTypeError(f"{name} of a {self.cell.upper()} must be one array h, got a {type(state).__name__}")
        return _as_float_array(f"{name} (h)", state, self.dtype, shape, where), None

    # -------------------------------------------------------------------------------- forward
    def forward(self, x, state: State = None, reuse: Trace | None = None) -> tuple[np.ndarray, State, Trace]:
        """Run the network over a batch of sequences.

        Parameters
        ----------
        x : (B, T, I) array
        state : initial state, like torch: ``(h0, c0)`` each (L, B, H) for an LSTM, ``h0`` (L, B, H)
            for a GRU or RNN; None means zeros.
        reuse : optional :class:`Trace` of an earlier forward of this network that is no longer
            needed: its memory is overwritten by the new trace (and the old trace can no longer be
            used). Without it, the new trace reuses the memory of one of this network's two
            previous traces that no longer exists (nothing refers to it any more), and is freshly
            allocated otherwise. So a training loop never asks the OS for fresh (zeroed) pages, at
            the cost of the network keeping the memory of up to two traces between calls.

        Returns
        -------
        out : (B, T, H) hidden states of the last layer at every step.
        state : final state, ``(h_n, c_n)`` or ``h_n``, each (L, B, H).
        trace : :class:`Trace` with every gate, cell and hidden state; pass it to :meth:`backward`.
        """
        x = self._check_input(x)
        B, T, _ = x.shape
        h0, c0 = self._split_state(state, B)
        cell = CELLS[self.cell]
        olds, spare = self._take(reuse)
        zeros = np.zeros((B, self.hidden_size), dtype=self.dtype)  # (B, H)
        layer_in = np.ascontiguousarray(x.transpose(1, 0, 2))  # (T, B, I) time-major
        inputs, caches = [], []
        for k in range(self.num_layers):
            p = self._layer(k)
            h, cache = cell.forward(layer_in, p["w_ih"], p["w_hh"], p["b_ih"], p["b_hh"],
                                    zeros if h0 is None else h0[k],
                                    (zeros if c0 is None else c0[k]) if cell.has_cell_state else None,
                                    olds[k])
            inputs.append(layer_in)
            caches.append(cache)
            layer_in = h[1:]  # (T, B, H)
        out = layer_in.transpose(1, 0, 2).copy()  # (B, T, H), never a view of the trace
        h_n = np.stack([c["h"][-1] for c in caches])  # (L, B, H)
        final = (h_n, np.stack([c["c"][-1] for c in caches])) if cell.has_cell_state else h_n
        trace = Trace(self.cell, inputs, caches)
        self._spare = [*spare, (weakref.ref(trace), caches)][-2:]
        return out, final, trace

    __call__ = forward

    def _take(self, reuse: Trace | None) -> tuple[list, list]:
        """Memory for the next trace, and the recent traces to remember after it.

        The memory is one cache per layer whose arrays the new trace overwrites (None: fresh
        arrays): those of ``reuse``, which is then marked as spent; else those of one of the two
        previous traces that no longer exists (a trace hands out copies only, so once it is gone
        nothing can see its memory); else fresh.
        """
        if reuse is not None:
            if not isinstance(reuse, Trace):
                raise LstmlabTypeError(f"reuse must be a Trace returned by forward, got {type(reuse).__name__}")
            if reuse.cell != self.cell or len(reuse._caches) not in (0, self.num_layers):
                raise LstmlabError(f"reuse comes from a {reuse.cell.upper()} with {len(reuse._caches)} layers, "
                                   f"not from this {self}")
        spare = self.__dict__.pop("_spare", [])  # atomic: two threads never get the same memory
        self._spare = []
        if reuse is not None:
            olds = list(reuse._caches) or [None] * self.num_layers
            reuse._caches, reuse._inputs = [], []  # its memory now belongs to the new trace
            return olds, [(ref, caches) for ref, caches in spare if ref() is not reuse]
        for k, (ref, caches) in enumerate(spare):
            if ref() is None:
                return caches, spare[:k] + spare[k + 1:]
        return [None] * self.num_layers, spare

    def __getstate__(self) -> dict:
        """Pickling keeps config and parameters, not the scratch memory."""
        return {**self.__dict__, "_work": {}, "_spare": []}

    def _layer(self, k: int) -> dict[str, np.ndarray]:
        p = self.params
        return {"w_ih": p[f"weight_ih_l{k}"], "w_hh": p[f"weight_hh_l{k}"],
                "b_ih": p[f"bias_ih_l{k}"], "b_hh": p[f"bias_hh_l{k}"]}

    # ------------------------------------------------------------------------------- backward
    def backward(self, d_out, trace: Trace, d_state: State = None) -> dict[str, np.ndarray]:
        """Backpropagation through time for the forward pass that made ``trace``.

        Uses the current ``params`` (they must be the ones the forward pass used). Scratch memory
        is reused between calls, so one network must not run two backward passes at once (threads).

        Parameters
        ----------
        d_out : (B, T, H) gradient of the loss w.r.t. ``out``, or None for zeros.
        trace : the :class:`Trace` returned by :meth:`forward`.
        d_state : gradient w.r.t. the final state, shaped like it (``(dh_n, dc_n)`` for an LSTM), or None.

        Returns
        -------
        dict with the gradient of every parameter (torch names and shapes), ``"input"`` (B, T, I),
        ``"h0"`` (L, B, H) and, for an LSTM, ``"c0"`` (L, B, H).
        """
        if not isinstance(trace, Trace):
            raise LstmlabTypeError(f"trace must be the Trace returned by forward, got {type(trace).__name__}")
        L, B, T, H = trace.shape  # raises if the trace's memory was reused
        if trace.cell != self.cell or L != self.num_layers or H != self.hidden_size \
                or trace._inputs[0].shape[-1] != self.input_size:
            raise LstmlabError(f"trace comes from a {trace.cell.upper()} with {L} layers and {H} units, "
                               f"not from this {self}")
        cell = CELLS[self.cell]
        if d_out is None:
            dh_out = np.zeros((T, B, H), dtype=self.dtype)  # (T, B, H)
        else:
            d_out = _as_float_array("d_out", d_out, self.dtype, (B, T, H), " (batch, steps, hidden_size) like out")
            dh_out = d_out.transpose(1, 0, 2)  # (T, B, H) view; each cell lays it out as it needs
        dh_n, dc_n = self._split_state(d_state, B, "d_state")
        zeros = np.zeros((B, H), dtype=self.dtype)
        grads: dict[str, np.ndarray] = {}
        dh0, dc0 = [None] * L, [None] * L
        for k in range(L - 1, -1, -1):
            p = self._layer(k)
            g, dh_out, dh0[k], dc0[k] = cell.backward(
                dh_out, trace._caches[k], trace._inputs[k], p["w_ih"], p["w_hh"], zeros if dh_n is None else dh_n[k],
                (zeros if dc_n is None else dc_n[k]) if cell.has_cell_state else None, self._work)
            grads.update({f"{name}_l{k}": value for name, value in g.items()})  # weight_ih (G*H, I_k), ...
            # dh_out is now (T, B, I_k): the gradient w.r.t. the layer's input
        grads = {name: grads[name] for name in self.params}  # parameter order
        grads["input"] = dh_out.transpose(1, 0, 2).copy()  # (B, T, I), never a view of scratch memory
        grads["h0"] = np.stack(dh0)  # (L, B, H)
        if cell.has_cell_state:
            grads["c0"] = np.stack(dc0)  # (L, B, H)
        return grads

    # ---------------------------------------------------------------------------- conversion
    @classmethod
    def from_torch(cls, module, dtype=None) -> "Recurrent":
        """A copy of a ``torch.nn.LSTM``/``GRU``/``RNN`` (unidirectional, tanh, with biases).

        Weights are copied exactly; ``dtype`` defaults to the module's (float32 or float64).
        """
        return convert.from_torch(cls, module, dtype)

    def to_torch(self):
        """A ``torch.nn.LSTM``/``GRU``/``RNN`` (batch_first=True) with exactly these weights."""
        return convert.to_torch(self)

    @classmethod
    def from_keras(cls, weights, dtype=np.float64) -> "Recurrent":
        """From Keras-layout arrays: one ``[kernel, recurrent_kernel, bias]`` list per layer.

        See :func:`lstmlab.glassbox.convert.from_keras`.
        """
        return convert.from_keras(cls, weights, dtype)

    def to_keras(self) -> list[list[np.ndarray]]:
        """Keras-layout arrays, one ``[kernel, recurrent_kernel, bias]`` list per layer."""
        return convert.to_keras(self)

    def save(self, path) -> None:
        """Write config and weights to a ``.npz`` file (atomically); read back with ``glassbox.load``."""
        io.save(self, path)


class LSTM(Recurrent):
    """Long short-term memory layers: gates i, f, g, o (torch order); state (h, c)."""

    cell = "lstm"


class GRU(Recurrent):
    """Gated recurrent unit layers: gates r, z, n (torch's equations); state h."""

    cell = "gru"


class RNN(Recurrent):
    """Elman RNN layers with tanh: ``h_t = tanh(x W_ih.T + b_ih + h_{t-1} W_hh.T + b_hh)``."""

    cell = "rnn"

