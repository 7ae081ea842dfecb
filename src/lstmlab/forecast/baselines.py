"""Simple forecasts every model must beat: naive, seasonal naive, drift, window mean.

They share the interface of :class:`~lstmlab.forecast.forecaster.LSTMForecaster` (``fit``,
``predict(horizon, y, level)``, ``predict_windows``); intervals come from split-conformal scores of
their rolling forecasts over the fitted history.
"""

from __future__ import annotations

import numpy as np

from lstmlab.forecast._base import BaseForecaster


class Naive(BaseForecaster):
    """Repeat the last value."""

    def __init__(self, horizon: int = 1) -> None:
        self.horizon = horizon

    @property
    def min_history(self) -> int:
        return 1

    def _forecast(self, X: np.ndarray) -> np.ndarray:
        return np.repeat(X[:, -1:], self.horizon, axis=1)  # (N, H)


class SeasonalNaive(BaseForecaster):
    """Repeat the last season: ``ŷ_{T+k} = y_{T+k-m·ceil(k/m)}``; the last value (naive) from a history
    shorter than a season."""

    def __init__(self, horizon: int = 1, seasonal_period: int = 1) -> None:
        self.horizon, self.seasonal_period = horizon, seasonal_period

    @property
    def min_history(self) -> int:
        return 1

    @property
    def calibration_history(self) -> int:
        return int(self.seasonal_period)

    def _forecast(self, X: np.ndarray) -> np.ndarray:
        m = int(self.seasonal_period) if X.shape[1] >= int(self.seasonal_period) else 1
        cols = X.shape[1] - m + np.arange(self.horizon) % m  # (H,)
        return X[:, cols]  # (N, H)


class Drift(BaseForecaster):
    """Extend the line from the first to the last value of the history."""

    def __init__(self, horizon: int = 1) -> None:
        self.horizon = horizon

    @property
    def min_history(self) -> int:
        return 2

    def _forecast(self, X: np.ndarray) -> np.ndarray:
        slope = (X[:, -1:] - X[:, :1]) / (X.shape[1] - 1)  # (N, 1)
        return X[:, -1:] + slope * np.arange(1, self.horizon + 1)  # (N, H)


class WindowMean(BaseForecaster):
    """The mean of the last ``window`` values (default: the whole history; all of a shorter one)."""

    def __init__(self, horizon: int = 1, window: int | None = None) -> None:
        self.horizon, self.window = horizon, window

    @property
    def min_history(self) -> int:
        return 1

    @property
    def calibration_history(self) -> int:
        return int(self.window) if self.window else 1

    def _forecast(self, X: np.ndarray) -> np.ndarray:
        w = int(self.window) if self.window else X.shape[1]
        return np.repeat(X[:, -w:].mean(axis=1, keepdims=True), self.horizon, axis=1)  # (N, H)


def make_baselines(horizon: int, seasonal_period: int | None = None) -> dict[str, BaseForecaster]:
    """The standard set to show beside a model, by name (seasonal naive and the seasonal window mean
    only with a seasonal period > 1)."""
    out: dict[str, BaseForecaster] = {"naive": Naive(horizon)}
    if seasonal_period and seasonal_period > 1:
        out["seasonal_naive"] = SeasonalNaive(horizon, seasonal_period)
    out["drift"] = Drift(horizon)
    out["window_mean"] = WindowMean(horizon, seasonal_period if seasonal_period and seasonal_period > 1 else None)
    return out
