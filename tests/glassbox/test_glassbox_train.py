"""Gradient checks, optimizers, clipping, and a small training run."""

import numpy as np
import pytest

from lstmlab import glassbox

CELLS = {"lstm": glassbox.LSTM, "gru": glassbox.GRU, "rnn": glassbox.RNN}


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("num_layers", [1, 2])
def test_gradcheck_passes_for_every_cell(cell, num_layers):
    rng = np.random.default_rng(11)
    net = CELLS[cell](2, 3, num_layers, seed=2)
    B, L, H = 2, num_layers, 3
    state = (rng.normal(size=(L, B, H)), rng.normal(size=(L, B, H))) if cell == "lstm" else rng.normal(size=(L, B, H))
    result = glassbox.gradcheck(net, rng.normal(size=(B, 4, 2)), state, seed=3)
    assert result.ok and result.checked > net.num_parameters
    assert max(result.max_abs_error.values()) < 1e-7
    assert {"input", "h0"} <= set(result.max_abs_error)


def test_gradcheck_detects_a_wrong_gradient(monkeypatch):
    net = glassbox.RNN(2, 3, seed=0)
    real_backward = net.backward

    def broken(*args, **kwargs):
        grads = real_backward(*args, **kwargs)
        grads["weight_hh_l0"][1, 2] += 1e-3
        return grads

    monkeypatch.setattr(net, "backward", broken)
    x = np.random.default_rng(0).normal(size=(2, 3, 2))
    assert not glassbox.gradcheck(net, x, raise_on_failure=False).ok
    with pytest.raises(ValueError, match=r"gradcheck failed .*weight_hh_l0\[1, 2\]"):
        glassbox.gradcheck(net, x)
    with pytest.raises(ValueError, match="needs a float64 network, got float32"):
        glassbox.gradcheck(glassbox.RNN(2, 3, dtype=np.float32), x)


def test_clip_grad_norm_scales_parameters_only():
    grads = {"weight_hh_l0": np.full((2, 2), 3.0), "bias_hh_l0": np.full(2, 4.0), "input": np.full(3, 100.0)}
    total = glassbox.clip_grad_norm(grads, 1.0)
    assert total == pytest.approx(np.sqrt(4 * 9 + 2 * 16))
    assert np.sqrt((grads["weight_hh_l0"] ** 2).sum() + (grads["bias_hh_l0"] ** 2).sum()) == pytest.approx(1.0, rel=1e-5)
    assert np.all(grads["input"] == 100.0)
    assert glassbox.clip_grad_norm(grads, 10.0) == pytest.approx(1.0, rel=1e-5)  # already small: unchanged
    assert np.sqrt((grads["weight_hh_l0"] ** 2).sum() + (grads["bias_hh_l0"] ** 2).sum()) == pytest.approx(1.0, rel=1e-5)
    with pytest.raises(ValueError, match="max_norm must be positive, got 0"):
        glassbox.clip_grad_norm(grads, 0)


def test_optimizers_match_torch_updates():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    p0, grads = rng.normal(size=(3, 2)), [rng.normal(size=(3, 2)) for _ in range(4)]
    for ours, theirs in [(lambda p: glassbox.SGD(p, lr=0.1, momentum=0.9), lambda t: torch.optim.SGD(t, lr=0.1, momentum=0.9)),
                         (lambda p: glassbox.Adam(p, lr=0.05), lambda t: torch.optim.Adam(t, lr=0.05))]:
        params = {"w": p0.copy()}
        t = torch.tensor(p0, requires_grad=True)
        opt, t_opt = ours(params), theirs([t])
        for g in grads:
            opt.step({"w": g, "input": None})
            t.grad = torch.tensor(g)
            t_opt.step()
        np.testing.assert_allclose(params["w"], t.detach().numpy(), rtol=1e-10)


@pytest.mark.parametrize("cell", CELLS)
def test_training_with_adam_and_clipping_reduces_the_loss(cell):
    """Learn the running mean of a noisy input on unit 0 of the last layer."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 10, 1))  # (B, T, I)
    y = 0.5 * np.cumsum(x[..., 0], axis=1) / np.arange(1, 11)  # (B, T) running mean, scaled into tanh's range
    net = CELLS[cell](1, 8, 2, seed=0)
    opt = glassbox.Adam(net.params, lr=0.02)
    losses = []
    for _ in range(150):
        out, _, trace = net.forward(x)
        err = out[..., 0] - y  # (B, T)
        losses.append(float((err ** 2).mean()))
        d_out = np.zeros_like(out)
        d_out[..., 0] = 2 * err / err.size
        grads = net.backward(d_out, trace)
        glassbox.clip_grad_norm(grads, 1.0)
        opt.step(grads)
    assert losses[-1] < 0.1 * losses[0], (losses[0], losses[-1])


@pytest.mark.parametrize("cell", CELLS)
def test_repeated_backward_reusing_scratch_memory_gives_fresh_results(cell):
    """Backward reuses scratch arrays between calls: results must not depend on the previous call."""
    rng = np.random.default_rng(4)
    net, fresh = CELLS[cell](2, 3, 2, seed=1), CELLS[cell](2, 3, 2, seed=1)
    x1, x2 = rng.normal(size=(3, 5, 2)), rng.normal(size=(3, 5, 2))
    d1, d2 = rng.normal(size=(3, 5, 3)), rng.normal(size=(3, 5, 3))
    _, _, t1 = net.forward(x1)
    first = net.backward(d1, t1)
    _, _, t2 = net.forward(x2)
    second = net.backward(d2, t2)
    expected = fresh.backward(d2, fresh.forward(x2)[2])
    for name in expected:
        np.testing.assert_array_equal(second[name], expected[name], err_msg=name)
    assert not np.array_equal(first["weight_hh_l0"], second["weight_hh_l0"])


@pytest.mark.parametrize("cell", CELLS)
def test_forward_reusing_an_old_trace_gives_the_same_results(cell):
    rng = np.random.default_rng(6)
    net = CELLS[cell](2, 3, 2, seed=1)
    x1, x2, d = rng.normal(size=(3, 5, 2)), rng.normal(size=(3, 5, 2)), rng.normal(size=(3, 5, 3))
    out, final, trace = net.forward(x2)
    expected = {name: trace[name] for name in trace}
    grads = net.backward(d, trace)
    _, _, old = net.forward(x1)
    out2, final2, trace2 = net.forward(x2, reuse=old)
    np.testing.assert_array_equal(out2, out)
    for name, value in expected.items():
        np.testing.assert_array_equal(trace2[name], value, err_msg=name)
    for name, g in net.backward(d, trace2).items():
        np.testing.assert_array_equal(g, grads[name], err_msg=name)
    with pytest.raises(ValueError, match="memory was reused by a later forward"):
        old["h"]
    with pytest.raises(ValueError, match="memory was reused by a later forward"):
        net.backward(d, old)
    _, _, trace3 = net.forward(rng.normal(size=(4, 7, 2)), reuse=trace2)  # other shape: fresh memory
    assert trace3.shape == (2, 4, 7, 3)
    with pytest.raises(ValueError, match="reuse comes from a"):
        net.forward(x2, reuse=CELLS["rnn" if cell != "rnn" else "gru"](2, 3, 2).forward(x2)[2])
