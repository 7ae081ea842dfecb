"""Time stamps as people write them: parsing, the regular step of a series, and where that step breaks.

:func:`parse_dates` reads a column of date strings (optionally day-first or with an explicit format)
and turns pandas' parsing warnings into one logged sentence of our own. :func:`regular_freq` finds a
series' step, and :func:`describe_gap` says where a series leaves it: both dates and the step
expected, so a user can find the row to fix.
"""

from __future__ import annotations

import logging
import warnings
from collections import Counter

import numpy as np
import pandas as pd

from lstmlab.errors import LstmlabError

log = logging.getLogger(__name__)

STEP_NAMES = {"h": "hour", "min": "minute", "s": "second", "D": "day", "B": "business day", "W": "week",
              "M": "month", "Q": "quarter", "Y": "year"}


def parse_dates(values, name: str, dayfirst: bool = False, date_format: str | None = None) -> pd.DatetimeIndex:
    """Dates from a column of strings (or dates).

    Parameters
    ----------
    values : array-like (T,) of date strings, datetimes, or 4-digit integer years.
    name : how to name the column in messages, e.g. "column 'ds' of sales.csv".
    dayfirst : read 01/02/2020 as 1 February (else 2 January).
    date_format : an explicit strftime format such as "%d.%m.%Y"; overrides ``dayfirst``.

    Returns
    -------
    DatetimeIndex (T,)
    """
    values = pd.Index(values)
    if isinstance(values, pd.DatetimeIndex):
        return values
    if pd.api.types.is_integer_dtype(values) and date_format is None:
        if len(values) and values.min() >= 1000 and values.max() <= 2999:  # years written as numbers
            date_format = "%Y"
        else:
            raise LstmlabError(f"{name} holds integers ({values[0]}, ...): expected dates, or years such as 1990")
    text = values.astype(str)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            if date_format is not None:
                out = pd.to_datetime(text, format=date_format)
            else:
                try:  # one format inferred from the first value: fast, and consistent
                    out = pd.to_datetime(text, dayfirst=dayfirst)
                except (ValueError, TypeError):
                    out = pd.to_datetime(text, dayfirst=dayfirst, format="mixed")
        except (ValueError, TypeError, OverflowError) as exc:
            bad = _first_unparsable(text, dayfirst, date_format)
            how = f"the format {date_format!r}" if date_format else "a date"
            raise LstmlabError(f"{name}: cannot read {bad!r} as {how} ({exc}); give the format with --date-format, "
                               "e.g. '%d.%m.%Y'") from None
    for w in caught:
        _explain(w.message, name, text)
    return pd.DatetimeIndex(out)


def _first_unparsable(text: pd.Index, dayfirst: bool, date_format: str | None) -> str:
    """The first value that cannot be read alone (or the first value, if each can)."""
    for v in text:
        try:
            pd.to_datetime(v, dayfirst=dayfirst, format=date_format)
        except (ValueError, TypeError, OverflowError):
            return str(v)
    return str(text[0])


def _explain(message, name: str, text: pd.Index) -> None:
    """Log one sentence of ours for a pandas parsing warning (none for harmless ones)."""
    msg = str(message)
    if "dayfirst" in msg:
        log.warning("%s: dates such as %r can only be day-first, so they were read as day/month/year; "
                    "pass --dayfirst (or --date-format) to say so", name, _day_above_12(text))
    elif "infer format" not in msg:  # per-value parsing is expected for mixed inputs
        log.warning("%s: %s", name, msg.split("\n")[0])


def _day_above_12(text: pd.Index) -> str:
    """A value whose first number is above 12 (so it must be a day), else the first value."""
    for v in text:
        head = str(v).split("/")[0].split("-")[0].split(".")[0]
        if head.isdigit() and 12 < int(head) <= 31:
            return str(v)
    return str(text[0])


def regular_freq(index: pd.DatetimeIndex) -> str | None:
    """The pandas frequency alias of a regular, increasing index ("MS", "D", ...), or None."""
    if index.freq is not None:
        return index.freq.freqstr
    if len(index) < 3:
        return None
    with warnings.catch_warnings():  # pandas 3 announces infer_freq's future return type
        warnings.simplefilter("ignore")
        inferred = pd.infer_freq(index)
    return None if inferred is None else pd.tseries.frequencies.to_offset(inferred).freqstr


def is_regular(index: pd.DatetimeIndex) -> bool:
    """Unique, increasing and evenly stepped."""
    return index.is_unique and index.is_monotonic_increasing and regular_freq(index) is not None


def step_name(freq: str) -> str:
    """ "MS" -> "1 month ('MS')", "2h" -> "2 hours ('2h')"."""
    digits = freq[:len(freq) - len(freq.lstrip("0123456789"))]
    base = freq[len(digits):].split("-")[0]
    unit = STEP_NAMES.get(base) or STEP_NAMES.get(base.rstrip("SE")) or base
    n = int(digits or 1)
    return f"{n} {unit}{'s' if n > 1 else ''} ({freq!r})"


def _stamp(t: pd.Timestamp) -> str:
    return str(t.date()) if t == t.normalize() else str(t)


def describe_gap(index: pd.DatetimeIndex) -> str:
    """Where a sorted, unique index leaves its usual step: "after 1997-04-01 comes 1997-06-01, expected
    1997-05-01 (a step of 1 month ('MS'))", or the smallest and largest steps when none is usual."""
    freq = _usual_freq(index)
    if freq is not None:
        offset = pd.tseries.frequencies.to_offset(freq)
        with warnings.catch_warnings():  # offsets without a vectorised form warn; the loop is fine
            warnings.simplefilter("ignore")
            expected = pd.DatetimeIndex([t + offset for t in index[:-1]])
        bad = np.flatnonzero(expected != index[1:])
        if bad.size:
            p = int(bad[0])
            n = bad.size
            more = f"; {n - 1} more break(s) after it" if n > 1 else ""
            return (f"after {_stamp(index[p])} comes {_stamp(index[p + 1])}, expected {_stamp(expected[p])} "
                    f"(a step of {step_name(freq)}){more}")
    steps = np.diff(index.asi8)
    lo, hi = int(np.argmin(steps)), int(np.argmax(steps))
    return (f"steps vary from {_stamp(index[lo])} -> {_stamp(index[lo + 1])} to "
            f"{_stamp(index[hi])} -> {_stamp(index[hi + 1])}")


def _usual_freq(index: pd.DatetimeIndex, samples: int = 60) -> str | None:
    """The frequency most runs of three consecutive stamps agree on."""
    if len(index) < 3:
        return None
    starts = np.unique(np.linspace(0, len(index) - 3, min(samples, len(index) - 2)).astype(int))
    votes = Counter(f for i in starts if (f := regular_freq(index[i:i + 3])) is not None)
    return votes.most_common(1)[0][0] if votes else None
