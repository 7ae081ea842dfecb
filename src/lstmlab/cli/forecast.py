"""``lstmlab forecast fit|predict|backtest|evaluate``: forecasting from the command line."""

from __future__ import annotations

import argparse
from pathlib import Path

from lstmlab.errors import LstmlabError
from lstmlab.forecast.covariates import covariate_columns
from lstmlab.forecast.forecaster import SAMPLES
from lstmlab.forecast.panel import SCALERS
from lstmlab.glassbox.networks import CELL_NAMES

DESCRIPTION = """\
Forecast a time series with an LSTM and compare it with simple baselines.

Data: a CSV file (FILE, or --csv PATH) or a built-in dataset (--dataset NAME; see `lstmlab datasets`).
A CSV holds one series (a date column and a value column) or many in long format (columns
unique_id, ds, y, or name the series column with --id-col). Separators , ; tab | and decimal
commas are recognised; day-first dates need --dayfirst (or --date-format). With many series,
each is checked on its own: one that cannot be used is left out with its reason in series.csv,
and the others go on.

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

GRID = 9  # series drawn in forecast.png when there are many
MODEL_FLAGS = ("seasonal_period", "input_size", "cell", "hidden_size", "num_layers", "dropout", "steps",
               "batch_size", "final_steps", "learning_rate", "scaler", "loss", "n_models", "sample", "seed", "device")


SOURCES = (("--csv", "PATH", "CSV file: a date column and a value column, or many series in long format"),
           ("--parquet", "PATH", "Parquet file, columns as for --csv (needs pyarrow: pip install 'lstmlab[parquet]')"),
           ("--dataset", "NAME", "a built-in series, e.g. airpassengers (`lstmlab datasets` lists them)"))
COLUMNS = (("--date-col", "date column (default: 'ds', else the first column that reads as dates)"),
           ("--value-col", "value column (default: 'y', else the first numeric column)"),
           ("--id-col", "series-name column, for many series in one file (default: 'unique_id' if present)"))


def _data_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("data (one of FILE / --csv / --parquet / --dataset)")
    src = g.add_mutually_exclusive_group()
    src.add_argument("file", nargs="?", metavar="FILE",
                     help="a data file: read as --parquet if it ends in .parquet or .pq, else as --csv")
    for flag, metavar, text in SOURCES:
        src.add_argument(flag, metavar=metavar, help=text)
    for flag, text in COLUMNS:
        g.add_argument(flag, metavar="COL", help=text)
    g.add_argument("--dayfirst", action="store_true", help="read dates such as 01/02/2020 as 1 February")
    g.add_argument("--date-format", metavar="FMT", help="the dates' format, e.g. '%%d.%%m.%%Y' (strftime codes)")


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
    g.add_argument("--steps", type=int, help="optimiser steps per network of the validation run (default: auto, 500 "
                   "to 800)")
    g.add_argument("--batch-size", type=int, help="windows per step (default: 96 for one series, 256 for several)")
    g.add_argument("--final-steps", type=int, metavar="N",
                   help="steps the final networks continue from the validation run's (default: half of --steps; "
                        "0: train them afresh for --steps)")
    g.add_argument("--learning-rate", type=float,
                   help="peak learning rate (default: 0.005 for one series, 0.003 for several)")
    g.add_argument("--scaler", choices=SCALERS,
                   help="window normalisation (default: revin for one series, history for several; "
                        "mase, one scale per series, scored lower MAPE but higher MASE on Tourism)")
    g.add_argument("--loss", choices=("mae", "mse", "mape"),
                   help="training loss (default: mse for one series, mae for several)")
    g.add_argument("--n-models", type=int,
                   help="ensemble size, median forecast (default: 1 for one series, 4 for several)")
    g.add_argument("--sample", choices=SAMPLES,
                   help="draw training windows uniformly over series (default) or over windows")
    g.add_argument("--no-fallback", action="store_true",
                   help="keep the LSTM alone even if seasonal naive, or an average with it or with the Theta "
                        "method, is better on validation")
    g.add_argument("--pretrained", metavar="WHERE",
                   help="auto (default: one yearly, quarterly or monthly series with default network settings is "
                        "forecast by the ensemble shipped with lstmlab, pre-trained on M1 and Tourism), shipped "
                        "(always, for one series or many), a folder of your own pre-trained files, or none "
                        "(always train)")
    g.add_argument("--seed", type=int, help="random seed (default 0)")
    g.add_argument("--distribution", choices=("student_t", "negative_binomial"),
                   help="a distribution head trained by its likelihood: student_t (any values) or "
                        "negative_binomial (counts); its median is the forecast and --quantiles its quantiles")
    g.add_argument("--seasonal-adjust", choices=("auto", "on", "off"),
                   help="divide each series by its multiplicative seasonal indices before training and multiply the "
                        "forecasts back: auto (default: on for several series with a season, without --distribution), on or off")
    g.add_argument("--mixed-precision", action="store_true",
                   help="train in float16 autocast with a gradient scaler (CUDA only)")
    g.add_argument("--device", choices=("auto", "cpu", "cuda", "mps"),
                   help="where to train: auto (default: CUDA, else MPS, else CPU), cpu, cuda or mps")
    g.add_argument("--config", metavar="JSON",
                   help="LSTMForecaster settings from a JSON file (e.g. written by `forecast tune`); "
                        "flags given on the command line override it")


def _common(p: argparse.ArgumentParser, writes: str, level: bool = True) -> None:
    p.add_argument("--out", metavar="DIR", help=f"folder for {writes} (created if needed)")
    p.add_argument("--plot-all", action="store_true",
                   help=f"with many series, also draw one plot per series in DIR/plots/ (forecast.png shows at "
                        f"most {GRID})")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    if level:
        p.add_argument("--level", type=float, default=0.9,
                       help="prediction-interval coverage, e.g. 0.9 for 90%% (default 0.9)")


EXAMPLES = {
    "fit": """\
  lstmlab forecast fit --dataset airpassengers --horizon 12 --out fit-air
  lstmlab forecast fit --csv sales.csv --horizon 6 --dayfirst --out fit-sales
  lstmlab forecast fit --csv stores.csv --id-col store --horizon 8 --plot-all --out fit-stores
  lstmlab forecast fit --csv sales.csv --horizon 8 --future-covariates price,promo --past-covariates visits \\
      --static-covariates region --calendar month --future future.csv --out fit-sales""",
    "predict": """\
  lstmlab forecast predict --model fit-air
  lstmlab forecast predict --model fit-air --csv newer.csv --horizon 6 --out pred-air
  lstmlab forecast predict --model fit-air --quantiles 0.05,0.5,0.95
  lstmlab forecast predict --model fit-sales --future future.csv --out pred-sales""",
    "evaluate": """\
  lstmlab forecast evaluate --dataset airpassengers --horizon 12 --out eval-air
  lstmlab forecast evaluate --csv stores.csv --id-col store --horizon 8 --out eval-stores""",
    "backtest": """\
  lstmlab forecast backtest --dataset co2 --horizon 12 --n-windows 4 --out bt-co2
  lstmlab forecast backtest --dataset nile --horizon 10 --n-windows 3 --no-refit
  lstmlab forecast backtest --dataset co2 --horizon 12 --quantiles 0.1,0.5,0.9
  lstmlab forecast backtest --csv sales.csv --horizon 8 --future-covariates price,promo --n-windows 3""",
    "tune": """\
  lstmlab forecast tune --dataset airpassengers --horizon 12 --time-budget 120 --out air.json
  lstmlab forecast fit --dataset airpassengers --horizon 12 --config air.json --out fit-air""",
}


def _levels(text: str) -> list[float]:
    """argparse type: comma-separated numbers, e.g. '0.1,0.5,0.9' (ranges are checked by predict)."""
    try:
        return [float(v) for v in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated numbers such as 0.1,0.5,0.9, got {text!r}")


def _names(text: str) -> list[str]:
    """argparse type: comma-separated column names, e.g. 'price,promo'."""
    names = [v.strip() for v in text.split(",")]
    if not all(names):
        raise argparse.ArgumentTypeError(f"expected comma-separated column names such as price,promo, got {text!r}")
    return names


COVARIATE_FLAGS = ("past_covariates", "future_covariates", "static_covariates", "calendar")


def _covariate_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("covariates (columns of the --csv/--parquet file beside the series)")
    g.add_argument("--future-covariates", type=_names, metavar="COLS",
                   help="columns known ahead (prices, promotions): read for the history and the horizon; the "
                        "forecast needs them for the horizon (--future FILE)")
    g.add_argument("--past-covariates", type=_names, metavar="COLS",
                   help="columns observed with the series: read only up to each forecast's origin")
    g.add_argument("--static-covariates", type=_names, metavar="COLS",
                   help="one value per series: numbers, or categories (text) read through an embedding")
    g.add_argument("--calendar", type=_names, metavar="FEATURES",
                   help="calendar features from the dates, e.g. month or dayofweek,hour (sine and cosine pairs)")


def _future_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--future", metavar="FILE",
                   help="CSV of the future covariates for the horizon: ds, unique_id (with many series) and "
                        "the --future-covariates columns")


def _quantile_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--quantiles", type=_levels, metavar="LIST",
                   help="also write these quantiles, e.g. 0.1,0.5,0.9 (columns q0.1, ...: bounds of conformal "
                        "intervals, each with its coverage guarantee)")


def _samples_arg(p: argparse.ArgumentParser, scores: bool) -> None:
    p.add_argument("--samples", type=int, metavar="N",
                   help="also draw N sample paths per series and score them by CRPS (scaled like MASE)" if scores
                   else "also draw N sample paths per series, written to DIR/samples.csv ([unique_id,] ds, sample, y)")


def _score_quantiles_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--quantiles", type=_levels, metavar="LIST",
                   help="also forecast these quantiles, e.g. 0.1,0.5,0.9, and score them: CRPS (scaled like "
                        "MASE) and weighted quantile loss per model")


def _sub(sub, name: str, help: str, description: str) -> argparse.ArgumentParser:
    return sub.add_parser(name, help=help, description=description, epilog="Examples:\n" + EXAMPLES[name],
                          formatter_class=argparse.RawDescriptionHelpFormatter)


def register(subparsers) -> None:
    parser = subparsers.add_parser("forecast", help="forecast a series with an LSTM, beside baselines",
                                   description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    fit = _sub(sub, "fit", "train on a series and save the model", (
        "Train an LSTM forecaster on the whole series (or every series of a long file), save it to "
        "DIR/model, and write the next --horizon forecasts (forecast.csv, forecast.png) and the "
        "training curves (loss.png); with many series, also series.csv: one line per series."))
    _data_args(fit)
    _model_args(fit)
    _covariate_args(fit)
    _future_arg(fit)
    _common(fit, "the model (DIR/model), forecast.csv, series.csv and the plots")
    _quantile_arg(fit)
    _samples_arg(fit, scores=False)
    pred = _sub(sub, "predict", "forecast with a saved model", (
        "Forecast with a model saved by `lstmlab forecast fit`: after its training data, or after "
        "a new history given with --csv/--dataset."))
    pred.add_argument("--model", metavar="DIR", required=True,
                      help="the folder given to `fit --out` (or the model folder inside it)")
    pred.add_argument("--horizon", type=int, help="steps ahead (at most the model's horizon)")
    _data_args(pred)
    _future_arg(pred)
    _common(pred, "forecast.csv, series.csv and forecast.png; no model files")
    _quantile_arg(pred)
    _samples_arg(pred, scores=False)
    ev = _sub(sub, "evaluate", "hold out the last horizon, score model and baselines", (
        "Fit on all but the last --horizon points, forecast them, and print MAE, RMSE, MASE, sMAPE "
        "and interval coverage of the model beside the baselines; with many series, the error of "
        "each series too (series.csv, error_by_series.png)."))
    _data_args(ev)
    _model_args(ev)
    _common(ev, "backtest.csv, series.csv and the plots")
    _score_quantiles_arg(ev)
    _samples_arg(ev, scores=True)
    _covariate_args(ev)
    bt = _sub(sub, "backtest", "rolling-origin evaluation, model beside baselines", (
        "Forecast from --n-windows origins, --stride points apart, ending --horizon points before "
        "the end of the series; print errors of the model beside the baselines, and write every "
        "forecast (backtest.csv) and the error by horizon step (error_by_step.png). A series too "
        "short for the origins is left out, with its reason, and the others go on."))
    _data_args(bt)
    _model_args(bt)
    _common(bt, "backtest.csv, series.csv and the plots")
    _score_quantiles_arg(bt)
    _samples_arg(bt, scores=True)
    _covariate_args(bt)
    bt.add_argument("--n-windows", type=int, default=3, help="number of forecast origins (default 3)")
    bt.add_argument("--stride", type=int, help="points between origins (default: the horizon)")
    bt.add_argument("--window", choices=("expanding", "sliding"), default="expanding",
                    help="train on all history before each origin, or on the last --window-size points")
    bt.add_argument("--window-size", type=int, help="points of history per fit with --window sliding")
    bt.add_argument("--no-refit", action="store_true", help="fit once at the first origin only (faster)")
    tn = _sub(sub, "tune", "search LSTM settings with Optuna (pip install 'lstmlab[tune]')", (
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
    _covariate_args(tn)
    tn.set_defaults(func=run_tune)
    for p in (fit, pred, ev, bt):
        p.set_defaults(func=run)


def _load_data(args, required: bool = True, keep: tuple = ()):
    """The data named on the command line (None, when not ``required``, if none is named); a long frame
    comes back with only the series that pass their checks, and ``args.left_out`` / ``args.points`` say
    what happened to each series. ``keep``: covariate columns to keep beside the series."""
    import pandas as pd

    from lstmlab.forecast.csvfile import read_csv, read_parquet
    from lstmlab.forecast.data import split_series
    from lstmlab.forecast.datasets import load_dataset

    args.left_out, args.points = {}, None
    if args.file:  # a bare path: its suffix says which reader
        parquet = Path(args.file).suffix.lower() in (".parquet", ".pq")
        args.parquet, args.csv = (args.file, None) if parquet else (None, args.file)
    if args.csv:
        y = read_csv(args.csv, args.date_col, args.value_col, args.id_col, args.dayfirst, args.date_format, keep)
    elif args.parquet:
        y = read_parquet(args.parquet, args.date_col, args.value_col, args.id_col, keep)
    elif args.dataset:
        if keep:
            raise LstmlabError(f"covariates ({', '.join(keep)}) are columns of a --csv or --parquet file, and a "
                               "built-in --dataset has none")
        y = load_dataset(args.dataset)
    elif required:
        raise LstmlabError("no data: give a file (FILE or --csv PATH) or --dataset NAME (see `lstmlab datasets`)")
    else:
        return None
    if isinstance(y, pd.DataFrame):
        args.points = y.groupby("unique_id", sort=False).size()
        y, args.left_out = split_series(y)
        if y.empty:
            first = "; ".join(f"{uid}: {why}" for uid, why in list(args.left_out.items())[:3])
            raise LstmlabError(f"none of the {len(args.points)} series in {args.csv or args.parquet} can be used "
                               f"({first})")
    return y


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
    if args.mixed_precision:
        params["mixed_precision"] = True
    if args.distribution is not None:
        params["distribution"] = args.distribution
    if args.pretrained is not None:
        params["pretrained"] = None if args.pretrained == "none" else args.pretrained
    if args.seasonal_adjust is not None:
        params["seasonal_adjust"] = {"auto": None, "on": True, "off": False}[args.seasonal_adjust]
    params |= {k: getattr(args, k) for k in COVARIATE_FLAGS if getattr(args, k, None) is not None}
    return LSTMForecaster(**params)


def _future(args):
    """The --future file's frame (None without one), read before anything is trained or written."""
    from lstmlab.forecast.csvfile import read_future

    return read_future(args.future, args.dayfirst, args.date_format) if getattr(args, "future", None) else None


def _for_model(future, model):
    """A one-series model's future file may leave unique_id out."""
    if future is not None and "unique_id" not in future.columns and len(model.series_) == 1:
        future = future.assign(unique_id=model.series_[0].uid)
    return future


def run_tune(args) -> int:
    import json

    from lstmlab.atomic import write_text_atomic
    from lstmlab.forecast.tune import tune

    fixed = {k: getattr(args, k) for k in COVARIATE_FLAGS if getattr(args, k, None) is not None}
    y = _load_data(args, keep=covariate_columns(fixed))
    result = tune(y, args.horizon, args.seasonal_period, n_folds=args.n_folds, time_budget=args.time_budget,
                  n_trials=args.n_trials, seed=args.seed, fixed=fixed)
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


def run(args) -> int:
    """Under torchrun every rank trains; only rank 0 prints and writes (see lstmlab.nn.distributed)."""
    import contextlib
    import os

    from lstmlab.nn.distributed import is_writer

    if args.action == "fit" and not args.out:
        raise LstmlabError("fit needs --out DIR to save the model")
    if is_writer():
        return _run(args)
    args.out = None
    with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink):
        if args.action == "fit":  # train with the others, write nothing
            model = _model(args)
            model.fit(_load_data(args, keep=covariate_columns(model.get_params())))
            return 0
        return _run(args)


def _run(args) -> int:
    from lstmlab.cli import forecast_output as output
    from lstmlab.forecast.backtesting import backtest
    from lstmlab.forecast.data import to_series_list
    from lstmlab.forecast.io import load
    from lstmlab.forecast.paths import check_samples
    from lstmlab.viz.forecast import plot_error_by_series, plot_error_by_step, plot_loss

    if args.samples is not None:  # before anything is trained
        check_samples(args.samples)
    model = _model(args) if args.action != "predict" else load(_model_dir(args.model))
    y = _load_data(args, required=args.action != "predict", keep=covariate_columns(model.get_params()))
    out = _out(args)
    report = output.SeriesReport(args.points, args.left_out)
    report.print_left_out()

    if args.action in ("fit", "predict"):
        future = _future(args)  # a bad file fails before training
        if args.action == "fit":  # the forecast is made before anything is written: an error leaves nothing
            model.fit(y)
            if model.config_.future_covariates and future is None:
                _save(model, out)
                print("no forecast: the model reads future covariates; give --future FILE here, or to "
                      "`lstmlab forecast predict --model DIR --future FILE`")
                return 0
        h = args.horizon if args.action == "predict" else None
        fc = model.predict(horizon=h, y=y, level=args.level, quantiles=args.quantiles,
                           future=_for_model(future, model))
        paths = None if args.samples is None else model.sample_paths(args.samples, horizon=h, y=y,
                                                                     future=_for_model(future, model))
        if args.action == "fit":
            _save(model, out)
        frame = fc.reset_index(names="ds") if "unique_id" not in fc.columns else fc
        print(output.table(frame))
        if out is not None:
            out.mkdir(parents=True, exist_ok=True)
            output.write_csv(frame, out / "forecast.csv")
            if paths is not None:
                output.write_csv(paths, out / "samples.csv")
            series = model.series_ if y is None or args.action == "fit" else to_series_list(y)[0]
            output.plots(output.forecast_panels(series, fc), out, "Forecast", args.plot_all, GRID)
            report.write(out, "forecast")
            if args.action == "fit" and model.history_ is not None:
                output.save_figure(plot_loss(model.history_), out / "loss.png")
        return 0

    if args.action == "evaluate":
        result = backtest(model, y, n_windows=1, level=args.level, quantiles=args.quantiles, samples=args.samples)
        print(f"hold-out of the last {args.horizon} points, fitted on the rest:")
    else:
        result = backtest(model, y, n_windows=args.n_windows, stride=args.stride, window=args.window,
                          window_size=args.window_size, refit=not args.no_refit, level=args.level,
                          quantiles=args.quantiles, samples=args.samples)
        print(f"backtest: {args.n_windows} origin(s), horizon {args.horizon}, {args.window} window")
    report.skip(result.skipped)
    report.print_left_out(result.skipped, "too short for the origins")
    print(output.table(result.summary()))
    print(result.verdict(type(model).__name__))
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        result.to_csv(out / "backtest.csv")
        output.save_figure(plot_error_by_step(result.by_step()), out / "error_by_step.png")
        series = [s for s in to_series_list(y)[0] if s.uid not in result.skipped]
        output.plots(output.holdout_panels(result, series), out, "Last hold-out forecast", args.plot_all, GRID)
        errors = result.by_series()
        if len(errors) > 1:
            name, base = type(model).__name__, output.best_baseline(result)
            output.save_figure(plot_error_by_series(errors, name, base, title=f"MASE by series: {name} against "
                                                    f"{base}"), out / "error_by_series.png")
        report.write(out, "evaluated", errors)
        print(f"wrote {out / 'backtest.csv'} and plots in {out}")
    return 0


def _save(model, out: Path) -> None:
    from lstmlab.forecast.io import save

    out.mkdir(parents=True, exist_ok=True)
    save(model, out / "model")
    cfg = model.config_
    what = (f"the pre-trained {Path(cfg.pretrained.split(': ')[0]).name}" if cfg.pretrained else
            f"{len(cfg.input_sizes)} {cfg.cell.upper()} network(s) of {cfg.hidden_size} units, {cfg.steps} steps each"
            + (f", then {cfg.final_steps} more on every window" if cfg.final_steps else ""))
    print(f"saved model to {out / 'model'} ({what}; every setting in {out / 'model' / 'config.json'})")
    print(_choice_line(model))


def _model_dir(path: str) -> Path:
    """The model folder: ``path`` itself, or the ``model`` folder that `fit --out` wrote inside it."""
    p = Path(path)
    if not (p / "config.json").exists() and (p / "model" / "config.json").exists():
        return p / "model"
    return p


def _choice_line(model) -> str:
    """Which forecast a fitted LSTMForecaster ships, and the validation errors that chose it."""
    v, pre = model.validation_, model.config_.pretrained
    lstm = f"the pre-trained LSTM ({Path(pre.split(': ')[0]).name})" if pre else "the LSTM"
    if "lstm" not in v:
        return f"no validation windows (every series is short): {lstm} forecasts, unchecked against baselines"
    parts = ((1 - model.blend_ - model.theta_ - model.holt_winters_, lstm), (model.blend_, "seasonal naive"),
             (model.theta_, "Theta"), (model.holt_winters_, "Holt-Winters"))
    verdict = {"lstm": f"{lstm} forecasts", "seasonal_naive": "seasonal naive forecasts (the LSTM lost)",
               "blend": " + ".join(f"{w:g} x {name}" for w, name in parts if w) +
                        f" forecasts (that average: {v.get('chosen', float('nan')):.3f})"}[model.choice_]
    unit = ("MAPE (a fraction)" if model.config_.loss == "mape" else
            "MASE" if model.config_.scaler in ("history", "mase") else "normalised MAE")
    where = "every window of the history" if pre else "validation"
    theta = "".join(f", {name} {v[key]:.3f}" for key, name in (("theta", "Theta"), ("holt_winters", "Holt-Winters"))
                    if key in v)
    return (f"{where}, {unit} over {v['windows']} windows: LSTM {v['lstm']:.3f}, seasonal naive "
            f"{v['seasonal_naive']:.3f}{theta}: {verdict}")
