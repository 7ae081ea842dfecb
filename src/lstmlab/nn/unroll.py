"""Step-by-step torch unroll of a SequenceModel, keeping every hidden and cell state for gradients."""

from __future__ import annotations

import torch

from lstmlab.nn.model import SequenceModel


def forget_gate(model: SequenceModel, layer: int, inp: torch.Tensor, h_prev: torch.Tensor) -> torch.Tensor:
    """The LSTM forget gate of ``layer`` for input (B, I_l) and previous hidden state (B, H) -> (B, H)."""
    H = model.rnn.hidden_size
    w_ih, w_hh = (getattr(model.rnn, f"weight_{k}_l{layer}")[H:2 * H] for k in ("ih", "hh"))  # rows of f
    b = getattr(model.rnn, f"bias_ih_l{layer}")[H:2 * H] + getattr(model.rnn, f"bias_hh_l{layer}")[H:2 * H]
    return torch.sigmoid(inp @ w_ih.T + h_prev @ w_hh.T + b)  # (B, H)


def unroll(model: SequenceModel, x: torch.Tensor) -> tuple[torch.Tensor, list[torch.Tensor], list[torch.Tensor]]:
    """Run ``model`` one step at a time.

    Returns
    -------
    out : head outputs, (B, O) for head "last" or (B, T, O) for "all" (equal to ``model(x)``)
    hs : T tensors (L, B, H), the hidden state after each step, with ``retain_grad`` set, so that after
        ``backward`` ``hs[t].grad`` is the total derivative of the loss with respect to h_t
    fs : for an LSTM, T tensors (L, B, H): the forget gate at each step; else empty
    """
    B, T, _ = x.shape
    L, H = model.rnn.num_layers, model.rnn.hidden_size
    lstm = model.cell == "lstm"
    zeros = x.new_zeros(L, B, H)
    state = (zeros, zeros) if lstm else zeros
    hs, fs, heads = [], [], []
    for t in range(T):
        if lstm:
            h_prev = state[0]
            inputs = [x[:, t]]
        _, state = model.rnn(x[:, t:t + 1], state)
        h = state[0] if lstm else state  # (L, B, H)
        h.retain_grad()
        hs.append(h)
        if lstm:  # the forget gate each layer applied at this step
            inputs += [h[layer] for layer in range(L - 1)]
            fs.append(torch.stack([forget_gate(model, k, inputs[k], h_prev[k]) for k in range(L)]))
        if model.head_mode == "all":
            heads.append(model.head(h[-1]))  # (B, O)
    out = torch.stack(heads, 1) if heads else model.head(hs[-1][-1])  # (B, T, O) or (B, O)
    return out, hs, fs
