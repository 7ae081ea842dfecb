"""The three recurrent cells, one layer through time: forward with an explicit cache, and backward.

Layers hand each other time-major arrays, ``(T, B, ...)``; inside, each cell lays out its arrays
so that its per-step work touches contiguous memory:

* GRU and RNN are time-major: the input projection of every step, ``x @ W_ih.T + b``, is one GEMM
  before the loop; the loops add only the recurrent term ``h @ W_hh.T`` per step, into
  preallocated buffers.
* The LSTM is feature-major, ``(features, B)`` per step: one GEMM per step,
  ``W (4H, H+I+1) @ [h_t; x_t; 1]``, writes the step's four gates as one contiguous ``(4H, B)``
  block (sigmoid gates first), and every per-step ufunc reads and writes contiguous ``(H, B)`` or
  ``(4H, B)`` blocks.

Weight layout and gate order are torch's, stated once here:

* LSTM, G = 4, rows of ``W_ih``/``W_hh`` are ``i, f, g, o``::

      i, f, o = sigmoid(.)  g = tanh(.)  c_t = f * c_{t-1} + i * g   h_t = o * tanh(c_t)

* GRU, G = 3, rows ``r, z, n``::

      r, z = sigmoid(xw_rz + h W_hh_rz.T + b_hh_rz)
      n = tanh(xw_n + r * (h W_hh_n.T + b_hh_n))       h_t = (1 - z) * n + z * h_{t-1}

* RNN (tanh), G = 1: ``h_t = tanh(xw + h W_hh.T + b_hh)``.

NumPy's ``exp`` costs about half its ``tanh`` (for float32: 1.4 against 2.9 ns per value on this
project's machines), so the LSTM computes its four gates with one ``exp``: ``sigmoid(a) = 1 / (1 + exp(-a))`` and
``tanh(a) = 2 / (1 + exp(-2a)) - 1`` (:func:`_activate`; ``exp`` overflowing to inf gives the exact
limits 0 and -1). The GRU computes its sigmoids as ``0.5 * tanh(0.5 * a) + 0.5``. The factors
(-1 and -2 for the LSTM, 0.5 for the GRU) are folded into the gate rows of the weights and biases
before the loop; scaling by a power of two or by -1 is exact in binary floating point, so this
changes no result.

Backward loops over the steps for the gradients of the gate pre-activations only; the weight,
bias and input gradients come after the loop, from one GEMM each over all steps
(:func:`weight_grads` for GRU and RNN; the LSTM gets ``[dW_hh, dW_ih, db]`` from one GEMM against
its ``[h; x; 1]`` columns).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

Cache = dict[str, np.ndarray]
Grads = tuple[dict[str, np.ndarray], np.ndarray, np.ndarray, "np.ndarray | None"]  # weights, dx, dh0, dc0


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


def weight_grads(dxw: np.ndarray, dhw: np.ndarray, x: np.ndarray, h: np.ndarray,
                 w_ih: np.ndarray) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Weight, bias and input gradients of a time-major layer, one GEMM each over all steps.

    ``dxw`` (T, B, G*H) is the gradient w.r.t. ``x W_ih.T + b_ih`` and ``dhw`` (T, B, G*H) w.r.t.
    ``h W_hh.T + b_hh`` (the same array for the RNN); ``x`` (T, B, I) the layer's input; ``h``
    (T+1, B, H) its hidden states. Returns the gradients ``weight_ih`` (G*H, I), ``weight_hh``
    (G*H, H), ``bias_ih``, ``bias_hh`` (G*H,) and ``dx`` (T, B, I).
    """
    T, B, G = dxw.shape
    I, H = x.shape[-1], h.shape[-1]
    dxw2, dhw2 = dxw.reshape(T * B, G), dhw.reshape(T * B, G)  # (T*B, G*H)
    b_ih = dxw2.sum(axis=0)  # (G*H,)
    grads = {"weight_ih": dxw2.T @ x.reshape(T * B, I),  # (G*H, I)
             "weight_hh": dhw2.T @ h[:-1].reshape(T * B, H),  # (G*H, H)
             "bias_ih": b_ih, "bias_hh": dhw2.sum(axis=0) if dhw is not dxw else b_ih.copy()}
    return grads, (dxw2 @ w_ih).reshape(T, B, I)


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


def _activate(a: np.ndarray, n: int) -> None:
    """In place, on gate rows holding ``-a`` (the first ``n``: sigmoids) and ``-2a`` (the rest: tanh).

    ``sigmoid(a) = 1 / (1 + exp(-a))`` and ``tanh(a) = 2 / (1 + exp(-2a)) - 1``: one ``exp`` over all
    four blocks costs less than ``tanh`` over the g block and ``exp`` over the rest.
    """
    np.exp(a, out=a)
    a += 1.0
    np.divide(1.0, a[:n], out=a[:n])
    np.divide(2.0, a[n:], out=a[n:])
    a[n:] -= 1.0


def _finish_sigmoid(a: np.ndarray) -> None:
    """In place: ``tanh(0.5 x)`` (already computed) -> ``sigmoid(x)``."""
    a *= 0.5
    a += 0.5


# ----------------------------------------------------------------------------------------- LSTM

LSTM_BLOCKS = ("i", "f", "o", "g")  # order of the gate blocks in the forward cache: sigmoids first


def lstm_forward(x: np.ndarray, w_ih: np.ndarray, w_hh: np.ndarray, b_ih: np.ndarray, b_hh: np.ndarray,
                 h0: np.ndarray, c0: np.ndarray, old: Cache | None = None) -> tuple[np.ndarray, Cache]:
    """Run one LSTM layer over all steps.

    The LSTM works feature-major: every step is one GEMM ``W (4H, K) @ [h_t; x_t; 1] (K, B)`` with
    ``K = H + I + 1`` (recurrent and input weights and both biases side by side), which writes the
    step's four gates as one contiguous ``(4H, B)`` block whose ``(H, B)`` rows are i, f, o, g
    (:data:`LSTM_BLOCKS`). The columns ``[h_t; x_t; 1]`` of all steps live in one array ``hx``
    ``(K, T+1, B)``: the step writes ``h_{t+1}`` straight into the next column, and backward gets
    every weight gradient from ``hx`` with one GEMM.

    Parameters
    ----------
    x : (T, B, I) time-major input; w_ih : (4H, I); w_hh : (4H, H); b_ih, b_hh : (4H,); h0, c0 : (B, H).
    old : optional cache of an earlier call whose arrays may be overwritten and reused.

    Returns
    -------
    h : (T+1, B, H) view with ``h[0] = h0``, and the cache for :func:`lstm_backward`: ``gates``
    (T, 4H, B), ``hx`` (K, T+1, B), ``cs`` (T+1, H, B) the cell states, ``tc`` = tanh(c_t)
    (T, H, B), and the views ``h`` and ``c``, each (T+1, B, H).
    """
    T, B, I = x.shape
    H = w_hh.shape[1]
    K = H + I + 1
    rows = np.concatenate([np.arange(k * H, (k + 1) * H) for k in (0, 1, 3, 2)])  # torch i,f,g,o -> i,f,o,g
    w = np.concatenate([w_hh, w_ih, (b_ih + b_hh)[:, None]], axis=1)[rows]  # (4H, K) acting on [h; x; 1]
    w *= _exp_scale("ssst", H, x.dtype)[:, None]
    hx = scratch(old, "hx", (K, T + 1, B), x.dtype)  # column t: [h_t; x_t; 1]
    hx[H:H + I, :T] = x.transpose(2, 0, 1)  # (I, T, B)
    hx[H + I] = 1.0
    hx[:H, 0] = h0.T
    gates = scratch(old, "gates", (T, 4 * H, B), x.dtype)  # (T, 4H, B)
    cs = scratch(old, "cs", (T + 1, H, B), x.dtype)  # (T+1, H, B)
    tc = scratch(old, "tc", (T, H, B), x.dtype)  # (T, H, B)
    cs[0] = c0.T
    tmp = np.empty((H, B), dtype=x.dtype)
    with np.errstate(over="ignore"):  # exp(-a) = inf for a very negative a gives the right limit, 0
        for t in range(T):
            a = gates[t]  # (4H, B): -a for i, f, o and -2a for g
            np.matmul(w, hx[:, t], out=a)
            _activate(a, 3 * H)
            i, f, o, g = a[:H], a[H:2 * H], a[2 * H:3 * H], a[3 * H:]
            np.multiply(f, cs[t], out=cs[t + 1])
            np.multiply(i, g, out=tmp)
            cs[t + 1] += tmp
            np.tanh(cs[t + 1], out=tc[t])
            np.multiply(o, tc[t], out=hx[:H, t + 1])
    h = hx[:H].transpose(1, 2, 0)  # (T+1, B, H) view
    return h, {"gates": gates, "hx": hx, "cs": cs, "tc": tc, "h": h, "c": cs.transpose(0, 2, 1)}


def lstm_backward(dh_out: np.ndarray, cache: Cache, x: np.ndarray, w_ih: np.ndarray, w_hh: np.ndarray,
                  dh_n: np.ndarray, dc_n: np.ndarray, work: dict | None = None) -> Grads:
    """Backpropagate through one LSTM layer.

    Parameters
    ----------
    dh_out : (T, B, H) gradient of the loss w.r.t. the layer's outputs ``h[1:]`` (any strides).
    cache : from :func:`lstm_forward`; x : the layer's input, unused (``cache["hx"]`` holds it);
    w_ih : (4H, I); w_hh : (4H, H); dh_n, dc_n : (B, H) gradients of the final state.
    work : optional scratch space (a dict), reused between calls; ``dx`` lives in it.

    Returns
    -------
    grads : ``weight_ih`` (4H, I), ``weight_hh`` (4H, H), ``bias_ih``, ``bias_hh`` (4H,) (torch's
    names without the layer suffix); dx : (T, B, I) view; dh0 : (B, H); dc0 : (B, H).
    """
    gates, hx, cs, tc = cache["gates"], cache["hx"], cache["cs"], cache["tc"]  # see lstm_forward
    T, G, B = gates.shape
    H = G // 4
    I = hx.shape[0] - H - 1
    dy = dh_out.transpose(0, 2, 1)  # (T, H, B)
    if dy.strides[-1] != dy.itemsize:
        dy = scratch(work, "dy", dy.shape, dy.dtype)
        np.copyto(dy, dh_out.transpose(0, 2, 1))
    # Everything that does not depend on the recurrence is computed for a block of K steps at
    # once (K sized to stay in cache); the loop over steps then needs one product per gate block.
    K = int(max(1, min(T, (256 * 1024) // (B * G * gates.itemsize))))
    der = scratch(work, "der", (K, 4, H, B), gates.dtype)  # activation derivatives: s(1-s) for i, f, o; 1-g^2
    m = scratch(work, "m", (K, 4, H, B), gates.dtype)  # what dc (i, f, g blocks) and dh (o block) multiply
    a_dc = scratch(work, "a_dc", (K, H, B), gates.dtype)  # dc_t += dh_t * o * (1 - tanh(c)^2)
    dz = scratch(work, "dz", (T, 4, H, B), gates.dtype)  # torch order i, f, g, o
    dh = dh_n.T.copy()  # (H, B)
    dc = dc_n.T.copy()  # (H, B)
    tmp = np.empty((H, B), dtype=gates.dtype)
    w_hh_t = np.ascontiguousarray(w_hh.T)  # (H, 4H)
    for t1 in range(T, 0, -K):
        t0 = max(0, t1 - K)
        n = t1 - t0
        a, d, mk, ak, tk = gates[t0:t1].reshape(n, 4, H, B), der[:n], m[:n], a_dc[:n], tc[t0:t1]
        i, f, o, g = a.transpose(1, 0, 2, 3)  # (n, H, B) each
        np.subtract(1.0, a[:, :3], out=d[:, :3])
        d[:, :3] *= a[:, :3]
        np.multiply(g, g, out=d[:, 3])
        np.subtract(1.0, d[:, 3], out=d[:, 3])
        np.multiply(g, d[:, 0], out=mk[:, 0])  # di_pre = dc * g * i(1-i)
        np.multiply(cs[t0:t1], d[:, 1], out=mk[:, 1])  # df_pre = dc * c_{t-1} * f(1-f)
        np.multiply(i, d[:, 3], out=mk[:, 2])  # dg_pre = dc * i * (1-g^2)
        np.multiply(tk, d[:, 2], out=mk[:, 3])  # do_pre = dh * tanh(c) * o(1-o)
        np.multiply(tk, tk, out=ak)
        np.subtract(1.0, ak, out=ak)
        ak *= o
        for t in range(t1 - 1, t0 - 1, -1):
            k = t - t0
            dh += dy[t]
            np.multiply(dh, ak[k], out=tmp)
            dc += tmp
            np.multiply(dc, mk[k, :3], out=dz[t, :3])
            np.multiply(dh, mk[k, 3], out=dz[t, 3])
            dc *= f[k]  # carried to c_{t-1}
            np.matmul(w_hh_t, dz[t].reshape(G, B), out=dh)
    # weight and input gradients need the steps side by side: (4H, T*B), one transposing copy
    dz2 = scratch(work, "dz2", (G, T, B), gates.dtype)  # (4H, T, B)
    np.copyto(dz2, dz.reshape(T, G, B).transpose(1, 0, 2))
    dz2 = dz2.reshape(G, T * B)
    dw = dz2 @ hx[:, :T].reshape(H + I + 1, T * B).T  # (4H, K): [dW_hh, dW_ih, db], one GEMM over all steps
    grads = {"weight_ih": np.ascontiguousarray(dw[:, H:H + I]), "weight_hh": np.ascontiguousarray(dw[:, :H]),
             "bias_ih": dw[:, H + I].copy(), "bias_hh": dw[:, H + I].copy()}
    # the layer below reads dx as its dh_out and then writes its own, in the same memory if I is the same
    dx = scratch(work, f"dx{I}", (I, T, B), gates.dtype)  # (I, T, B)
    np.matmul(w_ih.T, dz2, out=dx.reshape(I, T * B))
    dx = dx.transpose(1, 2, 0)  # (T, B, I) view
    return grads, dx, dh.T, dc.T


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


def gru_backward(dh_out: np.ndarray, cache: Cache, x: np.ndarray, w_ih: np.ndarray, w_hh: np.ndarray,
                 dh_n: np.ndarray, dc_n: None = None, work: dict | None = None) -> Grads:
    """Backpropagate through one GRU layer (``x`` (T, B, I) is the layer's input).

    The loop computes ``dxw`` (T, B, 3H), the gradient w.r.t. ``x W_ih.T + b_ih``, and ``dhw``
    (T, B, 3H) w.r.t. ``h W_hh.T + b_hh`` (equal on the r, z blocks; the n block of dhw is r times
    that of dxw); :func:`weight_grads` turns them into the weight gradients.

    Returns
    -------
    grads : ``weight_ih``, ``weight_hh``, ``bias_ih``, ``bias_hh``; dx : (T, B, I); dh0 : (B, H); None.
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
    return (*weight_grads(dxw, dhw, x, h, w_ih), dh, None)


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


def rnn_backward(dh_out: np.ndarray, cache: Cache, x: np.ndarray, w_ih: np.ndarray, w_hh: np.ndarray,
                 dh_n: np.ndarray, dc_n: None = None, work: dict | None = None) -> Grads:
    """Backpropagate through one tanh RNN layer: weight gradients, dx (T, B, I), dh0 (B, H), None."""
    h = cache["h"]
    T, B, H = h.shape[0] - 1, h.shape[1], h.shape[2]
    deriv = 1.0 - h[1:] * h[1:]  # (T, B, H) tanh'
    da = scratch(work, "da", (T, B, H), h.dtype)
    dh = dh_n.copy()
    for t in range(T - 1, -1, -1):
        dh += dh_out[t]
        np.multiply(dh, deriv[t], out=da[t])
        np.matmul(da[t], w_hh, out=dh)
    return (*weight_grads(da, da, x, h, w_ih), dh, None)


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
        k = LSTM_BLOCKS.index(name)
        H = cache["h"].shape[-1]
        return cache["gates"][:, k * H:(k + 1) * H].transpose(0, 2, 1)
    k = cell.gate_names.index(name)
    H = cache["h"].shape[-1]
    return cache["gates"][..., k * H:(k + 1) * H]
