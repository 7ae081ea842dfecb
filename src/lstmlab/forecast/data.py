"""Series in: arrays, pandas Series, long DataFrames (``unique_id, ds, y``) and CSV files, validated.

Every forecaster and baseline turns its input into a list of :class:`SeriesData` (one per series)
with :func:`to_series_list`, and turns forecasts back into the caller's kind with :func:`to_output`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from lstmlab.errors import LstmlabError, LstmlabTypeError
from lstmlab.forecast.dates import describe_gap, parse_dates, regular_freq

LONG_COLUMNS = ("unique_id", "ds", "y")

SeriesInput = np.ndarray | Sequence[float] | pd.Series | pd.DataFrame
"""What ``fit`` and ``predict`` take: an array (T,), a Series (T,), or a long DataFrame ``unique_id, ds, y``."""
Forecast = np.ndarray | pd.Series | pd.DataFrame
"""What ``predict`` returns, in the input's kind: an array (h,), a Series (h,) indexed by the future
time stamps, or a DataFrame (``y_hat`` with ``lo``/``hi``; long: ``unique_id, ds, y_hat, ...``)."""


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


def parses_as_float(v) -> bool:
    """Whether ``float(v)`` works (for naming the first value that is not a number)."""
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
        bad = next((v for v in flat if not parses_as_float(v)),
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
        index = parse_dates(index, f"series {name!r}: time stamps")
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
    freq = regular_freq(index)
    if freq is None:
        raise LstmlabError(f"series {name!r} has irregular time stamps: {describe_gap(index)}; "
                           "fill the missing rows or resample to a regular frequency first")
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
        out = _long_series(y)
        if out is None:  # a problem, or a kind of column the flat path does not take: series by series
            out = [make_series(g["y"].to_numpy(), pd.Index(g["ds"]), str(uid))
                   for uid, g in y.groupby("unique_id", sort=False)]
        return out, "long"
    if isinstance(y, pd.Series):
        return [make_series(y.to_numpy(), y.index, str(y.name) if y.name is not None else "y")], "series"
    if isinstance(y, (str, bytes, dict)):
        raise LstmlabTypeError(f"cannot forecast a {type(y).__name__}: expected a 1-D array, a pandas Series or a "
                               "long DataFrame (unique_id, ds, y)")
    return [make_series(y)], "array"


def _long_series(frame: pd.DataFrame) -> list[SeriesData] | None:
    """The series of a long frame, their values views into one flat float64 array made once.

    Parameters
    ----------
    frame : DataFrame with columns ``unique_id, ds, y``, at least one row.

    Returns
    -------
    The series in order of first appearance, as ``groupby("unique_id", sort=False)`` and
    :func:`make_series` give them (rows with a missing ``unique_id`` left out), or None when some value
    is not a finite number or a column is of a kind this path does not take (values of a pandas
    extension dtype, categorical names, a repeated column name): the caller then checks series by
    series, for the same result or message. A bad time stamp raises here, with :func:`make_series`'s
    message for the first series that has one.
    """
    uid, ds, col = frame["unique_id"], frame["ds"], frame["y"]
    if not all(isinstance(c, pd.Series) for c in (uid, ds, col)) or isinstance(uid.dtype, pd.CategoricalDtype):
        return None
    if not isinstance(col.dtype, np.dtype) or not (np.issubdtype(col.dtype, np.number) or col.dtype == bool):
        return None
    names, lengths, order = _grouped_rows(uid)
    values = col.to_numpy()[order].astype(np.float64, copy=isinstance(order, slice))  # (ΣT,) owned, not the frame's
    if not np.isfinite(values).all():
        return None
    stamps = pd.Index(ds)[order]  # (ΣT,)
    starts = np.cumsum(lengths) - lengths  # (N,)
    consecutive = pd.api.types.is_integer_dtype(stamps) and _consecutive_within(stamps.to_numpy(), starts)
    first = stamps.to_numpy()[starts] if consecutive else None  # (N,)
    out = []
    for i, name in enumerate(names):
        a, b, name = int(starts[i]), int(starts[i] + lengths[i]), str(name)
        if consecutive:
            index, freq = pd.RangeIndex(int(first[i]), int(first[i]) + b - a), None
        else:
            index, freq = _check_index(stamps[a:b], name)
        out.append(SeriesData(name, values[a:b], index, freq))
    return out


def _grouped_rows(uid: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray | slice]:
    """The series' names (N,) by first appearance, their lengths (N,), and the rows in series order:
    ``slice(None)`` when each series' rows are already together (no copy, no hash table), else (ΣT,)
    row numbers, a stable sort. Rows without a name are left out, as ``groupby`` leaves them out."""
    ids = uid.to_numpy()
    begins = np.concatenate([[0], np.flatnonzero(ids[1:] != ids[:-1]) + 1])  # (runs,) where a name starts
    names = ids[begins]
    if not pd.isna(names).any() and pd.Index(names).is_unique:  # one run per name
        return names, np.diff(np.append(begins, len(ids))), slice(None)
    codes, names = pd.factorize(uid, sort=False)  # (R,) series number of each row, by first appearance
    unnamed = np.count_nonzero(codes < 0)
    lengths = np.bincount(codes[codes >= 0], minlength=len(names))  # (N,)
    return np.asarray(names), lengths, np.argsort(codes, kind="stable")[unnamed:]


def _consecutive_within(stamps: np.ndarray, starts: np.ndarray, chunk: int = 1 << 20) -> bool:
    """Whether integer time stamps (ΣT,) step by exactly 1 inside each series beginning at ``starts`` (N,).
    The steps are taken ``chunk`` at a time, so the temporaries stay small beside the stamps."""
    step = np.ones(len(stamps), dtype=bool)  # (ΣT,) True where a value is one more than the one before
    for lo in range(1, len(stamps), chunk):
        hi = min(lo + chunk, len(stamps))
        step[lo:hi] = stamps[lo:hi] - stamps[lo - 1:hi - 1] == 1
    step[starts] = True  # a series' first stamp: anything goes
    return bool(step.all())


def split_series(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """Check each series of a long frame on its own, so that one bad series does not stop the others.

    Parameters
    ----------
    frame : DataFrame with columns ``unique_id, ds, y`` (more columns are kept).

    Returns
    -------
    good : the rows of the series that pass every check of :func:`make_series`, in their order.
    left_out : ``{unique_id: reason}`` for each other series, the reason in one line.
    """
    missing = [c for c in LONG_COLUMNS if c not in frame.columns]
    if missing:
        raise LstmlabError(f"long DataFrame is missing column(s) {missing}: expected columns {list(LONG_COLUMNS)}")
    left_out: dict[str, str] = {}
    keep = []
    for uid, g in frame.groupby("unique_id", sort=False):
        try:
            make_series(g["y"].to_numpy(), pd.Index(g["ds"]), str(uid))
        except (LstmlabError, LstmlabTypeError) as exc:
            left_out[str(uid)] = str(exc)
        else:
            keep.append(g)
    good = pd.concat(keep, ignore_index=True) if keep else frame.iloc[:0]
    return good, left_out


def to_output(kind: str, series: list[SeriesData], forecasts: list[np.ndarray],
              extra: dict[str, list[np.ndarray]] | None = None):
    """Return forecasts in the kind the caller gave (see :func:`to_series_list`).

    ``forecasts[i]`` has shape (h,). ``extra`` adds columns (e.g. interval bounds); with extra
    columns a single series comes back as a DataFrame indexed by the future time stamps.
    """
    extra = extra or {}
    if kind == "long":  # one frame built from flat arrays: 100,000 small frames would take a minute
        h = len(forecasts[0])
        futures: dict[tuple, np.ndarray] = {}  # series ending together share their future time stamps
        for s in series:
            key = (s.index[-1], s.freq)
            if key not in futures:
                futures[key] = s.future_index(h).to_numpy()
        ds = np.concatenate([futures[(s.index[-1], s.freq)] for s in series])
        cols = {"unique_id": np.repeat(np.array([s.uid for s in series], dtype=object), h), "ds": ds,
                "y_hat": np.concatenate(forecasts)}
        cols.update({k: np.concatenate(v) for k, v in extra.items()})
        return pd.DataFrame(cols)
    s, f = series[0], forecasts[0]
    if extra:
        frame = pd.DataFrame({"y_hat": f, **{k: v[0] for k, v in extra.items()}})
        if kind == "series":
            frame.index = s.future_index(len(f))
        return frame
    if kind == "series":
        return pd.Series(f, index=s.future_index(len(f)), name=s.uid)
    return f


SEASONAL_PERIODS = {"H": 24, "h": 24, "D": 7, "B": 5, "W": 52, "M": 12, "MS": 12, "ME": 12, "Q": 4, "QS": 4,
                    "QE": 4, "Y": 1, "YS": 1, "YE": 1, "A": 1, "AS": 1}


def seasonal_period_from_freq(freq: str | None) -> int:
    """The usual seasonal period of a pandas frequency (monthly -> 12, daily -> 7, hourly -> 24, ...);
    1 (no seasonality) when unknown."""
    if not freq:
        return 1
    base = freq.lstrip("0123456789").split("-")[0]
    return SEASONAL_PERIODS.get(base, 1)
