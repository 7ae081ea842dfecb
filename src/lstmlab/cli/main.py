"""Entry point of the ``lstmlab`` command: one sub-command per module of this package.

Each module ``lstmlab.cli.<name>`` has ``register(subparsers)``, which adds its parser and sets
``func`` to a function ``(args) -> int``. Heavy imports (torch, matplotlib) happen inside those
functions, so ``lstmlab --help`` stays quick.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from importlib import import_module

import lstmlab
from lstmlab.errors import LstmlabError

COMMANDS = ("trace", "forecast", "datasets", "memory", "demo")


def positive_int(text: str) -> int:
    """argparse type: an int >= 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1, got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lstmlab",
        description="See inside LSTMs, measure what they remember, and forecast with them honestly.",
    )
    parser.add_argument("--version", action="version", version=f"lstmlab {lstmlab.__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details to stderr")
    parser.add_argument("--threads", type=positive_int, metavar="N",
                        help="CPU threads torch may use in trace and forecast (default: torch's own choice, "
                             "usually every core; 1 is often faster on a busy or shared machine); demo and "
                             "memory sweeps always train on one thread per process")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMANDS:
        import_module(f"lstmlab.cli.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    if args.threads is not None:
        import torch

        torch.set_num_threads(args.threads)
    try:
        status = int(args.func(args) or 0)
        sys.stdout.flush()  # here, not at exit, so that a closed pipe is caught below
        return status
    except KeyboardInterrupt:
        print("lstmlab: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `lstmlab datasets co2 | head`: the reader has what it wanted; end quietly, as Unix
        _silence_stdout()
        return 0
    except (LstmlabError, OSError) as exc:  # the user's to fix; anything else is a bug and shows its traceback
        if args.verbose:
            raise
        print(f"lstmlab {args.command}: error: {exc}", file=sys.stderr)
        return 2


def _silence_stdout() -> None:
    """Point stdout at the null device, so that the flush at interpreter exit cannot fail on a closed pipe again."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):  # no file descriptor (stdout replaced, e.g. under pytest): nothing to flush
        pass


if __name__ == "__main__":
    sys.exit(main())
