"""``lstmlab forecast fit|predict|backtest|evaluate``: forecasting from the command line."""

from __future__ import annotations

import argparse
from pathlib import Path

from lstmlab.atomic import save_figure_atomic, write_csv_atomic
from lstmlab.errors import LstmlabError
from lstmlab.forecast.forecaster import SAMPLES
from lstmlab.forecast.panel import SCALERS
from lstmlab.glassbox.networks import CELL_NAMES

DESCRIPTION = """\
Forecast a time series with an LSTM and compare it with simple baselines.

Data: a CSV file (--csv PATH; one date column and one value column, chosen with --date-col and
--value-col, or many series with --id-col) or a built-in dataset (--dataset NAME; see
`lstmlab datasets`).

  fit       train a model on the whole series and save it (--out DIR): model/, forecast.csv,
            forecast.png, loss.png
  predict   forecast with a saved model (--model DIR), from its training data or a new --csv
  evaluate  hold out the last --horizon points, fit on the rest, score the model beside the
            baselines (naive, seasonal naive, drift, window mean)
  backtest  the same from many origins (rolling-origin evaluation); per-step errors, coverage
  tune      search model settings with Optuna on rolling validation folds; writes a JSON file
            that `fit --config` reads

Example:
  lstmlab forecast evaluate --dataset airpassengers --horizon 12 --out out/
"""

MODEL_FLAGS = ("seasonal_period", "input_size", "cell", "hidden_size", "num_layers", "dropout", "steps",
               "batch_size", "learning_rate", "scaler", "loss", "n_models", "sample", "seed", "device")


def _data_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("data (one of --csv / --dataset)")
    src = g.add_mutually_exclusive_group()
    src.add_argument("--csv", metavar="PATH", help="CSV file with a date column and a value column")
    src.add_argument("--dataset", metavar="NAME",
                     help="a built-in series, e.g. airpassengers (`lstmlab datasets` lists them)")
    g.add_argument("--date-col", metavar="COL", help="date column of the CSV (default: 'ds', else the first)")
    g.add_argument("--value-col", metavar="COL", help="value column of the CSV (default: 'y', else the second)")
    g.add_argument("--id-col", metavar="COL", help="series-name column, for many series in one CSV")


def _model_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("model")
    g.add_argument("--horizon", type=int, required=True, help="how many steps ahead to forecast")
    g.add_argument("--seasonal-period", type=int, metavar="M",
                   help="season length (12 for monthly data); default: from the dates' frequency")
    g.add_argument("--input-size", type=int, metavar="L", help="history length the model reads (default: auto)")
    g.add_argument("--cell", choices=CELL_NAMES, help="recurrent cell (default lstm)")
    g.add_argument("--hidden-size", type=int, help="units per layer (default 64)")
    g.add_argument("--num-layers", type=int, help="recurrent layers (default 1)")
    g.add_argument("--dropout", type=float, help="dropout between layers (default 0)")
    g.add_argument("--steps", type=int, help="optimiser steps per network (default: auto, 500 to 800)")
    g.add_argument("--batch-size", type=int, help="windows per step (default 256)")
    g.add_argument("--learning-rate", type=float,
                   help="peak learning rate (default: 0.005 for one series, 0.003 for several)")
    g.add_argument("--scaler", choices=SCALERS,
                   help="window normalisation (default: revin for one series, history for several)")
    g.add_argument("--loss", choices=("mae", "mse"), help="training loss (default: mse for one series, mae for several)")
    g.add_argument("--n-models", type=int, help="ensemble size, median forecast (default: 1 for one series, 4 for several)")
    g.add_argument("--sample", choices=SAMPLES,
                   help="draw training windows uniformly over series (default) or over windows")
    g.add_argument("--no-fallback", action="store_true",
                   help="keep the LSTM even if seasonal naive is better on validation")
    g.add_argument("--seed", type=int, help="random seed (default 0)")
    g.add_argument("--device", choices=("auto", "cpu", "cuda", "mps"),
                   help="where to train: auto (default: CUDA, else MPS, else CPU), cpu, cuda or mps")
    g.add_argument("--config", metavar="JSON",
                   help="LSTMForecaster settings from a JSON file (e.g. written by `forecast tune`); "
                        "flags given on the command line override it")


def _common(p: argparse.ArgumentParser, level: bool = True) -> None:
    p.add_argument("--out", metavar="DIR", help="folder for CSV, PNG and model files (created if needed)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    if level:
        p.add_argument("--level", type=float, default=0.9,
                       help="prediction-interval coverage, e.g. 0.9 for 90%% (default 0.9)")


def register(subparsers) -> None:
    parser = subparsers.add_parser("forecast", help="forecast a series with an LSTM, beside baselines",
                                   description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    fit = sub.add_parser("fit", help="train on a series and save the model", description=(
        "Train an LSTM forecaster on the whole series, save it to DIR/model, and write the next "
        "--horizon forecasts (forecast.csv, forecast.png) and the training curves (loss.png)."))
    _data_args(fit)
    _model_args(fit)
    _common(fit)
    pred = sub.add_parser("predict", help="forecast with a saved model", description=(
        "Forecast with a model saved by `lstmlab forecast fit`: after its training data, or after "
        "a new history given with --csv/--dataset."))
    pred.add_argument("--model", metavar="DIR", required=True, help="model folder written by `fit`")
    pred.add_argument("--horizon", type=int, help="steps ahead (at most the model's horizon)")
    _data_args(pred)
    _common(pred)
    ev = sub.add_parser("evaluate", help="hold out the last horizon, score model and baselines", description=(
        "Fit on all but the last --horizon points, forecast them, and print MAE, RMSE, MASE, sMAPE "
        "and interval coverage of the model beside the baselines."))
    _data_args(ev)
    _model_args(ev)
    _common(ev)
    bt = sub.add_parser("backtest", help="rolling-origin evaluation, model beside baselines", description=(
        "Forecast from --n-windows origins, --stride points apart, ending --horizon points before "
        "the end of the series; print errors of the model beside the baselines, and write every "
        "forecast (backtest.csv) and the error by horizon step (error_by_step.png)."))
    _data_args(bt)
    _model_args(bt)
    _common(bt)
    bt.add_argument("--n-windows", type=int, default=3, help="number of forecast origins (default 3)")
    bt.add_argument("--stride", type=int, help="points between origins (default: the horizon)")
    bt.add_argument("--window", choices=("expanding", "sliding"), default="expanding",
                    help="train on all history before each origin, or on the last --window-size points")
    bt.add_argument("--window-size", type=int, help="points of history per fit with --window sliding")
    bt.add_argument("--no-refit", action="store_true", help="fit once at the first origin only (faster)")
    tn = sub.add_parser("tune", help="search LSTM settings with Optuna (pip install 'lstmlab[tune]')", description=(
        "Search LSTMForecaster settings that minimise the mean MASE over --n-folds rolling validation "
        "folds at the end of the data, for --time-budget seconds, and write the best as a JSON file "
        "that `forecast fit --config` (and LSTMForecaster(**settings)) accepts. Hold your own test "
        "period out first: every point given may be used for validation."))
    _data_args(tn)
    tn.add_argument("--horizon", type=int, required=True, help="how many steps ahead to forecast")
    tn.add_argument("--seasonal-period", type=int, metavar="M", help="season length (default: from the dates)")
    tn.add_argument("--n-folds", type=int, default=2, help="validation origins, a horizon apart (default 2)")
    tn.add_argument("--time-budget", type=float, default=300.0, help="seconds of search (default 300)")
    tn.add_argument("--n-trials", type=int, help="stop after this many trials (default: the time budget only)")
    tn.add_argument("--seed", type=int, default=0, help="seeds the search and every trial (default 0)")
    tn.add_argument("--out", metavar="FILE", required=True, help="JSON file for the best settings")
    tn.set_defaults(func=run_tune)
    for p in (fit, pred, ev, bt):
        p.set_defaults(func=run)


def _load_data(args):
    from lstmlab.forecast.data import read_csv
    from lstmlab.forecast.datasets import load_dataset

    if args.csv:
        return read_csv(args.csv, args.date_col, args.value_col, args.id_col)
    if args.dataset:
        return load_dataset(args.dataset)
    return None


def _read_config(path: str) -> dict:
    """LSTMForecaster settings from a JSON object; names and the file are checked, values by the model."""
    import inspect
    import json

    from lstmlab.forecast.forecaster import LSTMForecaster

    try:
        config = json.loads(Path(path).read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise LstmlabError(f"{path}: not a JSON settings file ({exc})") from None
    known = set(inspect.signature(LSTMForecaster.__init__).parameters) - {"self"}
    if not isinstance(config, dict) or set(config) - known:
        bad = sorted(set(config) - known) if isinstance(config, dict) else type(config).__name__
        raise LstmlabError(f"{path}: expected a JSON object of LSTMForecaster settings, got {bad}")
    return config


def _model(args):
    from lstmlab.forecast.forecaster import LSTMForecaster

    params = _read_config(args.config) if args.config else {}
    params |= {k: getattr(args, k) for k in MODEL_FLAGS if getattr(args, k) is not None}
    params |= {"horizon": args.horizon, "progress": not args.quiet}
    if args.no_fallback:
        params["fallback"] = False
    return LSTMForecaster(**params)


def run_tune(args) -> int:
    import json

    from lstmlab.atomic import write_text_atomic
    from lstmlab.forecast.tune import tune

    y = _load_data(args)
    if y is None:
        raise LstmlabError("no data: give --csv PATH or --dataset NAME (see `lstmlab datasets`)")
    result = tune(y, args.horizon, args.seasonal_period, n_folds=args.n_folds, time_budget=args.time_budget,
                  n_trials=args.n_trials, seed=args.seed)
    write_text_atomic(args.out, json.dumps(result.params, indent=2) + "\n")
    failed = sum(score is None for _, score in result.trials)
    print(f"{len(result.trials)} trials in {result.seconds:.0f} s ({failed} failed); best mean validation MASE "
          f"{result.mase:.3f} over {args.n_folds} folds: {result.params}")
    print(f"wrote {args.out}; fit with: lstmlab forecast fit --config {args.out} ...")
    return 0


def _out(args) -> Path | None:
    """The output folder, checked now but created only when there is something to write in it."""
    if not args.out:
        return None
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise LstmlabError(f"--out {str(out)!r} is a file: expected a folder (it is created if missing)")
    return out


def _save_fig(fig, path: Path) -> None:
    import matplotlib.pyplot as plt

    save_figure_atomic(fig, path)
    plt.close(fig)


def _table(frame) -> str:
    import pandas as pd

    with pd.option_context("display.width", 120, "display.max_columns", 20):
        return frame.to_string(float_format=lambda v: f"{v:.3f}")


def run(args) -> int:
    from lstmlab.forecast.backtesting import backtest
    from lstmlab.forecast.io import load, save
    from lstmlab.viz.forecast import plot_error_by_step, plot_forecast, plot_loss

    y = _load_data(args)
    if args.action != "predict" and y is None:
        raise LstmlabError("no data: give --csv PATH or --dataset NAME (see `lstmlab datasets`)")
    out = _out(args)

    if args.action == "fit":
        if out is None:
            raise LstmlabError("fit needs --out DIR to save the model")
        model = _model(args).fit(y)
        out.mkdir(parents=True, exist_ok=True)
        save(model, out / "model")
        fc = model.predict(level=args.level)
        print(f"saved model to {out / 'model'} (settings: {model.get_config()})")
        print(_choice_line(model))
        _report_forecast(fc, out, y, model, plot_forecast)
        if model.history_ is not None:
            _save_fig(plot_loss(model.history_), out / "loss.png")
        return 0

    if args.action == "predict":
        model = load(args.model)
        fc = model.predict(horizon=args.horizon, y=y, level=args.level)
        _report_forecast(fc, out, y, model, plot_forecast)
        return 0

    model = _model(args)
    if args.action == "evaluate":
        result = backtest(model, y, n_windows=1, level=args.level)
        print(f"hold-out of the last {args.horizon} points, fitted on the rest:")
    else:
        result = backtest(model, y, n_windows=args.n_windows, stride=args.stride, window=args.window,
                          window_size=args.window_size, refit=not args.no_refit, level=args.level)
        print(f"backtest: {args.n_windows} origin(s), horizon {args.horizon}, {args.window} window")
    print(_table(result.summary()))
    print(result.verdict(type(model).__name__))
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        result.to_csv(out / "backtest.csv")
        _save_fig(plot_error_by_step(result.by_step()), out / "error_by_step.png")
        if args.action == "evaluate":
            _save_fig(_evaluate_plot(result, y, plot_forecast), out / "forecast.png")
        print(f"wrote {out / 'backtest.csv'} and plots in {out}")
    return 0


def _choice_line(model) -> str:
    """Which forecast a fitted LSTMForecaster ships, and the validation errors that chose it."""
    v = model.validation_
    if "lstm" not in v:
        return "no validation windows (every series is short): the LSTM forecasts, unchecked against baselines"
    verdict = "the LSTM forecasts" if model.choice_ == "lstm" else "seasonal naive forecasts (the LSTM lost)"
    unit = "MASE" if model.config_.scaler in ("history", "mase") else "normalised MAE"
    return (f"validation {unit} over {v['windows']} windows: LSTM {v['lstm']:.3f}, seasonal naive "
            f"{v['seasonal_naive']:.3f}: {verdict}")


def _report_forecast(fc, out, y, model, plot_forecast) -> None:
    import pandas as pd

    frame = fc.reset_index(names="ds") if "unique_id" not in fc.columns else fc
    print(_table(frame))
    if out is None:
        return
    out.mkdir(parents=True, exist_ok=True)
    write_csv_atomic(frame, out / "forecast.csv")
    history = y if isinstance(y, pd.Series) else None
    if history is None and model.kind_ != "long" and len(model.series_) == 1:
        s = model.series_[0]
        history = pd.Series(s.values, index=s.index)
    if history is not None and "unique_id" not in fc.columns:
        _save_fig(plot_forecast(history, fc, last=5 * len(fc)), out / "forecast.png")
    print(f"wrote {out / 'forecast.csv'}")


def _evaluate_plot(result, y, plot_forecast):
    import pandas as pd

    f = result.frame[result.frame["model"] == result.frame["model"].iloc[0]]
    uid = f["unique_id"].iloc[0]
    f = f[f["unique_id"] == uid]
    if isinstance(y, pd.DataFrame):
        s = y[y["unique_id"] == uid]
        y = pd.Series(s["y"].to_numpy(), index=pd.DatetimeIndex(s["ds"]))
    hist = y.iloc[:int(f["origin"].iloc[0])]
    fc = pd.DataFrame({"y_hat": f["y_hat"].to_numpy(), "lo": f["lo"].to_numpy(), "hi": f["hi"].to_numpy()},
                      index=pd.Index(f["ds"]))
    actual = pd.Series(f["y"].to_numpy(), index=fc.index)
    return plot_forecast(hist, fc, actual=actual, title=f"Hold-out forecast: {uid}", last=5 * len(fc))
