"""Calendar features from time stamps: each a position in its cycle, as a sine and cosine pair.

``month`` of 2000-03-01 is 2/12 of the way through the year, so it becomes (sin 2π·2/12, cos 2π·2/12):
December and January end up as neighbours, which the raw numbers 12 and 1 are not. The dates of the
horizon are known, so these are future-known covariates (:mod:`lstmlab.forecast.covariates`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from lstmlab.errors import LstmlabError


def _days_in_year(d: pd.DatetimeIndex) -> np.ndarray:
    return np.where(d.is_leap_year, 366, 365)


# name -> the fraction of its cycle a time stamp is at, in [0, 1)
FEATURES: dict[str, Callable[[pd.DatetimeIndex], np.ndarray]] = {
    "minute": lambda d: d.minute.to_numpy() / 60,
    "hour": lambda d: d.hour.to_numpy() / 24,
    "dayofweek": lambda d: d.day_of_week.to_numpy() / 7,
    "dayofmonth": lambda d: (d.day.to_numpy() - 1) / d.days_in_month.to_numpy(),
    "dayofyear": lambda d: (d.day_of_year.to_numpy() - 1) / _days_in_year(d),
    "weekofyear": lambda d: (d.isocalendar().week.to_numpy(dtype=np.float64) - 1) / 53,
    "month": lambda d: (d.month.to_numpy() - 1) / 12,
    "quarter": lambda d: (d.quarter.to_numpy() - 1) / 4,
}


def check_calendar(names: Sequence[str] | None) -> tuple:
    """The requested features, checked: known names, none twice."""
    if names is None:
        return ()
    if isinstance(names, str) or not all(isinstance(n, str) for n in names):
        raise LstmlabError(f"calendar={names!r}: expected a list of feature names, e.g. ['month']")
    for n in names:
        if n not in FEATURES:
            raise LstmlabError(f"calendar feature {n!r} is unknown: expected some of {', '.join(FEATURES)}")
    if len(set(names)) != len(names):
        raise LstmlabError(f"calendar={list(names)} names a feature twice")
    return tuple(names)


def calendar_columns(names: Sequence[str]) -> list[str]:
    """The column names of the features' pairs: ``month_sin, month_cos, ...``."""
    return [f"{n}_{f}" for n in names for f in ("sin", "cos")]


def calendar_features(dates: pd.Index, names: Sequence[str], uid: str = "y") -> np.ndarray:
    """The sine and cosine of each feature's cycle position at ``dates``: (T, 2 K), ordered as
    :func:`calendar_columns`. ``uid`` names the series in the error for positions without dates."""
    if not names:
        return np.zeros((len(dates), 0))
    if not isinstance(dates, pd.DatetimeIndex):
        raise LstmlabError(f"calendar features {list(names)} need dates, and series {uid!r} has positions "
                           "(0, 1, 2, ...): give its ds as dates")
    angle = 2 * np.pi * np.stack([FEATURES[n](dates) for n in names], axis=-1)  # (T, K)
    return np.stack([np.sin(angle), np.cos(angle)], axis=-1).reshape(len(dates), -1)  # (T, K, 2) -> (T, 2K)
