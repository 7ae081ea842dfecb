"""CSV (and Parquet) files as spreadsheets and pipelines export them: one series or many, any common separator, decimal commas,
day-first dates.

:func:`read_csv` returns a pandas Series (one series) or a long DataFrame ``unique_id, ds, y`` (many),
with parsed dates, ready for :func:`~lstmlab.forecast.data.to_series_list`. Every problem is
reported in one sentence that names the file and, where it can, the fix.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from lstmlab.errors import LstmlabError
from lstmlab.forecast.data import LONG_COLUMNS
from lstmlab.forecast.dates import is_regular, parse_dates

SEPARATORS = (",", ";", "\t", "|")
DECIMAL_COMMA = re.compile(r"^\s*[-+]?(\d{1,3}(\.\d{3})+|\d*),\d+\s*$")


def read_csv(path: str | Path, date_col: str | None = None, value_col: str | None = None,
             id_col: str | None = None, dayfirst: bool = False, date_format: str | None = None,
             keep: Sequence[str] = ()):
    """Read one series, or many, from a CSV file.

    Parameters
    ----------
    path : the file. Its separator (",", ";", tab or "|") is detected from the header line, and
        values written with a decimal comma ("3,5") are read as numbers.
    date_col, value_col : columns of time stamps and values. Default: "ds" and "y" if present, else
        the first column that reads as dates and the first numeric column after it.
    id_col : the column naming each series, for many series in one file (long format). Default:
        "unique_id" if present.
    dayfirst : read 01/02/2020 as 1 February.
    date_format : an explicit format such as "%d.%m.%Y" (overrides ``dayfirst``).
    keep : more columns to keep (covariates): then the result is always a long frame, ``unique_id``
        being the value column's name for one series; decimal commas in them are read too.

    Returns
    -------
    pandas Series with a DatetimeIndex (one series), or a DataFrame ``unique_id, ds, y`` (many).
    """
    return from_frame(_read_table(_existing(path, "CSV")), path, date_col, value_col, id_col, dayfirst, date_format,
                      keep)


def _existing(path: str | Path, kind: str) -> Path:
    """``path`` as a Path if it names a file, else a FileNotFoundError that says so."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file (expected a {kind} file)" if not path.is_dir() else
                                f"{path} is a folder (expected a {kind} file)")
    return path


def read_parquet(path: str | Path, date_col: str | None = None, value_col: str | None = None,
                 id_col: str | None = None, keep: Sequence[str] = ()):
    """Read one series, or many, from a Parquet file (needs pyarrow: ``pip install 'lstmlab[parquet]'``);
    columns as in :func:`read_csv`. Returns the same kinds."""
    if "://" not in str(path) and not Path(path).is_dir():  # a URL or a partitioned folder: pandas reads it
        path = _existing(path, "Parquet")
    try:
        frame = pd.read_parquet(path)
    except ImportError as exc:
        raise LstmlabError(f"reading {path} needs pyarrow: pip install 'lstmlab[parquet]' ({exc})") from None
    except (OSError, ValueError) as exc:
        raise LstmlabError(f"{path} is not a readable Parquet file: {exc}") from None
    if frame.empty:
        raise LstmlabError(f"{path} has columns {list(frame.columns)} but no rows of data")
    return from_frame(frame.reset_index(drop=True), path, date_col, value_col, id_col, keep=keep)


def from_frame(frame: pd.DataFrame, path, date_col: str | None = None, value_col: str | None = None,
               id_col: str | None = None, dayfirst: bool = False, date_format: str | None = None,
               keep: Sequence[str] = ()):
    """The columns of a table read from ``path`` as one series or a long frame (see :func:`read_csv`)."""
    cols = list(frame.columns)
    missing = [c for c in keep if c not in cols]
    if missing:
        raise LstmlabError(f"{path}: no covariate column {missing[0]!r}; columns are {cols}")
    id_col = id_col or ("unique_id" if "unique_id" in cols and "unique_id" not in (date_col, value_col) else None)
    date_col = date_col or ("ds" if "ds" in cols else _guess_date_col(frame, id_col))
    value_col = value_col or ("y" if "y" in cols else _guess_value_col(frame, (date_col, id_col)))
    for role, col in (("date", date_col), ("value", value_col), ("id", id_col)):
        if role != "id" and col is None:
            raise LstmlabError(f"{path}: needs a {role} column; the file has only {cols} (if that is one line "
                               f"of several values, the separator is not one of {_names(SEPARATORS)})")
        if col is not None and col not in cols:
            raise LstmlabError(f"{path}: no {role} column {col!r}; columns are {cols}")
    where = f"column {date_col!r} of {path}"
    ds = parse_dates(frame[date_col], where, dayfirst, date_format)
    ids = frame[id_col].astype(str) if id_col is not None else None
    if not dayfirst and date_format is None and not pd.api.types.is_numeric_dtype(frame[date_col]):
        _suggest_dayfirst(frame[date_col], ids, where, ds)
    values = _numbers(frame[value_col])
    if keep:
        ids = ids if ids is not None else pd.Series(str(value_col), index=frame.index)
        extra = {c: _numbers(frame[c]).to_numpy() for c in keep}
        return pd.DataFrame({"unique_id": ids.to_numpy(), "ds": ds, "y": values.to_numpy(), **extra})
    if ids is not None:
        return pd.DataFrame({"unique_id": ids.to_numpy(), "ds": ds, "y": values.to_numpy()})[list(LONG_COLUMNS)]
    if not ds.is_unique:
        _explain_duplicates(frame, ds, date_col, value_col, path)
    return pd.Series(values.to_numpy(), index=ds, name=str(value_col))


def read_future(path: str | Path, dayfirst: bool = False, date_format: str | None = None) -> pd.DataFrame:
    """The future covariates of a horizon from a CSV file: ``ds`` (dates), ``unique_id`` (optional for
    one series) and the future columns, numbers with decimal commas read."""
    frame = _read_table(Path(path))
    if "ds" not in frame.columns:
        raise LstmlabError(f"{path}: a future file needs a 'ds' column of dates; columns are {list(frame.columns)}")
    out = frame.assign(ds=parse_dates(frame["ds"], f"column 'ds' of {path}", dayfirst, date_format))
    if "unique_id" in out.columns:
        out["unique_id"] = out["unique_id"].astype(str)
    return out.assign(**{c: _numbers(out[c]) for c in out.columns if c not in ("unique_id", "ds")})


def _read_table(path: Path) -> pd.DataFrame:
    """The file as a DataFrame, with its separator detected; empty and unreadable files named."""
    if path.is_file() and path.stat().st_size == 0:
        raise LstmlabError(f"{path} is empty: expected a header line such as 'ds,y' and then one row per time")
    try:
        with open(path, encoding="utf-8-sig") as fh:
            header = fh.readline()
        sep = max(SEPARATORS, key=header.count) if header.count(",") == 0 else ","
        frame = pd.read_csv(path, sep=sep, encoding="utf-8-sig")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise LstmlabError(f"{path} is not a readable CSV file: {exc}") from None
    if frame.empty:
        raise LstmlabError(f"{path} has a header ({list(frame.columns)}) but no rows of data")
    return frame


def _guess_date_col(frame: pd.DataFrame, id_col: str | None) -> str:
    """The first column whose first values read as dates (else the first column)."""
    for c in frame.columns:
        if c == id_col or pd.api.types.is_float_dtype(frame[c]):
            continue
        head = frame[c].head(5)
        if pd.api.types.is_integer_dtype(head) and not head.between(1000, 2999).all():
            continue
        try:
            parse_dates(head, c)
        except LstmlabError:
            continue
        return c
    return frame.columns[0]


def _guess_value_col(frame: pd.DataFrame, taken) -> str | None:
    """The first numeric column that is not taken (else the first other column, or None)."""
    others = [c for c in frame.columns if c not in taken]
    numeric = [c for c in others if pd.api.types.is_numeric_dtype(_numbers(frame[c]))]
    return (numeric or others or [None])[0]


def _names(seps) -> str:
    return ", ".join(repr(s) for s in seps)


def _numbers(column: pd.Series) -> pd.Series:
    """The value column as numbers, reading decimal commas ("1.234,5" -> 1234.5); other text is left as
    it is for the series check to report."""
    if pd.api.types.is_numeric_dtype(column):
        return column
    text = column.astype(str)
    if text.str.match(DECIMAL_COMMA).all():
        return pd.to_numeric(text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False))
    return column


def _regular_count(ds: pd.DatetimeIndex, ids: pd.Series | None) -> int:
    """How many series (one without ``ids``) have unique, increasing, evenly spaced dates."""
    if ids is None:
        return int(is_regular(ds))
    return sum(is_regular(pd.DatetimeIndex(g)) for _, g in pd.Series(ds).groupby(ids.to_numpy(), sort=False))


def _suggest_dayfirst(raw: pd.Series, ids: pd.Series | None, where: str, plain: pd.DatetimeIndex) -> None:
    """Raise with a hint when more series have evenly spaced dates read day-first than month-first."""
    if str(raw.iloc[0]).strip()[:4].isdigit():  # year first (ISO): day and month cannot be swapped
        return
    total = 1 if ids is None else ids.nunique()
    regular = _regular_count(plain, ids)
    if regular == total:
        return
    try:
        swapped = parse_dates(raw, where, dayfirst=True)
    except LstmlabError:
        return
    better = _regular_count(swapped, ids)
    if better > regular:
        i = int((plain != swapped).argmax())  # a value the two readings disagree on
        count = "" if ids is None else f" ({better} of {total} series evenly spaced, against {regular})"
        raise LstmlabError(f"{where}: the dates are not evenly spaced read month-first ({raw.iloc[i]!r} as "
                           f"{plain[i].date()}) but are read day-first ({swapped[i].date()}){count}: "
                           "pass --dayfirst (or --date-format '%d/%m/%Y')")


def _explain_duplicates(frame: pd.DataFrame, ds: pd.DatetimeIndex, date_col: str, value_col: str,
                        path) -> None:
    """Raise for repeated dates in a one-series file, naming columns that could tell series apart."""
    dup = ds[ds.duplicated()][0]
    count = int((ds == dup).sum())
    candidates = [c for c in frame.columns if c not in (date_col, value_col) and 1 < frame[c].nunique() < len(frame)]
    hint = (f"name the column that tells them apart with --id-col (perhaps {_names(candidates)})" if candidates
            else "add a column naming each series and give it with --id-col (or call it unique_id)")
    raise LstmlabError(f"{path}: the date {dup.date() if dup == dup.normalize() else dup} appears {count} times "
                       f"in column {date_col!r}: the file seems to hold several series; {hint}")
