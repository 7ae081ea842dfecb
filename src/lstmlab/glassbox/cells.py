"""The three recurrent cells, one layer through time: forward with an explicit cache, and backward.

All arrays here are time-major and contiguous: ``(T, B, ...)``. The input projection of every
step, ``xw = x @ W_ih.T + b_ih`` of shape ``(T, B, G*H)``, is computed by the caller as one GEMM;
these loops add only the recurrent term ``h @ W_hh.T`` per step, into preallocated buffers.

Weight layout and gate order are torch's, stated once here:

* LSTM, G = 4, rows of ``W_ih``/``W_hh`` are ``i, f, g, o``::

      i, f, o = sigmoid(.)  g = tanh(.)  c_t = f * c_{t-1} + i * g   h_t = o * tanh(c_t)

* GRU, G = 3, rows ``r, z, n``::

      r, z = sigmoid(xw_rz + h W_hh_rz.T + b_hh_rz)
      n = tanh(xw_n + r * (h W_hh_n.T + b_hh_n))       h_t = (1 - z) * n + z * h_{t-1}

* RNN (tanh), G = 1: ``h_t = tanh(xw + h W_hh.T + b_hh)``.

The sigmoid is computed as ``0.5 * tanh(0.5 * a) + 0.5`` (no overflow). The factor 0.5 is folded
into the rows of the sigmoid gates before the loop; scaling by a power of two is exact in binary
floating point, so this changes no result.

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


def _finish_sigmoid(a: np.ndarray) -> None:
    """In place: ``tanh(0.5 x)`` (already computed) -> ``sigmoid(x)``."""
    a *= 0.5
    a += 0.5


# ----------------------------------------------------------------------------------------- LSTM

def lstm_forward(xw: np.ndarray, w_hh: np.ndarray, b_hh: np.ndarray, h0: np.ndarray,
                 c0: np.ndarray) -> tuple[np.ndarray, Cache]:
    """Run one LSTM layer over all steps.

    Parameters
    ----------
    xw : (T, B, 4H) input projection ``x @ W_ih.T + b_ih``; overwritten (becomes the gates).
    w_hh : (4H, H); b_hh : (4H,); h0, c0 : (B, H).

    Returns
    -------
    h : (T+1, B, H) with ``h[0] = h0``, and the cache for :func:`lstm_backward`.
    """
    T, B, G = xw.shape
    H = G // 4
    scale = _sigmoid_scale("ssts", H, xw.dtype)  # (4H,)
    gates = xw  # (T, B, 4H): pre-activations, then activations i, f, g, o
    gates += b_hh
    gates *= scale
    whh_t = np.ascontiguousarray((w_hh * scale[:, None]).T)  # (H, 4H)
    h = np.empty((T + 1, B, H), dtype=xw.dtype)
    c = np.empty((T + 1, B, H), dtype=xw.dtype)
    tc = np.empty((T, B, H), dtype=xw.dtype)  # tanh(c_t)
    h[0], c[0] = h0, c0
    rec = np.empty((B, G), dtype=xw.dtype)
    tmp = np.empty((B, H), dtype=xw.dtype)
    for t in range(T):
        a = gates[t]  # (B, 4H)
        np.matmul(h[t], whh_t, out=rec)
        a += rec
        np.tanh(a, out=a)
        _finish_sigmoid(a[:, :2 * H])  # i, f
        _finish_sigmoid(a[:, 3 * H:])  # o
        i, f, g, o = a[:, :H], a[:, H:2 * H], a[:, 2 * H:3 * H], a[:, 3 * H:]
        np.multiply(f, c[t], out=c[t + 1])
        np.multiply(i, g, out=tmp)
        c[t + 1] += tmp
        np.tanh(c[t + 1], out=tc[t])
        np.multiply(o, tc[t], out=h[t + 1])
    return h, {"gates": gates, "c": c, "h": h, "tc": tc}


def lstm_backward(dh_out: np.ndarray, cache: Cache, w_hh: np.ndarray, dh_n: np.ndarray,
                  dc_n: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Backpropagate through one LSTM layer.

    Parameters
    ----------
    dh_out : (T, B, H) gradient of the loss w.r.t. the layer's outputs ``h[1:]``.
    cache : from :func:`lstm_forward`; w_hh : (4H, H); dh_n, dc_n : (B, H) gradients of the final state.

    Returns
    -------
    dxw, dhw : (T, B, 4H) (the same array), dh0 : (B, H), dc0 : (B, H).
    """
    gates, c, tc = cache["gates"], cache["c"], cache["tc"]
    T, B, G = gates.shape
    H = G // 4
    i, f, g, o = gates[..., :H], gates[..., H:2 * H], gates[..., 2 * H:3 * H], gates[..., 3 * H:]
    # Local derivative of each gate's pre-activation, times the factor it multiplies in the
    # cell update, for all steps at once; the loop then needs one product per gate block.
    deriv = gates * (1.0 - gates)  # (T, B, 4H) sigmoid'
    np.subtract(1.0, g * g, out=deriv[..., 2 * H:3 * H])  # tanh' for g
    m = np.empty((T, B, 4, H), dtype=gates.dtype)  # what dc (i, f, g) and dh (o) multiply
    np.multiply(g, deriv[..., :H], out=m[:, :, 0])  # di_pre = dc * g * i(1-i)
    np.multiply(c[:-1], deriv[..., H:2 * H], out=m[:, :, 1])  # df_pre = dc * c_{t-1} * f(1-f)
    np.multiply(i, deriv[..., 2 * H:3 * H], out=m[:, :, 2])  # dg_pre = dc * i * (1-g^2)
    np.multiply(tc, deriv[..., 3 * H:], out=m[:, :, 3])  # do_pre = dh * tanh(c) * o(1-o)
    a_dc = o * (1.0 - tc * tc)  # (T, B, H): dc_t += dh_t * o * (1 - tanh(c)^2)
    dz = np.empty((T, B, 4, H), dtype=gates.dtype)
    dh = dh_n.copy()  # (B, H)
    dc = dc_n.copy()  # (B, H)
    tmp = np.empty((B, H), dtype=gates.dtype)
    for t in range(T - 1, -1, -1):
        dh += dh_out[t]
        np.multiply(dh, a_dc[t], out=tmp)
        dc += tmp
        np.multiply(dc[:, None, :], m[t, :, :3], out=dz[t, :, :3])
        np.multiply(dh, m[t, :, 3], out=dz[t, :, 3])
        dc *= f[t]
        np.matmul(dz[t].reshape(B, G), w_hh, out=dh)
    dz = dz.reshape(T, B, G)
    return dz, dz, dh, dc


# ------------------------------------------------------------------------------------------ GRU

def gru_forward(xw: np.ndarray, w_hh: np.ndarray, b_hh: np.ndarray, h0: np.ndarray,
                c0: None = None) -> tuple[np.ndarray, Cache]:
    """Run one GRU layer over all steps.

    Parameters
    ----------
    xw : (T, B, 3H) input projection ``x @ W_ih.T + b_ih``; overwritten (becomes the gates r, z, n).
    w_hh : (3H, H); b_hh : (3H,); h0 : (B, H).

    Returns
    -------
    h : (T+1, B, H) with ``h[0] = h0``, and the cache for :func:`gru_backward`.
    """
    T, B, G = xw.shape
    H = G // 3
    scale = _sigmoid_scale("sst", H, xw.dtype)  # (3H,)
    gates = xw  # (T, B, 3H): r, z, n
    gates *= scale
    whh_t = np.ascontiguousarray((w_hh * scale[:, None]).T)  # (H, 3H)
    bhh = b_hh * scale  # (3H,)
    hw = np.empty((T, B, G), dtype=xw.dtype)  # recurrent pre-activations (r, z scaled by 0.5)
    h = np.empty((T + 1, B, H), dtype=xw.dtype)
    h[0] = h0
    tmp = np.empty((B, H), dtype=xw.dtype)
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
    return h, {"gates": gates, "hw_n": hw[..., 2 * H:], "h": h}


def gru_backward(dh_out: np.ndarray, cache: Cache, w_hh: np.ndarray, dh_n: np.ndarray,
                 dc_n: None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, None]:
    """Backpropagate through one GRU layer.

    Returns
    -------
    dxw : (T, B, 3H), dhw : (T, B, 3H), dh0 : (B, H), None.
    """
    gates, hw_n, h = cache["gates"], cache["hw_n"], cache["h"]
    T, B, G = gates.shape
    H = G // 3
    r, z, n = gates[..., :H], gates[..., H:2 * H], gates[..., 2 * H:]
    # Per unit of dh_t: dn_pre = (1-z)(1-n^2); dz_pre = (h_{t-1}-n) z(1-z); dr_pre = dn_pre hw_n r(1-r)
    qx = np.empty((T, B, 3, H), dtype=gates.dtype)  # dxw = dh * qx
    np.multiply(1.0 - z, 1.0 - n * n, out=qx[:, :, 2])
    np.multiply(qx[:, :, 2] * hw_n, r * (1.0 - r), out=qx[:, :, 0])
    np.multiply(h[:-1] - n, z * (1.0 - z), out=qx[:, :, 1])
    qh = qx.copy()  # dhw = dh * qh: same, except the n block is multiplied by r
    qh[:, :, 2] *= r
    dxw = np.empty((T, B, 3, H), dtype=gates.dtype)
    dhw = np.empty((T, B, 3, H), dtype=gates.dtype)
    dh = dh_n.copy()  # (B, H)
    carry = np.empty((B, H), dtype=gates.dtype)
    for t in range(T - 1, -1, -1):
        dh += dh_out[t]
        np.multiply(dh[:, None, :], qx[t], out=dxw[t])
        np.multiply(dh[:, None, :], qh[t], out=dhw[t])
        np.multiply(dh, z[t], out=carry)
        np.matmul(dhw[t].reshape(B, G), w_hh, out=dh)
        dh += carry
    return dxw.reshape(T, B, G), dhw.reshape(T, B, G), dh, None


# ------------------------------------------------------------------------------------------ RNN

def rnn_forward(xw: np.ndarray, w_hh: np.ndarray, b_hh: np.ndarray, h0: np.ndarray,
                c0: None = None) -> tuple[np.ndarray, Cache]:
    """Run one tanh RNN layer over all steps: ``xw`` (T, B, H) -> ``h`` (T+1, B, H), cache."""
    T, B, H = xw.shape
    xw += b_hh
    whh_t = np.ascontiguousarray(w_hh.T)  # (H, H)
    h = np.empty((T + 1, B, H), dtype=xw.dtype)
    h[0] = h0
    rec = np.empty((B, H), dtype=xw.dtype)
    for t in range(T):
        np.matmul(h[t], whh_t, out=rec)
        np.add(xw[t], rec, out=h[t + 1])
        np.tanh(h[t + 1], out=h[t + 1])
    return h, {"h": h}


def rnn_backward(dh_out: np.ndarray, cache: Cache, w_hh: np.ndarray, dh_n: np.ndarray,
                 dc_n: None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, None]:
    """Backpropagate through one tanh RNN layer: returns dxw = dhw (T, B, H), dh0 (B, H), None."""
    h = cache["h"]
    T, B, H = h.shape[0] - 1, h.shape[1], h.shape[2]
    deriv = 1.0 - h[1:] * h[1:]  # (T, B, H) tanh'
    da = np.empty((T, B, H), dtype=h.dtype)
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
    k = cell.gate_names.index(name)
    H = cache["h"].shape[-1]
    return cache["gates"][..., k * H:(k + 1) * H]
