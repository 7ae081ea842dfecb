"""Conversion to and from torch and the Keras layout, save/load, and initialisation."""

import numpy as np
import pytest
import torch

from lstmlab import glassbox

CELLS = {"lstm": glassbox.LSTM, "gru": glassbox.GRU, "rnn": glassbox.RNN}


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("batch_first", [True, False])
def test_torch_round_trip_is_bit_exact(cell, dtype, batch_first):
    torch.manual_seed(0)
    module = getattr(torch.nn, cell.upper())(3, 5, 2, batch_first=batch_first, dtype=dtype)
    net = CELLS[cell].from_torch(module)
    back = net.to_torch()
    assert type(back) is type(module) and back.batch_first and back.num_layers == 2
    for (name, p), (name2, q) in zip(module.named_parameters(), back.named_parameters()):
        assert name == name2 and p.dtype == q.dtype
        assert torch.equal(p, q), name
        assert np.array_equal(net.params[name], p.detach().numpy())
        assert net.params[name].dtype == p.detach().numpy().dtype
    # and the copy does not share memory with the module
    with torch.no_grad():
        next(module.parameters()).add_(1.0)
    assert not np.array_equal(net.params["weight_ih_l0"], module.weight_ih_l0.detach().numpy())


def test_from_torch_batch_first_false_gives_same_numbers():
    torch.manual_seed(1)
    module = torch.nn.LSTM(2, 4, batch_first=False, dtype=torch.float64)
    net = glassbox.LSTM.from_torch(module)
    x = np.random.default_rng(0).normal(size=(3, 6, 2))  # (B, T, I)
    out, _, _ = net.forward(x)
    t_out, _ = module(torch.from_numpy(x.transpose(1, 0, 2).copy()))  # torch wants (T, B, I)
    np.testing.assert_allclose(out, t_out.detach().numpy().transpose(1, 0, 2), rtol=1e-12)


@pytest.mark.parametrize("make, cls, match", [
    (lambda: torch.nn.GRU(2, 3), glassbox.LSTM, r"expected a torch.nn.LSTM, got torch.nn.GRU"),
    (lambda: torch.nn.LSTM(2, 3), glassbox.RNN, r"expected a torch.nn.RNN, got torch.nn.LSTM"),
    (lambda: torch.nn.Linear(2, 3), glassbox.GRU, r"expected a torch.nn.GRU, got .*Linear"),
])
def test_from_torch_rejects_the_wrong_kind(make, cls, match):
    with pytest.raises(TypeError, match=match):
        cls.from_torch(make())


@pytest.mark.parametrize("module, match", [
    (torch.nn.LSTM(2, 3, bidirectional=True), r"bidirectional LSTM is not supported: expected bidirectional=False"),
    (torch.nn.LSTM(2, 4, proj_size=2), r"proj_size=2 is not supported: expected proj_size=0"),
    (torch.nn.RNN(2, 3, nonlinearity="relu"), r"nonlinearity='relu' is not supported: expected 'tanh'"),
    (torch.nn.GRU(2, 3, bias=False), r"bias=False is not supported"),
])
def test_from_torch_rejects_unsupported_options(module, match):
    cls = CELLS[type(module).__name__.lower()]
    with pytest.raises(ValueError, match=match):
        cls.from_torch(module)


# ------------------------------------------------------------------------------- Keras layout

def _sigmoid(a):
    return 1 / (1 + np.exp(-a))


def keras_reference(cell, weights, x):
    """Keras's equations written out (LSTM i,f,c,o; GRU z,r,h with reset_after; SimpleRNN)."""
    h_in = x  # (B, T, I)
    for kernel, rec, bias in weights:
        H = rec.shape[0]
        B, T, _ = h_in.shape
        h, c = np.zeros((B, H)), np.zeros((B, H))
        outs = []
        for t in range(T):
            if cell == "lstm":
                z = h_in[:, t] @ kernel + h @ rec + bias
                i, f, cc, o = (z[:, k * H:(k + 1) * H] for k in range(4))
                c = _sigmoid(f) * c + _sigmoid(i) * np.tanh(cc)
                h = _sigmoid(o) * np.tanh(c)
            elif cell == "gru":
                xz = h_in[:, t] @ kernel + bias[0]
                hz = h @ rec + bias[1]
                z = _sigmoid(xz[:, :H] + hz[:, :H])
                r = _sigmoid(xz[:, H:2 * H] + hz[:, H:2 * H])
                hh = np.tanh(xz[:, 2 * H:] + r * hz[:, 2 * H:])
                h = z * h + (1 - z) * hh
            else:
                h = np.tanh(h_in[:, t] @ kernel + h @ rec + bias)
            outs.append(h)
        h_in = np.stack(outs, axis=1)
    return h_in


def _keras_weights(cell, I, H, L, rng):
    G = {"lstm": 4, "gru": 3, "rnn": 1}[cell]
    out = []
    for k in range(L):
        n_in = I if k == 0 else H
        bias = rng.normal(size=(2, G * H)) if cell == "gru" else rng.normal(size=G * H)
        out.append([rng.normal(size=(n_in, G * H)) * 0.5, rng.normal(size=(H, G * H)) * 0.5, bias])
    return out


@pytest.mark.parametrize("cell", CELLS)
def test_keras_layout_forward_and_round_trip(cell):
    rng = np.random.default_rng(7)
    weights = _keras_weights(cell, 3, 4, 2, rng)
    net = CELLS[cell].from_keras(weights)
    x = rng.normal(size=(2, 6, 3))
    out, _, _ = net.forward(x)
    np.testing.assert_allclose(out, keras_reference(cell, weights, x), rtol=1e-10, atol=1e-12)
    back = net.to_keras()
    for layer, layer2 in zip(weights, back):
        for a, b in zip(layer, layer2):
            assert a.shape == b.shape and np.array_equal(a, b)
    assert [len(w) for w in glassbox.to_keras(net)] == [3, 3]


def test_lstm_to_keras_sums_the_two_biases_and_keeps_the_function():
    net = glassbox.LSTM(2, 3, seed=4)
    kernel, rec, bias = net.to_keras()[0]
    assert kernel.shape == (2, 12) and rec.shape == (3, 12) and bias.shape == (12,)
    np.testing.assert_array_equal(bias, net.params["bias_ih_l0"] + net.params["bias_hh_l0"])
    x = np.random.default_rng(0).normal(size=(2, 5, 2))
    again = glassbox.from_keras(glassbox.LSTM, net.to_keras())
    np.testing.assert_allclose(again.forward(x)[0], net.forward(x)[0], rtol=1e-12)


def test_from_keras_checks_shapes():
    with pytest.raises(ValueError, match=r"kernel has 8 columns, expected 4\*H = 12 for a LSTM with H=3"):
        glassbox.LSTM.from_keras([np.zeros((2, 8)), np.zeros((3, 8)), np.zeros(8)])
    with pytest.raises(ValueError, match=r"GRU bias has shape \(9,\), expected \(2, 9\)"):
        glassbox.GRU.from_keras([np.zeros((2, 9)), np.zeros((3, 9)), np.zeros(9)])


# ------------------------------------------------------------------------------ save / load, init

@pytest.mark.parametrize("cell", CELLS)
def test_save_load_round_trip(cell, tmp_path):
    net = CELLS[cell](2, 3, 2, dtype=np.float32, seed=9)
    path = tmp_path / "net.npz"
    net.save(path)
    again = glassbox.load(path)
    assert type(again) is type(net) and again.get_config() == net.get_config()
    for name, p in net.params.items():
        assert np.array_equal(again.params[name], p) and again.params[name].dtype == np.float32
    assert [p.name for p in tmp_path.iterdir()] == ["net.npz"]  # no temporary file left


def test_load_rejects_a_foreign_npz(tmp_path):
    np.savez(tmp_path / "x.npz", a=np.zeros(3))
    with pytest.raises(ValueError, match="is not a glassbox file"):
        glassbox.load(tmp_path / "x.npz")


def test_init_like_torch_and_seeded():
    net = glassbox.LSTM(3, 16, 2, seed=0)
    k = 1 / np.sqrt(16)
    for name, p in net.params.items():
        assert p.dtype == np.float64 and np.abs(p).max() <= k
        assert p.std() == pytest.approx(k / np.sqrt(3), rel=0.25), name  # U(-k, k) has std k/sqrt(3)
    same = glassbox.LSTM(3, 16, 2, seed=0)
    other = glassbox.LSTM(3, 16, 2, seed=1)
    assert all(np.array_equal(same.params[n], p) for n, p in net.params.items())
    assert not np.array_equal(other.params["weight_hh_l0"], net.params["weight_hh_l0"])
    assert set(net.params) == {n for n, _ in torch.nn.LSTM(3, 16, 2).named_parameters()}


def test_forget_bias_shifts_the_forget_block_only():
    base, shifted = glassbox.LSTM(2, 4, seed=0), glassbox.LSTM(2, 4, seed=0, forget_bias=1.0)
    diff = shifted.params["bias_ih_l0"] - base.params["bias_ih_l0"]
    np.testing.assert_allclose(diff, np.r_[np.zeros(4), np.ones(4), np.zeros(8)])
    with pytest.raises(ValueError, match="forget_bias applies to an LSTM only"):
        glassbox.GRU(2, 4, forget_bias=1.0)


def test_from_state_dict_finds_the_module_and_checks_it():
    torch.manual_seed(2)
    model = torch.nn.Sequential()
    model.add_module("rnn", torch.nn.GRU(3, 4, num_layers=2, batch_first=True))
    model.add_module("head", torch.nn.Linear(4, 1))
    net = glassbox.from_state_dict(model.state_dict())
    assert isinstance(net, glassbox.GRU) and (net.input_size, net.hidden_size, net.num_layers) == (3, 4, 2)
    for name, p in model.rnn.named_parameters():
        assert np.array_equal(net.params[name], p.detach().numpy())
    with pytest.raises(ValueError, match=r"holds a GRU .* not the requested LSTM"):
        glassbox.from_state_dict(model.state_dict(), cell="lstm")
    with pytest.raises(ValueError, match="expected exactly one recurrent module .* found none"):
        glassbox.from_state_dict(model.head.state_dict())
    with pytest.raises(ValueError, match="bidirectional or projected .* not supported"):
        glassbox.from_state_dict(torch.nn.LSTM(2, 3, bidirectional=True).state_dict())
