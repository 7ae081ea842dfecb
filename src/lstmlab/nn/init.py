"""Seeded weight initialisation for SequenceModel: the LSTM forget-gate bias, or chrono initialisation."""

from __future__ import annotations

import math

import torch

from lstmlab.errors import LstmlabError
from lstmlab.nn.init_names import INITS, check_init  # noqa: F401 - re-exported
from lstmlab.nn.model import SequenceModel


def chrono_forget_bias(hidden_size: int, t_max: float, generator: torch.Generator) -> torch.Tensor:
    """Forget-gate biases log(u), u ~ Uniform[1, t_max - 1] per unit (Tallec & Ollivier 2018).

    A forget gate at sigmoid(b) keeps a fraction f of its cell per step, so a memory lasts about
    1 / (1 - f) = 1 + e^b steps: drawing e^b between 1 and t_max - 1 spreads the units' time scales
    over the whole range from 2 to t_max steps.
    """
    if not t_max >= 2:
        raise LstmlabError(f"t_max must be >= 2, got {t_max!r}")
    u = torch.empty(hidden_size).uniform_(1.0, t_max - 1.0, generator=generator)
    return torch.log(u)


@torch.no_grad()
def init_weights(model: SequenceModel, generator: torch.Generator, forget_bias: float = 1.0,
                 init: str = "uniform", chrono_tmax: float | None = None) -> SequenceModel:
    """Draw every weight from ``generator`` and set the LSTM's gate biases; returns ``model``.

    All recurrent and head parameters are drawn uniform in [-1/sqrt(H), 1/sqrt(H)], torch's own default
    rule for recurrent layers, but from an explicit generator so a seed fixes them. For an LSTM the
    gate biases are then set in ``b_ih`` (the ``b_hh`` parts to 0; torch gate order i, f, g, o):

    - ``init="uniform"``: the forget-gate bias to ``forget_bias``. With a bias of 1 the forget gate starts
      near sigmoid(1) = 0.73 instead of 0.5, so the cell state, and the gradient along it, decays more
      slowly at the start of training (Gers et al. 2000; Jozefowicz et al. 2015).
    - ``init="chrono"``: chrono initialisation (Tallec & Ollivier 2018, "Can recurrent neural networks
      warp time?"): forget bias b_f = log(u), u ~ Uniform[1, chrono_tmax - 1] per unit (drawn from
      ``generator`` after the weights), and input bias b_i = -b_f; ``forget_bias`` is not used.
      ``chrono_tmax`` (>= 2) is the longest time range the units should span, e.g. the sequence length.

    Other cells have no gate biases of this kind: ``init`` and ``forget_bias`` leave them unchanged.
    """
    check_init(init, chrono_tmax)
    if init == "chrono" and chrono_tmax is None:
        raise LstmlabError("init='chrono' needs chrono_tmax (e.g. the sequence length), got None")
    H = model.rnn.hidden_size
    bound = 1.0 / math.sqrt(H)
    for p in model.parameters():
        p.copy_(torch.empty_like(p).uniform_(-bound, bound, generator=generator))
    if model.cell == "lstm":
        for layer in range(model.rnn.num_layers):
            b_ih, b_hh = getattr(model.rnn, f"bias_ih_l{layer}"), getattr(model.rnn, f"bias_hh_l{layer}")
            if init == "chrono":
                b_f = chrono_forget_bias(H, chrono_tmax, generator)
                b_ih[:H], b_ih[H:2 * H] = -b_f, b_f
                b_hh[:2 * H] = 0.0
            else:
                b_ih[H:2 * H] = forget_bias
                b_hh[H:2 * H] = 0.0
    return model


def make_model(n_inputs: int, n_outputs: int, cell: str, hidden_size: int, head: str, seed: int,
               num_layers: int = 1, forget_bias: float = 1.0, init: str = "uniform",
               chrono_tmax: float | None = None) -> SequenceModel:
    """A SequenceModel with weights drawn from ``torch.Generator().manual_seed(seed)``."""
    model = SequenceModel(n_inputs, hidden_size, n_outputs, cell=cell, num_layers=num_layers, head=head)
    return init_weights(model, torch.Generator().manual_seed(seed), forget_bias, init, chrono_tmax)
