"""lab.gradients checked against an independent route: a perturbation eps added to h_t in a whole-sequence forward."""

import json

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from lstmlab.lab.gradients import gradient_flow  # noqa: E402
from lstmlab.nn.model import SequenceModel  # noqa: E402


def _grad_wrt_h(model, x, y, t):
    """Batch mean of ||dLoss/dh_t|| with the mean cross-entropy loss, via d/d eps at eps = 0."""
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    _, state = model.rnn(xt[:, :t + 1])
    h = state[0] if model.cell == "lstm" else state
    eps = torch.zeros_like(h, requires_grad=True)
    rest = (h + eps, state[1]) if model.cell == "lstm" else h + eps
    if t + 1 < x.shape[1]:
        out, _ = model.rnn(xt[:, t + 1:], rest)
        last = out[:, -1]
    else:
        last = (h + eps)[0]
    loss = torch.nn.functional.cross_entropy(model.head(last), yt)
    (g,) = torch.autograd.grad(loss, eps)
    return g[0].norm(dim=-1).mean().item()


@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
def test_gradient_norms_match_perturbation(cell):
    torch.manual_seed(0)
    model = SequenceModel(3, 5, 2, cell=cell)
    x = np.random.default_rng(0).normal(size=(4, 6, 3)).astype(np.float32)
    y = np.array([0, 1, 1, 0])
    flow = gradient_flow(model, "classify", x, y, when="init")
    assert flow.grad_norm.shape == (6,) and list(flow.lags) == list(range(6))
    for t in range(6):
        assert flow.grad_norm[5 - t] == pytest.approx(_grad_wrt_h(model, x, y, t), rel=1e-4)
    assert (flow.forget_product is not None) == (cell == "lstm")
    json.dumps(flow.to_dict())


def test_forget_product_follows_the_forget_gate():
    model = SequenceModel(2, 3, 1, cell="lstm")
    with torch.no_grad():
        for p in model.rnn.parameters():
            p.zero_()
        model.rnn.bias_ih_l0[3:6] = 2.0  # forget gate = sigmoid(2) at every step
    flow = gradient_flow(model, "regress", np.zeros((2, 5, 2), np.float32), np.zeros(2, np.float32))
    f = 1 / (1 + np.exp(-2.0))
    np.testing.assert_allclose(flow.forget_product, f ** np.arange(5), rtol=1e-5)


def test_ratio():
    flow = gradient_flow(SequenceModel(2, 3, 1, cell="rnn"), "regress", np.ones((2, 4, 2), np.float32),
                         np.ones(2, np.float32))
    assert flow.ratio(2, 1) == pytest.approx(flow.grad_norm[2] / flow.grad_norm[1])
