import numpy as np
import pytest
import torch

from lstmlab.nn.init import init_weights, make_model
from lstmlab.nn.model import SequenceModel
from lstmlab.nn.train import TrainConfig, fit, loss_fn, predict
from lstmlab.nn.unroll import unroll
from lstmlab.tasks import IGNORE, get_task


def test_init_is_seeded_and_sets_forget_bias():
    a = make_model(3, 2, "lstm", 4, "last", seed=1, forget_bias=2.0)
    b = make_model(3, 2, "lstm", 4, "last", seed=1, forget_bias=2.0)
    c = make_model(3, 2, "lstm", 4, "last", seed=2, forget_bias=2.0)
    for (name, p), q, r in zip(a.named_parameters(), b.parameters(), c.parameters()):
        assert torch.equal(p, q), name
        if "bias" not in name:
            assert not torch.equal(p, r), name
    np.testing.assert_array_equal(a.rnn.bias_ih_l0[4:8].detach().numpy(), 2.0)  # gate order i, f, g, o
    np.testing.assert_array_equal(a.rnn.bias_hh_l0[4:8].detach().numpy(), 0.0)
    assert abs(a.rnn.bias_ih_l0[:4]).max() <= 0.5  # others from U(-1/sqrt(H), 1/sqrt(H))


@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
@pytest.mark.parametrize("head", ["last", "all"])
def test_unroll_equals_the_model(cell, head):
    model = make_model(3, 2, cell, 5, head, seed=0)
    model.rnn = type(model.rnn)(3, 5, 2, batch_first=True)  # two layers
    x = torch.randn(4, 6, 3, generator=torch.Generator().manual_seed(0))
    out, hs, fs = unroll(model, x)
    torch.testing.assert_close(out, model(x))
    assert len(hs) == 6 and hs[0].shape == (2, 4, 5)
    assert len(fs) == (6 if cell == "lstm" else 0)


def test_loss_ignores_unscored_steps():
    out = torch.randn(2, 3, 4)
    y = torch.tensor([[IGNORE, 1, IGNORE], [IGNORE, IGNORE, 2]])
    expected = torch.nn.functional.cross_entropy(torch.stack([out[0, 1], out[1, 2]]), torch.tensor([1, 2]))
    torch.testing.assert_close(loss_fn("classify", IGNORE)(out, y), expected)
    with pytest.raises(ValueError, match="unknown task kind 'x'"):
        loss_fn("x")


def _parity(n, length, seed):
    return get_task("parity").sample(n, length, np.random.default_rng(seed))


def test_fit_learns_a_short_parity_and_is_reproducible():
    task = get_task("parity")
    curves = []
    for _ in range(2):
        model = make_model(10, 2, "lstm", 16, "last", seed=0)
        cfg = TrainConfig(learning_rate=1e-2, batch_size=64, max_epochs=15, target=1.0)
        res = fit(model, loss_fn("classify", IGNORE), task.metric, _parity(1000, 3, 0), _parity(300, 3, 1), cfg,
                  torch.Generator().manual_seed(0))
        curves.append([c["val_loss"] for c in res.curve])
    assert curves[0] == curves[1]
    assert task.metric(predict(model, _parity(500, 3, 2)[0]), _parity(500, 3, 2)[1]) >= 0.99
    assert res.stopped == "target"


def test_fit_from_a_sampler_and_patience():
    task = get_task("parity")
    rng = np.random.default_rng(0)
    model = make_model(10, 2, "rnn", 4, "last", seed=0)
    cfg = TrainConfig(learning_rate=1e-9, max_epochs=50, steps_per_epoch=2, patience=2)
    res = fit(model, loss_fn("classify", IGNORE), task.metric, lambda n: task.make(n, 5, rng), _parity(100, 5, 1), cfg,
              torch.Generator().manual_seed(0))
    assert res.stopped == "patience" and len(res.curve) < 50
    with pytest.raises(ValueError, match="steps_per_epoch"):
        fit(model, loss_fn("classify", IGNORE), task.metric, lambda n: task.make(n, 5, rng), _parity(100, 5, 1),
            TrainConfig(), torch.Generator())


def test_train_config_rejects_bad_values():
    with pytest.raises(ValueError, match="batch_size must be >= 1, got 0"):
        TrainConfig(batch_size=0)
    with pytest.raises(ValueError, match="learning_rate and clip must be > 0"):
        TrainConfig(learning_rate=0)


def test_mixed_precision_is_refused_off_cuda():
    model = make_model(10, 2, "lstm", 8, "last", seed=0)
    with pytest.raises(ValueError, match="mixed_precision=True needs a CUDA device, not 'cpu'"):
        fit(model, loss_fn("classify", IGNORE), get_task("parity").metric, _parity(100, 3, 0), _parity(50, 3, 1),
            TrainConfig(max_epochs=1, mixed_precision=True), torch.Generator())


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_mixed_precision_trains_under_autocast_and_keeps_float32_weights():
    task = get_task("parity")
    model = make_model(10, 2, "lstm", 16, "last", seed=0)
    seen = []
    model.register_forward_hook(lambda module, args, out: seen.append(out.dtype) if module.training else None)
    cfg = TrainConfig(learning_rate=1e-2, batch_size=64, max_epochs=15, target=1.0, mixed_precision=True,
                      device="cuda")
    res = fit(model, loss_fn("classify", IGNORE), task.metric, _parity(1000, 3, 0), _parity(300, 3, 1), cfg,
              torch.Generator().manual_seed(0))
    assert set(seen) == {torch.float16}
    assert all(p.dtype == torch.float32 for p in model.parameters())
    assert res.curve[-1]["val_loss"] < res.curve[0]["val_loss"]
    assert task.metric(predict(model, _parity(500, 3, 2)[0]), _parity(500, 3, 2)[1]) >= 0.9
