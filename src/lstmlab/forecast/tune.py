"""Hyperparameter search for LSTMForecaster with Optuna, on rolling validation folds.

``tune(y, horizon=12)`` returns a plain dict of constructor arguments: ``LSTMForecaster(**params)``
fits with them, and ``lstmlab forecast fit --config params.json`` reads them. Optuna is an optional
extra (``pip install lstmlab[tune]``).

Each trial backtests ``LSTMForecaster(horizon, seasonal_period, seed, **trial_params)`` from
``n_folds`` origins ``horizon`` apart at the end of the data (refitted at each, as the folds of a
rolling-origin evaluation) and scores the mean MASE over every forecast. Only the data given is
read: hold your own test period out before tuning, or the tuned settings will have seen it.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass

from lstmlab.errors import LstmlabError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TuneResult:
    """The best settings (``params``, ready for ``LSTMForecaster(**params)``), their mean validation
    MASE, and every trial as (params, MASE or None when the trial failed)."""

    params: dict
    mase: float
    trials: list[tuple[dict, float | None]]
    seconds: float


def search_space(trial) -> dict:
    """The settings a trial draws (Optuna ``trial.suggest_*``)."""
    return {
        "hidden_size": trial.suggest_categorical("hidden_size", [16, 32, 64, 128]),
        "steps": trial.suggest_int("steps", 200, 1200, step=100),
        "learning_rate": trial.suggest_float("learning_rate", 1e-3, 1e-2, log=True),
        "scaler": trial.suggest_categorical("scaler", ["mase", "revin"]),
        "loss": trial.suggest_categorical("loss", ["mae", "mse"]),
        "n_models": trial.suggest_int("n_models", 1, 4),
    }


def tune(y, horizon: int, seasonal_period: int | None = None, n_folds: int = 2, time_budget: float = 300.0,
         n_trials: int | None = None, seed: int = 0, fixed: dict | None = None) -> TuneResult:
    """Search LSTMForecaster settings that minimise the mean MASE over rolling validation folds.

    Parameters
    ----------
    y : what ``fit`` takes (array, Series or long DataFrame).
    horizon : steps ahead; the folds are ``n_folds`` origins ``horizon`` apart at the end of ``y``.
    seasonal_period : m, for the model and for MASE (default: from the dates, else 1).
    time_budget : seconds; no trial starts after it is spent (a running trial finishes).
    n_trials : stop after this many trials (default: only the time budget stops the search).
    seed : seeds the sampler (TPE) and every trial's forecaster.
    fixed : constructor arguments held fixed (e.g. ``{"cell": "gru"}``), not searched.

    Returns
    -------
    TuneResult, whose ``params`` include ``horizon``, ``seasonal_period``, ``seed`` and ``fixed``.
    """
    try:
        import optuna
    except ImportError:
        raise LstmlabError("tuning needs Optuna: pip install 'lstmlab[tune]'") from None
    from lstmlab.forecast.backtesting import backtest
    from lstmlab.forecast.forecaster import LSTMForecaster

    if time_budget <= 0 or (n_trials is not None and n_trials < 1):
        raise LstmlabError(f"time_budget={time_budget}, n_trials={n_trials}: expected a positive budget")
    import inspect

    known = set(inspect.signature(LSTMForecaster.__init__).parameters) - {"self"}
    unknown = sorted(set(fixed or {}) - known)
    if unknown:
        raise LstmlabError(f"fixed settings {unknown} are not LSTMForecaster parameters")
    base = {"horizon": horizon, "seed": seed, **(fixed or {})}
    if seasonal_period is not None:
        base["seasonal_period"] = seasonal_period
    LSTMForecaster(**base)._check_positive(horizon, "horizon")
    trials: list[tuple[dict, float | None]] = []

    def objective(trial) -> float:
        params = base | search_space(trial)
        try:
            result = backtest(LSTMForecaster(**params), y, n_windows=n_folds, level=None, baselines=False,
                              seasonal_period=seasonal_period)
        except LstmlabError as exc:  # e.g. too little data for these settings: a failed trial, not a crash
            log.info("trial %d failed: %s", trial.number, exc)
            trials.append((params, None))
            raise optuna.TrialPruned() from None
        score = float(result.summary()["mase"].iloc[0])
        trials.append((params, score))
        return score if math.isfinite(score) else float("inf")

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    study = optuna.create_study(direction="minimize", sampler=optuna.samplers.TPESampler(seed=seed))
    start = time.perf_counter()
    study.optimize(objective, n_trials=n_trials, timeout=time_budget)
    done = [t for t in trials if t[1] is not None]
    if not done:
        raise LstmlabError("no trial finished: the data may be too short for n_folds folds of this horizon")
    best = min(done, key=lambda t: t[1])
    return TuneResult(best[0], best[1], trials, time.perf_counter() - start)
