"""Synthetic series that teach a pre-trained network what competition data rarely shows: mean reversion.

The ensembles lstmlab ships (:mod:`lstmlab.forecast.pretrained`) are trained on M1 and Tourism,
whose yearly, quarterly and monthly series mostly trend. A network that saw only those continues
the trend of a series that returns to its mean (the Nile's yearly flow), or carries last year's
anomaly into next year (El Niño's sea temperatures). :func:`mean_reverting_series` draws series from
three stationary families, on lengths taken from the real training series, so that the same panel
fit also sees what mean reversion looks like:

- ``level``: a level with AR(1) noise, x_t - μ = φ (x_{t-1} - μ) + σ ε_t, φ ~ U(-0.2, 0.9), and with
  probability 0.3 a shift of the level (a change point, as the Nile's in 1898);
- ``cycle``: AR(2) with complex roots r e^{±iθ}, a quasi-cycle of period 2π/θ between 4 and 16 steps
  (sunspot-like), x_t - μ = 2 r cos θ (x_{t-1} - μ) - r² (x_{t-2} - μ) + σ ε_t, r ~ U(0.6, 0.95);
- ``anomaly`` (seasonal data only, m > 1): a fixed seasonal pattern (one or two harmonics of random
  phase) plus a persistent AR(1) anomaly, φ ~ U(0.6, 0.98), as El Niño's monthly temperatures.

Every series is positive (its level μ is drawn so that it lies several spreads above zero, 10 to
10,000) and starts in its stationary regime (a burn-in of 100 steps is dropped). Seeded: the same
arguments give the same series.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from lstmlab.errors import LstmlabError

FAMILIES = ("level", "cycle", "anomaly")
BURN_IN = 100


def mean_reverting_series(n: int, seasonal_period: int, lengths: Sequence[int], seed: int = 0) -> list[np.ndarray]:
    """``n`` synthetic series (float64 arrays) of lengths drawn from ``lengths``: the families above in
    equal shares (``anomaly`` only when ``seasonal_period`` > 1)."""
    if n < 0:
        raise LstmlabError(f"n={n}: expected a non-negative number of series")
    if not len(lengths) or min(lengths) < 1:
        raise LstmlabError(f"lengths={list(lengths)[:5]}...: expected positive series lengths to draw from")
    families = FAMILIES if seasonal_period > 1 else FAMILIES[:2]
    rng = np.random.default_rng([seed, seasonal_period])
    out = []
    for i in range(n):
        T = int(rng.choice(lengths))
        kind = families[i % len(families)]
        noise = _noise(kind, T + BURN_IN, seasonal_period, rng)[BURN_IN:]  # (T,), mean 0
        spread = max(float(np.std(noise)), 1e-9)
        level = 10 ** rng.uniform(1, 4)  # 10 .. 10,000
        x = level + noise * (level / spread) * rng.uniform(0.03, 0.2)  # spread 3-20 % of the level
        if kind == "level" and rng.random() < 0.3:  # a change point somewhere in the middle half
            t = rng.integers(T // 4, max(T // 4 + 1, 3 * T // 4))
            x[t:] *= rng.uniform(0.7, 1.3)
        out.append(x)
    return out


def _noise(kind: str, T: int, m: int, rng: np.random.Generator) -> np.ndarray:
    """A zero-mean stationary path of one family: (T,)."""
    e = rng.standard_normal(T)
    x = np.zeros(T)
    if kind == "level":
        phi = rng.uniform(-0.2, 0.9)
        for t in range(1, T):
            x[t] = phi * x[t - 1] + e[t]
        return x
    if kind == "cycle":
        r, theta = rng.uniform(0.6, 0.95), 2 * np.pi / rng.uniform(4, 16)
        a1, a2 = 2 * r * np.cos(theta), -r * r
        for t in range(2, T):
            x[t] = a1 * x[t - 1] + a2 * x[t - 2] + e[t]
        return x
    phi = rng.uniform(0.6, 0.98)  # "anomaly": season + persistent AR(1) anomaly
    for t in range(1, T):
        x[t] = phi * x[t - 1] + e[t]
    anomaly_sd = 1 / np.sqrt(1 - phi * phi)
    steps = np.arange(T)
    season = sum(rng.uniform(0.5, 3) * np.cos(2 * np.pi * k * steps / m + rng.uniform(0, 2 * np.pi))
                 for k in range(1, rng.integers(1, 3) + 1))
    return x + anomaly_sd * season
