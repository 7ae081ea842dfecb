"""Forecast plots return Figures with the expected artists."""

import numpy as np
import pandas as pd

from lstmlab.nn.train import TrainResult
from lstmlab.viz.forecast import plot_error_by_step, plot_forecast, plot_loss


def test_plots_return_figures():
    hist = pd.Series(np.arange(24.0), index=pd.date_range("2020-01-01", periods=24, freq="MS"))
    idx = pd.date_range("2022-01-01", periods=3, freq="MS")
    fc = pd.DataFrame({"y_hat": [1.0, 2, 3], "lo": [0.0, 1, 2], "hi": [2.0, 3, 4]}, index=idx)
    fig = plot_forecast(hist, fc, actual=pd.Series([1.0, 2, 3], index=idx))
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels == ["history", "interval", "forecast", "actual"]
    fig = plot_forecast(np.arange(10.0), np.array([1.0, 2.0]))  # positions continue after the history
    assert list(fig.axes[0].lines[1].get_xdata()) == [10, 11]
    fig = plot_loss(TrainResult([{"train_loss": a, "val_loss": b} for a, b in ((1.0, 1.2), (0.5, 0.6), (0.4, 0.7))],
                                best_epoch=2))
    assert len(fig.axes[0].lines) == 3
    fig = plot_error_by_step(pd.DataFrame({"LSTMForecaster": [1.0, 2.0], "naive": [2.0, 3.0]}, index=[1, 2]))
    assert len(fig.axes[0].lines) == 2


def test_grid_and_error_by_series():
    from lstmlab.viz.forecast import plot_error_by_series, plot_forecast_grid

    idx = pd.date_range("2020-01-01", periods=10, freq="D")
    panels = [(f"s{k}", pd.Series(np.arange(8.0), index=idx[:8]), pd.Series([8.0, 9.0], index=idx[8:]), None)
              for k in range(4)]
    fig = plot_forecast_grid(panels)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in visible] == ["s0", "s1", "s2", "s3"] and len(fig.axes) == 6
    table = pd.DataFrame({"LSTM": [1.0, 2.0, 1.0, np.nan], "seasonal_naive": [2.0, 1.0, 1.0, 3.0]},
                         index=["a", "b", "c", "flat"])
    fig = plot_error_by_series(table, "LSTM", "seasonal_naive")
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels == ["LSTM better (1)", "seasonal_naive better (1)", "equal (1)"]


def test_quantile_columns_draw_a_fan_chart():
    from lstmlab.viz.forecast import quantile_pairs

    idx = pd.date_range("2022-01-01", periods=3, freq="MS")
    fc = pd.DataFrame({"y_hat": [1.0, 2, 3], "lo": [0.0, 1, 2], "hi": [2.0, 3, 4], "q0.05": [-1.0, 0, 1],
                       "q0.1": [0.0, 1, 2], "q0.5": [1.0, 2, 3], "q0.9": [2.0, 3, 4], "q0.95": [3.0, 4, 5]}, index=idx)
    assert quantile_pairs(fc) == [(0.9, "q0.05", "q0.95"), (0.8, "q0.1", "q0.9")]
    hist = pd.Series(np.arange(24.0), index=pd.date_range("2020-01-01", periods=24, freq="MS"))
    labels = [t.get_text() for t in plot_forecast(hist, fc).axes[0].get_legend().get_texts()]
    assert labels == ["history", "90% (q0.05-q0.95)", "80% (q0.1-q0.9)", "forecast"]
