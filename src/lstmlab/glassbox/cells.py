"""The three recurrent cells, one layer through time: forward with an explicit cache, and backward.

All arrays here are time-major and contiguous: ``(T, B, ...)``. The input projection of every
step, ``x @ W_ih.T + b``, is one GEMM before the loop; the loops add only the recurrent term
``h @ W_hh.T`` per step, into preallocated buffers. (The LSTM keeps its gates as ``(T, 4, B, H)``:
each step's four gates are one contiguous ``(4, B, H)`` block, so that its per-step ufuncs never
touch strided memory.)

Weight layout and gate order are torch's, stated once here:

* LSTM, G = 4, rows of ``W_ih``/``W_hh`` are ``i, f, g, o``::

      i, f, o = sigmoid(.)  g = tanh(.)  c_t = f * c_{t-1} + i * g   h_t = o * tanh(c_t)

* GRU, G = 3, rows ``r, z, n``::

      r, z = sigmoid(xw_rz + h W_hh_rz.T + b_hh_rz)
      n = tanh(xw_n + r * (h W_hh_n.T + b_hh_n))       h_t = (1 - z) * n + z * h_{t-1}

* RNN (tanh), G = 1: ``h_t = tanh(xw + h W_hh.T + b_hh)``.

NumPy computes ``tanh`` and ``exp`` element by element, and ``exp`` costs about half as much, so the
LSTM computes its four gates with one ``exp``: ``sigmoid(a) = 1 / (1 + exp(-a))`` and
``tanh(a) = 2 / (1 + exp(-2a)) - 1`` (:func:`_activate`; ``exp`` overflowing to inf gives the exact
limits 0 and -1). The GRU computes its sigmoids as ``0.5 * tanh(0.5 * a) + 0.5``. The factors
(-1 and -2 for the LSTM, 0.5 for the GRU) are folded into the gate rows of the weights and biases
before the loop; scaling by a power of two or by -1 is exact in binary floating point, so this
changes no result.

Backward returns the gradient of the loss with respect to ``xw`` (``dxw``, which is also the
gradient of ``b_ih``) and to the recurrent pre-activation ``hw = h W_hh.T + b_hh`` (``dhw``, which
is also the gradient of ``b_hh``), both ``(T, B, G*H)``; the caller turns them into weight
gradients with one GEMM each over all steps. For LSTM and RNN the two are the same array.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

Cache = dict[str, np.ndarray]


def _sigmoid_scale(gates: str, H: int, dtype) -> np.ndarray:
    """Per-row factor (G*H,): 0.5 on sigmoid-gate rows, 1 elsewhere."""
    return np.repeat(np.array([0.5 if g == "s" else 1.0 for g in gates], dtype=dtype), H)


def project(x: np.ndarray, w: np.ndarray, b: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Input projection of all steps as one GEMM: (T, B, I) -> (T, B, G*H) = x @ w.T + b (into ``out``)."""
    T, B, I = x.shape
    G = w.shape[0]
    out = np.empty((T, B, G), dtype=x.dtype) if out is None else out  # (T, B, G*H)
    np.matmul(x.reshape(T * B, I), w.T, out=out.reshape(T * B, G))
    out += b
    return out


def scratch(work: dict | None, name: str, shape: tuple[int, ...], dtype) -> np.ndarray:
    """An uninitialised array, reused from ``work`` (a network's scratch space) when one fits.

    Backward's per-step gradients never leave the backward call, so a training loop can keep
    writing into the same memory instead of asking the OS for fresh pages every step.
    """
    if work is None:
        return np.empty(shape, dtype=dtype)
    arr = work.get(name)
    if arr is None or arr.shape != shape or arr.dtype != dtype:
        arr = work[name] = np.empty(shape, dtype=dtype)
    return arr


def _exp_scale(gates: str, H: int, dtype) -> np.ndarray:
    """Per-row factor (G*H,): -1 on sigmoid-gate rows, -2 on tanh-gate rows (see :func:`_activate`)."""
    return np.repeat(np.array([-1.0 if g == "s" else -2.0 for g in gates], dtype=dtype), H)


def _activate(a: np.ndarray) -> None:
    """In place, on ``(4, B, H)`` gate blocks i, f, o, g holding ``-a`` (sigmoids) and ``-2a`` (g).

    ``sigmoid(a) = 1 / (1 + exp(-a))`` and ``tanh(a) = 2 / (1 + exp(-2a)) - 1``: one ``exp`` over all
    four blocks costs less than ``tanh``, which NumPy computes element by element.
    """
    np.exp(a, out=a)
    a += 1.0
    np.divide(1.0, a[:3], out=a[:3])
    np.divide(2.0, a[3], out=a[3])
    a[3] -= 1.0


def _finish_sigmoid(a: np.ndarray) -> None:
    """In place: ``tanh(0.5 x)`` (already computed) -> ``sigmoid(x)``."""
    a *= 0.5
    a += 0.5


# ----------------------------------------------------------------------------------------- LSTM

LSTM_BLOCKS = ("i", "f", "o", "g")  # order of the gate blocks in the forward cache: sigmoids first


def lstm_forward(x: np.ndarray, w_ih: np.ndarray, w_hh: np.ndarray, b_ih: np.ndarray, b_hh: np.ndarray,
                 h0: np.ndarray, c0: np.ndarray, old: Cache | None = None) -> tuple[np.ndarray, Cache]:
    """Run one LSTM layer over all steps.

    Parameters
    ----------
    x : (T, B, I) time-major input; w_ih : (4H, I); w_hh : (4H, H); b_ih, b_hh : (4H,); h0, c0 : (B, H).
    old : optional cache of an earlier call whose arrays may be overwritten and reused.

    Returns
    -------
    h : (T+1, B, H) with ``h[0] = h0``, and the cache for :func:`lstm_backward`: the gates as
    ``(T, 4, B, H)``, four ``(B, H)`` blocks per step in :data:`LSTM_BLOCKS` order, so that every
    per-step operation works on contiguous ``(B, H)`` or ``(4, B, H)`` memory; ``c`` (T+1, B, H);
    and ``tc = tanh(c[1:])`` (T, B, H), which backward needs too.
    """
    T, B, I = x.shape
    H = w_hh.shape[1]
    scale = _exp_scale("ssts", H, x.dtype)[:, None]  # (4H, 1)
    rows = np.concatenate([np.arange(k * H, (k + 1) * H) for k in (0, 1, 3, 2)])  # torch i,f,g,o -> i,f,o,g
    # input projection of all steps, both biases folded in through a column of ones: one batched GEMM
    w_aug = np.concatenate([w_ih, (b_ih + b_hh)[:, None]], axis=1) * scale  # (4H, I+1)
    w_aug = w_aug[rows].reshape(4, H, I + 1).transpose(0, 2, 1)  # (4, I+1, H)
    x_aug = np.empty((T, 1, B, I + 1), dtype=x.dtype)  # (T, 1, B, I+1)
    x_aug[:, 0, :, :I] = x
    x_aug[..., I] = 1.0
    gates = scratch(old, "gates", (T, 4, B, H), x.dtype)  # (T, 4, B, H)
    np.matmul(x_aug, w_aug, out=gates)  # (T, 1, B, I+1) @ (4, I+1, H) -> (T, 4, B, H)
    whh = np.ascontiguousarray((w_hh * scale)[rows].reshape(4, H, H).transpose(0, 2, 1))  # (4, H, H)
    h = scratch(old, "h", (T + 1, B, H), x.dtype)
    c = scratch(old, "c", (T + 1, B, H), x.dtype)
    tc = scratch(old, "tc", (T, B, H), x.dtype)
    h[0], c[0] = h0, c0
    rec = np.empty((4, B, H), dtype=x.dtype)
    tmp = np.empty((B, H), dtype=x.dtype)
    with np.errstate(over="ignore"):  # exp(-a) = inf for a very negative a gives the right limit, 0
        for t in range(T):
            a = gates[t]  # (4, B, H): -a for i, f, o and -2a for g
            np.matmul(h[t], whh, out=rec)
            a += rec
            _activate(a)
            i, f, o, g = a
            np.multiply(f, c[t], out=c[t + 1])
            np.multiply(i, g, out=tmp)
            c[t + 1] += tmp
            np.tanh(c[t + 1], out=tc[t])
            np.multiply(o, tc[t], out=h[t + 1])
    return h, {"gates": gates, "c": c, "tc": tc, "h": h}


def lstm_backward(dh_out: np.ndarray, cache: Cache, w_hh: np.ndarray, dh_n: np.ndarray,
                  dc_n: np.ndarray, work: dict | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Backpropagate through one LSTM layer.

    Parameters
    ----------
    dh_out : (T, B, H) gradient of the loss w.r.t. the layer's outputs ``h[1:]``.
    cache : from :func:`lstm_forward`; w_hh : (4H, H); dh_n, dc_n : (B, H) gradients of the final state.
    work : optional scratch space (a dict) whose arrays the returned ``dxw``/``dhw`` may live in.

    Returns
    -------
    dxw, dhw : (T, B, 4H) gradient w.r.t. the gate pre-activations (the same array),
    dh0 : (B, H), dc0 : (B, H).
    """
    gates, c, tc = cache["gates"], cache["c"], cache["tc"]  # (T, 4, B, H) in LSTM_BLOCKS order, (T+1, B, H)
    T, _, B, H = gates.shape
    G = 4 * H
    # Everything that does not depend on the recurrence is computed for a block of K steps at
    # once (K sized to stay in cache); the loop over steps then needs one product per gate block.
    K = int(max(1, min(T, (256 * 1024) // (B * G * gates.itemsize))))
    der = np.empty((K, 4, B, H), dtype=gates.dtype)  # activation derivatives: s(1-s) for i, f, o; 1-g^2
    m = np.empty((K, B, 4, H), dtype=gates.dtype)  # what dc (i, f, g blocks) and dh (o block) multiply
    a_dc = np.empty((K, B, H), dtype=gates.dtype)  # dc_t += dh_t * o * (1 - tanh(c)^2)
    dz = scratch(work, "dz", (T, B, G), gates.dtype)  # torch order i, f, g, o
    dz4 = dz.reshape(T, B, 4, H)
    dh = dh_n.copy()  # (B, H)
    dc = dc_n.copy()  # (B, H)
    tmp = np.empty((B, H), dtype=gates.dtype)
    for t1 in range(T, 0, -K):
        t0 = max(0, t1 - K)
        n = t1 - t0
        a, d, mk, ak, tk = gates[t0:t1], der[:n], m[:n], a_dc[:n], tc[t0:t1]  # (n, 4, B, H) ... (n, B, H)
        i, f, o, g = a.transpose(1, 0, 2, 3)  # (n, B, H) each
        np.subtract(1.0, a[:, :3], out=d[:, :3])
        d[:, :3] *= a[:, :3]
        np.multiply(g, g, out=d[:, 3])
        np.subtract(1.0, d[:, 3], out=d[:, 3])
        np.multiply(g, d[:, 0], out=mk[:, :, 0])  # di_pre = dc * g * i(1-i)
        np.multiply(c[t0:t1], d[:, 1], out=mk[:, :, 1])  # df_pre = dc * c_{t-1} * f(1-f)
        np.multiply(i, d[:, 3], out=mk[:, :, 2])  # dg_pre = dc * i * (1-g^2)
        np.multiply(tk, d[:, 2], out=mk[:, :, 3])  # do_pre = dh * tanh(c) * o(1-o)
        np.multiply(tk, tk, out=ak)
        np.subtract(1.0, ak, out=ak)
        ak *= o
        for t in range(t1 - 1, t0 - 1, -1):
            k = t - t0
            dh += dh_out[t]
            np.multiply(dh, ak[k], out=tmp)
            dc += tmp
            np.multiply(dc[:, None, :], mk[k, :, :3], out=dz4[t, :, :3])
            np.multiply(dh, mk[k, :, 3], out=dz4[t, :, 3])
            dc *= f[k]  # carried to c_{t-1}
            np.matmul(dz[t], w_hh, out=dh)
    return dz, dz, dh, dc


# ------------------------------------------------------------------------------------------ GRU

def gru_forward(x: np.ndarray, w_ih: np.ndarray, w_hh: np.ndarray, b_ih: np.ndarray, b_hh: np.ndarray,
                h0: np.ndarray, c0: None = None, old: Cache | None = None) -> tuple[np.ndarray, Cache]:
    """Run one GRU layer over all steps.

    Parameters
    ----------
    x : (T, B, I) time-major input; w_ih : (3H, I); w_hh : (3H, H); b_ih, b_hh : (3H,); h0 : (B, H).

    Returns
    -------
    h : (T+1, B, H) with ``h[0] = h0``, and the cache for :func:`gru_backward`.
    """
    T, B, _ = x.shape
    H = w_hh.shape[1]
    G = 3 * H
    scale = _sigmoid_scale("sst", H, x.dtype)  # (3H,)
    gates = project(x, w_ih * scale[:, None], b_ih * scale, scratch(old, "gates", (T, B, G), x.dtype))  # r, z, n
    whh_t = np.ascontiguousarray((w_hh * scale[:, None]).T)  # (H, 3H)
    bhh = b_hh * scale  # (3H,)
    hw = scratch(old, "hw", (T, B, G), x.dtype)  # recurrent pre-activations (r, z scaled by 0.5)
    h = scratch(old, "h", (T + 1, B, H), x.dtype)
    h[0] = h0
    tmp = np.empty((B, H), dtype=x.dtype)
    for t in range(T):
        a, rec = gates[t], hw[t]  # (B, 3H) each
        np.matmul(h[t], whh_t, out=rec)
        rec += bhh
        rz = a[:, :2 * H]
        rz += rec[:, :2 * H]
        np.tanh(rz, out=rz)
        _finish_sigmoid(rz)
        r, z, n = a[:, :H], a[:, H:2 * H], a[:, 2 * H:]
        np.multiply(r, rec[:, 2 * H:], out=tmp)
        n += tmp
        np.tanh(n, out=n)
        np.subtract(h[t], n, out=tmp)  # h_t = n + z * (h_{t-1} - n)
        tmp *= z
        np.add(n, tmp, out=h[t + 1])
    return h, {"gates": gates, "hw": hw, "hw_n": hw[..., 2 * H:], "h": h}


def gru_backward(dh_out: np.ndarray, cache: Cache, w_hh: np.ndarray, dh_n: np.ndarray,
                 dc_n: None = None, work: dict | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, None]:
    """Backpropagate through one GRU layer.

    Returns
    -------
    dxw : (T, B, 3H) gradient w.r.t. ``x W_ih.T + b_ih``; dhw : (T, B, 3H) w.r.t. ``h W_hh.T + b_hh``
    (equal on the r, z blocks; the n block of dhw is r times that of dxw); dh0 : (B, H); None.
    """
    gates, hw_n, h = cache["gates"], cache["hw_n"], cache["h"]
    T, B, G = gates.shape
    H = G // 3
    dxw = scratch(work, "dxw", (T, B, G), gates.dtype)
    dhw = scratch(work, "dhw", (T, B, G), gates.dtype)
    dh = dh_n.copy()  # (B, H)
    one_minus_z = np.empty((B, H), dtype=gates.dtype)
    tmp = np.empty((B, H), dtype=gates.dtype)
    deriv = np.empty((B, H), dtype=gates.dtype)
    carry = np.empty((B, H), dtype=gates.dtype)
    for t in range(T - 1, -1, -1):
        a, dx, dr = gates[t], dxw[t], dhw[t]  # (B, 3H)
        r, z, n = a[:, :H], a[:, H:2 * H], a[:, 2 * H:]
        dh += dh_out[t]
        np.subtract(1.0, z, out=one_minus_z)
        np.multiply(n, n, out=tmp)  # dn_pre = dh (1 - z) (1 - n^2)
        np.subtract(1.0, tmp, out=tmp)
        tmp *= one_minus_z
        np.multiply(tmp, dh, out=dx[:, 2 * H:])
        np.subtract(h[t], n, out=tmp)  # dz_pre = dh (h_{t-1} - n) z (1 - z)
        tmp *= dh
        np.multiply(z, one_minus_z, out=deriv)
        np.multiply(tmp, deriv, out=dx[:, H:2 * H])
        np.multiply(dx[:, 2 * H:], hw_n[t], out=tmp)  # dr_pre = dn_pre hw_n r (1 - r)
        np.subtract(1.0, r, out=deriv)
        deriv *= r
        np.multiply(tmp, deriv, out=dx[:, :H])
        dr[:, :2 * H] = dx[:, :2 * H]
        np.multiply(dx[:, 2 * H:], r, out=dr[:, 2 * H:])
        np.multiply(dh, z, out=carry)  # h_t = ... + z h_{t-1}
        np.matmul(dr, w_hh, out=dh)
        dh += carry
    return dxw, dhw, dh, None


# ------------------------------------------------------------------------------------------ RNN

def rnn_forward(x: np.ndarray, w_ih: np.ndarray, w_hh: np.ndarray, b_ih: np.ndarray, b_hh: np.ndarray,
                h0: np.ndarray, c0: None = None, old: Cache | None = None) -> tuple[np.ndarray, Cache]:
    """Run one tanh RNN layer over all steps: ``x`` (T, B, I) -> ``h`` (T+1, B, H), cache."""
    T, B, _ = x.shape
    H = w_hh.shape[1]
    xw = project(x, w_ih, b_ih + b_hh, scratch(old, "xw", (T, B, H), x.dtype))  # (T, B, H)
    whh_t = np.ascontiguousarray(w_hh.T)  # (H, H)
    h = scratch(old, "h", (T + 1, B, H), x.dtype)
    h[0] = h0
    rec = np.empty((B, H), dtype=xw.dtype)
    for t in range(T):
        np.matmul(h[t], whh_t, out=rec)
        np.add(xw[t], rec, out=h[t + 1])
        np.tanh(h[t + 1], out=h[t + 1])
    return h, {"xw": xw, "h": h}


def rnn_backward(dh_out: np.ndarray, cache: Cache, w_hh: np.ndarray, dh_n: np.ndarray,
                 dc_n: None = None, work: dict | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, None]:
    """Backpropagate through one tanh RNN layer: returns dxw = dhw (T, B, H), dh0 (B, H), None."""
    h = cache["h"]
    T, B, H = h.shape[0] - 1, h.shape[1], h.shape[2]
    deriv = 1.0 - h[1:] * h[1:]  # (T, B, H) tanh'
    da = scratch(work, "da", (T, B, H), h.dtype)
    dh = dh_n.copy()
    for t in range(T - 1, -1, -1):
        dh += dh_out[t]
        np.multiply(dh, deriv[t], out=da[t])
        np.matmul(da[t], w_hh, out=dh)
    return da, da, dh, None


# ---------------------------------------------------------------------------------- the registry

@dataclass(frozen=True)
class Cell:
    """What distinguishes one cell type: gate count, traced quantities and its two loops."""

    name: str
    n_gates: int
    gate_names: tuple[str, ...]  # in weight-row order
    quantities: tuple[str, ...]  # what a trace exposes, each (L, B, T, H)
    has_cell_state: bool
    forward: Callable
    backward: Callable
    torch_class: str


CELLS: dict[str, Cell] = {
    "lstm": Cell("lstm", 4, ("i", "f", "g", "o"), ("i", "f", "g", "o", "c", "h"), True,
                 lstm_forward, lstm_backward, "LSTM"),
    "gru": Cell("gru", 3, ("r", "z", "n"), ("r", "z", "n", "h"), False,
                gru_forward, gru_backward, "GRU"),
    "rnn": Cell("rnn", 1, (), ("h",), False, rnn_forward, rnn_backward, "RNN"),
}


def quantity(cell: Cell, cache: Cache, name: str) -> np.ndarray:
    """One traced quantity of one layer, time-major ``(T, B, H)`` (a view of the cache)."""
    if name == "h":
        return cache["h"][1:]
    if name == "c":
        return cache["c"][1:]
    if cell.name == "lstm":
        return cache["gates"][:, LSTM_BLOCKS.index(name)]
    k = cell.gate_names.index(name)
    H = cache["h"].shape[-1]
    return cache["gates"][..., k * H:(k + 1) * H]
