"""One torch sequence model for every cell type: a recurrent stack and a linear head."""

from __future__ import annotations

import torch
from torch import nn

from lstmlab.errors import LstmlabError
from lstmlab.glassbox.cells import CELLS as GLASSBOX_CELLS
from lstmlab.glassbox.networks import CELL_NAMES, check_cell

__all__ = ["CELLS", "SequenceModel", "check_cell"]

CELLS = {name: getattr(nn, GLASSBOX_CELLS[name].torch_class) for name in CELL_NAMES}  # "lstm" -> nn.LSTM


class SequenceModel(nn.Module):
    """``cell`` recurrent layers (batch_first) followed by a linear head.

    Parameters
    ----------
    input_size, hidden_size, output_size : int
        Features per step in, units per layer, outputs of the head.
    cell : {"lstm", "gru", "rnn"}
        The recurrent cell; "rnn" is the tanh Elman RNN.
    num_layers : int
        Stacked recurrent layers.
    dropout : float
        Dropout between recurrent layers (ignored for one layer, as torch does).
    head : {"last", "all"}
        "last" applies the head to the final step only: (B, T, I) -> (B, O);
        "all" applies it to every step: (B, T, I) -> (B, T, O).
    """

    def __init__(self, input_size: int, hidden_size: int, output_size: int, cell: str = "lstm",
                 num_layers: int = 1, dropout: float = 0.0, head: str = "last") -> None:
        super().__init__()
        if head not in ("last", "all"):
            raise LstmlabError(f"unknown head {head!r}: expected 'last' or 'all'")
        self.cell, self.head_mode = check_cell(cell), head
        self.rnn = CELLS[cell](input_size, hidden_size, num_layers, batch_first=True,
                               dropout=dropout if num_layers > 1 else 0.0)
        self.head = nn.Linear(hidden_size, output_size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out, _ = self.rnn(x)  # (B, T, H)
        if self.head_mode == "last":
            out = out[:, -1]  # (B, H)
        return self.head(out)  # (B, O) or (B, T, O)
