"""Many series as one flat array; training windows are (series, origin) pairs gathered per batch.

Nothing is materialised ahead: a batch of B windows is built from B pairs (series i, origin t) by
fancy indexing into the flat values, so memory is the raw data plus one batch. A window's history is
the ``L`` values before its origin, left-padded with zeros and a 0 in the mask where the series is
shorter; its targets are the ``H`` values from the origin on.

Each window is put on a common scale before the network sees it::

    z = (x - level) / scale        level, scale: from the history before the origin only

with ``scaler``:

- ``"mase"`` (default): level = the last value; scale = the mean absolute seasonal difference of the
  series (lag m; lag 1 while it is no longer than m) up to ``scale_end``, by default its last value:
  the denominator of MASE, so an L1 loss on z is the MASE of the window, on the scale MASE will score
  it with. One scale per series, not per window: early windows with a few values of history would
  otherwise get tiny, noisy scales whose huge normalised errors swamp the loss. Flat series get a
  small positive scale, not a division by zero.
- ``"history"``: as ``"mase"``, but the scale of each window is that of its own history, the values
  before its origin: what a forecast made at that origin would know; at least a tenth of the series'
  scale, since early windows, with a few values of history, get small and noisy scales.
- ``"revin"``: level and scale are the mean and standard deviation of the window's observed values.
- ``"standard"``: one level and scale for every window (``loc``, ``scale`` fitted by the caller).
"""

from __future__ import annotations

import copy

from dataclasses import dataclass, fields

import numpy as np

from lstmlab.errors import LstmlabError

SCALERS = ("mase", "history", "revin", "standard")
EPS = 1e-5
CHUNK = 1 << 16
"""Most values gathered at once to measure histories' scales (a few MiB of temporaries)."""
BLOCK = 4096
"""Most windows :meth:`Panel.batch` builds at once (a few MiB of temporaries for L + H up to 100)."""


@dataclass(frozen=True)
class Batch:
    """Windows ready for the network, all float32 except ``level`` and ``scale``.

    z (B, L) normalised histories (0 where padded); mask (B, L) 1 where observed; base (B, H) the
    seasonal naive forecast, normalised; y (B, H) normalised targets (0 where not observed); y_mask
    (B, H); level, scale (B,) float64, to turn normalised forecasts back into the series' units.
    """

    z: np.ndarray
    mask: np.ndarray
    base: np.ndarray
    y: np.ndarray
    y_mask: np.ndarray
    level: np.ndarray
    scale: np.ndarray

    def decode(self, out: np.ndarray) -> np.ndarray:
        """Normalised forecasts (B, H) back to the series' units."""
        return self.level[:, None] + self.scale[:, None] * out  # (B, H)

    def percentage_weights(self) -> np.ndarray:
        """(B, H) float32 weights that turn an absolute error in normalised units into a percentage one:
        scale / |target| where observed (0 elsewhere), the target's size floored at a tenth of the
        window's last value (MAPE is unbounded near zero; a series at zero would swamp a batch)."""
        actual = np.abs(self.decode(self.y.astype(np.float64)))
        size = np.maximum(actual, 0.1 * np.abs(self.level)[:, None]) + 1e-12
        return (self.y_mask * self.scale[:, None] / size).astype(np.float32)


def flat_values(arrays: list[np.ndarray], lengths: np.ndarray) -> np.ndarray:
    """The series end to end as one float64 array, shape (ΣT,).

    Parameters
    ----------
    arrays : N 1-D arrays; lengths : (N,) their lengths, each at least 1.

    Returns
    -------
    (ΣT,) float64: a view, not a copy, when the arrays are consecutive slices of one float64 array, in
    order (as :func:`~lstmlab.forecast.data.to_series_list` makes them); otherwise a concatenated copy.
    """
    base = getattr(arrays[0], "base", None) if len(arrays) else None
    if (isinstance(base, np.ndarray) and base.dtype == np.float64 and base.ndim == 1 and base.flags.c_contiguous
            and all(isinstance(a, np.ndarray) and a.base is base and a.dtype == np.float64 and a.ndim == 1
                    and (len(a) < 2 or a.strides[0] == 8) for a in arrays)):
        at = np.array([a.__array_interface__["data"][0] for a in arrays]) - base.__array_interface__["data"][0]
        first = int(at[0]) // 8  # bytes to values
        starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])  # (N,)
        if at[0] % 8 == 0 and np.array_equal(at - 8 * first, 8 * starts):
            return base[first:first + int(lengths.sum())]
    return np.concatenate([np.asarray(a, dtype=np.float64) for a in arrays])


def history_scale(x: np.ndarray, n: np.ndarray, season: int) -> np.ndarray:
    """The MASE scale of each of B histories, given end to end.

    Parameters
    ----------
    x : (S,) float64, the histories end to end; n : (B,) their lengths, each at least 1, summing to S;
    season : m, at least 1.

    Returns
    -------
    (B,) float64: the mean of ``|y_t - y_{t-lag}|`` over each history (lag m, or 1 while the history is
    no longer than m), at least ``EPS`` times the mean of ``|y_t|`` plus 1e-12 (a flat or one-value
    history gets a small positive scale). Temporaries are a few arrays of S values.
    """
    first = np.cumsum(n) - n  # (B,) where each history begins
    pos = np.arange(len(x)) - np.repeat(first, n)  # (S,) position within its history
    lag = np.where(n > season, season, 1)  # (B,)
    lag_at = np.repeat(lag, n)  # (S,)
    diff = np.where(pos >= lag_at, np.abs(x - x[np.maximum(np.arange(len(x)) - lag_at, 0)]), 0.0)  # (S,)
    total = np.add.reduceat(diff, first) / np.maximum(n - lag, 1)  # (B,)
    mean_abs = np.add.reduceat(np.abs(x), first) / n  # (B,)
    return np.maximum(total, EPS * mean_abs + 1e-12)


class Panel:
    """Series of any lengths as one flat float64 array with per-series offsets.

    Arrays that are consecutive slices of one float64 array (the series of a long frame) are not
    copied: the panel's values are a view of that array (see :func:`flat_values`). Scales are summed
    from the values when asked for, so a panel holds its values and O(N) more, nothing of size ΣT.

    Parameters
    ----------
    arrays : list of 1-D arrays, each at least one value.
    season : seasonal period m (1: none); sets the lag of the MASE scale and of the seasonal naive base.
    scaler : one of :data:`SCALERS`; ``loc``, ``scale`` are used by ``"standard"`` only.
    scale_end : (N,) ints, optional. The MASE scale of series i is taken from its first ``scale_end[i]``
        values (default: all): a validation run passes the first validation origin, so that no
        validation value sets a scale.
    indices : (N, k) multiplicative seasonal indices, optional (:mod:`lstmlab.forecast.seasonality`): the
        panel is then of the series divided by them, value t of series i by ``indices[i, t % k]``. Each
        value is divided as it is gathered, so the adjusted series are never held (a copy of ΣT values).
    """

    def __init__(self, arrays: list[np.ndarray], season: int = 1, scaler: str = "mase", loc: float = 0.0,
                 scale: float = 1.0, scale_end: np.ndarray | None = None, indices: np.ndarray | None = None) -> None:
        if scaler not in SCALERS:
            raise LstmlabError(f"unknown scaler {scaler!r}: expected one of {', '.join(SCALERS)}")
        self.lengths = np.array([len(a) for a in arrays], dtype=np.int64)  # (N,)
        if np.any(self.lengths < 1):
            raise LstmlabError("every series needs at least one value")
        self.starts = np.concatenate([[0], np.cumsum(self.lengths)[:-1]]).astype(np.int64)  # (N,)
        self.values = flat_values(arrays, self.lengths)  # (ΣT,)
        self.season, self.scaler, self.loc, self.std = max(1, int(season)), scaler, float(loc), float(scale)
        self.indices = self._checked(indices)
        self.scale_end = self.lengths if scale_end is None else np.clip(np.asarray(scale_end, dtype=np.int64), 1,
                                                                         self.lengths)  # (N,)
        self.series_scale = self.mase_scale(np.arange(len(self.lengths)), self.scale_end)  # (N,)

    def __len__(self) -> int:
        return len(self.lengths)

    def _checked(self, indices: np.ndarray | None) -> np.ndarray | None:
        if indices is None:
            return None
        if indices.ndim != 2 or indices.shape[0] != len(self.lengths):
            raise LstmlabError(f"indices of shape {indices.shape}: expected one row for each of {len(self)} series")
        if not np.all(np.isfinite(indices) & (indices > 0)):
            raise LstmlabError("seasonal indices must be finite and above 0")
        return None if np.all(indices == 1) else indices  # all 1: nothing seasonal, the values as they are

    def with_indices(self, indices: np.ndarray | None) -> "Panel":
        """This panel of the series divided by ``indices`` (N, k) (None: as they are), each series' scale from
        as many values as this panel's: its values are shared, not copied."""
        other = copy.copy(self)
        other.indices = self._checked(indices)
        other.series_scale = other.mase_scale(np.arange(len(self.lengths)), self.scale_end)
        return other

    def with_scale_end(self, scale_end: np.ndarray) -> "Panel":
        """This panel with each series' scale measured on its first ``scale_end`` values, (N,): its values
        are shared, not copied."""
        other = copy.copy(self)
        other.scale_end = np.clip(np.asarray(scale_end, dtype=np.int64), 1, self.lengths)
        other.series_scale = self.mase_scale(np.arange(len(self.lengths)), other.scale_end)
        return other

    def take(self, sidx: np.ndarray, pos: np.ndarray) -> np.ndarray:
        """Value ``pos`` (counted from each series' first value) of series ``sidx``, seasonally adjusted when
        the panel has indices; ``sidx`` and ``pos`` broadcast together, e.g. (B, 1) and (B, L)."""
        x = self.values[self.starts[sidx] + pos]
        if self.indices is None:
            return x
        return x / self.indices[sidx, pos % self.indices.shape[1]]

    # ---- normalisation ----
    def mase_scale(self, sidx: np.ndarray, origin: np.ndarray) -> np.ndarray:
        """In-sample seasonal-naive MAE of each history ``series[sidx][:origin]``, floored above 0.

        Parameters
        ----------
        sidx, origin : (B,) ints; origin in 1..length of its series.

        Returns
        -------
        (B,) float64: the mean of ``|y_t - y_{t-lag}|`` over the history (lag m, or 1 while the history
        is no longer than m), at least ``EPS`` times the mean of ``|y_t|`` plus 1e-12.

        The histories are summed from the values, a chunk of windows at a time (at most
        :data:`CHUNK` gathered values), so memory is O(chunk), not O(ΣT).
        """
        sidx, origin = np.asarray(sidx, dtype=np.int64), np.asarray(origin, dtype=np.int64)
        out = np.empty(len(sidx))  # (B,)
        ends = np.cumsum(origin)  # (B,) gathered values up to each window, inclusive
        lo = 0
        while lo < len(sidx):
            hi = max(lo + 1, int(np.searchsorted(ends, ends[lo] - origin[lo] + CHUNK, side="right")))
            n = origin[lo:hi]
            pos = np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n)  # (S,) each value's place in its history
            out[lo:hi] = history_scale(self.take(np.repeat(sidx[lo:hi], n), pos), n, self.season)
            lo = hi
        return out

    def seasonal_naive(self, sidx: np.ndarray, origin: np.ndarray, horizon: int) -> np.ndarray:
        """The last season repeated (the last value while the history is shorter than a season), (B, H)."""
        m, k = self.season, np.arange(horizon)
        mm = np.where(origin >= m, m, 1)[:, None]  # (B, 1)
        return self.take(sidx[:, None], origin[:, None] - mm + k % mm)  # (B, H)

    def batch(self, sidx: np.ndarray, origin: np.ndarray, input_size: int, horizon: int) -> Batch:
        """The windows (series ``sidx``, origin ``origin``), each (B,); origin in 1..length (forecast point).

        Built :data:`BLOCK` windows at a time into the (B, L) and (B, H) outputs, so that the int64 and
        float64 temporaries of a large batch (every series, in ``predict``) stay O(BLOCK x (L + H)).
        """
        sidx, origin = np.asarray(sidx, dtype=np.int64), np.asarray(origin, dtype=np.int64)
        if len(sidx) <= BLOCK:
            return self._block(sidx, origin, input_size, horizon)
        first = self._block(sidx[:BLOCK], origin[:BLOCK], input_size, horizon)
        out = {f.name: np.empty((len(sidx),) + getattr(first, f.name).shape[1:], getattr(first, f.name).dtype)
               for f in fields(Batch)}
        for lo in range(0, len(sidx), BLOCK):
            part = first if lo == 0 else self._block(sidx[lo:lo + BLOCK], origin[lo:lo + BLOCK], input_size, horizon)
            for name, arr in out.items():
                arr[lo:lo + BLOCK] = getattr(part, name)
        return Batch(**out)

    def _block(self, sidx: np.ndarray, origin: np.ndarray, input_size: int, horizon: int) -> Batch:
        """:meth:`batch` of a few windows at once: sidx, origin (B,) int64."""
        L, H, m = input_size, horizon, self.season
        n = self.lengths[sidx]  # (B,)
        rel = origin[:, None] - L + np.arange(L)  # (B, L) positions in the series
        mask = rel >= 0
        x = self.take(sidx[:, None], np.maximum(rel, 0))  # (B, L)
        if self.scaler in ("mase", "history"):
            level = self.take(sidx, origin - 1)  # (B,) the last value
            scale = self.series_scale[sidx]
            if self.scaler == "history":  # a history of a few values can have a tiny scale: floor it
                scale = np.maximum(self.mase_scale(sidx, origin), 0.1 * scale)
        elif self.scaler == "revin":
            count = mask.sum(axis=1)
            level = np.where(mask, x, 0.0).sum(axis=1) / count
            var = np.where(mask, (x - level[:, None]) ** 2, 0.0).sum(axis=1) / count
            mean_sq = np.where(mask, x ** 2, 0.0).sum(axis=1) / count
            scale = np.sqrt(var + EPS * mean_sq + 1e-24)  # relative floor: a flat window, in any units
        else:
            level, scale = np.full(len(sidx), self.loc), np.full(len(sidx), self.std)
        z = np.where(mask, (x - level[:, None]) / scale[:, None], 0.0)  # (B, L)
        k = np.arange(H)
        sn = self.seasonal_naive(sidx, origin, H)  # (B, H)
        trel = origin[:, None] + k  # (B, H)
        y_mask = trel < n[:, None]
        y = self.take(sidx[:, None], np.minimum(trel, n[:, None] - 1))  # (B, H)
        norm = lambda a: ((a - level[:, None]) / scale[:, None]).astype(np.float32)  # noqa: E731
        return Batch(z.astype(np.float32), mask.astype(np.float32), norm(sn),
                     np.where(y_mask, norm(y), 0.0).astype(np.float32), y_mask.astype(np.float32), level, scale)

    def last(self, input_size: int, horizon: int) -> Batch:
        """One window per series, at its end: what ``predict`` forecasts from."""
        return self.batch(np.arange(len(self)), self.lengths, input_size, horizon)


@dataclass(frozen=True)
class Origins:
    """Per series, the half-open range ``[lo, hi)`` of training origins (targets fully observed), and the
    validation origins ``[val_lo, hi)``; ``train_hi`` ends the training range of a validation run, H
    origins before ``val_lo`` so that no validation target is ever a training target. Each (N,)."""

    lo: np.ndarray
    hi: np.ndarray
    val_lo: np.ndarray
    train_hi: np.ndarray

    @property
    def n_train(self) -> int:
        return int(np.maximum(self.hi - self.lo, 0).sum())


def split_origins(lengths: np.ndarray, horizon: int, min_origin: int, val_fraction: float) -> Origins:
    """Training and validation origins of every series (see :class:`Origins`).

    A series gets windows from ``min_origin`` values of history on (fewer if it is short, down to one);
    the last ``val_fraction`` of them validate, if the series can spare them and keep a training window.
    A series too short for any window with all H targets gets none (it is still forecast).
    """
    H = horizon
    hi = lengths - H + 1  # (N,) the last origin with H observed targets, plus one
    lo = np.minimum(min_origin, np.maximum(hi - 1, 1))
    count = np.maximum(hi - lo, 0)
    n_val = np.where(count >= 2, np.maximum(1, np.round(val_fraction * count)), 0).astype(np.int64)
    val_lo = hi - n_val
    train_hi = val_lo - (H - 1)
    spare = (n_val > 0) & (train_hi > lo)  # keeps at least one training window before the gap
    val_lo = np.where(spare, val_lo, hi)
    train_hi = np.where(spare, train_hi, hi)
    return Origins(lo, hi, val_lo, train_hi)


def sample_windows(lo: np.ndarray, hi: np.ndarray, size: int, rng: np.random.Generator,
                   by: str = "series") -> tuple[np.ndarray, np.ndarray]:
    """Draw ``size`` (series, origin) pairs with origin in ``[lo, hi)``: uniform over series, then over
    that series' origins (``by="series"``: every series weighs the same), or uniform over all windows
    (``by="window"``: long series weigh more). Returns (sidx, origin), each (size,)."""
    count = np.maximum(hi - lo, 0)
    live = np.flatnonzero(count)
    if live.size == 0:
        raise LstmlabError("no training windows: every series is shorter than one history plus the horizon")
    if by == "series":
        sidx = live[rng.integers(0, live.size, size)]
    elif by == "window":
        sidx = live[np.searchsorted(np.cumsum(count[live]), rng.integers(0, count.sum(), size), side="right")]
    else:
        raise LstmlabError(f"sample={by!r}: expected 'series' or 'window'")
    return sidx, lo[sidx] + (rng.random(size) * count[sidx]).astype(np.int64)


def some_windows(lo: np.ndarray, hi: np.ndarray, most: int, seed) -> tuple[np.ndarray, np.ndarray]:
    """At most ``most`` of the (series, origin) pairs with origin in ``[lo, hi)``, in the order of
    :func:`all_windows`: all of them when there are that few; else the last window of every series that
    has one (which calibrate a large panel's intervals, :func:`recent`) and a seeded sample without
    replacement of the others, found from their numbers without listing every window (100,000 series
    hold millions); with more such series than ``most``, a seeded sample of their last windows.
    Returns (sidx, origin)."""
    count = np.maximum(hi - lo, 0)
    if int(count.sum()) <= most:
        return all_windows(lo, hi)
    rng = np.random.default_rng(seed)
    live = np.flatnonzero(count)  # series with a window: each keeps its last
    if len(live) >= most:
        live = np.sort(rng.choice(live, most, replace=False))
        return live, hi[live] - 1
    others = count - (count > 0)  # (N,) windows before each series' last
    number = np.sort(rng.choice(int(others.sum()), most - len(live), replace=False))  # their window numbers
    ends = np.cumsum(others)  # (N,) one past each series' last number among the others
    sidx = np.searchsorted(ends, number, side="right")
    origin = lo[sidx] + number - (ends[sidx] - others[sidx])
    sidx, origin = np.r_[sidx, live], np.r_[origin, hi[live] - 1]
    order = np.lexsort((origin, sidx))
    return sidx[order], origin[order]


def recent(age: np.ndarray, least: int) -> np.ndarray:
    """Which windows calibrate: those of the last origin of their series when there are at least ``least``
    of them (a panel of that many series), else all. (W,) bool from ``age`` (W,), each window's number
    of origins before its series' last one (0: the last)."""
    last = np.asarray(age) == 0
    return last if last.sum() >= least else np.ones(len(last), dtype=bool)


def all_windows(lo: np.ndarray, hi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every (series, origin) pair with origin in ``[lo, hi)``: for validation and calibration."""
    count = np.maximum(hi - lo, 0)
    sidx = np.repeat(np.arange(len(lo)), count)  # (W,)
    origin = np.arange(count.sum(), dtype=np.int64)  # (W,) the window's number, made its origin in place
    origin -= np.repeat(np.cumsum(count) - count - lo, count)  # minus its series' first number, plus lo
    return sidx, origin
