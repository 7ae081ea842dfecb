"""``lstmlab datasets``: list the built-in series, or write one as CSV."""

from __future__ import annotations

import argparse

EPILOG = """\
Examples:
  lstmlab datasets                                # the series, their length, frequency, season and source
  lstmlab datasets co2 | head                     # one series as CSV (ds,y) on stdout
  lstmlab datasets airpassengers --csv air.csv    # to a file, e.g. for lstmlab forecast fit --csv air.csv
"""


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "datasets", help="list the built-in time series (or export one as CSV)",
        description="List the series shipped with lstmlab. With a NAME, print that series as CSV (ds,y) or\n"
                    "write it to --csv PATH; use it with `lstmlab forecast ... --dataset NAME`.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("name", nargs="?", metavar="NAME", help="a dataset to export (e.g. airpassengers)")
    p.add_argument("--csv", metavar="PATH", help="write the dataset to this CSV file instead of stdout")
    p.set_defaults(func=run)


def run(args) -> int:
    import sys

    from lstmlab.atomic import write_csv_atomic
    from lstmlab.forecast.datasets import list_datasets, load_dataset

    if args.name is None:
        for d in list_datasets():
            freq = d.freq or "steps"
            print(f"{d.name:14s} {d.length:5d} points  freq {freq:5s}  season {d.seasonal_period}")
            print(f"{'':14s} {d.description}")
            print(f"{'':14s} source: {d.source}")
        return 0
    y = load_dataset(args.name)
    frame = y.rename("y").rename_axis("ds").reset_index()
    if args.csv:
        write_csv_atomic(frame, args.csv)
        print(f"wrote {len(frame)} rows to {args.csv}")
    else:
        frame.to_csv(sys.stdout, index=False)
    return 0
