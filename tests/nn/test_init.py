import math

import pytest
import torch

from lstmlab.nn.init import chrono_forget_bias, make_model


def _biases(model, layer=0):
    H = model.rnn.hidden_size
    b_ih = getattr(model.rnn, f"bias_ih_l{layer}").detach()
    b_hh = getattr(model.rnn, f"bias_hh_l{layer}").detach()
    return H, b_ih, b_hh


@pytest.mark.parametrize("t_max", [2.0, 10.0, 1000.0])
def test_chrono_biases_follow_the_rule(t_max):
    model = make_model(3, 1, "lstm", 64, "last", seed=5, num_layers=2, init="chrono", chrono_tmax=t_max)
    for layer in (0, 1):
        H, b_ih, b_hh = _biases(model, layer)
        b_i, b_f = b_ih[:H], b_ih[H:2 * H]
        u = torch.exp(b_f)
        assert u.min() >= 1.0 - 1e-6 and u.max() <= t_max - 1.0 + 1e-4  # u ~ U[1, t_max - 1]
        torch.testing.assert_close(b_i, -b_f)  # input bias = -forget bias
        assert torch.all(b_hh[:2 * H] == 0)  # the whole bias sits in b_ih
    if t_max >= 1000:  # 64 draws spread over the range, not one value
        assert b_f.std() > 0.5 and b_f.max() > math.log(100)


def test_chrono_is_seeded_and_leaves_other_parameters_as_uniform():
    a = make_model(3, 1, "lstm", 16, "last", seed=1, init="chrono", chrono_tmax=100)
    b = make_model(3, 1, "lstm", 16, "last", seed=1, init="chrono", chrono_tmax=100)
    c = make_model(3, 1, "lstm", 16, "last", seed=2, init="chrono", chrono_tmax=100)
    u = make_model(3, 1, "lstm", 16, "last", seed=1)
    for (name, p), q, r, w in zip(a.named_parameters(), b.parameters(), c.parameters(), u.parameters()):
        assert torch.equal(p, q), name
        assert not torch.equal(p, r), name
        if "bias" not in name:
            assert torch.equal(p, w), name  # the weights are the uniform init's, drawn first
    H = 16
    assert torch.equal(a.rnn.bias_ih_l0[2 * H:], u.rnn.bias_ih_l0[2 * H:])  # g and o biases untouched


def test_chrono_helper_draws_from_the_generator():
    g1, g2 = torch.Generator().manual_seed(3), torch.Generator().manual_seed(3)
    assert torch.equal(chrono_forget_bias(8, 50, g1), chrono_forget_bias(8, 50, g2))
    with pytest.raises(ValueError, match="t_max must be >= 2"):
        chrono_forget_bias(8, 1.5, g1)


def test_chrono_does_not_touch_rnn_or_gru():
    for cell in ("rnn", "gru"):
        a = make_model(3, 1, cell, 8, "last", seed=0, init="chrono", chrono_tmax=50)
        b = make_model(3, 1, cell, 8, "last", seed=0)
        assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))


@pytest.mark.parametrize("kwargs, message", [
    ({"init": "orthogonal"}, "unknown init 'orthogonal'"),
    ({"init": "chrono"}, "needs chrono_tmax"),
    ({"init": "chrono", "chrono_tmax": 1}, "chrono_tmax must be a number >= 2"),
    ({"init": "chrono", "chrono_tmax": float("nan")}, "chrono_tmax must be a number >= 2"),
    ({"init": "chrono", "chrono_tmax": "100"}, "chrono_tmax must be a number >= 2"),
    ({"init": "uniform", "chrono_tmax": 100}, "applies to init='chrono' only"),
])
def test_bad_init_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_model(3, 1, "lstm", 4, "last", seed=0, **kwargs)
