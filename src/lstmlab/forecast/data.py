"""Series in: arrays, pandas Series, long DataFrames (``unique_id, ds, y``) and CSV files, validated.

Every forecaster and baseline turns its input into a list of :class:`SeriesData` (one per series)
with :func:`to_series_list`, and turns forecasts back into the caller's kind with :func:`to_output`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from lstmlab.errors import LstmlabError, LstmlabTypeError

LONG_COLUMNS = ("unique_id", "ds", "y")


@dataclass(frozen=True)
class SeriesData:
    """One validated series.

    Attributes
    ----------
    uid : str
        Series name (``unique_id`` in long format).
    values : ndarray, shape (T,)
        Finite float64 observations in time order.
    index : pandas.Index, length T
        A DatetimeIndex with a regular frequency, or a RangeIndex (positions).
    freq : str or None
        Pandas frequency alias of a DatetimeIndex ("MS", "D", ...); None for positions.
    """

    uid: str
    values: np.ndarray
    index: pd.Index
    freq: str | None

    def future_index(self, horizon: int) -> pd.Index:
        """The ``horizon`` time stamps (or positions) that follow the last observation."""
        if self.freq is None:
            start = int(self.index[-1]) + 1 if len(self.index) else 0
            return pd.RangeIndex(start, start + horizon)
        return pd.date_range(self.index[-1], periods=horizon + 1, freq=self.freq)[1:]


def _parses_as_float(v) -> bool:
    try:
        float(v)
    except (TypeError, ValueError):
        return False
    return True


def _check_values(values, name: str) -> np.ndarray:
    """Return ``values`` as finite float64, or raise a ValueError/TypeError naming the problem."""
    arr = np.asarray(values)
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        flat = arr.ravel()
        bad = next((v for v in flat if not _parses_as_float(v)),
                   next((v for v in flat if not isinstance(v, (int, float, np.number))), arr.dtype))
        raise LstmlabTypeError(f"series {name!r} has non-numeric values (e.g. {bad!r}): expected numbers")
    arr = arr.astype(np.float64)
    if arr.ndim != 1:
        raise LstmlabError(f"series {name!r} has shape {arr.shape}: expected one dimension (T,)")
    if arr.size == 0:
        raise LstmlabError(f"series {name!r} is empty: expected at least a few observations")
    bad = np.flatnonzero(~np.isfinite(arr))
    if bad.size:
        raise LstmlabError(f"series {name!r} has {bad.size} NaN/inf value(s), first at position {bad[0]}: "
                           "fill or drop them before forecasting")
    return arr


def check_not_constant(series: SeriesData) -> None:
    """Raise a ValueError if ``series`` is constant: a learned model has nothing to fit."""
    if np.ptp(series.values) == 0:
        raise LstmlabError(f"series {series.uid!r} is constant (every value is {series.values[0]:g}): "
                           "nothing to learn; a naive forecast is exact")


def _check_index(index: pd.Index, name: str) -> tuple[pd.Index, str | None]:
    """Validate time stamps: parsed, unique, increasing, regular. Returns (index, freq)."""
    if not isinstance(index, pd.DatetimeIndex):
        if pd.api.types.is_integer_dtype(index):  # positions: must be consecutive
            if len(index) > 1 and not np.all(np.diff(index.to_numpy()) == 1):
                raise LstmlabError(f"series {name!r} has integer time stamps that are not consecutive "
                                   f"(starting {list(index[:3])}): expected 0, 1, 2, ... or dates")
            start = int(index[0]) if len(index) else 0
            return pd.RangeIndex(start, start + len(index)), None
        try:
            index = pd.DatetimeIndex(pd.to_datetime(index, format="mixed"))
        except (ValueError, TypeError) as exc:
            raise LstmlabError(f"series {name!r}: cannot parse time stamps as dates ({exc})") from None
    if index.hasnans:
        raise LstmlabError(f"series {name!r} has missing time stamps")
    if not index.is_unique:
        dup = index[index.duplicated()][0]
        raise LstmlabError(f"series {name!r} has duplicate time stamps (e.g. {dup}): expected one value per time")
    if not index.is_monotonic_increasing:
        pos = int(np.flatnonzero(np.diff(index.asi8) < 0)[0]) + 1
        raise LstmlabError(f"series {name!r} has unsorted time stamps ({index[pos]} comes after "
                           f"{index[pos - 1]}): sort by date first")
    if len(index) < 3:
        raise LstmlabError(f"series {name!r} has {len(index)} time stamps: need at least 3 to infer a frequency")
    if index.freq is not None:
        freq = index.freq.freqstr
    else:
        with warnings.catch_warnings():  # pandas 3 announces infer_freq's future return type
            warnings.simplefilter("ignore")
            inferred = pd.infer_freq(index)
        freq = None if inferred is None else pd.tseries.frequencies.to_offset(inferred).freqstr
    if freq is None:
        raise LstmlabError(f"series {name!r} has irregular time stamps (gaps or uneven spacing, e.g. "
                           f"{index[0]} -> {index[1]} -> {index[2]}): resample to a regular frequency first")
    return pd.DatetimeIndex(index, freq=freq), freq


def make_series(values, index=None, uid: str = "y") -> SeriesData:
    """Validate one series. ``index`` may be None (positions), dates, or date strings."""
    arr = _check_values(values, uid)
    if index is None:
        return SeriesData(uid, arr, pd.RangeIndex(len(arr)), None)
    index = pd.Index(index)
    if len(index) != len(arr):
        raise LstmlabError(f"series {uid!r}: {len(index)} time stamps for {len(arr)} values")
    index, freq = _check_index(index, uid)
    return SeriesData(uid, arr, index, freq)


def to_series_list(y) -> tuple[list[SeriesData], str]:
    """Turn forecaster input into validated series.

    Parameters
    ----------
    y : array-like (T,), pandas Series, or DataFrame with columns ``unique_id, ds, y``
        One series (array or Series, with or without a DatetimeIndex) or many in long format.

    Returns
    -------
    series : list of SeriesData
    kind : {"array", "series", "long"}
        What the caller gave, so outputs can be returned in the same kind.
    """
    if isinstance(y, pd.DataFrame):
        missing = [c for c in LONG_COLUMNS if c not in y.columns]
        if missing:
            raise LstmlabError(f"long DataFrame is missing column(s) {missing}: expected columns "
                               f"{list(LONG_COLUMNS)} (got {list(y.columns)})")
        if len(y) == 0:
            raise LstmlabError("long DataFrame is empty: expected rows of unique_id, ds, y")
        out = [make_series(g["y"].to_numpy(), pd.Index(g["ds"]), str(uid))
               for uid, g in y.groupby("unique_id", sort=False)]
        return out, "long"
    if isinstance(y, pd.Series):
        return [make_series(y.to_numpy(), y.index, str(y.name) if y.name is not None else "y")], "series"
    if isinstance(y, (str, bytes, dict)):
        raise LstmlabTypeError(f"cannot forecast a {type(y).__name__}: expected a 1-D array, a pandas Series or a "
                               "long DataFrame (unique_id, ds, y)")
    return [make_series(y)], "array"


def to_output(kind: str, series: list[SeriesData], forecasts: list[np.ndarray],
              extra: dict[str, list[np.ndarray]] | None = None):
    """Return forecasts in the kind the caller gave (see :func:`to_series_list`).

    ``forecasts[i]`` has shape (h,). ``extra`` adds columns (e.g. interval bounds); with extra
    columns a single series comes back as a DataFrame indexed by the future time stamps.
    """
    extra = extra or {}
    if kind == "long":
        frames = []
        for i, (s, f) in enumerate(zip(series, forecasts)):
            cols = {"unique_id": s.uid, "ds": s.future_index(len(f)), "y_hat": f}
            cols.update({k: v[i] for k, v in extra.items()})
            frames.append(pd.DataFrame(cols))
        return pd.concat(frames, ignore_index=True)
    s, f = series[0], forecasts[0]
    if extra:
        frame = pd.DataFrame({"y_hat": f, **{k: v[0] for k, v in extra.items()}})
        if kind == "series":
            frame.index = s.future_index(len(f))
        return frame
    if kind == "series":
        return pd.Series(f, index=s.future_index(len(f)), name=s.uid)
    return f


def read_csv(path: str | Path, date_col: str | None = None, value_col: str | None = None,
             id_col: str | None = None):
    """Read a series (or several) from a CSV file.

    Parameters
    ----------
    path : path of the CSV file.
    date_col, value_col : columns of time stamps and values. Default: "ds" and "y" if present,
        else the first and second columns.
    id_col : column naming the series, for many series in one file (long format).

    Returns
    -------
    pandas Series with a DatetimeIndex (one series), or a long DataFrame ``unique_id, ds, y``.
    """
    try:
        frame = pd.read_csv(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise LstmlabError(f"{path} is not a readable CSV file: {exc}") from None
    if frame.empty:
        raise LstmlabError(f"{path}: no rows")
    cols = list(frame.columns)
    date_col = date_col or ("ds" if "ds" in cols else cols[0])
    value_col = value_col or ("y" if "y" in cols else (cols[1] if len(cols) > 1 else None))
    for role, col in (("date", date_col), ("value", value_col), ("id", id_col)):
        if role != "id" and col is None:
            raise LstmlabError(f"{path}: needs a {role} column; the file has only {cols}")
        if col is not None and col not in cols:
            raise LstmlabError(f"{path}: no {role} column {col!r}; columns are {cols}")
    if id_col is not None:
        return frame.rename(columns={id_col: "unique_id", date_col: "ds", value_col: "y"})[list(LONG_COLUMNS)]
    try:
        index = pd.DatetimeIndex(pd.to_datetime(frame[date_col]))
    except (ValueError, TypeError) as exc:
        raise LstmlabError(f"{path}: cannot parse column {date_col!r} as dates ({exc})") from None
    return pd.Series(frame[value_col].to_numpy(), index=index, name=str(value_col))


SEASONAL_PERIODS = {"H": 24, "h": 24, "D": 7, "B": 5, "W": 52, "M": 12, "MS": 12, "ME": 12, "Q": 4, "QS": 4,
                    "QE": 4, "Y": 1, "YS": 1, "YE": 1, "A": 1, "AS": 1}


def seasonal_period_from_freq(freq: str | None) -> int:
    """The usual seasonal period of a pandas frequency (monthly -> 12, daily -> 7, hourly -> 24, ...);
    1 (no seasonality) when unknown."""
    if not freq:
        return 1
    base = freq.lstrip("0123456789").split("-")[0]
    return SEASONAL_PERIODS.get(base, 1)
