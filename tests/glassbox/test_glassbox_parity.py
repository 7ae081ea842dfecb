"""glassbox equals torch in float64: outputs, final states and every gradient, for every cell."""

import warnings
import zlib

import numpy as np
import pytest
import torch

from lstmlab import glassbox

CELLS = {"lstm": glassbox.LSTM, "gru": glassbox.GRU, "rnn": glassbox.RNN}
SHAPES = [  # (B, T, I, H, L)
    (1, 1, 1, 1, 1),
    (3, 7, 2, 5, 1),
    (4, 9, 3, 6, 2),
    (2, 12, 4, 3, 3),
    (5, 4, 1, 8, 2),
]


def _state(cell, rng, L, B, H):
    h = rng.normal(size=(L, B, H))
    return (h, rng.normal(size=(L, B, H))) if cell == "lstm" else h


def _torch_state(state):
    if isinstance(state, tuple):
        return tuple(torch.from_numpy(s).requires_grad_() for s in state)
    return torch.from_numpy(state).requires_grad_()


def _flat(state):
    return list(state) if isinstance(state, tuple) else [state]


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "B{}T{}I{}H{}L{}".format(*s))
@pytest.mark.parametrize("with_state", [False, True], ids=["zero_state", "given_state"])
def test_forward_and_backward_equal_torch(cell, shape, with_state):
    B, T, I, H, L = shape
    rng = np.random.default_rng(zlib.crc32(repr((cell, shape, with_state)).encode()))
    torch.manual_seed(int(rng.integers(2**31)))
    module = getattr(torch.nn, cell.upper())(I, H, L, batch_first=True, dtype=torch.float64)
    net = CELLS[cell].from_torch(module)
    x = rng.normal(size=(B, T, I))
    state = _state(cell, rng, L, B, H) if with_state else None

    out, final, trace = net.forward(x, state)

    xt = torch.from_numpy(x).requires_grad_()
    st = _torch_state(state) if with_state else None
    t_out, t_final = module(xt, st)
    np.testing.assert_allclose(out, t_out.detach().numpy(), rtol=1e-6, atol=1e-12)
    for mine, theirs in zip(_flat(final), _flat(t_final)):
        np.testing.assert_allclose(mine, theirs.detach().numpy(), rtol=1e-6, atol=1e-12)
    np.testing.assert_allclose(trace["h"][-1], out, rtol=0, atol=0)

    d_out = rng.normal(size=out.shape)
    d_state = _state(cell, rng, L, B, H)
    grads = net.backward(d_out, trace, d_state)
    loss = (t_out * torch.from_numpy(d_out)).sum()
    loss = loss + sum((t * torch.from_numpy(d)).sum() for t, d in zip(_flat(t_final), _flat(d_state)))
    loss.backward()
    for name, p in module.named_parameters():
        np.testing.assert_allclose(grads[name], p.grad.numpy(), rtol=1e-5, atol=1e-10, err_msg=name)
    np.testing.assert_allclose(grads["input"], xt.grad.numpy(), rtol=1e-5, atol=1e-10)
    if with_state:
        names = ["h0", "c0"] if cell == "lstm" else ["h0"]
        for name, t in zip(names, _flat(st)):
            np.testing.assert_allclose(grads[name], t.grad.numpy(), rtol=1e-5, atol=1e-10, err_msg=name)


@pytest.mark.parametrize("cell", CELLS)
def test_gates_equal_torch_cell_by_cell(cell):
    """Trace values recomputed step by step with torch's cell equations (one layer)."""
    B, T, I, H = 2, 5, 3, 4
    rng = np.random.default_rng(3)
    net = CELLS[cell](I, H, seed=3)
    x = rng.normal(size=(B, T, I))
    _, _, trace = net.forward(x)
    p = {k: torch.from_numpy(v) for k, v in net.params.items()}
    xt = torch.from_numpy(x)
    h = torch.zeros(B, H, dtype=torch.float64)
    c = torch.zeros(B, H, dtype=torch.float64)
    for t in range(T):
        gi = xt[:, t] @ p["weight_ih_l0"].T + p["bias_ih_l0"]
        gh = h @ p["weight_hh_l0"].T + p["bias_hh_l0"]
        if cell == "lstm":
            i, f, g, o = (gi + gh).chunk(4, dim=1)
            i, f, g, o = i.sigmoid(), f.sigmoid(), g.tanh(), o.sigmoid()
            c = f * c + i * g
            h = o * c.tanh()
            expected = {"i": i, "f": f, "g": g, "o": o, "c": c, "h": h}
        elif cell == "gru":
            ir, iz, in_ = gi.chunk(3, dim=1)
            hr, hz, hn = gh.chunk(3, dim=1)
            r, z = (ir + hr).sigmoid(), (iz + hz).sigmoid()
            n = (in_ + r * hn).tanh()
            h = (1 - z) * n + z * h
            expected = {"r": r, "z": z, "n": n, "h": h}
        else:
            h = (gi + gh).tanh()
            expected = {"h": h}
        for name, value in expected.items():
            np.testing.assert_allclose(trace[name][0, :, t], value.numpy(), rtol=1e-12, atol=1e-14, err_msg=name)


@pytest.mark.parametrize("cell", CELLS)
def test_float32_matches_torch_float32(cell):
    rng = np.random.default_rng(5)
    torch.manual_seed(5)
    module = getattr(torch.nn, cell.upper())(3, 16, 2, batch_first=True)
    net = CELLS[cell].from_torch(module)
    assert net.dtype is np.float32 and all(p.dtype == np.float32 for p in net.params.values())
    x = rng.normal(size=(8, 20, 3)).astype(np.float32)
    out, _, trace = net.forward(x)
    assert out.dtype == np.float32 and trace["h"].dtype == np.float32
    xt = torch.from_numpy(x).requires_grad_()
    t_out, _ = module(xt)
    np.testing.assert_allclose(out, t_out.detach().numpy(), rtol=1e-4, atol=1e-5)
    d = rng.normal(size=out.shape).astype(np.float32)
    grads = net.backward(d, trace)
    t_out.backward(torch.from_numpy(d))
    assert all(g.dtype == np.float32 for g in grads.values())
    for name, p in module.named_parameters():
        np.testing.assert_allclose(grads[name], p.grad.numpy(), rtol=1e-3, atol=1e-4, err_msg=name)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_lstm_saturated_gates_reach_their_limits_without_warnings(dtype):
    """Pre-activations of ±1e4 (exp overflows to inf) give gates of exactly 0, 1 and ±1, silently."""
    net = glassbox.LSTM(1, 2, dtype=dtype, seed=0)
    net.params = {name: np.zeros_like(p) for name, p in net.params.items()}
    net.params["weight_ih_l0"][:, 0] = np.tile([1.0, -1.0], 4)  # unit 0 pushed up, unit 1 down, every gate
    x = np.full((1, 3, 1), 1e4, dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out, (h_n, c_n), trace = net.forward(x)
        grads = net.backward(np.ones_like(out), trace)
    for name in ("i", "f", "o"):
        np.testing.assert_array_equal(trace[name][0, 0], [[1.0, 0.0]] * 3, err_msg=name)
    np.testing.assert_array_equal(trace["g"][0, 0], [[1.0, -1.0]] * 3)
    np.testing.assert_allclose(trace["c"][0, 0, :, 0], [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(trace["c"][0, 0, :, 1], 0.0)
    assert all(np.isfinite(g).all() for g in grads.values())
