"""Sample paths: joint draws of the H future values, with the dependence between steps kept.

Two ways, one per kind of model (:meth:`~lstmlab.forecast._base.BaseForecaster.sample_paths`):

- a point forecast (and the fallback, and every baseline): the forecast plus the window's scale
  times a whole H-vector of signed normalised validation errors, drawn with replacement
  (:func:`resample_errors`). Each path's errors come from one validation window, so the errors of
  nearby steps keep their correlation (a level shift stays a level shift).
- a distribution head: each step's marginal is the head's distribution; the steps are joined by a
  Gaussian copula whose correlation matrix is that of the normal scores of the validation windows'
  PIT values (:func:`copula_factor`, :func:`copula_uniforms`): the uniforms u = Φ(z), z ~ N(0, R),
  go through each step's quantile function.

Randomness comes from a ``np.random.Generator`` the caller seeds.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from lstmlab.errors import LstmlabError
from lstmlab.forecast.data import SeriesData

log = logging.getLogger(__name__)
MIN_COPULA_WINDOWS = 10  # fewer validation windows than max(this, 2 H): independent steps, with a warning


def resample_errors(point: np.ndarray, scale: np.ndarray | None, errors: np.ndarray, n_samples: int,
                    rng: np.random.Generator) -> np.ndarray:
    """Paths (N, S, H): ``point`` (N, H) plus ``scale`` (N, 1) (None: 1) times rows of ``errors`` (n, H),
    the signed normalised validation errors y - ŷ, drawn with replacement, one row per path."""
    if len(errors) == 0:
        raise LstmlabError("no validation errors to resample: fit on series long enough to keep validation "
                           "windows to draw sample paths")
    N, H = point.shape
    rows = rng.integers(0, len(errors), size=(N, n_samples))  # (N, S)
    draws = errors[rows][..., :H]  # (N, S, H)
    s = np.ones((N, 1)) if scale is None else np.asarray(scale, dtype=np.float64).reshape(N, 1)
    return point[:, None, :] + s[:, :, None] * draws  # (N, 1, H) + (N, 1, 1) (N, S, H) -> (N, S, H)


def normal_scores(pit: np.ndarray) -> np.ndarray:
    """Φ^-1 of each step's PIT ranks, rank / (n + 1): (n, H) from PIT values (n, H) (van der Waerden's
    normal scores: they do not depend on how well the marginals are calibrated)."""
    import torch

    ranks = np.argsort(np.argsort(pit, axis=0, kind="stable"), axis=0) + 1.0  # (n, H), 1..n per step
    return torch.special.ndtri(torch.as_tensor(ranks / (len(pit) + 1))).numpy()


def copula_factor(pit: np.ndarray) -> np.ndarray | None:
    """The lower Cholesky factor (H, H) of the correlation of the normal scores of ``pit`` (n, H), the
    validation windows' PIT values; None (independent steps, logged as a warning) with fewer than
    max(:data:`MIN_COPULA_WINDOWS`, 2 H) windows. Eigenvalues are floored at 1e-6 so the factor exists."""
    n, H = pit.shape
    if H == 1:
        return np.ones((1, 1))
    if n < max(MIN_COPULA_WINDOWS, 2 * H):
        log.warning("%d validation windows are too few to estimate the dependence between %d steps (need %d): "
                    "sample paths draw the steps independently", n, H, max(MIN_COPULA_WINDOWS, 2 * H))
        return None
    R = np.corrcoef(normal_scores(pit), rowvar=False)  # (H, H)
    w, V = np.linalg.eigh(np.nan_to_num(R))
    R = (V * np.maximum(w, 1e-6)) @ V.T
    d = np.sqrt(np.diag(R))
    return np.linalg.cholesky(R / d[:, None] / d[None, :])


def copula_uniforms(factor: np.ndarray | None, N: int, n_samples: int, H: int,
                    rng: np.random.Generator) -> np.ndarray:
    """Uniforms (N, S, H) in (0, 1) with a Gaussian copula: Φ(z), z = factor @ e, e ~ N(0, I) (independent
    uniforms when ``factor`` is None). Values are kept within [1e-12, 1 - 1e-12], so quantiles stay finite."""
    import torch

    e = rng.standard_normal((N, n_samples, H))  # (N, S, H)
    z = e if factor is None else e @ factor[:H, :H].T  # (N, S, H) @ (H, H) -> (N, S, H)
    return np.clip(torch.special.ndtr(torch.as_tensor(z)).numpy(), 1e-12, 1 - 1e-12)


def paths_output(kind: str, series: list[SeriesData], paths: np.ndarray):
    """Paths (N, S, h) in the kind ``predict`` returns: an ndarray (S, h) for an array; for a Series, a
    DataFrame ``ds, sample, y`` (S h rows); for a long frame ``unique_id, ds, sample, y`` (N S h rows),
    each path's steps together, series by series."""
    N, S, h = paths.shape
    sample = np.tile(np.repeat(np.arange(S), h), N)  # (N S h,)
    if kind == "array":
        return paths[0]
    ds = np.concatenate([np.tile(s.future_index(h).to_numpy(), S) for s in series])
    cols = {"ds": ds, "sample": sample, "y": paths.reshape(-1)}
    if kind == "long":
        cols = {"unique_id": np.repeat(np.array([s.uid for s in series], dtype=object), S * h)} | cols
    return pd.DataFrame(cols)


def check_samples(n_samples) -> int:
    """``n_samples`` as an int if it is a positive integer, else raise."""
    if isinstance(n_samples, bool) or not isinstance(n_samples, (int, np.integer)) or n_samples < 1:
        raise LstmlabError(f"n_samples={n_samples!r}: expected a positive integer, e.g. 200")
    return int(n_samples)


def check_seed(seed) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise LstmlabError(f"seed={seed!r}: expected a non-negative integer")
    return int(seed)

