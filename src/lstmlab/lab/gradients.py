"""Gradient flow: how much the loss at the end of a sequence reaches back to earlier hidden states.

For a batch of sequences the model is unrolled one step at a time so that every hidden state h_t is a
tensor of its own; after the backward pass ``h_t.grad`` is the total derivative dLoss/dh_t (through the
head and through all later steps). Its norm, averaged over the batch, against the lag T-1-t is the
measured version of the "memory fades" picture: for a tanh RNN it typically falls geometrically with
the lag, for an LSTM it can stay level because the cell state is updated additively. For LSTMs the
product of forget gates along the cell path, prod_{s=t+1}^{T-1} f_s (the direct factor by which c_t
reaches c_{T-1}), is reported too.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np


@dataclass
class GradientFlow:
    """Gradient norms by lag for one model on one batch; index k of every array is lag k = T-1-t.

    Attributes
    ----------
    cell : str
    grad_norm : ndarray (T,)
        Batch mean of ||dLoss_b/dh_t|| (each sequence's own loss).
    cell_grad_norm : ndarray (T,) or None
        Batch mean of ||dLoss_b/dc_t|| (LSTM only).
    forget_product : ndarray (T,) or None
        Mean over sequences and units of prod_{s=t+1}^{T-1} f_s (LSTM only; 1 at lag 0).
    loss : float
        Mean loss on the batch.
    """

    cell: str
    grad_norm: np.ndarray
    cell_grad_norm: np.ndarray | None
    forget_product: np.ndarray | None
    loss: float

    @property
    def lags(self) -> np.ndarray:
        """(T,) the lags 0..T-1."""
        return np.arange(len(self.grad_norm))

    def ratio(self, lag: int, ref: int = 1) -> float:
        """grad_norm at ``lag`` divided by grad_norm at ``ref`` (how much the gradient shrank in between)."""
        return float(self.grad_norm[lag] / self.grad_norm[ref])

    def to_dict(self) -> dict:
        """JSON-ready dict (arrays as lists)."""
        return {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in asdict(self).items()}


def _per_example_loss(kind: str, out, y):
    """(B,) loss of each sequence: summed cross-entropy over scored steps, or squared error."""
    from torch.nn import functional as F

    from lstmlab.tasks import IGNORE

    if kind == "classify":
        ce = F.cross_entropy(out.reshape(-1, out.shape[-1]), y.reshape(-1), ignore_index=IGNORE, reduction="none")
        return ce.reshape(y.shape[0], -1).sum(1)  # (B,)
    return ((out.reshape(y.shape) - y) ** 2).reshape(y.shape[0], -1).sum(1)  # (B,)


def gradient_flow(model, x: np.ndarray, y: np.ndarray, kind: str) -> GradientFlow:
    """Measure dLoss/dh_t for every step t of a one-layer SequenceModel on the batch (x, y).

    Parameters
    ----------
    model : SequenceModel
        One recurrent layer; head "last" or "all". Not changed (its gradients are cleared after).
    x : ndarray (B, T, I)
    y : ndarray (B,) or (B, T)
        Targets as made by the task.
    kind : {"classify", "regress"}
    """
    import torch

    if model.rnn.num_layers != 1:
        raise ValueError(f"gradient_flow needs a one-layer model, got num_layers={model.rnn.num_layers}")
    xt, yt = torch.from_numpy(np.ascontiguousarray(x)), torch.from_numpy(np.ascontiguousarray(y))
    B, T, _ = xt.shape
    lstm = model.cell == "lstm"
    model.eval()
    hs, cs, state, outs = [], [], None, []
    for t in range(T):
        _, state = model.rnn(xt[:, t:t + 1], state)
        h = state[0] if lstm else state  # (1, B, H)
        h.retain_grad()
        hs.append(h)
        if lstm:
            state[1].retain_grad()
            cs.append(state[1])
        if model.head_mode == "all":
            outs.append(model.head(h[0]))  # (B, O)
    out = torch.stack(outs, 1) if model.head_mode == "all" else model.head(hs[-1][0])  # (B, T, O) or (B, O)
    loss = _per_example_loss(kind, out, yt)  # (B,)
    model.zero_grad()
    loss.sum().backward()  # summed, so each sequence's gradient is that of its own loss
    grad = torch.stack([h.grad[0] for h in hs], 1)  # (B, T, H)
    norm = grad.norm(dim=-1).mean(0).numpy()[::-1].copy()  # (T,) by lag
    cell_norm = forget = None
    if lstm:
        cgrad = torch.stack([torch.zeros_like(c[0]) if c.grad is None else c.grad[0] for c in cs], 1)  # (B, T, H)
        # c_{T-1} itself does not reach the loss (only through h_{T-1}), so its gradient is 0
        cell_norm = cgrad.norm(dim=-1).mean(0).numpy()[::-1].copy()
        forget = _forget_product(model, xt, torch.stack([h[0] for h in hs], 1).detach())
    model.zero_grad()
    return GradientFlow(model.cell, norm, cell_norm, forget, float(loss.detach().mean()))


def _forget_product(model, x, h) -> np.ndarray:
    """Mean over sequences and units of prod_{s=t+1}^{T-1} f_s, indexed by lag T-1-t; h (B, T, H)."""
    import torch

    r = model.rnn
    H = r.hidden_size
    with torch.no_grad():
        h_prev = torch.cat([torch.zeros_like(h[:, :1]), h[:, :-1]], 1)  # (B, T, H) h_{t-1}
        z = x @ r.weight_ih_l0.T + r.bias_ih_l0 + h_prev @ r.weight_hh_l0.T + r.bias_hh_l0  # (B, T, 4H)
        f = torch.sigmoid(z[..., H:2 * H])  # (B, T, H) torch gate order i, f, g, o
        rev = f.flip(1)  # (B, T, H) f_{T-1}, f_{T-2}, ...
        prod = torch.cumprod(rev, 1)  # prod_{s=T-1-k}^{T-1} f_s at index k
        ones = torch.ones_like(prod[:, :1])
        by_lag = torch.cat([ones, prod[:, :-1]], 1)  # (B, T, H) lag k: prod_{s=T-k}^{T-1} f_s
    return by_lag.mean((0, 2)).numpy()


@dataclass
class FlowExperiment:
    """Gradient flow of one run's model at initialisation and after training, on the same batch."""

    init: GradientFlow
    trained: GradientFlow
    record: object  # lab.run.RunRecord of the training

    def to_dict(self) -> dict:
        return {"init": self.init.to_dict(), "trained": self.trained.to_dict(), "record": asdict(self.record)}


def gradient_flow_experiment(config, n_batch: int = 256, progress: bool = False) -> FlowExperiment:
    """Measure gradient flow for ``config`` (a lab.run.RunConfig) before and after training.

    The batch is ``n_batch`` fresh sequences from the task at ``config.length`` (seeded by config.seed);
    the initial model is the one training starts from (same seed), so the two curves differ only by training.
    """
    from lstmlab.lab.run import run_one
    from lstmlab.nn.init import make_model
    from lstmlab.tasks import get_task

    task = get_task(config.task)
    x, y = task.sample(n_batch, config.length, np.random.default_rng([config.seed, 7]))  # (B, T, I)
    model = make_model(task.n_inputs, task.n_outputs, config.cell, config.hidden_size, task.head,
                       seed=config.seed, forget_bias=config.forget_bias)
    init = gradient_flow(model, x, y, task.kind)
    record, trained_model = run_one(config, progress=progress, keep_model=True)
    return FlowExperiment(init, gradient_flow(trained_model, x, y, task.kind), record)
