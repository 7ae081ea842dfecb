"""``lstmlab demo``: run the whole tour and write a self-contained HTML report."""

from __future__ import annotations

import argparse
import signal
import sys
import time

DESCRIPTION = """\
Run the LSTM tour end to end and write one HTML report you open in a browser:
(1) the memory problem, measured (gradient flow, the "born in <country>" task),
(2) the gates of the trained LSTM on one sentence, (3) an LSTM stepped by hand,
(4) hidden and cell state plots, (5) RNN vs GRU vs LSTM with error bars,
(6) forecasting against baselines and the tutorial's own method.
Every number is computed in the run. Writes DIR/report.html, the PNGs and DIR/summary.json.
A section that fails is shown as failed in the report and makes the exit code 1.
It takes a few minutes on a 2-core machine, --quick less than half of that; the README gives
measured times and the machine they were measured on.
"""

# Shown under --help; tests/test_cli_help.py checks that every example parses.
EXAMPLES = """\
Examples:
  lstmlab demo                                 # the whole tour: lstmlab-demo/report.html
  lstmlab demo --quick --out /tmp/demo-quick   # smaller data, shorter training, noisier numbers
  lstmlab demo --seed 1 --out runs/demo-seed1  # another seed: the training figures change
  lstmlab demo --jobs 1                        # one process on one core: the same numbers
"""


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("demo", help="run the whole LSTM tour and write an HTML report",
                              description=DESCRIPTION, epilog=EXAMPLES,
                              formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", default="lstmlab-demo", metavar="DIR",
                   help="output folder (default: lstmlab-demo); files of the same names are replaced")
    p.add_argument("--quick", action="store_true",
                   help="smaller data and shorter training, for CI: less than half the full run's time; "
                        "its numbers are noisier")
    p.add_argument("--seed", type=int, default=0, metavar="N", help="seed of every random choice (default: 0)")
    p.add_argument("--jobs", type=int, default=2, choices=(1, 2),
                   help="2 (default): run the forecasting section in a second process at the same time; "
                        "1: everything in one process. The numbers are the same either way")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from lstmlab.demo import DemoConfig, run_demo

    config = DemoConfig(quick=args.quick, seed=args.seed)
    previous = signal.signal(signal.SIGTERM, _terminated)  # `kill` cleans up like Ctrl-C does
    try:
        result = run_demo(config, args.out, on_progress=Progress(), jobs=args.jobs)
    except KeyboardInterrupt:
        print(f"\nlstmlab demo: interrupted; nothing was written to {args.out}", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous)
    print(format_summary(result.results))
    for r in result.failed:
        print(f"section '{r.title}' failed: {r.error.splitlines()[0]}", file=sys.stderr)
    print(f"report: {result.report}")
    return 1 if result.failed else 0


def _terminated(signum, frame) -> None:
    raise KeyboardInterrupt


class Progress:
    """Progress display on stderr: a line per step, with the time since the start and the section.

    Plain lines rather than a redrawn bar: two sections may run at once, and logs stay readable.
    """

    def __init__(self, stream=None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.t0 = time.perf_counter()

    def __call__(self, index: int, total: int, title: str, message: str) -> None:
        self.stream.write(f"[{time.perf_counter() - self.t0:6.1f} s] [{index}/{total}] {title}: {message}\n")
        self.stream.flush()


def format_summary(results) -> str:
    """The headline figures of every section as a plain-text table (section, measure, value)."""
    rows = [("section", "measure", "value")]
    for i, r in enumerate(results, 1):
        name = f"{i}. {r.key} ({r.seconds:.0f} s, CPU {r.cpu_seconds:.0f} s)"
        pairs = r.headline if r.ok else [("FAILED", r.error.splitlines()[0])]
        for k, (label, value) in enumerate(pairs):
            rows.append((name if k == 0 else "", label, value))
    widths = [max(len(row[k]) for row in rows) for k in range(3)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
