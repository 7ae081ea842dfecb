"""A recurrent network in plain NumPy whose every gate can be looked at, that trains and equals torch.

>>> import numpy as np
>>> from lstmlab import glassbox
>>> net = glassbox.LSTM(input_size=1, hidden_size=4, seed=0)
>>> out, (h_n, c_n), trace = net.forward(np.zeros((2, 5, 1)))
>>> trace["f"].shape  # forget gate: (layers, batch, steps, units)
(1, 2, 5, 4)

Imports NumPy only (torch lazily, inside ``from_torch``/``to_torch``), plus lstmlab's two leaf modules
``lstmlab.errors`` and ``lstmlab.atomic`` (standard library only).
"""

from lstmlab.glassbox.convert import from_keras, to_keras
from lstmlab.glassbox.gradcheck import GradcheckResult, gradcheck
from lstmlab.glassbox.layer import GRU, LSTM, RNN, Recurrent, RecurrentConfig
from lstmlab.glassbox.networks import CELL_NAMES, NETWORKS, check_cell, from_state_dict, load
from lstmlab.glassbox.optim import SGD, Adam, clip_grad_norm
from lstmlab.glassbox.trace import Trace

__all__ = ["LSTM", "GRU", "RNN", "Recurrent", "RecurrentConfig", "NETWORKS", "CELL_NAMES", "check_cell", "Trace",
           "load", "from_keras", "to_keras", "from_state_dict", "gradcheck", "GradcheckResult", "SGD", "Adam",
           "clip_grad_norm"]
