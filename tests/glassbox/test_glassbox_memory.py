"""Memory reuse: a network recycles the memory of traces nobody holds, and never anything still in use."""

import copy
import pickle

import numpy as np
import pytest

from lstmlab import glassbox

CELLS = {"lstm": glassbox.LSTM, "gru": glassbox.GRU, "rnn": glassbox.RNN}
SHAPES = [(3, 5, 2), (1, 4, 2), (3, 1, 2), (1, 1, 2)]  # (B, T, I): B = 1 and T = 1 make contiguous views likely


def _addresses(trace):
    """Where each array of each layer's cache lives (no reference to the arrays is kept)."""
    return [{name: a.__array_interface__["data"][0] for name, a in cache.items()} for cache in trace._caches]


@pytest.mark.parametrize("cell", CELLS)
def test_forward_reuses_the_memory_of_a_trace_that_is_gone(cell):
    rng = np.random.default_rng(0)
    net, fresh = CELLS[cell](2, 3, 2, seed=1), CELLS[cell](2, 3, 2, seed=1)
    x1, x2, d = rng.normal(size=(4, 6, 2)), rng.normal(size=(4, 6, 2)), rng.normal(size=(4, 6, 3))
    _, _, trace = net.forward(x1)
    before = _addresses(trace)
    del trace
    out, final, trace = net.forward(x2)
    assert _addresses(trace) == before  # the same memory...
    out_f, final_f, trace_f = fresh.forward(x2)  # ...and the same numbers as in fresh memory
    np.testing.assert_array_equal(out, out_f)
    for name in trace:
        np.testing.assert_array_equal(trace[name], trace_f[name], err_msg=name)
    grads, grads_f = net.backward(d, trace), fresh.backward(d, trace_f)
    for name in grads_f:
        np.testing.assert_array_equal(grads[name], grads_f[name], err_msg=name)


@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "B{}T{}I{}".format(*s))
def test_nothing_a_caller_still_holds_is_overwritten(cell, shape):
    """Traces, outputs, states, inputs and gradients from earlier calls keep their values."""
    rng = np.random.default_rng(1)
    net, fresh = CELLS[cell](2, 3, 2, seed=2), CELLS[cell](2, 3, 2, seed=2)
    xs = [rng.normal(size=shape) for _ in range(4)]
    d = rng.normal(size=shape[:2] + (3,))
    held = []
    for i, x in enumerate(xs):
        out, final, trace = net.forward(x)
        grads = net.backward(d, trace)
        inputs = trace.inputs
        if i % 2:
            del trace  # its memory may be reused by the next forward, but out, final, inputs and grads may not
            held.append((out, final, None, inputs, grads))
        else:
            held.append((out, final, trace, inputs, grads))
    for x, (out, final, trace, inputs, grads) in zip(xs, held):
        out_f, final_f, trace_f = fresh.forward(x)
        np.testing.assert_array_equal(out, out_f)
        for mine, theirs in zip(final if cell == "lstm" else [final], final_f if cell == "lstm" else [final_f]):
            np.testing.assert_array_equal(mine, theirs)
        if trace is not None:
            for name in trace:
                np.testing.assert_array_equal(trace[name], trace_f[name], err_msg=name)
        for mine, theirs in zip(inputs, trace_f.inputs):
            np.testing.assert_array_equal(mine, theirs)
        for name, g in fresh.backward(d, trace_f).items():
            np.testing.assert_array_equal(grads[name], g, err_msg=name)


def test_trace_inputs_are_copies_of_what_each_layer_read():
    rng = np.random.default_rng(2)
    net = glassbox.LSTM(2, 3, 2, seed=0)
    x = rng.normal(size=(4, 5, 2))
    out, _, trace = net.forward(x)
    inputs = trace.inputs
    np.testing.assert_array_equal(inputs[0], x.transpose(1, 0, 2))  # (T, B, I)
    np.testing.assert_array_equal(inputs[1], trace["h"][0].transpose(1, 0, 2))  # layer 0's output
    inputs[1][...] = 0.0
    np.testing.assert_array_equal(trace.inputs[1], trace["h"][0].transpose(1, 0, 2))


@pytest.mark.parametrize("cell", CELLS)
def test_a_network_pickles_and_copies_without_its_scratch_memory(cell):
    rng = np.random.default_rng(3)
    net = CELLS[cell](2, 3, 2, seed=4)
    x, d = rng.normal(size=(3, 5, 2)), rng.normal(size=(3, 5, 3))
    out, _, trace = net.forward(x)
    grads = net.backward(d, trace)
    for other in (pickle.loads(pickle.dumps(net)), copy.deepcopy(net)):
        assert other._work == {} and other._spare == []
        out2, _, trace2 = other.forward(x)
        np.testing.assert_array_equal(out2, out)
        for name, g in other.backward(d, trace2).items():
            np.testing.assert_array_equal(g, grads[name], err_msg=name)
