"""Check backward against central finite differences, in float64."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from lstmlab.errors import LstmlabError


@dataclass(frozen=True)
class GradcheckResult:
    """Outcome of :func:`gradcheck`: ``max_abs_error[name]`` is the largest ``|analytic - numeric|``."""

    ok: bool
    max_abs_error: dict[str, float] = field(default_factory=dict)
    checked: int = 0  # number of scalar entries compared

    def __bool__(self) -> bool:
        return self.ok


def gradcheck(net, x, state=None, eps: float = 1e-6, atol: float = 1e-6, rtol: float = 1e-4,
              seed: int | np.random.Generator = 0, raise_on_failure: bool = True) -> GradcheckResult:
    """Compare ``net.backward`` with central differences of a random linear loss.

    The loss is ``sum(out * R) + sum(state_n * S)`` with fixed random ``R``, ``S``; every parameter
    entry, every input entry and every initial-state entry is perturbed by ``+-eps``. Meant for tiny
    networks (it runs two forward passes per entry).

    Parameters
    ----------
    net : glassbox LSTM, GRU or RNN with float64 parameters.
    x : (B, T, I) input; state : optional initial state (zeros if None, then not checked).
    eps, atol, rtol : step and tolerance: passes when ``|a - n| <= atol + rtol * |n|`` everywhere.
    seed : randomness of ``R`` and ``S``.
    raise_on_failure : raise ValueError naming the worst entry instead of returning ``ok=False``.
    """
    if net.dtype is not np.float64:
        raise LstmlabError(f"gradcheck needs a float64 network, got {net.config.dtype}")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    x = np.array(x, dtype=np.float64)
    is_lstm = net.cell == "lstm"
    if state is None:
        state_arrays = []
    else:
        state_arrays = [np.array(s, dtype=np.float64) for s in (state if is_lstm else [state])]
    out, final, trace = net.forward(x, _pack(state_arrays, is_lstm))
    r_out = rng.normal(size=out.shape)  # (B, T, H)
    r_state = [rng.normal(size=s.shape) for s in (final if is_lstm else [final])]

    def loss() -> float:
        o, f, _ = net.forward(x, _pack(state_arrays, is_lstm))
        return float((o * r_out).sum() + sum((a * b).sum() for a, b in zip(f if is_lstm else [f], r_state)))

    grads = net.backward(r_out, trace, _pack(r_state, is_lstm))
    targets = dict(net.params)
    targets["input"] = x
    for name, arr in zip(("h0", "c0"), state_arrays):
        targets[name] = arr
    errors, failures, checked = {}, [], 0
    for name, arr in targets.items():
        numeric = np.empty_like(arr)
        flat, num = arr.reshape(-1), numeric.reshape(-1)
        for j in range(flat.size):
            keep = flat[j]
            flat[j] = keep + eps
            up = loss()
            flat[j] = keep - eps
            down = loss()
            flat[j] = keep
            num[j] = (up - down) / (2 * eps)
        diff = np.abs(grads[name] - numeric)
        errors[name] = float(diff.max())
        checked += diff.size
        excess = diff - (atol + rtol * np.abs(numeric))
        if (excess > 0).any():
            j = np.unravel_index(int(np.argmax(excess)), arr.shape)
            failures.append(f"{name}{[int(i) for i in j]}: analytic {grads[name][j]:.8g}, numeric {numeric[j]:.8g}")
    result = GradcheckResult(not failures, errors, checked)
    if failures and raise_on_failure:
        raise LstmlabError(f"gradcheck failed for {net}: " + "; ".join(failures))
    return result


def _pack(arrays, is_lstm):
    if not arrays:
        return None
    return tuple(arrays) if is_lstm else arrays[0]
