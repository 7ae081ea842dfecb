"""Forecasting with recurrent networks, honestly: validated input, leak-free windows, baselines,
metrics, conformal intervals, backtests and safe save/load.

Importing this package is cheap; torch loads when a model is fitted. Main entry points::

    from lstmlab.forecast import LSTMForecaster, SeasonalNaive, load_dataset, backtest
    y = load_dataset("airpassengers")
    model = LSTMForecaster(horizon=12, seasonal_period=12).fit(y)
    model.predict(level=0.9)            # DataFrame: y_hat, lo, hi per future month
"""

from importlib import import_module

_EXPORTS = {
    "LSTMForecaster": "forecaster", "ResolvedConfig": "forecaster",
    "Naive": "baselines", "SeasonalNaive": "baselines", "Drift": "baselines", "WindowMean": "baselines",
    "make_baselines": "baselines",
    "load_dataset": "datasets", "list_datasets": "datasets", "synthetic_series": "datasets",
    "read_csv": "csvfile", "read_parquet": "csvfile", "sliding_windows": "windows", "split_windows": "windows", "split_series": "data",
    "mae": "metrics", "rmse": "metrics", "mase": "metrics", "smape": "metrics", "mape": "metrics",
    "coverage": "metrics", "evaluate": "metrics",
    "pinball_loss": "scoring", "weighted_quantile_loss": "scoring", "crps_from_quantiles": "scoring",
    "crps_from_samples": "scoring", "msis": "scoring", "interval_score": "scoring", "coverage_by_level": "scoring",
    "backtest": "backtesting", "BacktestResult": "backtesting",
    "save": "io", "load": "io",
    "seed_reference": "reference", "SeedReferenceResult": "reference",
    "tune": "tune", "TuneResult": "tune",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(f"lstmlab.forecast.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module 'lstmlab.forecast' has no attribute {name!r}")
