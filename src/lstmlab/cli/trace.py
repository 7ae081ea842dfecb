"""``lstmlab trace``: run a recurrent network over one sequence and print every gate at every step."""

from __future__ import annotations

import argparse

from lstmlab.errors import LstmlabError
from lstmlab.glassbox.networks import CELL_NAMES

EPILOG = """\
Examples:
  lstmlab trace --sequence "0.5,1,-0.3"                # 3 steps, 1 feature, random LSTM (seed 0)
  lstmlab trace --sequence "1,0;0,1;1,1" --cell gru    # 3 steps, 2 features each
  lstmlab trace --file seq.csv --load net.npz          # a saved glassbox network (net.save)
  lstmlab trace --sequence "1,2,3" --load model.pt     # a torch state_dict (nn.LSTM/GRU/RNN or a model holding one)
  lstmlab trace --sequence "1,2,3" --format csv > trace.csv

quantities (torch's names): LSTM i input gate, f forget gate, g candidate, o output gate, c cell, h hidden;
GRU r reset gate, z update gate, n candidate, h hidden; RNN h hidden.
"""

NAMES = {"i": "input gate", "f": "forget gate", "g": "candidate", "o": "output gate", "c": "cell",
         "h": "hidden", "r": "reset gate", "z": "update gate", "n": "candidate"}


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "trace", help="print every gate, cell and hidden state of an LSTM/GRU/RNN, step by step",
        description="Run a glass-box recurrent network (seeded random weights, or loaded) over one sequence "
                    "and print, for every step and layer, the gates, the cell state and the hidden state.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--sequence", metavar="VALUES",
                     help='the input: "0.5,1,-0.3" is 3 steps of 1 feature; "1,0;0,1" is 2 steps of 2 features')
    src.add_argument("--file", metavar="CSV", help="the input from a CSV file: one row per step, one column per feature "
                                                   "(a header row is skipped)")
    p.add_argument("--cell", choices=CELL_NAMES, default=None, help="cell type (default: lstm, or the loaded one)")
    p.add_argument("--hidden-size", type=int, default=4, metavar="H", help="units per layer of a random network (default 4)")
    p.add_argument("--layers", type=int, default=1, metavar="L", help="stacked layers of a random network (default 1)")
    p.add_argument("--seed", type=int, default=0, help="seed of the random weights (default 0)")
    p.add_argument("--load", metavar="PATH", help="weights: a glassbox .npz (net.save) or a torch state_dict (.pt)")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table", help="output format (default table)")
    p.add_argument("--digits", type=int, default=4, help="decimals in the table (default 4)")
    p.set_defaults(func=run)


def parse_sequence(text: str):
    """``"0.5,1,-0.3"`` -> (3, 1); ``"1,0;0,1"`` -> (2, 2). Returns a (T, I) float64 array."""
    import numpy as np

    rows = [r for r in text.split(";")] if ";" in text else [v for v in text.split(",")]
    try:
        values = [[float(v) for v in (r.split(",") if ";" in text else [r])] for r in rows if r.strip()]
    except ValueError as exc:
        raise LstmlabError(f"--sequence {text!r} is not a list of numbers: {exc}") from None
    if not values:
        raise LstmlabError(f"--sequence {text!r} has no values")
    widths = {len(r) for r in values}
    if len(widths) != 1:
        raise LstmlabError(f"--sequence {text!r}: every step needs the same number of features, got {sorted(widths)}")
    return np.array(values, dtype=np.float64)  # (T, I)


def read_sequence_file(path: str):
    """A CSV file with one row per step and one column per feature -> (T, I) float64 array."""
    import numpy as np
    import pandas as pd

    try:
        with open(path, encoding="utf-8") as fh:
            first = fh.readline()
    except UnicodeDecodeError as exc:
        raise LstmlabError(f"{path} is not a text CSV file: {exc}") from None
    try:
        [float(v) for v in first.strip().split(",")]
        header = None
    except ValueError:
        header = 0
    try:
        frame = pd.read_csv(path, header=header)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise LstmlabError(f"{path} is not a readable CSV file: {exc}") from None
    if frame.empty:
        raise LstmlabError(f"{path} has no rows: expected one row per step")
    try:
        return frame.to_numpy(dtype=np.float64)  # (T, I)
    except ValueError as exc:
        raise LstmlabError(f"{path} holds a value that is not a number: {exc}") from None


def load_network(path: str, cell: str | None):
    """A glassbox network from a glassbox .npz or a torch state_dict file (read with weights_only=True)."""
    import pickle

    from lstmlab import glassbox

    if path.endswith(".npz"):
        net = glassbox.load(path)
        if cell is not None and net.cell != cell:
            raise LstmlabError(f"{path} holds a {net.cell.upper()}, not the requested --cell {cell}")
        return net
    import torch

    expected = "expected a torch state_dict saved with torch.save(model.state_dict(), path)"
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    # torch's readers raise these for a damaged file, and UnpicklingError for anything beyond plain tensors;
    # their messages suggest weights_only=False, which would run code from the file: never pass them on
    except (pickle.UnpicklingError, RuntimeError, EOFError, ValueError, KeyError, IndexError):
        raise LstmlabError(f"{path} is not a readable torch file of tensors only: {expected}") from None
    if not isinstance(state, dict):
        raise LstmlabError(f"{path} holds a {type(state).__name__}, not a state dict: {expected}")
    try:
        return glassbox.from_state_dict(state, cell)
    except LstmlabError as exc:
        raise LstmlabError(f"{path}: {exc}") from None


def build(args):
    """(network, x (1, T, I), description) from the parsed arguments."""
    import numpy as np

    from lstmlab import glassbox

    seq = parse_sequence(args.sequence) if args.sequence is not None else read_sequence_file(args.file)
    if args.load:
        net = load_network(args.load, args.cell)
        origin = f"weights from {args.load}"
    else:
        cell = args.cell or "lstm"
        for flag, value in (("--hidden-size", args.hidden_size), ("--layers", args.layers)):
            if value < 1:
                raise LstmlabError(f"{flag} must be a positive integer, got {value}")
        net = glassbox.NETWORKS[cell](seq.shape[1], args.hidden_size, args.layers, seed=args.seed)
        origin = f"random weights, seed {args.seed}"
    if seq.shape[1] != net.input_size:
        raise LstmlabError(f"the sequence has {seq.shape[1]} feature(s) per step but the network expects "
                           f"input_size={net.input_size}")
    return net, seq[None].astype(np.float64), origin


def run(args) -> int:
    if not 0 <= args.digits <= 12:
        raise LstmlabError(f"--digits must be between 0 and 12, got {args.digits}")
    net, x, origin = build(args)
    _write(args, net, x, origin)  # a closed pipe (`lstmlab trace ... | head`) ends quietly in cli.main
    return 0


def _write(args, net, x, origin: str) -> None:
    import json
    import sys

    _, _, trace = net.forward(x)
    L, _, T, H = trace.shape
    header = (f"{net.cell.upper()}, {L} layer{'s' * (L > 1)} of {H} unit{'s' * (H > 1)}, {origin}; "
              f"{T} step{'s' * (T > 1)} of {net.input_size} feature{'s' * (net.input_size > 1)}")
    values = {q: trace[q][:, 0] for q in trace}  # q -> (L, T, H)
    if args.format == "csv":
        frame = trace.to_frame().drop(columns="batch")
        frame.to_csv(sys.stdout, index=False, float_format="%.8g")
    elif args.format == "json":
        doc = {"network": net.get_config(), "origin": origin, "input": x[0].tolist(),
               "quantities": list(trace), "layout": "steps[t].layers[l][quantity][unit]",
               "steps": [{"step": t, "x": x[0, t].tolist(),
                          "layers": [{q: values[q][l, t].tolist() for q in trace} for l in range(L)]}
                         for t in range(T)]}
        json.dump(doc, sys.stdout, indent=1)
        print()
    else:
        print(format_table(values, x[0], header, args.digits))


def format_table(values: dict, x, header: str, digits: int = 4) -> str:
    """One block per step: a row per (layer, quantity), a column per unit."""
    L, T, H = next(iter(values.values())).shape
    width = max(digits + 4, 7)
    label_w = max(len(f"{q} {NAMES[q]}") for q in values) + (4 if L > 1 else 0)
    lines = [header, ""]
    units = " ".join(f"{'unit ' + str(u):>{width}}" for u in range(H))
    for t in range(T):
        xs = ", ".join(f"{v:g}" for v in x[t])
        lines.append(f"step {t}   x = [{xs}]")
        lines.append(f"  {'':{label_w}} {units}")
        for l in range(L):
            for q, v in values.items():
                label = (f"L{l} " if L > 1 else "") + f"{q} {NAMES[q]}"
                row = " ".join(f"{val:>{width}.{digits}f}" for val in v[l, t])
                lines.append(f"  {label:{label_w}} {row}")
        lines.append("")
    return "\n".join(lines).rstrip()
