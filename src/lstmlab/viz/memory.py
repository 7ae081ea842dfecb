"""Plots of the memory lab: accuracy against length, gradient against lag, gates over tokens.

Each function takes results (summary rows, GradientFlow, GateReading) and returns a matplotlib Figure;
nothing is computed here. matplotlib is imported inside the functions.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

COLORS = {"rnn": "tab:red", "gru": "tab:green", "lstm": "tab:blue"}


def plot_metric_vs_length(rows: Sequence, metric_name: str = "test accuracy", title: str = ""):
    """Mean test metric per cell against length, 95% intervals as error bars, the memoryless baseline dashed.

    ``rows``: summary rows with ``cell, length, mean, lo, hi, chance`` (``lstmlab.lab.summary.Row``).
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7, 4), layout="constrained")
    ax = fig.subplots()
    for cell in dict.fromkeys(r.cell for r in rows):
        rs = sorted((r for r in rows if r.cell == cell), key=lambda r: r.length)
        x = np.array([r.length for r in rs])
        m = np.array([r.mean for r in rs])
        err = np.clip([[r.mean - r.lo for r in rs], [r.hi - r.mean for r in rs]], 0, None)  # (2, n), rounding
        base, _, fb = cell.partition(" fb=")  # "lstm fb=3": an LSTM with initial forget bias 3
        name = base.upper() + (f" (forget bias {fb})" if fb else "")
        ax.errorbar(x, m, yerr=err, marker="s" if fb else "o", capsize=3, label=f"{name} ({rs[0].n_seeds} seeds)",
                    color="tab:purple" if fb else COLORS.get(base))
    lengths = sorted({r.length for r in rows})
    chance = [np.mean([r.chance for r in rows if r.length == n]) for n in lengths]
    ax.plot(lengths, chance, ls="--", color="0.4", label="memoryless baseline")
    ax.set_xscale("log" if lengths and max(lengths) / max(min(lengths), 1) >= 20 else "linear")
    ax.set_xlabel("sequence length / lag")
    ax.set_ylabel(metric_name)
    ax.set_ylim(-0.02, 1.02)
    ax.legend(fontsize=8)
    ax.set_title(title or (f"{rows[0].task}: {metric_name} against length" if rows else ""))
    return fig


def plot_gradient_flow(flows: Sequence, title: str = ""):
    """||dLoss/dh_t|| against lag T-1-t on a log axis, one line per (cell, when); a second panel with the
    LSTM's forget-gate products when measured. ``flows``: ``lstmlab.lab.gradients.GradientFlow``."""
    from matplotlib.figure import Figure

    has_f = any(f.forget_product is not None for f in flows)
    fig = Figure(figsize=(7, 6.5 if has_f else 4), layout="constrained")
    axes = fig.subplots(2 if has_f else 1, 1, squeeze=False)[:, 0]
    styles = {"init": ":", "trained": "-"}
    for f in flows:
        ax = axes[0]
        g = np.where(f.grad_norm > 0, f.grad_norm, np.nan)  # log axis: zeros would vanish anyway
        ax.plot(f.lags, g, ls=styles.get(f.when, "-"), color=COLORS.get(f.cell), label=f"{f.cell.upper()} {f.when}")
        if has_f and f.forget_product is not None:
            axes[1].plot(f.lags, np.where(f.forget_product > 0, f.forget_product, np.nan),
                         ls=styles.get(f.when, "-"), color=COLORS.get(f.cell), label=f"{f.cell.upper()} {f.when}")
    axes[0].set_yscale("log")
    axes[0].set_ylabel("mean ||dLoss/dh_t||")
    axes[0].legend(fontsize=8)
    axes[0].set_title(title or "gradient reaching back to step t")
    if has_f:
        axes[1].set_yscale("log")
        axes[1].set_ylabel("mean product of forget gates\nafter step t")
        axes[1].legend(fontsize=8)
    axes[-1].set_xlabel("lag T-1-t (steps before the end)")
    return fig


def plot_gates(reading, units: Sequence[int] | None = None, title: str = ""):
    """Heatmaps of the input, forget and output gates (0..1) and the cell state over the tokens.

    ``reading``: ``lstmlab.lab.gates.GateReading``; ``units`` limits the rows shown.
    """
    from matplotlib.figure import Figure

    panels = [("i", "input gate", "viridis", (0, 1)), ("f", "forget gate", "viridis", (0, 1)),
              ("o", "output gate", "viridis", (0, 1)), ("c", "cell state c", "RdBu_r", None)]
    T = len(reading.tokens)
    fig = Figure(figsize=(max(7, 0.28 * T + 2), 9), layout="constrained")
    axes = fig.subplots(4, 1, sharex=True)
    for ax, (k, label, cmap, lim) in zip(axes, panels):
        a = getattr(reading, k)  # (T, H)
        if units is not None:
            a = a[:, list(units)]
        if lim is None:
            m = float(np.abs(a).max()) or 1.0
            lim = (-m, m)
        im = ax.imshow(a.T, aspect="auto", cmap=cmap, vmin=lim[0], vmax=lim[1], interpolation="nearest")
        ax.set_ylabel(f"{label}\nunit")
        fig.colorbar(im, ax=ax, shrink=0.9)
    axes[-1].set_xticks(range(T), reading.tokens, rotation=90, fontsize=7)
    fig.suptitle(title or "LSTM gates and cell state, token by token")
    return fig


def plot_saturation(reading, title: str = ""):
    """Per gate, the fraction of steps each unit spent shut (< 0.1) and open (> 0.9), as bars."""
    from matplotlib.figure import Figure

    sat = reading.saturation()
    fig = Figure(figsize=(8, 5.5), layout="constrained")
    axes = fig.subplots(3, 1, sharex=True)
    for ax, (gate, label) in zip(axes, (("i", "input"), ("f", "forget"), ("o", "output"))):
        H = len(sat[gate]["open"])
        ax.bar(np.arange(H) - 0.2, sat[gate]["shut"], width=0.4, label="< 0.1", color="tab:gray")
        ax.bar(np.arange(H) + 0.2, sat[gate]["open"], width=0.4, label="> 0.9", color="tab:orange")
        ax.set_ylabel(f"{label} gate\nfraction of steps")
        ax.set_ylim(0, 1)
    axes[0].legend(fontsize=8)
    axes[-1].set_xlabel("unit")
    fig.suptitle(title or "gate saturation per unit")
    return fig
