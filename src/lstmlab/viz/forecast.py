"""Forecast plots: history + forecast + interval, training curves, error by horizon step.

Each function takes results and returns a matplotlib Figure (Agg backend; nothing is shown).
matplotlib is imported inside the functions so importing this module stays cheap.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def _figure(figsize=(9, 4)):
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    return fig, ax


def plot_forecast(history, forecast, actual=None, title: str = "Forecast", last: int | None = None):
    """History, forecast, its interval (if any) and the actual values (if known).

    Parameters
    ----------
    history : Series (dates or positions) or array (T,), the observed values.
    forecast : Series / array (h,) of forecasts, or a DataFrame with ``y_hat`` and optionally
        ``lo``/``hi`` (as returned by ``predict(..., level=...)``), indexed by future time.
    actual : optional Series / array (h,) of what happened.
    last : show only the last ``last`` points of history.
    """
    hist = history if isinstance(history, pd.Series) else pd.Series(np.asarray(history, float))
    if last:
        hist = hist.iloc[-last:]
    if isinstance(forecast, pd.DataFrame):
        frame = forecast
    elif isinstance(forecast, pd.Series):
        frame = forecast.to_frame("y_hat")
    else:
        frame = pd.DataFrame({"y_hat": np.asarray(forecast, float)})
    if isinstance(frame.index, pd.RangeIndex) and not isinstance(hist.index, pd.DatetimeIndex):
        start = hist.index[-1] + 1  # positions continue after the history
        frame = frame.set_axis(pd.RangeIndex(start, start + len(frame)))
    fig, ax = _figure()
    ax.plot(hist.index, hist.to_numpy(), color="0.3", lw=1.2, label="history")
    if "lo" in frame and "hi" in frame:
        ax.fill_between(frame.index, frame["lo"], frame["hi"], color="tab:blue", alpha=0.2, label="interval")
    ax.plot(frame.index, frame["y_hat"], color="tab:blue", lw=1.8, marker=".", label="forecast")
    if actual is not None:
        act = actual if isinstance(actual, pd.Series) else pd.Series(np.asarray(actual, float), index=frame.index)
        ax.plot(act.index, act.to_numpy(), color="tab:orange", lw=1.2, marker=".", label="actual")
    ax.axvline(hist.index[-1], color="0.6", ls=":", lw=1)
    ax.set_title(title)
    ax.legend(loc="upper left", frameon=False)
    ax.grid(alpha=0.3)
    return fig


def plot_loss(history, title: str = "Training and validation loss"):
    """Per-epoch losses of a :class:`~lstmlab.nn.train.TrainResult` (epochs numbered from 1); marks the
    epoch kept."""
    fig, ax = _figure((7, 4))
    epochs = np.arange(1, len(history.train_loss) + 1)
    ax.plot(epochs, history.train_loss, label="training")
    if history.val_loss:
        ax.plot(epochs[:len(history.val_loss)], history.val_loss, label="validation")
        ax.axvline(history.best_epoch, color="0.5", ls=":", label=f"kept (epoch {history.best_epoch})")
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("mean absolute error in units of each window's scale")
    ax.set_title(title)
    ax.legend(frameon=False)
    ax.grid(alpha=0.3)
    return fig


def plot_error_by_step(table: pd.DataFrame, metric: str = "MAE", title: str = "Error by horizon step"):
    """Lines of error per horizon step, one per model: ``table`` as from ``BacktestResult.by_step()``."""
    fig, ax = _figure((7, 4))
    for name in table.columns:
        ax.plot(table.index, table[name], marker="o", lw=2.2 if name == table.columns[0] else 1.2, label=name)
    ax.set_xlabel("steps ahead")
    ax.set_ylabel(metric)
    ax.set_title(title)
    ax.legend(frameon=False)
    ax.grid(alpha=0.3)
    return fig
