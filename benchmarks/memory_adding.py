"""The adding problem (Hochreiter & Schmidhuber 1997) at growing lengths, each run under a wall-clock budget.

Run on one core, one length at a time (resumable: finished lengths are read back from --out):

    OMP_NUM_THREADS=1 taskset -c 0 .venv/bin/python benchmarks/memory_adding.py --lengths 100,500,1000 \
        --budget 900 --out benchmarks/results/memory_adding.jsonl

A sequence counts as solved when |prediction - target| < 0.04 (the paper's criterion); a run counts as
solving the task when at least 99% of its 2500 fresh test sequences are solved. Training stops at that
level on the validation set, or when the budget is spent.
"""

from __future__ import annotations

import argparse
import sys

import torch

from lstmlab.lab.run import RunConfig
from lstmlab.lab.sweep import grid, sweep


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--lengths", default="100,500,1000")
    p.add_argument("--cells", default="lstm")
    p.add_argument("--seeds", type=int, default=1, help="number of seeds (default 1)")
    p.add_argument("--first-seed", type=int, default=0, help="seeds are first-seed, first-seed + 1, ... (default 0)")
    p.add_argument("--budget", type=float, default=900.0, help="seconds of training per run (default 900)")
    p.add_argument("--hidden-size", type=int, default=64)
    p.add_argument("--learning-rate", "--lr", type=float, default=1e-3)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--forget-bias", type=float, default=None,
                   help="initial LSTM forget-gate bias with --init uniform (default 1)")
    p.add_argument("--init", default="uniform", choices=("uniform", "chrono"),
                   help="LSTM gate-bias initialisation (default uniform: the forget bias above; chrono: Tallec & "
                        "Ollivier 2018, forget biases log(U[1, T_max - 1]), input biases their negatives)")
    p.add_argument("--chrono-tmax", type=float, default=None,
                   help="T_max of --init chrono (default: the sequence length T)")
    p.add_argument("--stop-at", type=float, default=None,
                   help="validation fraction solved that stops training (default: the solved level 0.99)")
    p.add_argument("--out", default="benchmarks/results/memory_adding.jsonl")
    a = p.parse_args()
    torch.set_num_threads(1)
    if a.init == "chrono" and a.forget_bias is not None:
        p.error(f"--forget-bias {a.forget_bias:g} has no effect with --init chrono (chrono sets the forget biases)")
    if a.first_seed < 0 or a.seeds < 1:
        p.error(f"--first-seed {a.first_seed} and --seeds {a.seeds}: expected first-seed >= 0 and seeds >= 1")
    try:
        base = RunConfig(task="adding", hidden_size=a.hidden_size, learning_rate=a.learning_rate, batch_size=a.batch_size, n_train=0,
                         steps_per_epoch=100, max_epochs=100_000, patience=100_000, n_val=500, n_test=2500,
                         max_seconds=a.budget, forget_bias=1.0 if a.forget_bias is None else a.forget_bias, init=a.init,
                         chrono_tmax=a.chrono_tmax, stop_at=a.stop_at)
    except ValueError as exc:
        p.error(str(exc))
    seeds = range(a.first_seed, a.first_seed + a.seeds)
    configs = grid(base, a.cells.split(","), [int(v) for v in a.lengths.split(",")], seeds)

    def show(r, done, total):
        m = r.metrics
        c = r.config
        init = (f"chrono init (T_max {c['chrono_tmax'] or c['length']:g})" if c.get("init") == "chrono"
                else f"forget bias {c['forget_bias']:g}")
        print(f"[{done}/{total}] {c['cell']} T={c['length']} seed {c['seed']} {init} lr {c['learning_rate']:g} "
              f"H {c['hidden_size']} batch {c['batch_size']}: "
              f"solved fraction {m['test']:.4f} [{m['test_lo']:.4f}, {m['test_hi']:.4f}] (constant predictor "
              f"{m['chance']:.3f}), test MSE {m['test_mse']:.2e}, {'SOLVED' if m['solved'] else 'not solved'}, "
              f"{m['epochs'] * 100} steps in {m['train_seconds']:.0f} s ({m['stopped']})", flush=True)

    sweep(configs, a.out, workers=1, on_done=show)
    return 0


if __name__ == "__main__":
    sys.exit(main())
