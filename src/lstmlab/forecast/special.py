"""Special functions for the distribution heads, in NumPy float64: the regularised incomplete beta function
:func:`betainc` (a continued fraction) and its inverse in x, :func:`betaincinv` (a safeguarded Newton
method). They give the Student-t and negative binomial CDFs and the Student-t quantile function
(:mod:`lstmlab.forecast.distributions`); checked against scipy in tests/forecast/test_distributions.py
(scipy is not a dependency). torch is imported on first use, for log Γ.
"""

from __future__ import annotations

import numpy as np

TINY = 1e-300


def _lgamma(x: np.ndarray) -> np.ndarray:
    """log Γ(x), elementwise, in float64 (NumPy has none; torch's is vectorised)."""
    import torch

    return torch.special.gammaln(torch.as_tensor(np.asarray(x, dtype=np.float64))).numpy()


def _betacf(a: np.ndarray, b: np.ndarray, x: np.ndarray, max_iter: int = 1000, tol: float = 1e-15) -> np.ndarray:
    """The continued fraction of I_x(a, b) (modified Lentz), for x < (a + 1) / (a + b + 2), where it
    converges fast: 1 / (1 + d1 / (1 + d2 / (1 + ...))) with
    d_{2m+1} = -(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1)), d_{2m} = m (b - m) x / ((a + 2m - 1)(a + 2m))."""
    f = np.full(x.shape, TINY)
    C, D = f.copy(), np.zeros(x.shape)
    live = np.ones(x.shape, dtype=bool)
    for j in range(1, 2 * max_iter + 2):
        if j == 1:
            num = np.ones(x.shape)
        else:
            i = j - 1  # the term d_i
            m = i // 2
            num = (-(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)) if i % 2 else
                   m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)))
        D = 1.0 + num * D
        D = np.where(np.abs(D) < TINY, TINY, D)
        C = 1.0 + num / C
        C = np.where(np.abs(C) < TINY, TINY, C)
        D = 1.0 / D
        delta = C * D
        f = np.where(live, f * delta, f)
        live &= np.abs(delta - 1.0) > tol
        if not live.any():
            break
    return f


def betainc(a, b, x) -> np.ndarray:
    """The regularised incomplete beta function I_x(a, b) = B(x; a, b) / B(a, b), elementwise.

    Parameters
    ----------
    a, b : arrays of positive numbers; x : array in [0, 1]; broadcast together.

    Returns
    -------
    float64 array of the broadcast shape, in [0, 1]. Uses the continued fraction where it converges
    fast and the symmetry I_x(a, b) = 1 - I_{1-x}(b, a) elsewhere (Numerical Recipes' rule).
    """
    a, b, x = np.broadcast_arrays(*(np.asarray(v, dtype=np.float64) for v in (a, b, x)))
    out = np.where(x <= 0, 0.0, 1.0)
    inner = (x > 0) & (x < 1)
    if not inner.any():
        return out
    a, b, x = a[inner], b[inner], x[inner]
    swap = x >= (a + 1) / (a + b + 2)
    aa, bb, xx = np.where(swap, b, a), np.where(swap, a, b), np.where(swap, 1 - x, x)
    log_front = aa * np.log(xx) + bb * np.log1p(-xx) - (_lgamma(aa) + _lgamma(bb) - _lgamma(aa + bb))
    value = np.exp(log_front) * _betacf(aa, bb, xx) / aa
    out[inner] = np.clip(np.where(swap, 1 - value, value), 0.0, 1.0)
    return out


def betaincinv(a, b, target, start, max_iter: int = 100) -> np.ndarray:
    """The w in (0, 1) with I_w(a, b) = target, elementwise (target in (0, 1); broadcast arrays). Above 1/2
    it solves the mirror problem I_{1-w}(b, a) = 1 - target.

    Newton's method on log I as a function of s = log w (near 0, I grows like w^a, so log I is nearly
    linear in s), from ``start`` (a guess of w), kept inside a bracket [lo, hi] of s that every step
    narrows, with a bisection step whenever Newton's would leave it: safe from any start, and a few
    steps from a good one.
    """
    a, b, target, w = np.broadcast_arrays(*(np.asarray(v, dtype=np.float64) for v in (a, b, target, start)))
    upper = target > 0.5  # solve I_{1-w}(b, a) = 1 - target there: log I is steep only below 1/2
    if upper.any():
        a, b = np.where(upper, b, a), np.where(upper, a, b)
        target, w = np.where(upper, 1 - target, target), np.where(upper, 1 - w, w)
        w = betaincinv(a, b, target, w, max_iter)  # every target now at most 1/2: one solve
        return np.where(upper, 1 - w, w)
    top = np.log1p(-1e-16)
    s = np.log(np.clip(w, 1e-300, 1 - 1e-16))
    lo, hi = np.full(s.shape, np.log(1e-300)), np.full(s.shape, top)
    log_target = np.log(np.clip(target, 1e-300, 1.0))
    log_beta = _lgamma(a) + _lgamma(b) - _lgamma(a + b)
    live = np.ones(s.shape, dtype=bool)
    for _ in range(max_iter):
        x = np.exp(s)
        value = np.maximum(betainc(a, b, x), 1e-300)
        h = np.log(value) - log_target  # increases with s
        live &= (np.abs(h) > 1e-14) & (hi - lo > 1e-15 * np.maximum(1.0, np.abs(s)))  # I right to ~1e-14
        if not live.any():
            break
        hi, lo = np.where(h > 0, s, hi), np.where(h > 0, lo, s)
        slope = np.exp(a * s + (b - 1) * np.log1p(-x) - log_beta) / value  # d log I / d log w
        with np.errstate(divide="ignore", invalid="ignore"):
            step = s - h / slope
        step = np.where(np.isfinite(step) & (step >= lo) & (step <= hi), step, 0.5 * (lo + hi))
        s = np.where(live, step, s)
    return np.exp(s)
