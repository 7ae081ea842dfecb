"""Section 6: forecasting two series with the LSTM forecaster, seasonal naive and the tutorial's own method."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstmlab.demo.context import DemoContext
from lstmlab.demo.phrases import Estimate, compare, pct
from lstmlab.demo.result import Plot, SectionResult, Table
from lstmlab.errors import LstmlabError

INTRO = """\
Forecasting is where most LSTMs meet real data, and where a model is easiest to flatter. Two series are used: \
the tutorial's synthetic one (a slow trend plus two seasonal sine waves and unit noise, generated from the run's \
seed) and the classic AirPassengers monthly totals, 1949-1960, which ship with lstmlab.

Every model sees only the past: the split is chronological (train, validation, test), scalers are fitted on the \
training part only, and errors are measured in the series' own units on the test part. Three forecasters are \
compared: lstmlab's LSTM forecaster; seasonal naive, which repeats the value one season earlier and is the bar any \
model must clear; and a re-implementation of the tutorial's method (a two-layer LSTM on min-max scaled windows). \
The tutorial fits its scaler on the whole series before splitting, so test values leak into training; its method \
is run both ways, with the leak and with it fixed, so the effect of the leak is measured rather than asserted. The \
LSTM forecaster's prediction intervals come with their measured coverage on the test part."""

LEVEL = 0.9  # nominal coverage of the prediction intervals
MODEL = "LSTMForecaster"  # the backtest's name for the model under test


@dataclass(frozen=True)
class Budget:
    """Training effort: the tutorial's 50 epochs by default, far fewer with --quick."""

    tutorial_epochs: int
    forecaster_steps: int | None  # optimiser steps per network; None: the forecaster's automatic choice


BUDGETS = {False: Budget(tutorial_epochs=50, forecaster_steps=None), True: Budget(tutorial_epochs=4, forecaster_steps=40)}


@dataclass(frozen=True)
class Protocol:
    """How one series is split and scored; every model is scored on the same forecasts.

    The model and the baselines are backtested from ``n_origins`` cut-offs ``horizon`` apart at the
    end of the series, fitted once at the first cut-off (never on what follows). The tutorial's method
    cuts windows of ``input_size`` -> ``horizon`` and trains on the first ``train_windows`` of them; its
    test windows ``first_test + k * horizon`` are exactly the backtest's forecasts.
    """

    name: str
    input_size: int
    horizon: int
    seasonal_period: int
    n_origins: int
    train_windows: int | None  # None: the tutorial's 80% split

    def tutorial_split(self, n_points: int) -> tuple[float, int, slice]:
        """(train_fraction, split, rows of the tutorial's test windows that match the backtest)."""
        n_windows = n_points - self.input_size - self.horizon + 1
        split = self.train_windows if self.train_windows is not None else int(0.8 * n_windows)
        fraction = (split + 0.5) / n_windows  # int(fraction * n_windows) == split
        first_origin = n_points - self.horizon * self.n_origins
        first = first_origin - self.input_size - split  # test row whose targets start at first_origin
        if first < 0:
            raise LstmlabError(f"{self.name}: the first backtest origin {first_origin} lies inside the tutorial "
                               "method's training windows")
        return fraction, split, slice(first, None, self.horizon)


# The synthetic series as in the tutorial (1000 points, windows 50 -> 10, first 80% of windows train);
# the last 180 points are forecast in 18 blocks of 10, none of them a training target of either method.
SYNTHETIC = Protocol("synthetic", input_size=50, horizon=10, seasonal_period=50, n_origins=18, train_windows=None)
# AirPassengers: fit on the first 120 months, forecast 12 months from months 120 and 132.
AIRPASSENGERS = Protocol("airpassengers", input_size=24, horizon=12, seasonal_period=12, n_origins=2,
                         train_windows=144 - 24 - 12 + 1 - 24)  # 85 windows: targets end at month 120


def run(ctx: DemoContext) -> SectionResult:
    """Forecast both series with every method; numbers, plots and sentences."""
    from lstmlab.forecast import load_dataset, synthetic_series

    budget = BUDGETS[ctx.quick]
    series = {
        # seed 0 gives exactly the tutorial's series (np.random.seed(0)); other seeds other noise
        "synthetic": synthetic_series(1000, legacy_seed=ctx.config.seed),
        "airpassengers": load_dataset("airpassengers"),
    }
    numbers, plots, tables = {"level": LEVEL, "tutorial_epochs": budget.tutorial_epochs}, [], []
    for protocol in (SYNTHETIC, AIRPASSENGERS):
        res = _evaluate(ctx, protocol, series[protocol.name], budget)
        numbers[protocol.name] = res["numbers"]
        tables.append(_table(protocol, res["numbers"]))
        plots += _plots(protocol, res)
    return SectionResult("forecast", "", intro=INTRO, numbers=numbers, headline=_headline(numbers),
                         conclusions=conclude(numbers), plots=plots, tables=tables)


def _evaluate(ctx: DemoContext, p: Protocol, y, budget: Budget) -> dict:
    from lstmlab.forecast import LSTMForecaster, backtest, mae, seed_reference

    values = np.asarray(y, dtype=np.float64)  # (T,)
    ctx.progress(f"{p.name}: LSTM forecaster and baselines, {p.n_origins} forecasts of {p.horizon}")
    model = LSTMForecaster(horizon=p.horizon, seasonal_period=p.seasonal_period, input_size=p.input_size,
                           steps=budget.forecaster_steps, seed=ctx.seed_for(f"forecast-{p.name}"))
    bt = backtest(model, y, n_windows=p.n_origins, refit=False, level=LEVEL, seasonal_period=p.seasonal_period)
    summary = bt.summary()  # per model: mae, rmse, mase, smape, coverage, n
    fraction, split, rows = p.tutorial_split(len(values))
    tutorial = {}
    for leak in (True, False):
        ctx.progress(f"{p.name}: the tutorial's method, {'with its scaler leak' if leak else 'leak fixed'}")
        tutorial[leak] = seed_reference(values, input_size=p.input_size, horizon=p.horizon, train_fraction=fraction,
                                        leak=leak, epochs=budget.tutorial_epochs,
                                        seed=ctx.seed_for(f"tutorial-{p.name}"))
    truth = bt.frame[bt.frame["model"] == MODEL]["y"].to_numpy().reshape(p.n_origins, p.horizon)  # (K, H)
    if not np.array_equal(tutorial[True].y_true[rows], truth):
        raise RuntimeError(f"{p.name}: the tutorial method's test windows do not line up with the backtest")
    maes = {name: float(summary.loc[name, "mae"]) for name in summary.index}
    maes["tutorial (leak)"] = float(mae(truth, tutorial[True].y_pred[rows]))
    maes["tutorial (leak fixed)"] = float(mae(truth, tutorial[False].y_pred[rows]))
    numbers = {
        "mae": maes,
        "coverage": {name: float(summary.loc[name, "coverage"]) for name in summary.index},
        "forecasts": p.n_origins, "horizon": p.horizon, "points_scored": int(truth.size),
        "tutorial_train_windows": split,
        "tutorial_all_test_windows_mae": {"leak": tutorial[True].mae, "leak fixed": tutorial[False].mae},
        "lstm_config": model.get_params(),
    }
    return {"numbers": numbers, "backtest": bt, "series": y,
            "tutorial": {k: v.y_pred[rows] for k, v in tutorial.items()}}


NAMES = {MODEL: "LSTM forecaster", "seasonal_naive": "seasonal naive", "naive": "naive", "drift": "drift",
         "window_mean": "seasonal window mean"}
TITLES = {"synthetic": "the synthetic series", "airpassengers": "AirPassengers"}
SHORT = {"synthetic": "synthetic", "airpassengers": "AirPassengers"}


def conclude(n: dict) -> list[str]:
    """Sentences from this section's numbers, one paragraph's worth per series."""
    out = []
    level = n["level"]
    for key in ("synthetic", "airpassengers"):
        d = n[key]
        m = d["mae"]
        where = f"On {TITLES[key]} ({d['forecasts']} forecasts of {d['horizon']} steps, {d['points_scored']} points)"
        est = {k: Estimate.point(NAMES.get(k, k), v) for k, v in m.items()}
        s1 = compare(est[MODEL], est["seasonal_naive"], "test MAE", higher_is_better=False)
        s2 = compare(est[MODEL], est["tutorial (leak fixed)"], "test MAE", higher_is_better=False)
        best = min(m, key=m.get)
        out.append(f"{where}: {s1} {s2} Lowest MAE of all {len(m)} methods: {NAMES.get(best, best)} ({m[best]:.3g}).")
        leak, fixed = m["tutorial (leak)"], m["tutorial (leak fixed)"]
        change = (fixed - leak) / fixed  # > 0: the leak made the method look better
        if abs(change) < 1e-12:
            effect = "the same MAE either way"
        else:
            effect = (f"an MAE {abs(change):.0%} {'lower' if change > 0 else 'higher'} with the leak than without "
                      f"({leak:.3g} against {fixed:.3g}), so in this run the leak "
                      f"{'flattered' if change > 0 else 'did not flatter'} the method")
        out.append(f"The tutorial's method on {TITLES[key]}: {effect} (one training run each, so part of the "
                   "difference can be training noise).")
        cov = d["coverage"][MODEL]
        gap = cov - level
        verdict = "within 5 points of nominal" if abs(gap) <= 0.05 else \
            ("below nominal: the intervals were too narrow" if gap < 0 else "above nominal: the intervals were wide")
        out.append(f"The LSTM forecaster's {pct(level, 0)} intervals covered {pct(cov)} of the {d['points_scored']} "
                   f"test points of {TITLES[key]}, {verdict} (few points: coverage is itself uncertain).")
    if n["tutorial_epochs"] < 50:
        out.append(f"Quick mode: the tutorial's method trained for {n['tutorial_epochs']} epochs instead of its 50, "
                   "so its errors here overstate what it reaches with its full budget.")
    return out


def _headline(n: dict) -> list[tuple[str, str]]:
    out = []
    for key in ("synthetic", "airpassengers"):
        m = n[key]["mae"]
        out.append((f"{SHORT[key]} MAE: LSTM / seasonal naive / tutorial leaky, fixed",
                    f"{m[MODEL]:.3g} / {m['seasonal_naive']:.3g} / {m['tutorial (leak)']:.3g}, "
                    f"{m['tutorial (leak fixed)']:.3g}"))
        out.append((f"{SHORT[key]} LSTM {pct(n['level'], 0)} interval coverage", pct(n[key]["coverage"][MODEL])))
    return out


def _table(p: Protocol, d: dict) -> Table:
    rows = [[NAMES.get(k, k), v, d["coverage"].get(k, float("nan"))] for k, v in sorted(d["mae"].items(),
                                                                                          key=lambda kv: kv[1])]
    title = TITLES[p.name]
    return Table(f"{title[0].upper() + title[1:]}: test MAE in the series' units on the same {d['points_scored']} points "
                 f"(interval coverage where the method gives intervals)", ["method", "MAE", "coverage"], rows)


def _plots(p: Protocol, res: dict) -> list[Plot]:
    """The test period with every forecast, and the error by horizon step (lstmlab.viz.forecast)."""
    from lstmlab.forecast import mae
    from lstmlab.viz.forecast import plot_error_by_step, plot_forecast

    bt = res["backtest"]
    frame = bt.frame
    ours = frame[frame["model"] == MODEL].set_index("ds")[["y_hat", "lo", "hi", "y"]]  # (K·H, 4)
    naive = frame[frame["model"] == "seasonal_naive"].set_index("ds")["y_hat"]
    first = int(frame["origin"].min())
    index = ours.index
    history = res["series"].iloc[:first]  # what every model saw before the first forecast
    title = TITLES[p.name]
    fig = plot_forecast(history, ours[["y_hat", "lo", "hi"]], actual=ours["y"], last=4 * p.horizon * 3,
                        title=f"{title[0].upper() + title[1:]}: {p.n_origins} forecasts of {p.horizon} steps "
                              f"with {pct(LEVEL, 0)} intervals")
    ax = fig.axes[0]
    ax.plot(naive.index, naive.to_numpy(), color="tab:green", lw=1, ls="--", label="seasonal naive")
    tut = res["tutorial"][False].reshape(-1)  # (K·H,) the tutorial's method, leak fixed
    ax.plot(index, tut, color="tab:red", lw=1, ls="--", label="tutorial's method (leak fixed)")
    ax.legend(loc="upper left", frameon=False, fontsize="small")
    by_step = bt.by_step("mae")[[MODEL, "seasonal_naive"]].rename(columns=NAMES)
    truth = ours["y"].to_numpy().reshape(p.n_origins, p.horizon)  # (K, H)
    for leak, name in ((True, "tutorial (leak)"), (False, "tutorial (leak fixed)")):
        by_step[name] = mae(truth, res["tutorial"][leak], axis=0)  # (H,)
    err = plot_error_by_step(by_step, title=f"{title[0].upper() + title[1:]}: test MAE by steps ahead")
    return [Plot(f"{p.name}-forecasts", f"{title[0].upper() + title[1:]}: the LSTM forecaster's forecasts over "
                 f"the test period (blue, with its {pct(LEVEL, 0)} interval), the actual values (orange), seasonal "
                 "naive and the tutorial's method with its leak fixed (dashed). Each block of "
                 f"{p.horizon} steps is forecast from the values before it.", fig),
            Plot(f"{p.name}-error-by-step", f"{title[0].upper() + title[1:]}: mean absolute error at each step "
                 "ahead, averaged over the test forecasts.", err)]
