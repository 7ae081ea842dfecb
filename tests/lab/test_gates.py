"""lab.gates: the glass-box reading of a torch LSTM equals the torch model, and saturation counts are right."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from lstmlab.lab.gates import GateReading, read_gates  # noqa: E402
from lstmlab.nn.model import SequenceModel  # noqa: E402


def _torch_gates(model, x):
    """i, f, g, o, c, h (T, H) of a one-layer torch LSTM, computed step by step from its weights."""
    r, H = model.rnn, model.rnn.hidden_size
    h = c = torch.zeros(H, dtype=torch.float64)
    rows = {k: [] for k in "ifgoch"}
    for x_t in torch.from_numpy(x).double():
        z = x_t @ r.weight_ih_l0.double().T + r.bias_ih_l0.double() + h @ r.weight_hh_l0.double().T \
            + r.bias_hh_l0.double()  # (4H,) torch gate order i, f, g, o
        i, f, g, o = torch.sigmoid(z[:H]), torch.sigmoid(z[H:2 * H]), torch.tanh(z[2 * H:3 * H]), torch.sigmoid(z[3 * H:])
        c = f * c + i * g
        h = o * torch.tanh(c)
        for k, v in zip("ifgoch", (i, f, g, o, c, h)):
            rows[k].append(v.detach().numpy())
    return {k: np.stack(v) for k, v in rows.items()}


def test_read_gates_matches_a_hand_written_lstm_step():
    torch.manual_seed(0)
    model = SequenceModel(3, 4, 5, cell="lstm")
    x = np.random.default_rng(0).normal(size=(6, 3)).astype(np.float32)
    reading = read_gates(model, x, list("abcdef"))
    ref = _torch_gates(model, x)
    for k in "ifgoch":
        np.testing.assert_allclose(getattr(reading, k), ref[k], atol=1e-6)
    with torch.no_grad():
        assert reading.prediction == int(model(torch.from_numpy(x[None]))[0].argmax())


def test_saturation_counts_per_unit():
    f = np.array([[0.05, 0.5], [0.95, 0.5], [0.05, 0.99], [0.5, 0.5]])  # (T=4, H=2)
    z = np.zeros_like(f)
    sat = GateReading(list("abcd"), z, f, z, z, z, z).saturation()
    np.testing.assert_allclose(sat["f"]["shut"], [0.5, 0.0])
    np.testing.assert_allclose(sat["f"]["open"], [0.25, 0.25])
    np.testing.assert_allclose(sat["i"]["shut"], [1.0, 1.0])


def test_read_gates_rejects_bad_input():
    with pytest.raises(ValueError, match="LSTM"):
        read_gates(SequenceModel(3, 4, 2, cell="gru"), np.zeros((5, 3)), list("abcde"))
    with pytest.raises(ValueError, match="tokens"):
        read_gates(SequenceModel(3, 4, 2, cell="lstm"), np.zeros((5, 3)), ["a"])


def test_the_lab_experiments_return_what_their_callers_go_on_with():
    """The demo builds on these results instead of repeating the lab's steps: the trained models come back."""
    from lstmlab.lab.experiments import gate_experiment, gate_reading, gradient_experiment
    from lstmlab.lab.run import RunConfig
    from lstmlab.tasks.born_in import COUNTRIES, sentences

    config = RunConfig("born-in", "lstm", 2, seed=3, hidden_size=4, n_val=20, n_test=20, max_epochs=1,
                       steps_per_epoch=2)
    exp = gradient_experiment(config, ("rnn", "lstm"), n_batch=8)
    assert [(f.cell, f.when) for f in exp.flows] == [("rnn", "init"), ("rnn", "trained"), ("lstm", "init"),
                                                     ("lstm", "trained")]
    assert set(exp.models) == set(exp.records) == {"rnn", "lstm"} and exp.x.shape[:2] == (8, 2 + 11)
    reading, record, model = gate_experiment(config)
    assert record.metrics["test"] == exp.records["lstm"].metrics["test"]  # the same seeded run
    again = gate_reading(config, exp.models["lstm"])
    np.testing.assert_allclose(again.f, reading.f)
    _, y = sentences(1, config.length, np.random.default_rng([config.seed, 8]))  # the sentence gate_reading drew
    assert reading.target == int(y[0]) and COUNTRIES[reading.target] in reading.tokens
