"""Parametric forecast heads: a Student-t for real values, a negative binomial for counts.

A distribution head outputs P raw values per horizon step, (B, H, P). Each family here maps them to
its constrained parameters (in torch, so that the negative log-likelihood trains the network), and
works with those parameters in NumPy float64 afterwards: CDF, quantile function (ppf), median.

- :class:`StudentT` lives in the window's normalised units, as the point and quantile heads do
  (y = level + scale * z): loc = raw_0 (+ the seasonal naive base for a residual member),
  scale = softplus(raw_1) + 1e-4, df = 2 + softplus(raw_2) (always above 2: a finite variance).
  Its parameters in the series' units are (level + scale * loc, scale * scale_t, df).
- :class:`NegativeBinomial` lives in the series' own units, counts 0, 1, 2, ... Each window has a
  positive size ``w = 1 + the mean of its observed history`` (as DeepAR scales its inputs, Salinas
  et al. 2020); mean mu = w * softplus(raw_0) + 1e-6 and dispersion alpha = (softplus(raw_1) + 1e-4)
  / sqrt(w), so that the variance is mu + alpha mu^2 (Poisson as alpha -> 0). A residual member adds
  softplus^-1(seasonal naive / w) to raw_0: at raw_0 = 0 its mean is the seasonal naive forecast.

Both CDFs come from the regularised incomplete beta function (:func:`lstmlab.forecast.special.betainc`).
The Student-t quantile inverts it by a safeguarded Newton method (:func:`~lstmlab.forecast.special.betaincinv`),
the negative binomial's by a bisection over whole numbers; both agree with scipy to about 1e-9 or better
(tests/forecast/test_distributions.py). torch is imported on first use (for log Γ and Φ^-1).
"""

from __future__ import annotations

import math

import numpy as np

from lstmlab.errors import LstmlabError
from lstmlab.forecast.special import betainc, betaincinv

def _t_start(tail: np.ndarray, df: np.ndarray) -> np.ndarray:
    """A first guess of the standard t's |quantile| at the upper tail probability ``tail``: Cornish-Fisher's
    expansion around the normal quantile, z + (z^3 + z) / (4 df) (Abramowitz & Stegun 26.7.5, first term)."""
    import torch

    z = -torch.special.ndtri(torch.as_tensor(np.clip(tail, 1e-300, 0.5))).numpy()  # >= 0
    return np.maximum(z + (z ** 3 + z) / (4 * df), 1e-8)


def _softplus_inv(v):
    """softplus^-1(v) = v + log(1 - exp(-v)) for v > 0 (NumPy)."""
    return v + np.log(-np.expm1(-v))


class StudentT:
    """Student-t head: parameters (loc, scale, df) on the last axis; see the module docstring."""

    name, n_params, units = "student_t", 3, "normalised"
    SCALE_FLOOR = 1e-4

    # ---- training (torch) ----
    @staticmethod
    def net_base(b) -> np.ndarray:
        """What a residual member adds to raw_0: the normalised seasonal naive forecast (B, H)."""
        return b.base

    @staticmethod
    def targets(b) -> tuple[np.ndarray, np.ndarray]:
        """Targets (B, H) in the head's units and a per-window context (B,) for :meth:`constrain`."""
        return b.y, np.ones(len(b.y), dtype=np.float32)

    def constrain(self, raw, ctx):
        """Raw outputs (B, H, 3) -> (loc, scale, df) (B, H, 3) in torch; ``ctx`` is unused."""
        import torch
        from torch.nn.functional import softplus

        return torch.stack([raw[..., 0], softplus(raw[..., 1]) + self.SCALE_FLOOR, 2.0 + softplus(raw[..., 2])],
                           dim=-1)

    @staticmethod
    def log_prob(params, y):
        """log p(y) (B, H) of targets y (B, H) under constrained params (B, H, 3), in torch."""
        import torch

        loc, scale, df = params.unbind(-1)
        z = (y - loc) / scale
        return (torch.lgamma((df + 1) / 2) - torch.lgamma(df / 2) - 0.5 * torch.log(df * math.pi) - torch.log(scale)
                - (df + 1) / 2 * torch.log1p(z * z / df))

    # ---- after training (NumPy float64) ----
    @staticmethod
    def to_series(params: np.ndarray, level: np.ndarray, scale: np.ndarray) -> np.ndarray:
        """Params (B, H, 3) in normalised units -> the series' units, given each window's level, scale (B,)."""
        out = params.astype(np.float64).copy()
        out[..., 0] = level[:, None] + scale[:, None] * out[..., 0]
        out[..., 1] = scale[:, None] * out[..., 1]
        return out

    @staticmethod
    def cdf(params: np.ndarray, y: np.ndarray) -> np.ndarray:
        """P(Y <= y), (...) from params (..., 3) and values (...)."""
        loc, scale, df = np.moveaxis(params, -1, 0)
        t = (y - loc) / scale
        tail = 0.5 * betainc(df / 2, 0.5, df / (df + t * t))  # P(T > |t|)
        return np.where(t > 0, 1 - tail, tail)

    @staticmethod
    def ppf(params: np.ndarray, p) -> np.ndarray:
        """The p quantile (...) from params (..., 3) and probabilities p (broadcast to (...)); p = 0 or 1
        gives -inf or inf. With tail = min(p, 1 - p) and w the share of |t|'s two forms: in the tails
        (tail < 1/4) it solves I_x(df/2, 1/2) = 2 tail for x = df / (df + t^2), in the body
        I_y(1/2, df/2) = 1 - 2 tail for y = t^2 / (df + t^2) (which keeps t's relative precision near 0),
        by :func:`betaincinv`."""
        loc, scale, df = np.moveaxis(params, -1, 0)
        p = np.broadcast_to(np.asarray(p, dtype=np.float64), loc.shape)
        tail = np.minimum(p, 1 - p)
        a = df / 2
        outer = tail < 0.25
        start = _t_start(tail, df)  # (...) |t|, roughly
        x = betaincinv(np.where(outer, a, 0.5), np.where(outer, 0.5, a), np.where(outer, 2 * tail, 1 - 2 * tail),
                       np.where(outer, df / (df + start ** 2), start ** 2 / (df + start ** 2)))
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.sqrt(np.where(outer, df * (1 / x - 1), df * x / (1 - x)))
        t = np.where(tail <= 0, np.inf, np.where(p == 0.5, 0.0, t))
        return loc + scale * np.where(p < 0.5, -t, t)

    @staticmethod
    def median(params: np.ndarray) -> np.ndarray:
        return params[..., 0].copy()

    def pit(self, params: np.ndarray, y: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """The probability integral transform F(y) (continuous: ``rng`` is unused)."""
        return self.cdf(params, y)


class NegativeBinomial:
    """Negative binomial head for counts: parameters (mu, alpha) on the last axis, variance mu + alpha mu^2;
    see the module docstring."""

    name, n_params, units = "negative_binomial", 2, "counts"
    ALPHA_FLOOR, MU_FLOOR, BASE_FLOOR = 1e-4, 1e-6, 1e-3

    # ---- training (torch) ----
    @staticmethod
    def size(b) -> np.ndarray:
        """Each window's size w (B,): 1 + the mean of its observed history, in the series' units."""
        x = b.level[:, None] + b.scale[:, None] * b.z.astype(np.float64)  # (B, L)
        return 1.0 + (x * b.mask).sum(axis=1) / np.maximum(b.mask.sum(axis=1), 1.0)

    def net_base(self, b) -> np.ndarray:
        """What a residual member adds to raw_0, softplus^-1(seasonal naive / w), (B, H)."""
        naive = b.level[:, None] + b.scale[:, None] * b.base.astype(np.float64)  # (B, H) counts
        return _softplus_inv(np.maximum(naive / self.size(b)[:, None], self.BASE_FLOOR)).astype(np.float32)

    def targets(self, b) -> tuple[np.ndarray, np.ndarray]:
        """Targets (B, H), the counts, and the context (B,), each window's size w."""
        counts = np.round(b.level[:, None] + b.scale[:, None] * b.y.astype(np.float64))
        return np.maximum(counts, 0.0).astype(np.float32), self.size(b).astype(np.float32)

    def constrain(self, raw, ctx):
        """Raw outputs (B, H, 2) and sizes w (B,) -> (mu, alpha) (B, H, 2) in torch."""
        import torch
        from torch.nn.functional import softplus

        w = ctx[:, None]
        return torch.stack([w * softplus(raw[..., 0]) + self.MU_FLOOR,
                            (softplus(raw[..., 1]) + self.ALPHA_FLOOR) / w.sqrt()], dim=-1)

    @staticmethod
    def log_prob(params, y):
        """log P(Y = y) (B, H) of counts y (B, H) under constrained params (B, H, 2), in torch:
        lgamma(y + r) - lgamma(r) - lgamma(y + 1) + r log(r / (r + mu)) + y log(mu / (r + mu)), r = 1 / alpha."""
        import torch

        mu, alpha = params.unbind(-1)
        r = 1 / alpha
        log_total = torch.log(r + mu)
        return (torch.lgamma(y + r) - torch.lgamma(r) - torch.lgamma(y + 1) + r * (torch.log(r) - log_total)
                + y * (torch.log(mu) - log_total))

    # ---- after training (NumPy float64) ----
    @staticmethod
    def to_series(params: np.ndarray, level: np.ndarray, scale: np.ndarray) -> np.ndarray:
        """Already in the series' units (counts): a float64 copy."""
        return params.astype(np.float64).copy()

    @staticmethod
    def cdf(params: np.ndarray, y: np.ndarray) -> np.ndarray:
        """P(Y <= y) = I_{r / (r + mu)}(r, floor(y) + 1), 0 for y < 0."""
        mu, alpha = np.moveaxis(params, -1, 0)
        k = np.floor(np.asarray(y, dtype=np.float64))
        r = 1 / alpha
        out = betainc(r, np.maximum(k, 0) + 1, r / (r + mu))
        return np.where(k < 0, 0.0, out)

    def ppf(self, params: np.ndarray, p) -> np.ndarray:
        """The p quantile, the smallest count k with P(Y <= k) >= p (float64 (...)); p = 0 gives 0, p = 1 inf.
        Integer bisection between -1 and a bound that is doubled until it is above the quantile."""
        mu, alpha = np.moveaxis(params, -1, 0)
        p = np.broadcast_to(np.asarray(p, dtype=np.float64), mu.shape)
        top = p >= 1
        p = np.where(top, 0.5, p)
        lo = np.full(mu.shape, -1.0)  # P(Y <= -1) = 0 < p
        hi = np.ceil(mu + 10 * np.sqrt(mu + alpha * mu * mu) + 10)
        for _ in range(64):  # make hi an upper bound
            short = self.cdf(params, hi) < p
            if not short.any():
                break
            hi = np.where(short, 2 * hi, hi)
        for _ in range(2100):  # about log2(hi) halvings; the bound keeps a non-finite parameter from looping
            gap = (hi - lo > 1) & np.isfinite(hi)
            if not gap.any():
                break
            mid = np.floor((lo + hi) / 2)
            enough = self.cdf(params, mid) >= p
            lo, hi = np.where(gap & ~enough, mid, lo), np.where(gap & enough, mid, hi)
        return np.where(top, np.inf, np.where(p <= 0, 0.0, hi))

    def median(self, params: np.ndarray) -> np.ndarray:
        return self.ppf(params, 0.5)

    def pit(self, params: np.ndarray, y: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """The randomised PIT of counts, F(y - 1) + V (F(y) - F(y - 1)) with V ~ U(0, 1) from ``rng``:
        uniform when y follows the forecast (a plain F(y) would not be, for a discrete y)."""
        y = np.round(np.asarray(y, dtype=np.float64))
        below, at = self.cdf(params, y - 1), self.cdf(params, y)
        return below + rng.random(np.shape(y)) * (at - below)


FAMILIES = {f.name: f for f in (StudentT(), NegativeBinomial())}


def family(name: str):
    """The head of ``name`` ("student_t" or "negative_binomial")."""
    if name not in FAMILIES:
        raise LstmlabError(f"distribution={name!r}: expected one of {', '.join(FAMILIES)} (or None for a point "
                           "forecast)")
    return FAMILIES[name]


def masked_nll(fam, raw, batch) -> "torch.Tensor":  # noqa: F821
    """Mean negative log-likelihood of the observed targets: ``raw`` (B, H, P) network outputs,
    ``batch`` = (y (B, H) targets in the head's units, y_mask (B, H), ctx (B,) as ``fam.targets`` gives them)."""
    y, y_mask, ctx = batch
    nll = -fam.log_prob(fam.constrain(raw, ctx), y)  # (B, H)
    return (nll * y_mask).sum() / y_mask.sum().clamp(min=1.0)


def check_counts(series) -> None:
    """Raise unless every value of every series is a non-negative whole number (the negative binomial's data)."""
    for s in series:
        v = s.values
        bad = np.flatnonzero((v < 0) | (v != np.round(v)))
        if bad.size:
            x = v[bad[0]]
            why = "negative" if x < 0 else "not a whole number"
            raise LstmlabError(f"series {s.uid!r} has the value {x:g} at position {bad[0]}, which is {why}: "
                               "distribution='negative_binomial' models counts (0, 1, 2, ...); use "
                               "distribution='student_t' for other data")
