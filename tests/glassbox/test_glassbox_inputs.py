"""Bad input raises a clear error; the trace exports to npz and to a long table."""

import numpy as np
import pytest

from lstmlab import glassbox


@pytest.fixture
def lstm():
    return glassbox.LSTM(3, 4, num_layers=2, seed=0)


@pytest.mark.parametrize("x, error, match", [
    (np.zeros((5, 3)), ValueError, r"x must have 3 dimensions \(batch, steps, features\), got shape \(5, 3\)"),
    (np.zeros((2, 5, 2)), ValueError, r"x has 2 features per step \(shape \(2, 5, 2\)\), expected input_size=3"),
    (np.zeros((2, 0, 3)), ValueError, r"at least one sequence and one step, got shape \(2, 0, 3\)"),
    (np.array([[[0.0, np.nan, 1.0]]]), ValueError, r"x contains a non-finite value \(nan\) at index \(0, 0, 1\)"),
    (np.array([[[0.0, 1.0, -np.inf]]]), ValueError, r"x contains a non-finite value \(-inf\) at index \(0, 0, 2\)"),
    (np.full((1, 2, 3), "a"), TypeError, r"x must hold real numbers, got an array of dtype <U1"),
])
def test_bad_input(lstm, x, error, match):
    with pytest.raises(error, match=match):
        lstm.forward(x)


def test_bad_state(lstm):
    x = np.zeros((2, 5, 3))
    with pytest.raises(TypeError, match=r"state of an LSTM must be a pair \(h, c\), got ndarray"):
        lstm.forward(x, np.zeros((2, 2, 4)))
    with pytest.raises(ValueError, match=r"state\[1\] \(c\) has shape \(1, 2, 4\), expected \(2, 2, 4\)"):
        lstm.forward(x, (np.zeros((2, 2, 4)), np.zeros((1, 2, 4))))
    with pytest.raises(ValueError, match=r"state\[0\] \(h\) contains a non-finite value"):
        lstm.forward(x, (np.full((2, 2, 4), np.inf), np.zeros((2, 2, 4))))
    gru = glassbox.GRU(3, 4)
    with pytest.raises(TypeError, match=r"state of a GRU must be one array h, got a tuple"):
        gru.forward(x, (np.zeros((1, 2, 4)), np.zeros((1, 2, 4))))
    with pytest.raises(ValueError, match=r"state \(h\) has shape \(1, 3, 4\), expected \(1, 2, 4\)"):
        gru.forward(x, np.zeros((1, 3, 4)))


def test_bad_backward_arguments(lstm):
    out, _, trace = lstm.forward(np.zeros((2, 5, 3)))
    with pytest.raises(ValueError, match=r"d_out has shape \(2, 4, 4\), expected \(2, 5, 4\)"):
        lstm.backward(np.zeros((2, 4, 4)), trace)
    with pytest.raises(TypeError, match="trace must be the Trace returned by forward, got dict"):
        lstm.backward(out, {})
    _, _, gru_trace = glassbox.GRU(3, 4, 2).forward(np.zeros((2, 5, 3)))
    with pytest.raises(ValueError, match="trace comes from a GRU with 2 layers and 4 units"):
        lstm.backward(out, gru_trace)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"dtype": np.int32}, TypeError, r"unsupported dtype 'int32': expected float32 or float64"),
    ({"dtype": "float16"}, TypeError, r"unsupported dtype 'float16'"),
    ({"dtype": "bogus"}, TypeError, r"unknown dtype 'bogus': expected float32 or float64"),
    ({"num_layers": 0}, ValueError, r"num_layers must be a positive integer, got 0"),
    ({"hidden_size": 2.5}, ValueError, r"hidden_size must be a positive integer, got 2.5"),
])
def test_bad_constructor_arguments(kwargs, error, match):
    args = {"input_size": 2, "hidden_size": 3, **kwargs}
    with pytest.raises(error, match=match):
        glassbox.LSTM(**args)


def test_set_params_checks_names_and_shapes(lstm):
    params = dict(lstm.params)
    params.pop("bias_hh_l1")
    with pytest.raises(KeyError, match=r"missing \['bias_hh_l1'\]"):
        lstm.set_params(params)
    params["bias_hh_l1"] = np.zeros(3)
    with pytest.raises(ValueError, match=r"bias_hh_l1 has shape \(3,\), expected \(16,\)"):
        lstm.set_params(params)


def test_input_dtype_follows_the_network():
    net = glassbox.GRU(2, 3, dtype=np.float32)
    out, h, trace = net.forward(np.ones((1, 4, 2), dtype=np.int64))
    assert out.dtype == h.dtype == trace["z"].dtype == np.float32


# ------------------------------------------------------------------------------------ trace

def test_trace_layout_and_access(lstm):
    x = np.random.default_rng(0).normal(size=(2, 5, 3))
    out, (h_n, c_n), trace = lstm.forward(x)
    assert list(trace) == ["i", "f", "g", "o", "c", "h"] and trace.shape == (2, 2, 5, 4)
    np.testing.assert_array_equal(trace["h"][-1], out)
    np.testing.assert_array_equal(trace["h"][:, :, -1], h_n)
    np.testing.assert_array_equal(trace["c"][:, :, -1], c_n)
    np.testing.assert_allclose(trace["h"], trace["o"] * np.tanh(trace["c"]), rtol=1e-12)
    for gate in "ifo":
        assert ((trace[gate] > 0) & (trace[gate] < 1)).all()
    trace["h"][...] = 0  # a copy: the trace itself is unchanged
    assert np.array_equal(trace["h"][-1], out)
    with pytest.raises(KeyError, match=r"'r' is not traced for a LSTM: expected one of i, f, g, o, c, h"):
        trace["r"]


def test_trace_to_npz_and_frame(lstm, tmp_path):
    x = np.random.default_rng(1).normal(size=(2, 3, 3))
    _, _, trace = lstm.forward(x)
    trace.to_npz(tmp_path / "t.npz")
    with np.load(tmp_path / "t.npz") as data:
        assert str(data["cell"]) == "lstm"
        for name in trace:
            np.testing.assert_array_equal(data[name], trace[name])
    frame = trace.to_frame()
    assert list(frame.columns) == ["batch", "step", "layer", "unit", "quantity", "value"]
    assert len(frame) == 2 * 3 * 2 * 6 * 4  # B * T * L * quantities * H
    row = frame[(frame.batch == 1) & (frame.step == 2) & (frame.layer == 0) & (frame.unit == 3) & (frame.quantity == "f")]
    assert row.value.item() == trace["f"][0, 1, 2, 3]
    assert frame.groupby("quantity", observed=True).size().to_dict() == {q: 2 * 3 * 2 * 4 for q in trace}
