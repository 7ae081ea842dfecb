"""What `lstmlab forecast` writes and prints: tables, CSV files, forecast plots for one series or many,
and the per-series report (series.csv) that says what happened to every series of a file."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from lstmlab.atomic import save_figure_atomic, write_csv_atomic
from lstmlab.forecast.data import SeriesData

SHOWN = 10  # left-out series listed on the terminal; series.csv has them all


def table(frame: pd.DataFrame) -> str:
    with pd.option_context("display.width", 120, "display.max_columns", 20):
        return frame.to_string(float_format=lambda v: f"{v:.3f}")


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    write_csv_atomic(frame, path)
    print(f"wrote {path}")


def save_figure(fig, path: Path) -> None:
    import matplotlib.pyplot as plt

    save_figure_atomic(fig, path)
    plt.close(fig)


class SeriesReport:
    """Every series of a long file, as given: its point count, and forecast or left out with a reason."""

    def __init__(self, points: pd.Series | None, left_out: dict[str, str]) -> None:
        self.points, self.left_out = points, dict(left_out)

    def skip(self, reasons: dict[str, str]) -> None:
        self.left_out.update(reasons)

    def print_left_out(self, reasons: dict[str, str] | None = None, what: str = "left out") -> None:
        """One line per series set aside (``reasons``; default: those found when reading)."""
        reasons = self.left_out if reasons is None else reasons
        if not reasons or self.points is None:
            return
        print(f"{len(reasons)} of {len(self.points)} series {what}; the others go on:")
        for uid, why in list(reasons.items())[:SHOWN]:
            print(f"  {uid}: {why}")
        if len(reasons) > SHOWN:
            print(f"  ... and {len(reasons) - SHOWN} more (all in series.csv with --out)")

    def write(self, out: Path, done: str, errors: pd.DataFrame | None = None) -> None:
        """series.csv: unique_id, points, status, reason and, after a backtest, the MASE of each model."""
        if self.points is None:
            return
        frame = pd.DataFrame({"unique_id": self.points.index.astype(str), "points": self.points.to_numpy()})
        frame["status"] = np.where(frame["unique_id"].isin(list(self.left_out)), "left out", done)
        frame["reason"] = frame["unique_id"].map(lambda uid: self.left_out.get(uid, ""))
        if errors is not None:
            mase = errors.rename(columns=lambda c: f"mase_{c}").rename_axis(None, axis=1).round(4)
            frame = frame.merge(mase, left_on="unique_id", right_index=True, how="left")
            flat = (frame["status"] == done) & frame[list(mase.columns)].isna().all(axis=1)
            frame.loc[flat, "reason"] = "flat history: MASE undefined (its scale is 0)"
        write_csv(frame, out / "series.csv")


def forecast_panels(series: list[SeriesData], fc) -> list[tuple]:
    """(name, history, forecast, None) per series, from ``predict``'s output."""
    panels = []
    for s in series:
        f = fc[fc["unique_id"] == s.uid].set_index("ds").drop(columns="unique_id") if "unique_id" in fc else fc
        panels.append((s.uid, pd.Series(s.values, index=s.index), f, None))
    return panels


def holdout_panels(result, series: list[SeriesData]) -> list[tuple]:
    """(name, history, forecast, actual) per series at the last origin of a backtest, for its model."""
    f = result.frame[result.frame["model"] == result.frame["model"].iloc[0]]
    panels = []
    for s in series:
        g = f[f["unique_id"] == s.uid]
        g = g[g["origin"] == g["origin"].max()]
        cut = int(g["origin"].iloc[0])
        fc = pd.DataFrame({"y_hat": g["y_hat"].to_numpy(), "lo": g["lo"].to_numpy(), "hi": g["hi"].to_numpy()},
                          index=pd.Index(g["ds"]))
        panels.append((s.uid, pd.Series(s.values[:cut], index=s.index[:cut]), fc,
                       pd.Series(g["y"].to_numpy(), index=fc.index)))
    return panels


def best_baseline(result) -> str:
    """The baseline with the lowest MAE in a backtest (seasonal naive where present)."""
    summary = result.summary()
    others = [m for m in summary.index if m != result.frame["model"].iloc[0]]
    return "seasonal_naive" if "seasonal_naive" in others else others[0]


def plots(panels: list[tuple], out: Path, title: str, each: bool, grid: int) -> None:
    """forecast.png (one series, or a grid of the first ``grid``), and with ``each`` one file per series
    in out/plots/; says which series were drawn."""
    from lstmlab.viz.forecast import plot_forecast, plot_forecast_grid

    if not panels:
        return
    if len(panels) == 1:
        name, hist, fc, actual = panels[0]
        save_figure(plot_forecast(hist, fc, actual=actual, title=f"{title}: {name}", last=5 * len(fc)),
                    out / "forecast.png")
        return
    shown = panels[:grid]
    last = 5 * len(shown[0][2])
    save_figure(plot_forecast_grid(shown, title=title, last=last), out / "forecast.png")
    names = ", ".join(str(p[0]) for p in shown)
    print(f"forecast.png shows {len(shown)} of {len(panels)} series (the first in the file): {names}")
    if each:
        folder = out / "plots"
        folder.mkdir(exist_ok=True)
        used: set[str] = set()
        for name, hist, fc, actual in panels:
            base = stem = file_name(name)
            k = 1
            while stem in used:  # "a b" and "a_b" must not share a file
                k += 1
                stem = f"{base}-{k}"
            used.add(stem)
            save_figure(plot_forecast(hist, fc, actual=actual, title=f"{title}: {name}", last=last),
                        folder / f"{stem}.png")
        print(f"wrote {len(panels)} plots in {folder}")
    elif len(panels) > grid:
        print("  --plot-all draws every series, one file each, in DIR/plots/")


def file_name(name: str) -> str:
    """A safe file name for a series name (letters, digits, '.', '-', '_')."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", str(name)).strip("._") or "series"
