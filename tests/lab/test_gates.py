import numpy as np
import pytest

torch = pytest.importorskip("torch")

from lstmlab.lab.gates import batch_saturation, born_in_gates, gate_trace, saturation  # noqa: E402
from lstmlab.lab.run import RunConfig  # noqa: E402
from lstmlab.nn.model import SequenceModel  # noqa: E402


def test_saturation_counts_per_unit():
    v = np.array([[0.05, 0.5], [0.95, 0.5], [0.05, 0.99], [0.5, 0.5]])  # (T=4, H=2)
    s = saturation(v)
    np.testing.assert_allclose(s["low"], [0.5, 0.0])
    np.testing.assert_allclose(s["high"], [0.25, 0.25])


def test_gate_trace_matches_the_torch_model():
    torch.manual_seed(0)
    model = SequenceModel(3, 4, 5, cell="lstm")
    x = np.random.default_rng(0).normal(size=(6, 3)).astype(np.float32)
    tr = gate_trace(model, x, words=list("abcdef"))
    with torch.no_grad():
        h, _ = model.rnn(torch.from_numpy(x[None]))
        logits = model(torch.from_numpy(x[None]))[0]
    np.testing.assert_allclose(tr.states["h"], h[0].numpy(), atol=1e-6)
    np.testing.assert_allclose(tr.probs, torch.softmax(logits.double(), -1).numpy(), atol=1e-6)
    assert set(tr.saturation) == {"i", "f", "o"} and tr.states["f"].shape == (6, 4)
    assert ((tr.states["f"] > 0) & (tr.states["f"] < 1)).all()
    sat = batch_saturation(model, np.stack([x, x]))
    np.testing.assert_allclose(sat["f"]["high"], tr.saturation["f"]["high"])


def test_gate_trace_rejects_bad_input():
    with pytest.raises(ValueError, match="LSTM"):
        gate_trace(SequenceModel(3, 4, 2, cell="gru"), np.zeros((5, 3)))
    with pytest.raises(ValueError, match="words"):
        gate_trace(SequenceModel(3, 4, 2, cell="lstm"), np.zeros((5, 3)), words=["a"])
    with pytest.raises(ValueError, match="one sequence"):
        gate_trace(SequenceModel(3, 4, 2, cell="lstm"), np.zeros((2, 5, 3)))


def test_born_in_gates_on_a_tiny_run():
    cfg = RunConfig("born-in", "lstm", 3, 0, hidden_size=8, n_train=64, n_val=32, n_test=32, max_epochs=1)
    g = born_in_gates(cfg, n_stats=16)
    assert len(g.trace.words) == 3 + 11 and g.trace.words[:4] == ["i", "was", "born", "in"]
    assert g.trace.words[4] == g.country
    assert g.record.config["task"] == "born-in"
    with pytest.raises(ValueError, match="born-in"):
        born_in_gates(RunConfig("parity", "lstm", 3, 0))
