"""lstmlab's LSTMForecaster beside the LSTMs of darts, neuralforecast and pytorch-forecasting.

The two tasks and their protocol are those of benchmarks/bench_forecast.py (docs/forecasting.md,
"Benchmarks"); every library sees the same training points, forecasts the same windows from the same
histories, and is scored with ``lstmlab.forecast.metrics.mae`` on the same targets. The peers need
their own environment (benchmarks/requirements-peers.txt); run on one pinned CPU thread:

    OMP_NUM_THREADS=1 taskset -c 1 /tmp/peers-venv/bin/python benchmarks/bench_forecast_peers.py --task all --seeds 3

Tasks
-----
seed : the tutorial's series, windows 50 -> 10; training data y[:811] (the 752 training windows),
    test: the last 189 windows (histories y[i:i+50], targets y[i+50:i+60], i = 752..940).
airpassengers : training data: the first 120 months; test: 12 months from origins 120 and 132,
    from the 24 months before each origin (24 points).

Configurations (chosen from each library's documentation, not tuned on the test windows)
--------------------------------------------------------------------------------------
Validation, for every peer: the chronologically last 20 % of the training windows (as lstmlab's
val_fraction=0.2), their targets after every training target (the peer trains on the points
before them); early stopping on the validation loss, then the peer forecasts with the weights it
stopped with (none of the three restores the best epoch unless asked to, nor refits).
Training budget, fixed before any test score was seen, by lstmlab's own default rule: at least
1000 optimiser steps (epochs = max(100, ceil(1000 / steps per epoch))), patience a quarter of
that. With a fixed patience of 10 epochs, darts and pytorch-forecasting stop after 20 and 10
steps on AirPassengers' 57 training windows, which is no fair trial of their LSTMs.

darts : ``BlockRNNModel(model="LSTM", input_chunk_length=L, output_chunk_length=H, hidden_dim=64)``,
    darts' defaults otherwise (1 layer, Adam lr 1e-3, batch 32, MSE), EarlyStopping(val_loss);
    a ``Scaler()`` (min-max) fitted on the training series.
    "darts+revin": the same with ``use_reversible_instance_norm=True``.
neuralforecast : ``LSTM(h=H, input_size=L, scaler_type="robust")`` with the library's defaults
    (2 layers of 128, MLP decoder, MAE loss, max_steps=1000, lr 1e-3, 128 windows a batch),
    validation every 50 steps, early_stop_patience_steps=5 (250 steps).
pytorch-forecasting : ``RecurrentNetwork(cell_type="LSTM", hidden_size=64, rnn_layers=2)`` from a
    TimeSeriesDataSet with encoder L and prediction H (target normalizer "auto": a per-window
    EncoderNormalizer here), lr 1e-3, batch 64, gradient_clip_val 0.1, EarlyStopping(val_loss), as
    in the library's tutorials. It decodes autoregressively.
lstmlab : ``LSTMForecaster`` as in bench_forecast.py (defaults, input sizes 50 and 24).

Fit time is ``time.perf_counter`` around the library's fit call only (data preparation and
forecasting excluded); torch uses one thread.
"""

from __future__ import annotations

import argparse
import logging
import math
import os
import statistics
import time
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

LIBS = ("lstmlab", "darts", "darts+revin", "neuralforecast", "pytorch-forecasting")
VAL_FRACTION = 0.2
MIN_STEPS = 1000  # lstmlab's default budget: about 1000 optimiser steps, patience a quarter of the epochs


def budget(n_windows: int, batch_size: int) -> tuple[int, int]:
    """(max epochs, patience in epochs) for ``n_windows`` training windows."""
    epochs = max(100, math.ceil(MIN_STEPS / math.ceil(n_windows / batch_size)))
    return epochs, epochs // 4


@dataclass(frozen=True)
class Task:
    """One benchmark task: the training series, the test histories and their targets."""

    name: str
    train: np.ndarray  # (T,) every point a model may train on
    X: np.ndarray  # (N, L) test histories
    Y: np.ndarray  # (N, H) test targets
    origins: np.ndarray  # (N,) index of each history's first target in the full series
    full: np.ndarray  # (T_full,) the full series (histories and targets are slices of it)
    index: pd.Index  # (T_full,) time stamps of the full series
    freq: str | int
    seasonal_period: int

    @property
    def L(self) -> int:
        return self.X.shape[1]

    @property
    def H(self) -> int:
        return self.Y.shape[1]

    @property
    def n_val_points(self) -> int:
        """Points at the end of ``train`` whose windows validate: round(0.2 * windows) windows,
        all of whose targets come after every training target."""
        n_win = len(self.train) - self.L - self.H + 1
        return round(VAL_FRACTION * n_win) + self.H - 1


def seed_task() -> Task:
    from lstmlab.forecast import load_dataset
    from lstmlab.forecast.windows import sliding_windows

    y = load_dataset("synthetic", legacy_seed=0).to_numpy()  # (1000,)
    X, Y = sliding_windows(y, 50, 10)  # (941, 50), (941, 10)
    n_train = int(0.8 * len(X))  # 752
    return Task("seed", y[:n_train + 59], X[n_train:], Y[n_train:], np.arange(n_train, len(X)) + 50, y,
                pd.RangeIndex(len(y)), 1, 50)


def airpassengers_task() -> Task:
    from lstmlab.forecast import load_dataset

    s = load_dataset("airpassengers")  # (144,) monthly
    v = s.to_numpy()
    origins = np.array([120, 132])
    return Task("airpassengers", v[:120], np.stack([v[o - 24:o] for o in origins]),
                np.stack([v[o:o + 12] for o in origins]), origins, v, s.index, "MS", 12)


# ---- one function per library: (task, seed) -> (fit seconds, forecasts (N, H), training length) ----

def run_lstmlab(task: Task, seed: int) -> tuple[float, np.ndarray, str]:
    from lstmlab.forecast import LSTMForecaster

    if task.name == "seed":  # exactly as benchmarks/bench_forecast.py
        model = LSTMForecaster(horizon=10, seasonal_period=50, input_size=50, seed=seed)
    else:
        model = LSTMForecaster(horizon=12, seasonal_period=12, input_size=24, seed=100 * seed)
    t0 = time.perf_counter()
    model.fit(task.train)
    seconds = time.perf_counter() - t0
    trained = f"{model.config_.steps} steps per network, {len(model.config_.input_sizes)} network(s) + a validation run"
    return seconds, model.predict_windows(task.X), trained


def _quiet_trainer_kwargs() -> dict:
    return {"accelerator": "cpu", "enable_progress_bar": False, "enable_model_summary": False, "logger": False}


def run_darts(task: Task, seed: int, revin: bool = False) -> tuple[float, np.ndarray, str]:
    from darts import TimeSeries
    from darts.dataprocessing.transformers import Scaler
    from darts.models import BlockRNNModel
    from pytorch_lightning.callbacks import EarlyStopping

    def ts(lo: int, hi: int) -> TimeSeries:  # a slice of the full series with its time stamps
        return TimeSeries.from_times_and_values(task.index[lo:hi], task.full[lo:hi].astype(np.float32))

    T, v, L, H = len(task.train), task.n_val_points, task.L, task.H
    scaler = Scaler()  # min-max to [0, 1], fitted on the training series only
    scaler.fit(ts(0, T))
    quiet()
    train, val = scaler.transform(ts(0, T - v)), scaler.transform(ts(T - v - L, T))
    epochs, patience = budget(T - v - L - H + 1, 32)
    model = BlockRNNModel(model="LSTM", input_chunk_length=L, output_chunk_length=H, hidden_dim=64,
                          n_epochs=epochs, random_state=seed, use_reversible_instance_norm=revin,
                          pl_trainer_kwargs={**_quiet_trainer_kwargs(), "enable_checkpointing": False,
                                             "callbacks": [EarlyStopping("val_loss", patience=patience)]})
    t0 = time.perf_counter()
    model.fit(train, val_series=val, verbose=False)
    seconds = time.perf_counter() - t0
    trained = f"{model.epochs_trained}/{epochs} epochs"
    histories = [scaler.transform(ts(o - L, o)) for o in task.origins]
    preds = model.predict(n=H, series=histories, verbose=False)
    return seconds, np.stack([scaler.inverse_transform(p).values()[:, 0] for p in preds]).astype(np.float64), trained


def run_neuralforecast(task: Task, seed: int) -> tuple[float, np.ndarray, str]:
    from neuralforecast import NeuralForecast
    from neuralforecast.models import LSTM

    def frame(uid: str, lo: int, hi: int) -> pd.DataFrame:
        return pd.DataFrame({"unique_id": uid, "ds": task.index[lo:hi], "y": task.full[lo:hi]})

    quiet()
    L, H = task.L, task.H
    model = LSTM(h=H, input_size=L, scaler_type="robust", val_check_steps=50, early_stop_patience_steps=5,
                 random_seed=seed, enable_checkpointing=False, **_quiet_trainer_kwargs())
    nf = NeuralForecast(models=[model], freq=task.freq)
    train = frame("train", 0, len(task.train))
    t0 = time.perf_counter()
    nf.fit(train, val_size=task.n_val_points)
    seconds = time.perf_counter() - t0
    steps = [step for step, _ in nf.models[0].train_trajectories]
    trained = f"{max(steps, default=0) + 1}/1000 steps"
    histories = pd.concat([frame(f"w{k:04d}", o - L, o) for k, o in enumerate(task.origins)])
    out = nf.predict(df=histories).sort_values(["unique_id", "ds"])
    return seconds, out["LSTM"].to_numpy(np.float64).reshape(len(task.origins), H), trained


def run_pytorch_forecasting(task: Task, seed: int) -> tuple[float, np.ndarray, str]:
    import lightning.pytorch as pl
    from lightning.pytorch.callbacks import EarlyStopping
    from pytorch_forecasting import RecurrentNetwork, TimeSeriesDataSet

    quiet()
    L, H, T, v = task.L, task.H, len(task.train), task.n_val_points
    full = pd.DataFrame({"time_idx": np.arange(len(task.full)), "g": "0", "y": task.full.astype(np.float64)})
    data = full[full.time_idx < T]
    training = TimeSeriesDataSet(data[data.time_idx < T - v], time_idx="time_idx", target="y", group_ids=["g"],
                                 max_encoder_length=L, min_encoder_length=L, max_prediction_length=H,
                                 min_prediction_length=H, time_varying_unknown_reals=["y"])
    validation = TimeSeriesDataSet.from_dataset(training, data, min_prediction_idx=T - v, stop_randomization=True)
    pl.seed_everything(seed, verbose=False)
    model = RecurrentNetwork.from_dataset(training, cell_type="LSTM", hidden_size=64, rnn_layers=2,
                                          learning_rate=1e-3)
    epochs, patience = budget(len(training), 64)
    trainer = pl.Trainer(max_epochs=epochs, gradient_clip_val=0.1, enable_checkpointing=False,
                         callbacks=[EarlyStopping("val_loss", patience=patience)], **_quiet_trainer_kwargs())
    train_dl = training.to_dataloader(train=True, batch_size=64, num_workers=0)
    val_dl = validation.to_dataloader(train=False, batch_size=256, num_workers=0)
    t0 = time.perf_counter()
    trainer.fit(model, train_dataloaders=train_dl, val_dataloaders=val_dl)
    seconds = time.perf_counter() - t0
    trained = f"{trainer.current_epoch}/{epochs} epochs"
    test = TimeSeriesDataSet.from_dataset(training, full, min_prediction_idx=int(task.origins.min()),
                                          stop_randomization=True)
    pred = model.predict(test.to_dataloader(train=False, batch_size=256, num_workers=0), return_index=True,
                         trainer_kwargs=_quiet_trainer_kwargs())
    by_origin = dict(zip(pred.index["time_idx"].to_numpy(), pred.output.numpy().astype(np.float64)))
    return seconds, np.stack([by_origin[o] for o in task.origins]), trained  # (N, H)


RUNNERS = {"lstmlab": run_lstmlab, "darts": run_darts, "darts+revin": lambda t, s: run_darts(t, s, revin=True),
           "neuralforecast": run_neuralforecast, "pytorch-forecasting": run_pytorch_forecasting}


def seasonal_naive_mae(task: Task) -> float:
    from lstmlab.forecast import mae

    m, H = task.seasonal_period, task.H
    pred = np.stack([task.full[o - m:o - m + H] for o in task.origins])  # (N, H), H <= m here
    return float(mae(task.Y, pred))


def benchmark(task: Task, libs: list[str], seeds: int) -> None:
    from lstmlab.forecast import mae

    L, H = task.L, task.H  # the peers cut histories from ``full`` by origin: they must be X and Y exactly
    if not all(np.array_equal(task.full[o - L:o], x) and np.array_equal(task.full[o:o + H], y)
               for o, x, y in zip(task.origins, task.X, task.Y)):
        raise RuntimeError(f"task {task.name}: origins do not match the test windows")
    print(f"\n== {task.name}: train {len(task.train)} points, {len(task.X)} test windows {task.L} -> {task.H}, "
          f"validation: last {task.n_val_points} training points ==")
    print(f"seasonal naive (m={task.seasonal_period}): MAE {seasonal_naive_mae(task):.3f}")
    rows = {}
    for lib in libs:
        maes, secs = [], []
        for seed in range(seeds):
            seconds, pred, trained = RUNNERS[lib](task, seed)
            if pred.shape != task.Y.shape:
                raise RuntimeError(f"{lib} returned forecasts of shape {pred.shape}, expected {task.Y.shape}")
            maes.append(float(mae(task.Y, pred)))
            secs.append(seconds)
            print(f"  {lib:20s} seed {seed}: MAE {maes[-1]:.3f}, fit {seconds:.1f} s, trained {trained}", flush=True)
        rows[lib] = (maes, secs)
    base = rows.get("lstmlab")
    print(f"\n| library | MAE median [min..max] | fit s median [min..max] | MAE / lstmlab | fit / lstmlab |")
    print("|---|---|---|---|---|")
    for lib, (maes, secs) in rows.items():
        m, s = statistics.median(maes), statistics.median(secs)
        ratio = (f"{m / statistics.median(base[0]):.2f} | {s / statistics.median(base[1]):.1f}" if base else "- | -")
        print(f"| {lib} | {m:.3f} [{min(maes):.3f}..{max(maes):.3f}] | {s:.1f} [{min(secs):.1f}..{max(secs):.1f}] "
              f"| {ratio} |")


def quiet() -> None:
    """Silence progress bars, logging and warnings of the libraries (results go to stdout); called
    again after each library's import, since some set their loggers' levels when imported."""
    os.environ.setdefault("TQDM_DISABLE", "1")
    warnings.filterwarnings("ignore")
    for name in list(logging.root.manager.loggerDict):
        if name.split(".")[0] in ("lightning", "lightning_fabric", "pytorch_lightning", "darts", "neuralforecast",
                                  "pytorch_forecasting"):
            logging.getLogger(name).setLevel(logging.ERROR)
    for name in ("lightning", "lightning_fabric", "pytorch_lightning"):
        logging.getLogger(name).setLevel(logging.ERROR)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--task", choices=("seed", "airpassengers", "all"), default="all")
    parser.add_argument("--seeds", type=int, default=3, help="training seeds per library")
    parser.add_argument("--libs", default=",".join(LIBS), help=f"comma-separated, from {', '.join(LIBS)}")
    args = parser.parse_args()
    libs = [lib.strip() for lib in args.libs.split(",")]
    unknown = [lib for lib in libs if lib not in LIBS]
    if unknown:
        raise ValueError(f"unknown --libs {unknown}: expected names from {', '.join(LIBS)}")
    quiet()
    import torch

    torch.set_num_threads(1)
    versions = {"torch": torch.__version__}
    for module in ("darts", "neuralforecast", "pytorch_forecasting", "lightning", "pandas", "numpy"):
        try:
            versions[module] = __import__(module).__version__
        except ImportError:
            versions[module] = "not installed"
    print(", ".join(f"{k} {v}" for k, v in versions.items()) + f"; torch threads {torch.get_num_threads()}, "
          f"CPU affinity {sorted(os.sched_getaffinity(0))}, load average {os.getloadavg()[0]:.2f}")
    if args.task in ("seed", "all"):
        benchmark(seed_task(), libs, args.seeds)
    if args.task in ("airpassengers", "all"):
        benchmark(airpassengers_task(), libs, args.seeds)


if __name__ == "__main__":
    main()
