"""Forecast plots: history + forecast + interval (one series or a grid of several), training curves,
error by horizon step and by series.

Each function takes results and returns a matplotlib Figure (Agg backend; nothing is shown).
matplotlib is imported inside the functions so importing this module stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure


def _figure(figsize=(9, 4), nrows: int = 1, ncols: int = 1):
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(nrows, ncols, figsize=figsize, layout="constrained", squeeze=nrows * ncols == 1)
    return fig, ax


def _frames(history, forecast, last: int | None) -> tuple[pd.Series, pd.DataFrame]:
    """History as a Series (its last ``last`` points) and the forecast as a DataFrame with ``y_hat``
    (and ``lo``/``hi``), positions continuing after the history when there are no dates."""
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
    return hist, frame


def quantile_pairs(frame: pd.DataFrame) -> list[tuple[float, str, str]]:
    """Symmetric quantile columns of a forecast frame, widest first: (central level, low column, high column);
    e.g. q0.1 and q0.9 give (0.8, "q0.1", "q0.9")."""
    levels = {}
    for c in frame.columns:
        try:
            levels[round(float(c[1:]), 12)] = c if c.startswith("q") else None
        except ValueError:
            continue
    pairs = [(round(1 - 2 * t, 12), levels[t], levels[round(1 - t, 12)]) for t in sorted(levels)
             if t < 0.5 and levels[t] and levels.get(round(1 - t, 12))]
    return sorted(pairs, reverse=True)


def _draw(ax: "Axes", hist: pd.Series, frame: pd.DataFrame, actual, title: str, legend: bool = True) -> None:
    ax.plot(hist.index, hist.to_numpy(), color="0.3", lw=1.2, label="history")
    pairs = quantile_pairs(frame)
    for k, (level, lo, hi) in enumerate(pairs):  # a fan chart: nested bands, darker toward the middle
        ax.fill_between(frame.index, frame[lo], frame[hi], color="tab:blue", alpha=0.12 + 0.1 * k,
                        lw=0, label=f"{level:.0%} ({lo}-{hi})")
    if not pairs and "lo" in frame and "hi" in frame:
        ax.fill_between(frame.index, frame["lo"], frame["hi"], color="tab:blue", alpha=0.2, label="interval")
    ax.plot(frame.index, frame["y_hat"], color="tab:blue", lw=1.8, marker=".", label="forecast")
    if actual is not None:
        act = actual if isinstance(actual, pd.Series) else pd.Series(np.asarray(actual, float), index=frame.index)
        ax.plot(act.index, act.to_numpy(), color="tab:orange", lw=1.2, marker=".", label="actual")
    ax.axvline(hist.index[-1], color="0.6", ls=":", lw=1)
    ax.set_title(title)
    if legend:
        ax.legend(loc="upper left", frameon=False)
    ax.grid(alpha=0.3)


def plot_forecast(history, forecast, actual=None, title: str = "Forecast", last: int | None = None) -> "Figure":
    """History, forecast, its interval (if any) and the actual values (if known).

    Parameters
    ----------
    history : Series (dates or positions) or array (T,), the observed values.
    forecast : Series / array (h,) of forecasts, or a DataFrame with ``y_hat`` and optionally
        ``lo``/``hi`` (as returned by ``predict(..., level=...)``), indexed by future time. Quantile
        columns in symmetric pairs (``q0.1``/``q0.9``, ``q0.05``/``q0.95``, from
        ``predict(quantiles=...)``) are drawn as a fan chart instead of the ``lo``/``hi`` band.
    actual : optional Series / array (h,) of what happened.
    last : show only the last ``last`` points of history.

    Returns
    -------
    matplotlib Figure with one Axes.
    """
    hist, frame = _frames(history, forecast, last)
    fig, ax = _figure()
    _draw(ax, hist, frame, actual, title)
    return fig


def plot_forecast_grid(panels, title: str = "Forecasts", last: int | None = None) -> "Figure":
    """Several series' forecasts in one figure, a small panel each, three to a row.

    Parameters
    ----------
    panels : sequence of ``(name, history, forecast, actual)``, each as for :func:`plot_forecast`
        (``actual`` may be None).
    last : show only the last ``last`` points of each history.

    Returns
    -------
    matplotlib Figure with one Axes per series (unused panels hidden), a legend on the first.
    """
    panels = list(panels)
    if not panels:
        raise ValueError("plot_forecast_grid needs at least one series")
    ncols = min(3, len(panels))
    nrows = -(-len(panels) // ncols)
    fig, axes = _figure((4.2 * ncols, 2.8 * nrows), nrows, ncols)
    for k, ax in enumerate(axes.ravel()):
        if k >= len(panels):
            ax.set_visible(False)
            continue
        name, history, forecast, actual = panels[k]
        hist, frame = _frames(history, forecast, last)
        _draw(ax, hist, frame, actual, str(name), legend=k == 0)
        ax.tick_params(axis="x", labelrotation=30, labelsize=8)
    fig.suptitle(title)
    return fig


def plot_error_by_series(table: pd.DataFrame, model: str, baseline: str,
                         title: str = "Error by series") -> "Figure":
    """One point per series: the baseline's error (x) against the model's (y), log scales, with the
    diagonal; points below it are series where the model wins.

    Parameters
    ----------
    table : errors per series (rows) and model (columns), as from ``BacktestResult.by_series()``.
    model, baseline : the two columns to compare.

    Returns
    -------
    matplotlib Figure with one Axes; series names label the points when there are at most 20. Series
    without an error for both (a flat history has no MASE) are not drawn.
    """
    pair = table[[baseline, model]].dropna()
    pair = pair[(pair > 0).all(axis=1)]
    fig, ax = _figure((5.5, 5))
    groups = ((pair[model] < pair[baseline], "tab:blue", f"{model} better"),
              (pair[model] > pair[baseline], "tab:red", f"{baseline} better"),
              (pair[model] == pair[baseline], "0.5", "equal"))
    for rows, color, label in groups:
        if rows.any():
            ax.scatter(pair.loc[rows, baseline], pair.loc[rows, model], color=color, s=18,
                       label=f"{label} ({int(rows.sum())})")
    if len(pair) <= 20:
        for uid, (x, y) in pair.iterrows():
            ax.annotate(str(uid), (x, y), fontsize=7, xytext=(3, 3), textcoords="offset points")
    if len(pair):
        lo, hi = float(pair.min().min()) / 1.5, float(pair.max().max()) * 1.5
        ax.plot([lo, hi], [lo, hi], color="0.5", ls=":", lw=1)
        ax.set_xscale("log")
        ax.set_yscale("log")
    ax.set_xlabel(f"{baseline} error")
    ax.set_ylabel(f"{model} error")
    ax.set_title(title)
    ax.legend(frameon=False, loc="upper left")
    ax.grid(alpha=0.3)
    return fig


def plot_loss(history, title: str = "Training and validation loss") -> "Figure":
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


def plot_error_by_step(table: pd.DataFrame, metric: str = "MAE", title: str = "Error by horizon step") -> "Figure":
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
