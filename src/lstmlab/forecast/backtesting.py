"""Rolling-origin evaluation: forecast from many cut-off points, model and baselines side by side.

At each origin the forecaster sees only the data before it (expanding: everything before; sliding:
the last ``window_size`` points), forecasts ``horizon`` steps, and is scored on what followed.
Origins are counted back from the end of each series, ``stride`` apart, so series of different
lengths line up at their ends.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from lstmlab.atomic import write_csv_atomic
from lstmlab.errors import LstmlabError
from lstmlab.forecast._base import BaseForecaster
from lstmlab.forecast.baselines import make_baselines
from lstmlab.forecast.covariates import covariate_columns
from lstmlab.forecast.data import SeriesData, seasonal_period_from_freq, to_series_list
from lstmlab.forecast.intervals import check_quantiles
from lstmlab.forecast.paths import check_samples
from lstmlab.forecast.scoring import crps_from_quantiles, crps_from_samples, interval_score, weighted_quantile_loss


@dataclass
class BacktestResult:
    """Every forecast of a backtest, one row per (model, series, origin, step).

    ``frame`` columns: model, unique_id, origin (points seen), ds, step (1..H), y, y_hat, lo, hi
    (NaN without a level), scale (in-sample seasonal-naive MAE of the history, for MASE) and, with
    ``quantiles``, one column per level (``q0.1``, ...); with ``samples``, ``crps_samples``, the CRPS of
    each forecast's sample paths at that step (:func:`~lstmlab.forecast.scoring.crps_from_samples`).
    """

    frame: pd.DataFrame
    level: float | None
    seasonal_period: int
    skipped: dict[str, str] = field(default_factory=dict)  # unique_id -> why it has no forecasts
    quantiles: tuple = ()
    samples: int = 0

    def summary(self) -> pd.DataFrame:
        """Per model: MAE, RMSE, MASE, sMAPE; with a level, coverage and MSIS (the interval score scaled
        like MASE, :func:`~lstmlab.forecast.scoring.msis`); with quantiles, the CRPS from them scaled like
        MASE ("crps": :func:`~lstmlab.forecast.scoring.crps_from_quantiles` of each forecast over its
        history's scale) and the weighted quantile loss ("wql",
        :func:`~lstmlab.forecast.scoring.weighted_quantile_loss`); with samples, the CRPS of the sample paths
        scaled the same way ("crps_samples"); and the number of forecasts."""
        f = self.frame
        err = f["y"] - f["y_hat"]
        den = f["y"].abs() + f["y_hat"].abs()
        parts = pd.DataFrame({
            "model": f["model"], "ae": err.abs(), "se": err ** 2, "se_scaled": err.abs() / f["scale"],
            "sape": np.where(den > 0, 2 * err.abs() / den.where(den > 0, 1), 0.0) * 100,
            "inside": _inside(f),
        })
        g = parts.groupby("model", sort=False)
        out = pd.DataFrame({"mae": g["ae"].mean(), "rmse": np.sqrt(g["se"].mean()), "mase": g["se_scaled"].mean(),
                            "smape": g["sape"].mean()})
        if self.level is not None:
            out["coverage"] = g["inside"].mean()
            with_bounds = f.dropna(subset=["lo", "hi"])
            score = interval_score(with_bounds["y"], with_bounds["lo"], with_bounds["hi"], self.level)
            out["msis"] = (score / with_bounds["scale"]).groupby(with_bounds["model"], sort=False).mean()
        if self.quantiles:
            q = f[[f"q{t:g}" for t in self.quantiles]].to_numpy(np.float64)  # (rows, Q)
            y = f["y"].to_numpy(np.float64)
            crps = crps_from_quantiles(y, q, self.quantiles, axis=(), crossing="sort")  # (rows,): one per forecast
            out["crps"] = pd.Series(crps / f["scale"].to_numpy(), index=f.index).groupby(f["model"], sort=False).mean()
            out["wql"] = pd.Series({name: weighted_quantile_loss(y[rows], q[rows], self.quantiles, crossing="sort")
                                    for name, rows in f.groupby("model", sort=False).indices.items()})
        if self.samples:
            out["crps_samples"] = (f["crps_samples"] / f["scale"]).groupby(f["model"], sort=False).mean()
        out["n"] = g.size()
        return out.sort_values("mae")

    def by_origin(self, model: str) -> pd.DataFrame:
        """Per (unique_id, origin) for ``model``: ``start`` (the first forecast date), ``mae``, ``bias``
        (the mean error y - ŷ: one sign for the whole forecast means a level shift) and, with a level,
        ``inside`` (the share of actuals inside the interval)."""
        f = self.frame[self.frame["model"] == self._check_model(model)]
        err = f["y"] - f["y_hat"]
        g = pd.DataFrame({"unique_id": f["unique_id"], "origin": f["origin"], "start": f["ds"], "mae": err.abs(),
                          "bias": err, "inside": _inside(f)})
        out = g.groupby(["unique_id", "origin"], sort=False).agg(
            start=("start", "min"), mae=("mae", "mean"), bias=("bias", "mean"), inside=("inside", "mean"))
        return out if self.level is not None else out.drop(columns="inside")

    def verdict(self, model: str) -> str:
        """One sentence: does ``model`` beat every baseline of this backtest on MAE, and how well did its
        intervals cover? (What a reader should take from the summary table.)"""
        table = self.summary()
        mae = table["mae"]
        others = mae.drop(index=self._check_model(model))
        if others.empty:
            out = f"{model}: MAE {mae[model]:.4g} (no baselines to compare with)."
        elif mae[model] < others.min():
            out = (f"{model} has the lowest MAE: {mae[model]:.4g}, {mae[model] / others.min():.2f} times the best "
                   f"baseline ({others.idxmin()}, {others.min():.4g}).")
        else:
            out = (f"{model} does NOT beat the baselines here: {others.idxmin()} has MAE {others.min():.4g} against "
                   f"{mae[model]:.4g}; prefer the baseline, or backtest other settings.")
        if self.level is not None:
            out += (f" Its {self.level:.0%} intervals covered {table.loc[model, 'coverage']:.0%} of "
                    f"{int(table.loc[model, 'n'])} points.")
        for column, what in (("crps", "quantiles'"), ("crps_samples", "sample paths'")):
            if column in table:
                crps = table[column]
                rest = crps.drop(index=model).dropna()
                out += (f" Its {what} scaled CRPS: {crps[model]:.3g}" +
                        (f" (best baseline {rest.idxmin()}: {rest.min():.3g})." if len(rest) else "."))
        if self.skipped:
            out += f" {len(self.skipped)} series too short for these origins had no forecasts."
        return out

    def _check_model(self, model: str) -> str:
        """Return ``model`` if the backtest has its forecasts, else raise a ValueError naming the others."""
        models = self.frame["model"].unique()
        if model not in models:
            raise LstmlabError(f"no forecasts of model {model!r}: expected one of {', '.join(models)}")
        return model

    def by_step(self, metric: str = "mae") -> pd.DataFrame:
        """Error by horizon step (rows) for each model (columns): "mae" or "rmse"."""
        if metric not in ("mae", "rmse"):
            raise LstmlabError(f"metric={metric!r}: expected 'mae' or 'rmse'")
        f = self.frame.assign(e=(self.frame["y"] - self.frame["y_hat"]).abs())
        if metric == "rmse":
            f["e"] = f["e"] ** 2
        table = f.pivot_table(index="step", columns="model", values="e", aggfunc="mean", sort=False)
        return np.sqrt(table) if metric == "rmse" else table

    def by_series(self, metric: str = "mase") -> pd.DataFrame:
        """Error of each series (rows, in their order) for each model (columns): "mase" (NaN for a flat
        history, which has no scale) or "mae"."""
        if metric not in ("mase", "mae"):
            raise LstmlabError(f"metric={metric!r}: expected 'mase' or 'mae'")
        e = (self.frame["y"] - self.frame["y_hat"]).abs()
        f = self.frame.assign(e=e / self.frame["scale"] if metric == "mase" else e)
        return f.pivot_table(index="unique_id", columns="model", values="e", aggfunc="mean", sort=False)

    def to_csv(self, path: str | Path) -> Path:
        """Write ``frame`` to ``path`` atomically (temp file, then rename)."""
        return write_csv_atomic(self.frame, path)


def _inside(frame: pd.DataFrame) -> pd.Series:
    """Whether each actual lies inside its interval (False where there is no interval)."""
    return (frame["y"] >= frame["lo"]) & (frame["y"] <= frame["hi"])


def _origins(lengths: list[int], horizon: int, n_windows: int, stride: int) -> list[list[int]]:
    """Cut-offs per origin (oldest first), one per series: T_i - horizon - stride * k."""
    return [[T - horizon - stride * k for T in lengths] for k in reversed(range(n_windows))]


def _history(s: SeriesData, cut: int, window: str, window_size: int | None) -> SeriesData:
    start = 0 if window == "expanding" else max(0, cut - window_size)
    return SeriesData(s.uid, s.values[start:cut], s.index[start:cut], s.freq)


def _as_input(hist: list[SeriesData], kind: str):
    """Give a forecaster the histories in the kind it was given (keeps dates and frequencies)."""
    if kind == "long":
        return pd.concat([pd.DataFrame({"unique_id": h.uid, "ds": h.index, "y": h.values}) for h in hist],
                         ignore_index=True)
    h = hist[0]
    return pd.Series(h.values, index=h.index, name=h.uid)


def backtest(model: BaseForecaster, y, horizon: int | None = None, n_windows: int = 1,
             stride: int | None = None, window: str = "expanding", window_size: int | None = None,
             refit: bool | int = True, level: float | None = 0.9, baselines: bool | dict = True,
             seasonal_period: int | None = None, quantiles: list[float] | None = None,
             samples: int | None = None) -> BacktestResult:
    """Rolling-origin backtest of ``model`` (and baselines) on ``y``.

    Parameters
    ----------
    model : an unfitted or fitted forecaster; it is cloned, never modified.
    y : array (T,), Series or long DataFrame, as for ``fit``.
    horizon : steps per forecast (default: the model's horizon).
    n_windows : number of origins; the last is ``horizon`` points before the end.
    stride : points between origins (default: horizon, so forecasts do not overlap).
    window : "expanding" (all history before the origin) or "sliding" (the last ``window_size``).
    refit : True: fit at every origin; False: fit once at the first origin and then only feed the
        new history to ``predict``; an integer k: refit every k origins.
    level : conformal interval level (None: no intervals).
    baselines : True for :func:`~lstmlab.forecast.baselines.make_baselines`, a dict name ->
        forecaster, or False.
    seasonal_period : for MASE and the baselines (default: the model's, else from the dates).
    quantiles : levels in (0, 1), e.g. [0.1, 0.5, 0.9]: every model also forecasts these quantiles
        (``predict(quantiles=...)``), scored by CRPS and weighted quantile loss in ``summary()``.
    samples : S: every model also draws S sample paths per forecast (``sample_paths``, seeded by the
        origin's number), scored by their CRPS (``crps_samples`` in ``frame`` and ``summary()``).

    Returns
    -------
    BacktestResult
    """
    named = covariate_columns(model.get_params())
    if named and not isinstance(y, pd.DataFrame):
        raise LstmlabError(f"a model with covariates ({', '.join(named)}) is backtested on a long DataFrame that "
                           f"holds them (unique_id, ds, y, {', '.join(named)}), not a {type(y).__name__}")
    taus = tuple(check_quantiles(quantiles)) if quantiles is not None else ()
    S = 0 if samples is None else check_samples(samples)
    series, kind = to_series_list(y)
    h = int(horizon or model.horizon)
    BaseForecaster._check_positive(h, "horizon")
    BaseForecaster._check_positive(n_windows, "n_windows")
    stride = BaseForecaster._check_positive(stride if stride is not None else h, "stride")
    if window not in ("expanding", "sliding"):
        raise LstmlabError(f"window={window!r}: expected 'expanding' or 'sliding'")
    if window == "sliding" and not window_size:
        raise LstmlabError("window='sliding' needs window_size (points of history per fit)")
    every = 1 if refit is True else (0 if refit is False else BaseForecaster._check_positive(refit, "refit"))
    m = seasonal_period or getattr(model, "seasonal_period", None) or seasonal_period_from_freq(series[0].freq)
    need = h + stride * (n_windows - 1) + 2  # at least 2 points of history at the first origin
    skipped = {s.uid: f"has {len(s.values)} points: {n_windows} origin(s) {stride} apart with horizon {h} need "
                      f"at least {need}" for s in series if len(s.values) < need}
    if len(skipped) == len(series):
        raise LstmlabError(f"{n_windows} origin(s) {stride} apart with horizon {h} need series of at least {need} "
                           f"points (the longest has {max(len(s.values) for s in series)})")
    series = [s for s in series if s.uid not in skipped]
    origins = _origins([len(s.values) for s in series], h, n_windows, stride)
    models = {type(model).__name__: model}
    if baselines is True:
        baselines = make_baselines(h, m)
    models.update(baselines or {})
    covariates = _Covariates(y, series, getattr(model, "future_covariates", None) or ()) if named else None
    rows = []
    for name, proto in models.items():
        fitted = None
        reads = covariates if name == type(model).__name__ else None  # the baselines read y alone
        for k, cuts in enumerate(origins):
            hist = [_history(s, c, window, window_size) for s, c in zip(series, cuts)]
            given = _as_input(hist, kind) if reads is None else reads.history(hist, cuts)
            if fitted is None or (every and k % every == 0):
                fitted = _fit_at(proto.clone().set_params(horizon=h), given, series, len(hist[0].values))
            extra = {} if reads is None else {"future": reads.ahead(cuts, h)}
            out = fitted.predict(horizon=h, y=given, level=level, quantiles=list(taus) or None, **extra)
            qs = _per_series_quantiles(out, kind, taus)
            if S:
                paths = _per_series_paths(fitted.sample_paths(S, horizon=h, y=given, seed=k, **extra), kind, S, h)
                qs = [q | {"crps_samples": crps_from_samples(s.values[c:c + h], path.T, axis=())}  # (h,) per step
                      for q, path, s, c in zip(qs, paths, series, cuts)]  # path: (S, h)
            out = _per_series(out, kind, len(series))
            for s, c, hs, f, q in zip(series, cuts, hist, out, qs):
                scale = _mase_scale(hs.values, m)
                rows.append(pd.DataFrame({
                    "model": name, "unique_id": s.uid, "origin": c, "ds": s.index[c:c + h],
                    "step": np.arange(1, h + 1), "y": s.values[c:c + h], "y_hat": f[0],
                    "lo": f[1], "hi": f[2], "scale": scale, **q}))
    return BacktestResult(pd.concat(rows, ignore_index=True), level, int(m), skipped, taus, S)


class _Covariates:
    """The long frame of a model with covariates, cut at each origin: the rows before it (every column,
    past covariates included) to fit and forecast from, and the future columns of the horizon after it
    (never a past one: those stay behind the origin)."""

    def __init__(self, frame: pd.DataFrame, series: list[SeriesData], future: tuple) -> None:
        kept = {s.uid for s in series}
        self.frame = frame[frame["unique_id"].astype(str).isin(kept)].reset_index(drop=True)
        self.uid = self.frame["unique_id"].astype(str).to_numpy()
        self.pos = self.frame.groupby("unique_id", sort=False).cumcount().to_numpy()  # position within its series
        self.order, self.future = [s.uid for s in series], tuple(future)

    def _cut(self, cuts: list[int]) -> np.ndarray:
        return pd.Series(dict(zip(self.order, cuts))).reindex(self.uid).to_numpy()  # each row's origin

    def history(self, hist: list[SeriesData], cuts: list[int]) -> pd.DataFrame:
        start = pd.Series({h.uid: c - len(h.values) for h, c in zip(hist, cuts)}).reindex(self.uid).to_numpy()
        return self.frame[(self.pos >= start) & (self.pos < self._cut(cuts))].reset_index(drop=True)

    def ahead(self, cuts: list[int], h: int) -> pd.DataFrame | None:
        if not self.future:
            return None
        cut = self._cut(cuts)
        rows = (self.pos >= cut) & (self.pos < cut + h)
        return self.frame.loc[rows, ["unique_id", "ds", *self.future]].reset_index(drop=True)


def _fit_at(model: BaseForecaster, given, series: list[SeriesData], cut: int) -> BaseForecaster:
    """Fit on the histories before an origin; an error names the origin, in the series' own point counts."""
    try:
        return model.fit(given)
    except LstmlabError as exc:
        total = len(series[0].values)
        where = f"the first {cut} of {total} points" if len(series) == 1 else "the points before each origin"
        raise LstmlabError(f"{type(model).__name__} could not be fitted on {where}: {exc}") from None


def _per_series(out, kind: str, n: int) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """(y_hat, lo, hi) per series from any predict output (NaN bounds without a level)."""
    if kind == "long":
        groups = [g for _, g in out.groupby("unique_id", sort=False)]
    elif isinstance(out, pd.DataFrame):
        groups = [out]
    else:
        return [(np.asarray(out, np.float64), np.full(len(out), np.nan), np.full(len(out), np.nan))]
    res = []
    for g in groups:
        yh = g["y_hat"].to_numpy(np.float64)
        lo = g["lo"].to_numpy(np.float64) if "lo" in g else np.full(len(yh), np.nan)
        hi = g["hi"].to_numpy(np.float64) if "hi" in g else np.full(len(yh), np.nan)
        res.append((yh, lo, hi))
    return res


def _per_series_quantiles(out, kind: str, taus: tuple) -> list[dict[str, np.ndarray]]:
    """The quantile columns ``q0.1``, ... of each series' forecasts ({} per series without quantiles)."""
    if not taus:
        return [{}] * (out["unique_id"].nunique() if kind == "long" else 1)
    cols = [f"q{t:g}" for t in taus]
    groups = [g for _, g in out.groupby("unique_id", sort=False)] if kind == "long" else [out]
    return [{c: g[c].to_numpy(np.float64) for c in cols} for g in groups]


def _per_series_paths(out, kind: str, S: int, h: int) -> list[np.ndarray]:
    """Each series' sample paths (S, h) from any ``sample_paths`` output."""
    if isinstance(out, np.ndarray):
        return [out]
    groups = [g for _, g in out.groupby("unique_id", sort=False)] if kind == "long" else [out]
    return [g["y"].to_numpy(np.float64).reshape(S, h) for g in groups]


def _mase_scale(history: np.ndarray, m: int) -> float:
    m = m if len(history) > m else 1
    d = np.abs(history[m:] - history[:-m])
    return float(d.mean()) if d.size and d.mean() > 0 else np.nan
