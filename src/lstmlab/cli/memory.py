"""``lstmlab memory run|gradients|gates``: the memory lab from the command line."""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import asdict, fields
from pathlib import Path

from lstmlab.atomic import save_figure_atomic, write_csv_atomic, write_json_atomic, write_text_atomic
from lstmlab.errors import LstmlabError

DESCRIPTION = """\
Measure what recurrent cells remember: train the tanh RNN, the GRU and the LSTM on long-memory tasks
at several lengths and seeds, and look at gradients and gates.

  run        sweep cells x lengths x seeds on a task; records.jsonl (resumable), summary.csv,
             summary.json, metric_vs_length.png, conclusions.txt
  summary    summarise every record in DIR/records.jsonl (several sweeps into one folder)
  gradients  ||dLoss/dh_t|| against the lag, at initialisation and after training, per cell;
             gradients.json, gradients.png
  gates      train an LSTM on the "born in" sentences and read its gates on one sentence;
             gates.json, gates.png, saturation.png, states_lines.png, states_heatmaps.png

Tasks: parity (first digit even? one-hot digits), parity-scalar (the same with raw digit values),
adding (Hochreiter & Schmidhuber 1997), copy, order (temporal order), born-in (name the country).
`lstmlab memory ACTION --help` shows each action's options and examples.
"""

# The examples of each action's --help; tests/test_cli_help.py checks that every one parses.
EXAMPLES = {
    "run": """\
Examples:
  lstmlab memory run --out runs/quick    # the default: RNN vs LSTM on "born in", lengths 5 and 25, 2 seeds
  lstmlab memory run --task parity --cells rnn,lstm --lengths 10,30 --out runs/parity
  lstmlab memory run --task parity --cells rnn,lstm --lengths 60 --out runs/parity    # one more length, same folder
  lstmlab memory run --task born-in --cells lstm --lengths 30 --init uniform,chrono --out runs/init
""",
    "summary": """\
Examples:
  lstmlab memory summary --out runs/parity    # one table over every sweep written into runs/parity
""",
    "gradients": """\
Examples:
  lstmlab memory gradients --no-train --out runs/grad    # at initialisation only: seconds
  lstmlab memory gradients --task born-in --length 30 --cells rnn,gru,lstm --forget-bias 3 --out runs/grad
""",
    "gates": """\
Examples:
  lstmlab memory gates --length 30 --forget-bias 3 --out runs/gates    # a gap of 30 words, bridged
  lstmlab memory gates --length 30 --init chrono --out runs/gates-chrono
""",
}

# Defaults of `lstmlab memory run` without flags: about 2 minutes with 2 workers. The LSTM runs with the
# standard forget bias 1 and with 3, because at this training budget the bias decides whether it learns.
QUICK = {"task": "born-in", "cells": "rnn,lstm", "lengths": "5,25", "seeds": 2}
QUICK_TRAINING = {"max_epochs": 20, "forget_bias": "1,3"}
# RunConfig fields exposed as flags (type for the ones whose default is None).
TUNABLE = {"hidden_size": int, "n_train": int, "n_val": int, "n_test": int, "learning_rate": float, "batch_size": int,
           "max_epochs": int, "steps_per_epoch": int, "patience": int, "clip": float, "forget_bias": str,
           "max_seconds": float, "init": str, "chrono_tmax": float,
           "stop_at": float}
ALIASES = {"learning_rate": ["--lr"]}  # the flag's name before the training loop's names were unified
HELP = {"forget_bias": "; initial LSTM forget-gate bias (with --init uniform), `run` takes a comma-separated list",
        "init": "; LSTM gate-bias initialisation: uniform (forget bias --forget-bias) or chrono (Tallec & "
                "Ollivier 2018: forget biases log(u), u ~ U[1, T_max - 1], input biases their negatives); "
                "`run` takes a comma-separated list, e.g. uniform,chrono",
        "chrono_tmax": "; T_max of --init chrono (default: the number of steps of the sequences)",
        "stop_at": "; validation metric that stops training (default: the task's solved level for adding, "
                   "else 1.0)"}


def _int_list(name: str, text: str, low: int) -> list[int]:
    try:
        values = [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise LstmlabError(f"--{name} must be comma-separated integers, got {text!r}") from None
    if not values:
        raise LstmlabError(f"--{name} is empty")
    bad = [v for v in values if v < low]
    if bad:
        raise LstmlabError(f"--{name} must be >= {low}, got {bad[0]}")
    return values


def _floats(name: str, text: str) -> list[float]:
    try:
        values = [float(v) for v in str(text).split(",") if v.strip()]
    except ValueError:
        raise LstmlabError(f"--{name} must be comma-separated numbers, got {text!r}") from None
    if not values:
        raise LstmlabError(f"--{name} is empty")
    return values


def _cells(text: str) -> list[str]:
    from lstmlab.glassbox import CELL_NAMES

    cells = [c.strip().lower() for c in text.split(",") if c.strip()]
    for c in cells:
        if c not in CELL_NAMES:
            raise LstmlabError(f"unknown cell {c!r}: expected a comma-separated subset of {', '.join(CELL_NAMES)}")
    if not cells:
        raise LstmlabError("--cells is empty")
    return cells


def _inits(text: str) -> list[str]:
    from lstmlab.nn.init_names import INITS

    names = [v.strip().lower() for v in str(text).split(",") if v.strip()]
    if not names:
        raise LstmlabError("--init is empty")
    for n in names:
        if n not in INITS:
            raise LstmlabError(f"unknown --init {n!r}: expected a comma-separated subset of {', '.join(INITS)}")
    return names


def _seeds(n: int) -> list[int]:
    if n <= 0:
        raise LstmlabError(f"--seeds must be >= 1 (the number of seeds, 0..N-1), got {n}")
    return list(range(n))


def _out_dir(path: str) -> Path:
    """Create ``path`` if needed and check that files can be written there."""
    out = Path(path)
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out):
            pass
    except OSError as exc:
        raise OSError(f"cannot write to the output directory {str(out)!r}: {exc.strerror or exc}") from None
    return out


def _config_args(p: argparse.ArgumentParser, task: str, **overrides) -> None:
    from lstmlab.lab.run import RunConfig
    from lstmlab.tasks import TASKS

    defaults = {f.name: f.default for f in fields(RunConfig)} | overrides
    g = p.add_argument_group("training (RunConfig fields)")
    for name, typ in TUNABLE.items():
        default = defaults[name] if typ is not str or isinstance(defaults[name], str) else f"{defaults[name]:g}"
        if name == "forget_bias":  # None marks "not given": chrono refuses a given forget bias
            default = None
        flags = ["--" + name.replace("_", "-")] + ALIASES.get(name, [])
        g.add_argument(*flags, type=typ, default=default, help=f"default {defaults[name]}" + HELP.get(name, ""))
    p.add_argument("--task", default=task, choices=TASKS, help=f"task (default {task})")
    p.add_argument("--out", default="memory-out", metavar="DIR", help="output folder (default memory-out)")
    p.add_argument("--quiet", action="store_true", help="no progress display")
    p.set_defaults(forget_bias_default=str(defaults["forget_bias"]))


def register(sub) -> None:
    p = sub.add_parser("memory", help="measure what RNN, GRU and LSTM remember (sweeps, gradients, gates)",
                       description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    cmds = p.add_subparsers(dest="memory_command", metavar="ACTION", required=True)

    def action(name: str, summary: str) -> argparse.ArgumentParser:
        return cmds.add_parser(name, help=summary, description=summary[0].upper() + summary[1:] + ".",
                               epilog=EXAMPLES[name], formatter_class=argparse.RawDescriptionHelpFormatter)

    r = action("run", "sweep cells x lengths x seeds on a task")
    _config_args(r, QUICK["task"], **QUICK_TRAINING)
    r.add_argument("--cells", default=QUICK["cells"], help=f"comma-separated cells (default {QUICK['cells']})")
    r.add_argument("--lengths", default=QUICK["lengths"], help=f"comma-separated lengths (default {QUICK['lengths']})")
    r.add_argument("--seeds", type=int, default=QUICK["seeds"], help=f"number of seeds (default {QUICK['seeds']})")
    r.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    r.set_defaults(func=run_sweep)
    m = action("summary", "summarise all records of an output folder (several sweeps)")
    m.add_argument("--out", default="memory-out", metavar="DIR", help="folder with records.jsonl")
    m.set_defaults(func=run_summary)
    g = action("gradients", "gradient norm against lag, at init and after training")
    _config_args(g, "parity")
    g.add_argument("--cells", default="rnn,lstm", help="comma-separated cells (default rnn,lstm)")
    g.add_argument("--length", type=int, default=50, help="sequence length (default 50)")
    g.add_argument("--seed", type=int, default=0, help="seed (default 0)")
    g.add_argument("--no-train", action="store_true", help="only measure at initialisation")
    g.set_defaults(func=run_gradients)
    t = action("gates", "a trained LSTM's gates on one sentence")
    _config_args(t, "born-in")
    t.add_argument("--length", type=int, default=20, help="filler words / sequence length (default 20)")
    t.add_argument("--seed", type=int, default=0, help="seed (default 0)")
    t.set_defaults(func=run_gates)


def _base(args, **extra):
    from lstmlab.lab.run import RunConfig

    flags = {k: getattr(args, k) for k in TUNABLE}
    if "forget_bias" not in extra:
        fbs = _forget_biases(args)
        if len(fbs) > 1:
            raise LstmlabError(f"--forget-bias takes one value here, got {args.forget_bias!r}")
        extra["forget_bias"] = fbs[0]
    if "init" not in extra:
        inits = _inits(flags["init"])
        if len(inits) > 1:
            raise LstmlabError(f"--init takes one value here, got {flags['init']!r}")
        extra["init"] = inits[0]
        _check_forget_bias_used(args, inits)
    if extra["init"] != "chrono" and flags["chrono_tmax"] is not None:
        raise LstmlabError(f"--chrono-tmax applies to --init chrono only, got --chrono-tmax {flags['chrono_tmax']:g}")
    flags.update(extra)
    return RunConfig(task=args.task, **flags)


def _forget_biases(args) -> list[float]:
    """The --forget-bias values given, else the command's default."""
    return _floats("forget-bias", args.forget_bias if args.forget_bias is not None else args.forget_bias_default)


def _check_forget_bias_used(args, inits: list[str]) -> None:
    """Refuse a --forget-bias that no run would use: chrono sets the LSTM forget biases itself."""
    if "uniform" not in inits and args.forget_bias is not None:
        raise LstmlabError(f"--forget-bias {args.forget_bias} has no effect with --init chrono (chrono sets the "
                           "forget-gate biases itself): drop --forget-bias, or use --init uniform,chrono")


def _check_common(args) -> None:
    if getattr(args, "length", 1) < 1:
        raise LstmlabError(f"--length must be >= 1, got {args.length}")
    if getattr(args, "seed", 0) < 0:
        raise LstmlabError(f"--seed must be >= 0, got {args.seed}")


def run_sweep(args) -> int:
    """`lstmlab memory run`."""
    task = args.task
    cells, lengths, seeds = _cells(args.cells), _int_list("lengths", args.lengths, 1), _seeds(args.seeds)
    if args.workers < 1:
        raise LstmlabError(f"--workers must be >= 1, got {args.workers}")
    fbs, inits = _forget_biases(args), _inits(args.init)
    _check_forget_bias_used(args, inits)
    if "chrono" in inits and "lstm" not in cells:
        raise LstmlabError(f"--init chrono sets LSTM gate biases, but --cells {args.cells!r} has no lstm")
    base = _base(args, forget_bias=fbs[0], init="chrono" if "chrono" in inits else inits[0])
    out = _out_dir(args.out)

    from lstmlab.lab.summary import config_label
    from lstmlab.lab.sweep import grid, sweep
    from lstmlab.tasks import get_task

    configs = grid(base, cells, lengths, seeds, fbs, inits)
    print(f"{task}: {get_task(task).describe}\n{len(configs)} runs ({', '.join(cells)} x lengths "
          f"{', '.join(map(str, lengths))} x {len(seeds)} seeds), {args.workers} workers -> {out}", file=sys.stderr)

    def on_done(rec, done, total):
        if not args.quiet:
            c, m = rec.config, rec.metrics
            print(f"  [{done}/{total}] {config_label(c):22s} length {c['length']:5d} seed {c['seed']}: "
                  f"test {m['test']:.3f} (chance {m['chance']:.3f}) in {rec.wall_s:.1f} s", file=sys.stderr)

    records = sweep(configs, out / "records.jsonl", workers=args.workers, on_done=on_done)
    _report(records, out)
    return 0


def _report(records, out: Path) -> None:
    """Write summary.csv/json, the plot and the conclusions of ``records``; print the table and sentences."""
    import pandas as pd

    from lstmlab.lab.summary import Row, conclusions, summarize
    from lstmlab.tasks import get_task
    from lstmlab.viz.memory import plot_metric_vs_length

    tasks = sorted({r.config["task"] for r in records})
    if len(tasks) != 1:
        raise LstmlabError(f"expected the records of one task, got {tasks or 'none'}")
    rows = summarize(records)
    write_json_atomic(out / "summary.json", [asdict(r) for r in rows])
    frame = pd.DataFrame([asdict(r) for r in rows], columns=[f.name for f in fields(Row)])
    write_csv_atomic(frame, out / "summary.csv")
    metric = "fraction solved (|error| < 0.04)" if get_task(tasks[0]).kind == "regress" else "test accuracy"
    save_figure_atomic(plot_metric_vs_length(rows, metric), out / "metric_vs_length.png")
    said = conclusions(rows)
    write_text_atomic(out / "conclusions.txt", "\n".join(said) + "\n")
    width = max(len(r.label) for r in rows)
    print(f"{'run':{width}s} {'length':>6s} {'mean':>6s}  95% interval     chance  solved  seconds")
    for r in rows:
        print(f"{r.label:{width}s} {r.length:6d} {r.mean:6.3f}  [{r.lo:.3f}, {r.hi:.3f}]  {r.chance:6.3f}  "
              f"{r.n_solved}/{r.n_seeds}    {r.seconds:6.1f}")
    print("\n".join(said))
    print(f"wrote {out}/summary.csv, summary.json, metric_vs_length.png, conclusions.txt")


def run_summary(args) -> int:
    """`lstmlab memory summary`: summarise every record in DIR/records.jsonl (e.g. of several sweeps)."""
    from lstmlab.lab.sweep import load_records

    out = Path(args.out)
    path = out / "records.jsonl"
    if not path.is_file():
        raise OSError(f"no records to summarise: {str(path)!r} does not exist")
    _out_dir(args.out)
    _report(load_records(path), out)
    return 0


def run_gradients(args) -> int:
    """`lstmlab memory gradients`."""
    _check_common(args)
    cells = _cells(args.cells)
    base = _base(args, length=args.length, seed=args.seed)
    out = _out_dir(args.out)

    from lstmlab.lab.experiments import gradient_experiment
    from lstmlab.lab.summary import gradient_conclusions
    from lstmlab.viz.memory import plot_gradient_flow

    print(f"gradient flow on {base.task}, length {base.length}, cells {', '.join(cells)}"
          f"{'' if args.no_train else ' (training each)'}", file=sys.stderr)
    exp = gradient_experiment(base, tuple(cells), train=not args.no_train, progress=not args.quiet)
    write_json_atomic(out / "gradients.json", exp.to_dict())
    save_figure_atomic(plot_gradient_flow(exp.flows, f"{base.task}, length {base.length}"), out / "gradients.png")
    for r in exp.records.values():
        print(f"{r.config['cell'].upper()} trained: test {r.metrics['test']:.3f} "
              f"(chance {r.metrics['chance']:.3f}) in {r.wall_s:.1f} s")
    print("\n".join(gradient_conclusions(exp.flows, len(exp.flows[0].grad_norm) - 1)))  # back to the first step
    print(f"wrote {out}/gradients.json, gradients.png")
    return 0


def run_gates(args) -> int:
    """`lstmlab memory gates`."""
    _check_common(args)
    base = _base(args, length=args.length, seed=args.seed)
    out = _out_dir(args.out)

    from lstmlab.lab.experiments import gate_experiment
    from lstmlab.lab.summary import gate_conclusions
    from lstmlab.viz.memory import plot_gates, plot_saturation
    from lstmlab.viz.states import plot_state_heatmaps, plot_state_lines

    print(f"training an LSTM on {base.task}, length {base.length}", file=sys.stderr)
    reading, record, _ = gate_experiment(base, progress=not args.quiet)
    write_json_atomic(out / "gates.json", {"config": asdict(base), "record": asdict(record), **reading.to_dict()})
    save_figure_atomic(plot_gates(reading), out / "gates.png")
    save_figure_atomic(plot_saturation(reading), out / "saturation.png")
    trace = {"h": reading.h[None, None], "c": reading.c[None, None]}  # (1, 1, T, H)
    save_figure_atomic(plot_state_lines(trace, tokens=reading.tokens), out / "states_lines.png")
    save_figure_atomic(plot_state_heatmaps(trace, tokens=reading.tokens), out / "states_heatmaps.png")
    answer = str(reading.prediction)
    if base.task == "born-in" and reading.prediction is not None:
        from lstmlab.tasks.born_in import COUNTRIES

        answer = COUNTRIES[reading.prediction]
    print(" ".join(reading.tokens) + f"  -> {answer}")
    print("\n".join(gate_conclusions(reading, record)))
    print(f"wrote {out}/gates.json, gates.png, saturation.png, states_lines.png, states_heatmaps.png")
    return 0
