"""Covariates: extra columns of the long frame, read per window beside the series' values.

Three kinds, named as darts and neuralforecast name them:

- **past** (observed with the series: footfall, a competitor's sales): known only up to a window's
  origin, so a window reads them at its history steps only, positions ``< origin``;
- **future** (known ahead: prices, promotions, holidays, calendar): read at the history steps and at
  the H steps forecast; ``predict`` needs them for the horizon (``future=`` frame);
- **static** (one value per series: a store's size, its region): constant within a series; a
  numeric column is standardised, any other (strings, a pandas category) is categorical: its values
  seen by ``fit`` form a vocabulary, and the network reads each through an embedding;
- **calendar** features made from the dates (:mod:`lstmlab.forecast.calendar`): future-known columns
  that nobody has to supply, since the horizon's dates are known.

The per-step columns live in flat arrays aligned with a :class:`~lstmlab.forecast.panel.Panel`'s flat
values (through its public ``starts`` and ``lengths``), and a batch of windows is gathered by fancy
indexing, as the panel gathers its values: nothing is materialised. Every column is standardised by
a mean and spread fitted on the training part only (:class:`CovariateScaling`).

The leak rule is in :meth:`CovariatePanel.gather`: a window with origin t reads past columns at
positions t - L .. t - 1 and nothing else; only future columns are read at t .. t + H - 1.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace

import numpy as np
import pandas as pd

from lstmlab.errors import LstmlabError
from lstmlab.forecast.calendar import calendar_features, check_calendar
from lstmlab.forecast.data import LONG_COLUMNS, SeriesData, parses_as_float

KINDS = ("past", "future", "static")


def covariate_columns(params: Mapping[str, object]) -> tuple:
    """The columns of the long frame that a forecaster with these parameters (``get_params()``, or the
    covariate settings alone) reads beside the series: its past, future and static covariates, in that
    order, as named (unchecked); empty for a model without any."""
    return tuple(c for kind in KINDS for c in params.get(f"{kind}_covariates") or ())


@dataclass(frozen=True)
class CovariateSpec:
    """The covariate columns a forecaster reads, by kind (each a tuple of column names), and the calendar
    features it makes from the dates (each a sine and cosine column after the future ones)."""

    past: tuple = ()
    future: tuple = ()
    static: tuple = ()
    calendar: tuple = ()
    categories: tuple = ()  # (column, (value, ...)) per categorical static column, set by fit

    def __bool__(self) -> bool:
        return bool(self.past or self.future or self.static or self.calendar)

    @property
    def columns(self) -> tuple:
        """The columns the user supplies (every kind but the calendar's)."""
        return self.past + self.future + self.static

    @property
    def categorical(self) -> tuple:
        """The categorical static columns, in the order of ``static``."""
        return tuple(c for c, _ in self.categories)

    @property
    def numeric_static(self) -> tuple:
        """The numeric static columns (C_s)."""
        return tuple(c for c in self.static if c not in self.categorical)

    def vocabulary(self, column: str) -> tuple:
        return dict(self.categories)[column]

    @property
    def n_future(self) -> int:
        """Future-known columns at each step (C_f): the user's, then two per calendar feature."""
        return len(self.future) + 2 * len(self.calendar)

    @property
    def n_step(self) -> int:
        """Columns read at every history step: past, then future-known (C = C_p + C_f)."""
        return len(self.past) + self.n_future

    @classmethod
    def from_params(cls, past: Sequence[str] | None, future: Sequence[str] | None,
                    static: Sequence[str] | None, calendar: Sequence[str] | None = None) -> "CovariateSpec":
        """Check the constructor's lists: strings, no reserved name (unique_id, ds, y), none twice."""
        out, seen = {}, {}
        for kind, names in zip(KINDS, (past, future, static)):
            if names is None:
                names = ()
            if isinstance(names, str) or not all(isinstance(c, str) for c in names):
                raise LstmlabError(f"{kind}_covariates={names!r}: expected a list of column names, e.g. ['price']")
            for c in names:
                if c in LONG_COLUMNS:
                    raise LstmlabError(f"{kind}_covariates names {c!r}, a column of the series itself: "
                                       f"expected other columns of the long frame")
                if c in seen:
                    raise LstmlabError(f"column {c!r} is named in both {seen[c]}_covariates and {kind}_covariates: "
                                       "expected each column once")
                seen[c] = kind
            out[kind] = tuple(names)
        return cls(**out, calendar=check_calendar(calendar))


@dataclass(frozen=True)
class SeriesCovariates:
    """One series' covariates, raw (not standardised).

    steps (T, Cp + Cf): past then future-known columns (the calendar's last) at the T history steps;
    ahead (E, Cf): future-known columns at the E steps after the last observation (E = 0 when
    fitting); static (Cs,) the numeric static values; codes (Ck,) int64 each categorical one's
    position in its vocabulary.
    """

    steps: np.ndarray
    ahead: np.ndarray
    static: np.ndarray
    codes: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    def with_ahead(self, ahead: np.ndarray) -> "SeriesCovariates":
        return replace(self, ahead=ahead)


def _numeric(values: np.ndarray, column: str, uid: str, dates: pd.Index) -> np.ndarray:
    """``values`` (T,) as float64, or an error naming the column, the series and the first bad date."""
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        bad = next(v for v in values if not parses_as_float(v))
        raise LstmlabError(f"covariate {column!r} of series {uid!r} has a non-numeric value {bad!r}: "
                           "expected numbers") from None
    bad = np.flatnonzero(~np.isfinite(arr))
    if bad.size:
        raise LstmlabError(f"covariate {column!r} of series {uid!r} is NaN or infinite at {dates[bad[0]]} "
                           f"({bad.size} value(s)): fill or drop them before forecasting")
    return arr


def check_columns(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    """Raise if any of ``columns`` is missing from ``frame`` (``what`` names the frame in the message)."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise LstmlabError(f"{what} has no column {missing[0]!r} (a covariate this model reads); "
                           f"its columns are {list(frame.columns)}")


def with_categories(frame, spec: CovariateSpec) -> CovariateSpec:
    """``spec`` with the vocabulary of each static column of ``frame`` that is not numeric (sorted values as
    strings): what ``fit`` learns about categorical columns."""
    if not isinstance(frame, pd.DataFrame):
        return spec
    check_columns(frame, spec.columns, "the long frame")
    cats = [(c, tuple(sorted(frame[c].dropna().astype(str).unique()))) for c in spec.static
            if not pd.api.types.is_numeric_dtype(frame[c]) or pd.api.types.is_bool_dtype(frame[c])]
    return replace(spec, categories=tuple(cats))


def _code(values: pd.Series, column: str, uid: str, dates: pd.Index, vocabulary: tuple) -> int:
    """The vocabulary position of a categorical static column's one value in a series."""
    missing = np.flatnonzero(values.isna().to_numpy())
    if missing.size:
        raise LstmlabError(f"covariate {column!r} of series {uid!r} is missing at {dates[missing[0]]}: "
                           "expected a category on every row")
    text = values.astype(str).to_numpy()
    if (text != text[0]).any():
        raise LstmlabError(f"static covariate {column!r} varies within series {uid!r} ({text[0]!r} and "
                           f"{text[text != text[0]][0]!r}): expected one value per series")
    if text[0] not in vocabulary:
        raise LstmlabError(f"static covariate {column!r} of series {uid!r} is {text[0]!r}, a category fit never "
                           f"saw: expected one of {list(vocabulary)}")
    return vocabulary.index(text[0])


def read_history(frame, series: list[SeriesData], spec: CovariateSpec) -> list[SeriesCovariates]:
    """Each series' covariates at its history steps, from the long frame the series were read from.

    Parameters
    ----------
    frame : the long DataFrame (``unique_id, ds, y`` and the covariate columns) behind ``series``.
    series : the validated series, in ``frame.groupby("unique_id", sort=False)`` order.
    spec : the columns to read.

    Returns
    -------
    One :class:`SeriesCovariates` per series: steps (T, Cp + Cf), ahead (0, Cf), static (Cs,), codes (Ck,).
    """
    if not isinstance(frame, pd.DataFrame):
        if spec.columns:
            raise LstmlabError(f"covariates ({', '.join(spec.columns)}) are columns of a long DataFrame "
                               f"(unique_id, ds, y, ...): got a {type(frame).__name__}")
        return [SeriesCovariates(calendar_features(s.index, spec.calendar, s.uid), np.zeros((0, spec.n_future)),
                                 np.zeros(0)) for s in series]
    check_columns(frame, spec.columns, "the long frame")
    out = []
    for s, (_, g) in zip(series, frame.groupby("unique_id", sort=False)):
        given = [_numeric(g[c].to_numpy(), c, s.uid, s.index)[:, None] for c in spec.past + spec.future]
        steps = np.concatenate(given + [calendar_features(s.index, spec.calendar, s.uid)], axis=-1) \
            if spec.n_step else np.zeros((len(s.values), 0))  # (T, Cp + Cf)
        codes = np.array([_code(g[c], c, s.uid, s.index, spec.vocabulary(c)) for c in spec.categorical],
                         dtype=np.int64)  # (Ck,)
        static = []
        for c in spec.numeric_static:
            v = _numeric(g[c].to_numpy(), c, s.uid, s.index)
            if np.ptp(v) > 0:
                other = v[np.flatnonzero(v != v[0])[0]]
                raise LstmlabError(f"static covariate {c!r} varies within series {s.uid!r} ({v[0]:g} and "
                                   f"{other:g}): expected one value per series")
            static.append(v[0])
        out.append(SeriesCovariates(steps, np.zeros((0, spec.n_future)), np.asarray(static, dtype=np.float64), codes))
    return out


def read_ahead(future, series: list[SeriesData], spec: CovariateSpec, horizon: int, steps: int) -> list[np.ndarray]:
    """The future-known columns of each series' next ``horizon`` steps: from the ``future`` frame, then
    the calendar's from the dates.

    Parameters
    ----------
    future : DataFrame with ``unique_id, ds`` and every future column (None without future columns).
    series : the histories being forecast.
    horizon : H, the steps the network reads; ``steps`` (<= H) of them must be given: later missing
        steps repeat the last one given.

    Returns
    -------
    One (H, Cf) float64 array per series.
    """
    dates = [s.future_index(horizon) for s in series]  # (H,) each, the dates after the history
    cal = [calendar_features(d, spec.calendar, s.uid) for d, s in zip(dates, series)]  # (H, 2K) each
    if not spec.future:
        if future is not None:
            raise LstmlabError("future= was given, but this model reads no future covariates "
                               f"(past: {list(spec.past)}, static: {list(spec.static)}): leave future out")
        return cal
    if not isinstance(future, pd.DataFrame):
        raise LstmlabError(f"this model reads future covariates {list(spec.future)}: predict needs future=, a "
                           f"DataFrame with unique_id, ds and those columns for the next {steps} step(s) of "
                           f"each series (got {type(future).__name__})")
    check_columns(future, ("unique_id", "ds") + spec.future, "future")
    extra = [c for c in future.columns if c not in ("unique_id", "ds") + spec.future]
    if extra:
        kind = next((k for k in ("past", "static") if extra[0] in getattr(spec, k)), None)
        why = (f"a {kind} covariate, which is not read for the horizon" if kind else "a column fit did not read")
        raise LstmlabError(f"future has column {extra[0]!r}, {why}: expected only unique_id, ds and "
                           f"{list(spec.future)}")
    groups = dict(tuple(future.groupby(future["unique_id"].astype(str), sort=False)))
    out = []
    for s, want, c in zip(series, dates, cal):
        g = groups.get(s.uid)
        ds = pd.Index([]) if g is None else pd.Index(g["ds"])
        if g is not None and s.freq is not None:
            ds = pd.DatetimeIndex(pd.to_datetime(ds))
        if not ds.is_unique:
            raise LstmlabError(f"future has duplicate dates for series {s.uid!r} (e.g. {ds[ds.duplicated()][0]})")
        pos = ds.get_indexer(want)  # (H,) row of each wanted date, -1 if absent
        given = int(np.argmin(pos >= 0)) if (pos < 0).any() else horizon  # leading steps present
        if given < steps:
            raise LstmlabError(f"future covariates {list(spec.future)} are missing for series {s.uid!r} from "
                               f"{want[given]} on: future must hold the next {steps} step(s) of every series")
        rows = np.concatenate([pos[:given], np.full(horizon - given, pos[given - 1])])  # (H,) later ones repeat
        vals = [_numeric(g[col].to_numpy()[rows], col, s.uid, want)[:, None] for col in spec.future]
        out.append(np.concatenate(vals + [c], axis=-1))  # (H, Cf)
    return out


@dataclass(frozen=True)
class CovariateScaling:
    """Mean and spread of every per-step column (Cp + Cf,) and every static one (Cs,), from the
    training part: a column that does not vary there gets spread 1."""

    step_loc: tuple
    step_scale: tuple
    static_loc: tuple
    static_scale: tuple

    @classmethod
    def fit(cls, covs: list[SeriesCovariates], ends: np.ndarray) -> "CovariateScaling":
        """From the first ``ends[i]`` steps of series i (N,) and every series' static values."""
        steps = np.concatenate([c.steps[:max(int(e), 1)] for c, e in zip(covs, ends)])  # (n, Cp + Cf)
        static = np.stack([c.static for c in covs])  # (N, Cs)
        spread = lambda a: tuple(np.where(a.std(axis=0) > 0, a.std(axis=0), 1.0).tolist())  # noqa: E731
        return cls(tuple(steps.mean(axis=0).tolist()), spread(steps), tuple(static.mean(axis=0).tolist()),
                   spread(static))

    def to_dict(self) -> dict:
        """Plain lists, as JSON stores them."""
        return {k: list(v) for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, d: dict) -> "CovariateScaling":
        return cls(**{k: tuple(float(x) for x in d[k]) for k in ("step_loc", "step_scale", "static_loc",
                                                                  "static_scale")})


class CovariatePanel:
    """The covariates of a panel's series as flat arrays, standardised, gathered per batch of windows.

    Parameters
    ----------
    covs : one :class:`SeriesCovariates` per series, steps of the panel's lengths.
    spec, scaling : the columns and their standardisation.
    starts, lengths : (N,) the panel's offsets of each series in its flat values, and its lengths.
    """

    def __init__(self, covs: list[SeriesCovariates], spec: CovariateSpec, scaling: CovariateScaling,
                 starts: np.ndarray, lengths: np.ndarray) -> None:
        Cp = len(spec.past)
        if [len(c.steps) for c in covs] != list(lengths):
            raise LstmlabError("covariates and series disagree in length")
        std = lambda a, loc, sc: ((a - np.asarray(loc)) / np.asarray(sc)).astype(np.float32)  # noqa: E731
        steps = np.concatenate([c.steps for c in covs])  # (ΣT, Cp + Cf)
        steps = std(steps, scaling.step_loc, scaling.step_scale)
        self.past = steps[:, :Cp]  # (ΣT, Cp), aligned with the panel's flat values
        self.starts, self.lengths = np.asarray(starts, dtype=np.int64), np.asarray(lengths, dtype=np.int64)
        # Future columns over history and the steps ahead: series i's rows from fstarts[i], T_i + E_i of them.
        extent = np.array([len(c.steps) + len(c.ahead) for c in covs], dtype=np.int64)  # (N,)
        self.fstarts = np.concatenate([[0], np.cumsum(extent)[:-1]]).astype(np.int64)
        self.fend = self.fstarts + extent
        fut = [np.concatenate([c.steps[:, Cp:], c.ahead]) for c in covs]  # (T_i + E_i, Cf) each
        self.future = std(np.concatenate(fut), scaling.step_loc[Cp:],
                          scaling.step_scale[Cp:])  # (Σ(T + E), Cf)
        self.static = std(np.stack([c.static for c in covs]), scaling.static_loc,
                          scaling.static_scale)  # (N, Cs)
        self.codes = np.stack([c.codes for c in covs]).astype(np.int64)  # (N, Ck)

    def gather(self, sidx: np.ndarray, origin: np.ndarray, input_size: int,
               horizon: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The covariates of the windows (series ``sidx``, origin ``origin``), each (B,), as the network reads them.

        Returns
        -------
        steps : (B, L, Cp + Cf) past and future columns at the L history steps ``origin - L .. origin - 1``
            (0 where the history is padded). Past columns are read nowhere else.
        ahead : (B, H * Cf) future columns at steps ``origin .. origin + H - 1``, step-major.
        static : (B, Cs) numeric static columns.
        codes : (B, Ck) int64, the categorical static columns' vocabulary positions.
        """
        sidx, origin = np.asarray(sidx, dtype=np.int64), np.asarray(origin, dtype=np.int64)
        L, H = input_size, horizon
        rel = origin[:, None] - L + np.arange(L)  # (B, L), all < origin
        pad = (rel < 0)[..., None]  # (B, L, 1)
        at = np.maximum(rel, 0)
        past = self.past[self.starts[sidx][:, None] + at]  # (B, L, Cp)
        fut = self.future[self.fstarts[sidx][:, None] + at]  # (B, L, Cf)
        steps = np.where(pad, 0.0, np.concatenate([past, fut], axis=-1)).astype(np.float32)  # (B, L, Cp + Cf)
        rows = np.minimum(self.fstarts[sidx][:, None] + origin[:, None] + np.arange(H),
                          self.fend[sidx][:, None] - 1)  # (B, H), clipped to the rows given
        ahead = self.future[rows].reshape(len(sidx), H * self.future.shape[1])  # (B, H, Cf) -> (B, H * Cf)
        return steps, ahead, self.static[sidx], self.codes[sidx]
