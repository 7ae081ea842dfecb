"""Conformalized quantile regression (CQR, Romano, Patterson & Candès 2019) for multi-step forecasts.

A model forecasts quantiles in symmetric pairs (τ, 1 - τ), τ < 0.5, around its median. On n calibration
windows it never trained on, with ``q_lo``, ``q_hi`` a pair's forecasts, ``y`` the targets and ``s`` each
window's scale, the score of step h is

    E = max(q_lo - y, y - q_hi) / s    (negative when y lies inside, by its distance to the nearer bound)

and the pair's margin c_h is the ceil((n + 1)(1 - 2τ))-th smallest of step h's n scores (infinite when that
exceeds n). A new forecast's pair becomes ``[q_lo - c_h s, q_hi + c_h s]`` (a negative c_h narrows it);
for exchangeable windows it covers with probability at least 1 - 2τ. Last, the lower quantiles take the
running minimum and the upper ones the running maximum outwards from the median, so that they stay
monotone and nested: this only widens a pair, so it keeps its guarantee.

Functions on arrays only: the forecaster (:class:`~lstmlab.forecast.forecaster.LSTMForecaster`) keeps the
scores and margins of its fit and calls these.
"""

from __future__ import annotations

import numpy as np

from lstmlab.forecast.intervals import conformal_quantiles


def cqr_scores(q: np.ndarray, y: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """CQR conformity scores max(q_lo - y, y - q_hi) / scale of each symmetric pair, outermost first.

    Parameters
    ----------
    q : (N, H, Q) sorted quantiles, Q = 2P + 1 (the median in the middle).
    y : (N, H) targets.
    scale : (N,) each window's scale.

    Returns
    -------
    (P, N, H) scores; (0, N, H) for Q = 1.
    """
    Q = q.shape[-1]
    return np.stack([np.maximum(q[..., j] - y, y - q[..., Q - 1 - j]) / scale[:, None]
                     for j in range(Q // 2)]) if Q > 1 else np.zeros((0,) + y.shape)


def cqr_margin(scores: np.ndarray, tau: float) -> np.ndarray:
    """The margin c_h (H,) of the pair (τ, 1 - τ), τ < 0.5, from its scores (n, H): step h's
    ceil((n + 1)(1 - 2τ))-th smallest score (infinite when n is too small for that level)."""
    return conformal_quantiles(scores, round(1 - 2 * tau, 12), pool_steps=False)  # (H,)


def calibrated_pairs(q: np.ndarray, scores: np.ndarray, taus: tuple, scale: np.ndarray) -> np.ndarray:
    """A quantile head's forecasts calibrated by CQR: each pair moved out by its margin times the scale,
    then nested.

    Parameters
    ----------
    q : (N, H, Q) sorted quantiles at the levels ``taus`` (Q = 2P + 1, 0.5 in the middle); not modified.
    scores : (P, n, H) the pairs' calibration scores, outermost first (:func:`cqr_scores`).
    taus : the Q levels, increasing, in symmetric pairs.
    scale : (N, 1) each forecast window's scale.

    Returns
    -------
    (N, H, Q) calibrated quantiles; the median column is the one given.
    """
    q, Q = q.copy(), q.shape[-1]  # (N, H, Q)
    for j in range(Q // 2):  # the pair (taus[j], taus[Q-1-j]) at level 1 - 2 taus[j]
        c = cqr_margin(scores[j], taus[j])  # (H,)
        q[..., j] -= c * scale
        q[..., Q - 1 - j] += c * scale
    return nested(q, Q // 2)


def calibrated_levels(raw: dict[float, np.ndarray], margins: dict[float, np.ndarray], scale: np.ndarray,
                      counts: bool = False) -> dict[float, np.ndarray]:
    """A distribution head's quantiles calibrated by CQR, at any levels: each level moved outwards (down below
    the median, up above it) by its pair's margin times the scale, then nested.

    Parameters
    ----------
    raw : {τ: (N, H)} the distribution's own quantiles; its levels must include 0.5, which nests the pairs
        and is not moved.
    margins : {τ: (H,)} the margin c_h of the pair (min(τ, 1 - τ), max(τ, 1 - τ)) for every level of ``raw``
        but 0.5 (:func:`cqr_margin`).
    scale : (N, 1) each forecast window's scale.
    counts : whole-number quantiles: each moved level is rounded outwards, and none is below 0.

    Returns
    -------
    {τ: (N, H)} calibrated quantiles, for the levels of ``raw``.
    """
    levels, out = sorted(raw), {}
    for t in levels:
        q = raw[t]  # (N, H)
        if t != 0.5:
            c = margins[t] * scale  # (N, H): how far the pair moves out
            q = q - c if t < 0.5 else q + c
            if counts:  # whole numbers, outwards (c_h s is whole but for float noise: round
                q = np.round(q, 9)  # it off first); no count is below 0
                q = np.maximum(np.floor(q), 0.0) if t < 0.5 else np.ceil(q)
        out[t] = q
    q = nested(np.stack([out[t] for t in levels], axis=-1), levels.index(0.5))  # (N, H, len(levels))
    return {t: q[..., j] for j, t in enumerate(levels)}


def nested(q: np.ndarray, mid: int) -> np.ndarray:
    """Quantiles (..., Q) made monotone and nested around column ``mid`` (the median) by widening only:
    the running minimum below it, the running maximum above it (in place; returned)."""
    q[..., :mid + 1] = np.minimum.accumulate(q[..., mid::-1], axis=-1)[..., ::-1]
    q[..., mid:] = np.maximum.accumulate(q[..., mid:], axis=-1)
    return q
