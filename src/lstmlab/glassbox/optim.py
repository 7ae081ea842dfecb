"""Plain optimizers over a dict of NumPy parameters, and gradient-norm clipping."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from lstmlab.errors import LstmlabError

NOT_PARAMETERS = ("input", "h0", "c0")


def clip_grad_norm(grads: dict[str, np.ndarray], max_norm: float,
                   keys: Iterable[str] | None = None) -> float:
    """Scale the gradients in place so their joint L2 norm is at most ``max_norm``.

    Clipping keeps one exploding step (common in recurrent nets, where a gradient is a product
    over many steps) from throwing the weights far away, while keeping its direction.

    Parameters
    ----------
    grads : name -> array, as returned by ``net.backward``.
    max_norm : positive float.
    keys : which entries count and get scaled; default every entry except input, h0 and c0.

    Returns
    -------
    The total norm before clipping (as torch's ``clip_grad_norm_``).
    """
    if not max_norm > 0:
        raise LstmlabError(f"max_norm must be positive, got {max_norm!r}")
    names = [k for k in grads if k not in NOT_PARAMETERS] if keys is None else list(keys)
    total = float(np.sqrt(sum(float(np.vdot(grads[k], grads[k])) for k in names)))
    if not np.isfinite(total):
        raise LstmlabError(f"gradient norm is {total}: cannot clip non-finite gradients")
    scale = max_norm / (total + 1e-6)
    if scale < 1.0:
        for k in names:
            grads[k] *= scale
    return total


class SGD:
    """Stochastic gradient descent with optional momentum, updating ``params`` in place.

    ``v = momentum * v + g;  p -= lr * v`` (torch's form).
    """

    def __init__(self, params: dict[str, np.ndarray], lr: float = 0.01, momentum: float = 0.0) -> None:
        if not lr > 0:
            raise LstmlabError(f"lr must be positive, got {lr!r}")
        if not 0.0 <= momentum < 1.0:
            raise LstmlabError(f"momentum must be in [0, 1), got {momentum!r}")
        self.params, self.lr, self.momentum = params, lr, momentum
        self.velocity_ = {k: np.zeros_like(p) for k, p in params.items()}

    def step(self, grads: dict[str, np.ndarray]) -> None:
        """Apply one update; ``grads`` may hold extra entries (input, h0), which are ignored."""
        for k, p in self.params.items():
            v = self.velocity_[k]
            v *= self.momentum
            v += grads[k]
            p -= self.lr * v


class Adam:
    """Adam (Kingma and Ba, 2015, arXiv:1412.6980) with bias correction, updating ``params`` in place."""

    def __init__(self, params: dict[str, np.ndarray], lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8) -> None:
        if not lr > 0:
            raise LstmlabError(f"lr must be positive, got {lr!r}")
        if not all(0.0 <= b < 1.0 for b in betas):
            raise LstmlabError(f"betas must be in [0, 1), got {betas!r}")
        self.params, self.lr, self.betas, self.eps = params, lr, betas, eps
        self.m_ = {k: np.zeros_like(p) for k, p in params.items()}
        self.v_ = {k: np.zeros_like(p) for k, p in params.items()}
        self.t_ = 0

    def step(self, grads: dict[str, np.ndarray]) -> None:
        """Apply one update; ``grads`` may hold extra entries (input, h0), which are ignored."""
        self.t_ += 1
        b1, b2 = self.betas
        c1, c2 = 1 - b1 ** self.t_, 1 - b2 ** self.t_
        for k, p in self.params.items():
            g, m, v = grads[k], self.m_[k], self.v_[k]
            m *= b1
            m += (1 - b1) * g
            v *= b2
            v += (1 - b2) * g * g
            p -= self.lr * (m / c1) / (np.sqrt(v / c2) + self.eps)
