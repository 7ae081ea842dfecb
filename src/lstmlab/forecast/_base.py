"""What every forecaster here shares: input kinds, parameters, intervals, prediction from a new history.

A subclass implements ``_fit(series)`` (learn from validated series), ``_forecast(X)`` (forecast
(N, H) from (N, T) histories) and ``min_history`` (the shortest history it can forecast from).
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence

import numpy as np
import pandas as pd

from lstmlab.errors import LstmlabError
from lstmlab.forecast.data import Forecast, SeriesData, SeriesInput, to_output, to_series_list
from lstmlab.forecast.intervals import check_level, check_quantiles, conformal_quantiles
from lstmlab.forecast.paths import check_samples, check_seed, paths_output, resample_errors
from lstmlab.forecast.windows import sliding_windows


class BaseForecaster:
    """scikit-learn style: ``__init__`` stores parameters; ``fit`` returns self; learned state ends in ``_``."""

    horizon: int

    # ---- parameters (the scikit-learn contract, so backtests can clone) ----
    @classmethod
    def _param_names(cls) -> list[str]:
        return [p for p in inspect.signature(cls.__init__).parameters if p != "self"]

    def get_params(self, deep: bool = True) -> dict:
        """The constructor arguments, as given (``deep`` is accepted for scikit-learn: no parameter here
        is itself an estimator)."""
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params) -> "BaseForecaster":
        for name, value in params.items():
            if name not in self._param_names():
                raise LstmlabError(f"{type(self).__name__} has no parameter {name!r}")
            setattr(self, name, value)
        return self

    def clone(self) -> "BaseForecaster":
        """A new unfitted forecaster with the same parameters."""
        return type(self)(**self.get_params())

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"

    # ---- what subclasses provide ----
    @property
    def min_history(self) -> int:  # pragma: no cover - overridden
        return 1

    @property
    def calibration_history(self) -> int:
        """History length of the rolling forecasts that calibrate the intervals (default: ``min_history``;
        longer where a short history forecasts differently, as seasonal naive's does)."""
        return self.min_history

    def _fit(self, series: list[SeriesData]) -> None:
        """Learn from validated series (default: nothing to learn)."""

    def _forecast(self, X: np.ndarray) -> np.ndarray:  # pragma: no cover - overridden
        raise NotImplementedError

    def _forecast_many(self, histories: list[np.ndarray]) -> np.ndarray:
        """Forecasts (N, H) from N histories of any lengths (default: one ``_forecast`` per history;
        learned models override this with batched passes)."""
        return np.concatenate([self._forecast(x[None, :]) for x in histories])

    def _scale_many(self, histories: list[np.ndarray]) -> np.ndarray | None:
        """``interval_scale`` of N histories of any lengths: (N, 1), or None."""
        scales = [self.interval_scale(x[None, :]) for x in histories]
        return None if scales[0] is None else np.concatenate(scales)

    def interval_scale(self, X: np.ndarray) -> np.ndarray | None:
        """The scale of each history's conformal scores, (N, 1) from (N, T) histories: intervals are
        ``ŷ ± q · scale`` (q from :func:`~lstmlab.forecast.intervals.conformal_quantiles`). None: the
        scores are absolute errors and widths the same for every history."""
        return None

    # ---- public API ----
    def fit(self, y: SeriesInput) -> "BaseForecaster":
        """Fit on a 1-D array (T,), a pandas Series (T,), or a long DataFrame (``unique_id, ds, y``). Returns self."""
        self._check_positive(self.horizon, "horizon")
        return self._fit_series(*to_series_list(y))

    def _fit_series(self, series: list[SeriesData], kind: str) -> "BaseForecaster":
        """``fit`` on series already validated by :func:`~lstmlab.forecast.data.to_series_list`."""
        self.__dict__.pop("calibration_scores_", None)  # a refit must not keep the old calibration
        self.__dict__.pop("signed_errors_", None)
        self._fit(series)
        self.series_, self.kind_ = series, kind
        return self

    def predict(self, horizon: int | None = None, y: SeriesInput | None = None,
                level: float | None = None, quantiles: Sequence[float] | None = None) -> Forecast:
        """Forecast ``horizon`` steps after the fitted series, or after the new history ``y``.

        Parameters
        ----------
        horizon : steps ahead, at most the ``horizon`` the forecaster was built with (default: that).
        y : optional new history, of the same kind as in ``fit`` (array, Series or long DataFrame).
        level : if given (e.g. 0.9), also return conformal interval bounds ``lo``/``hi``.
        quantiles : if given (e.g. [0.1, 0.5, 0.9]: increasing, each in (0, 1)), also return a column
            ``q0.1``, ``q0.5``, ... per level: from a quantile head where the model has one for these
            levels (``LSTMForecaster(quantiles=...)``, calibrated by CQR), else the bound of the central
            conformal interval at level ``|2τ - 1|`` on τ's side (τ = 0.5: the point forecast). Either
            way each keeps a split-conformal guarantee.

        Returns
        -------
        Same kind as the input: ndarray (h,), Series indexed by future dates, or a long DataFrame
        (``unique_id, ds, y_hat``). With ``level`` or ``quantiles``, a DataFrame with ``y_hat`` and
        ``lo, hi`` and/or the quantile columns.
        """
        h, series, kind = self._to_forecast(horizon, y)
        taus = None if quantiles is None else check_quantiles(quantiles)
        histories = [s.values for s in series]
        preds = self._forecast_many(histories)[:, :h]  # (N, h)
        head = None if taus is None else self._head_quantiles(histories, taus)  # {tau: (N, H)} or None
        levels = ([] if level is None else [check_level(level)]) + (
            [_central(t) for t in taus if t != 0.5] if taus is not None and head is None else [])
        widths = self._widths(levels, histories, h)  # level -> (N, h)
        extra = {}
        band = None if level is None else self._head_band(histories, level)  # (lo, hi) each (N, H), or None
        if band is not None:
            extra = {"lo": list(band[0][:, :h]), "hi": list(band[1][:, :h])}
        elif level is not None:
            w = widths[level]
            extra = {"lo": list(preds - w), "hi": list(preds + w)}
        for t in taus if taus is not None else ():
            if head is not None:
                extra[f"q{t:g}"] = list(head[t][:, :h])
                continue
            side = 0.0 if t == 0.5 else np.sign(t - 0.5) * widths[_central(t)]
            extra[f"q{t:g}"] = list(preds + side)
        return to_output(kind, series, list(preds), extra or None)

    def _head_quantiles(self, histories: list[np.ndarray], taus: list[float]) -> dict[float, np.ndarray] | None:
        """Quantiles (N, H) per level from a model trained for them, or None (default): then ``predict``
        gives the bounds of symmetric conformal intervals."""
        return None

    def _to_forecast(self, horizon: int | None, y: SeriesInput | None) -> tuple[int, list[SeriesData], str]:
        """The steps, series and input kind a forecast is asked for (checked: fitted, ``horizon`` within the
        fitted one, every history long enough)."""
        self._check_fitted()
        h = self.horizon if horizon is None else self._check_positive(horizon, "horizon", self.horizon)
        series, kind = (self.series_, self.kind_) if y is None else to_series_list(y)
        for s in series:
            if len(s.values) < self.min_history:
                raise LstmlabError(f"series {s.uid!r} has {len(s.values)} points: {type(self).__name__} needs "
                                   f"at least {self.min_history} to forecast")
        return h, series, kind

    def _head_band(self, histories: list[np.ndarray], level: float) -> tuple[np.ndarray, np.ndarray] | None:
        """The central interval at ``level`` from a model's own predictive distribution, (lo, hi) each (N, H),
        or None (default): then ``predict`` gives the symmetric conformal interval around the point."""
        return None

    def sample_paths(self, n_samples: int, horizon: int | None = None, y: SeriesInput | None = None, *,
                     seed: int = 0):
        """Draw ``n_samples`` joint paths of the next ``horizon`` values (see :mod:`lstmlab.forecast.paths`).

        Here (every point forecaster): the point forecast plus the history's scale
        (:meth:`interval_scale`) times whole H-vectors of signed errors y - ŷ, drawn with replacement from
        the errors that calibrate the intervals, so the dependence between steps is the errors' own.

        Parameters
        ----------
        n_samples : S, paths per series.
        horizon : steps ahead, at most the fitted ``horizon`` (default: that).
        y : optional new history, of the same kind as in ``fit``.
        seed : seeds the draws: the same seed, series and ``horizon`` give the same paths (one generator
            draws the paths of every series in the call, so a series' paths also depend on the others).

        Returns
        -------
        In the kind of the input: an ndarray (S, h) for an array; a DataFrame ``ds, sample, y`` for a
        Series; ``unique_id, ds, sample, y`` for a long frame (``sample`` numbers the paths 0..S-1).
        """
        h, series, kind = self._to_forecast(horizon, y)
        S, rng = check_samples(n_samples), np.random.default_rng(check_seed(seed))
        return paths_output(kind, series, self._paths([s.values for s in series], h, S, rng))

    def _paths(self, histories: list[np.ndarray], h: int, n_samples: int, rng: np.random.Generator) -> np.ndarray:
        """Paths (N, S, h): the point forecast plus resampled signed errors (:func:`resample_errors`)."""
        point = self._forecast_many(histories)[:, :h]  # (N, h)
        return resample_errors(point, self._scale_many(histories), self._signed_errors()[:, :h], n_samples, rng)

    def _signed_errors(self) -> np.ndarray:
        """Signed errors (y - ŷ) / scale (n, H) behind the sample paths: set by fit for learned models, else
        from rolling forecasts over the fitted history (those of the conformal scores, with their signs)."""
        if not hasattr(self, "signed_errors_"):
            self.signed_errors_ = self._insample_errors(self.series_)
        return self.signed_errors_

    def _widths(self, levels: list[float], histories: list[np.ndarray], h: int) -> dict[float, np.ndarray]:
        """Half-widths (N, h) of the conformal interval at each level."""
        if not levels:
            return {}
        scale = self._scale_many(histories)  # (N, 1) or None
        scores = self._calibration()
        out = {}
        for a in levels:
            width = conformal_quantiles(scores, a)[:h] * (1.0 if scale is None else scale)  # (N, h) or (h,)
            out[a] = np.broadcast_to(width, (len(histories), h))
        return out

    def predict_interval(self, level: float = 0.9, horizon: int | None = None,
                         y: SeriesInput | None = None) -> pd.DataFrame:
        """Shortcut for ``predict(horizon, y, level=level)``: a DataFrame with ``y_hat, lo, hi``."""
        return self.predict(horizon=horizon, y=y, level=level)

    def predict_windows(self, X: np.ndarray,
                        level: float | None = None) -> np.ndarray | tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Forecast from many histories at once.

        Parameters
        ----------
        X : ndarray (N, T), T >= ``min_history``; each row a history ending at its forecast origin.
        level : if given, also return conformal bounds.

        Returns
        -------
        y_hat (N, H), or (y_hat, lo, hi), each (N, H), with ``level``.
        """
        self._check_fitted()
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[1] < self.min_history:
            raise LstmlabError(f"histories of shape {X.shape}: expected (N, T) with T >= {self.min_history}")
        pred = self._forecast(X)  # (N, H)
        if level is None:
            return pred
        q = conformal_quantiles(self._calibration(), check_level(level))  # (H,)
        scale = self.interval_scale(X)
        width = q * (1.0 if scale is None else scale)  # (N, H)
        return pred, pred - width, pred + width

    # ---- helpers ----
    def _check_fitted(self, attribute: str = "series_") -> None:
        """Raise unless ``attribute`` (set by fit) exists."""
        if not hasattr(self, attribute):
            raise LstmlabError(f"this {type(self).__name__} is not fitted yet: call fit(y) first")

    @staticmethod
    def _check_positive(h, name: str, most: int | None = None) -> int:
        if isinstance(h, bool) or not isinstance(h, (int, np.integer)) or h < 1:
            raise LstmlabError(f"{name}={h!r}: expected a positive integer")
        if most is not None and h > most:
            raise LstmlabError(f"{name}={h} is longer than the {most} steps this model was fitted for: "
                               f"refit with horizon={h}")
        return int(h)

    def _calibration(self) -> np.ndarray:
        """Conformal scores (n, H): set by fit for learned models, else from the fitted history."""
        if not hasattr(self, "calibration_scores_"):
            self.calibration_scores_ = np.abs(self._signed_errors())  # |y - ŷ| / scale
        return self.calibration_scores_

    def _insample_errors(self, series: list[SeriesData]) -> np.ndarray:
        """Signed errors (y - ŷ) / scale of rolling forecasts over the fitted history (for parameter-free
        baselines); their absolute values are the conformal scores."""
        blocks = []
        for s in series:
            if len(s.values) >= self.calibration_history + self.horizon:
                X, Y = sliding_windows(s.values, self.calibration_history, self.horizon)
                scale = self.interval_scale(X)
                blocks.append((Y - self._forecast(X)) / (1.0 if scale is None else scale))
        if not blocks:
            raise LstmlabError(f"series too short for intervals from {type(self).__name__} with horizon="
                               f"{self.horizon}: need at least {self.calibration_history + self.horizon} points")
        return np.concatenate(blocks)


def _central(tau: float) -> float:
    """The level of the central interval whose bound is the tau quantile (0.95 -> 0.9, not 0.8999...)."""
    return round(abs(2 * tau - 1), 12)
