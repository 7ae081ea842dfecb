"""Plots of the memory lab: accuracy against length, gradient against lag, gates over tokens.

Each function takes results (summary rows, GradientFlow, GateReading) and returns a matplotlib Figure;
nothing is computed here. matplotlib is imported inside the functions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

import numpy as np

if TYPE_CHECKING:  # for the annotations only: matplotlib loads inside the functions
    from matplotlib.figure import Figure

    from lstmlab.lab.gates import GateReading
    from lstmlab.lab.gradients import GradientFlow
    from lstmlab.lab.summary import Row

COLORS = {"rnn": "tab:red", "gru": "tab:green", "lstm": "tab:blue"}
CHRONO_COLOR, FORGET_BIAS_COLOR = "tab:cyan", "tab:purple"  # the LSTM's variants, each its own colour


def run_style(cell: str, init: str = "uniform", forget_bias: float = 1.0) -> dict[str, str]:
    """Colour and marker of a kind of run: by cell, with the chrono and forget-bias LSTMs set apart."""
    if cell == "lstm" and init == "chrono":
        return {"color": CHRONO_COLOR, "marker": "^"}
    if cell == "lstm" and forget_bias != 1.0:
        return {"color": FORGET_BIAS_COLOR, "marker": "s"}
    return {"color": COLORS.get(cell, "tab:gray"), "marker": "o"}


def plot_metric_vs_length(rows: Sequence[Row], metric_name: str = "test accuracy", title: str = "") -> Figure:
    """Mean test metric per kind of run against length, 95% intervals as error bars, the memoryless baseline
    dashed; one line per ``Row.label``, coloured by :func:`run_style`.

    Parameters
    ----------
    rows : summary rows (``lstmlab.lab.summary.Row``): ``cell, init, forget_bias, label, length, mean, lo, hi,
        chance``.
    metric_name : the y-axis label.
    title : default: the task and the metric.

    Returns
    -------
    matplotlib.figure.Figure, one axes.
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7, 4), layout="constrained")
    ax = fig.subplots()
    for name in dict.fromkeys(r.label for r in rows):
        rs = sorted((r for r in rows if r.label == name), key=lambda r: r.length)
        x = np.array([r.length for r in rs])  # (n,)
        m = np.array([r.mean for r in rs])  # (n,)
        err = np.clip([[r.mean - r.lo for r in rs], [r.hi - r.mean for r in rs]], 0, None)  # (2, n), rounding
        ax.errorbar(x, m, yerr=err, capsize=3, label=f"{name} ({rs[0].n_seeds} seeds)",
                    **run_style(rs[0].cell, rs[0].init, rs[0].forget_bias))
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


def plot_gradient_flow(flows: Sequence[GradientFlow], title: str = "") -> Figure:
    """||dLoss/dh_t|| against lag T-1-t on a log axis, one line per (run, when), coloured by :func:`run_style`;
    a second panel with the LSTM's forget-gate products when measured.

    Parameters
    ----------
    flows : ``lstmlab.lab.gradients.GradientFlow``, each with ``lags (T,)``, ``grad_norm (T,)`` and
        ``forget_product (T,)`` or None.
    title : default: "gradient reaching back to step t".

    Returns
    -------
    matplotlib.figure.Figure, one axes, or two (gradient, forget-gate product) when a flow has forget gates.
    """
    from matplotlib.figure import Figure

    has_f = any(f.forget_product is not None for f in flows)
    fig = Figure(figsize=(7, 6.5 if has_f else 4), layout="constrained")
    axes = fig.subplots(2 if has_f else 1, 1, squeeze=False)[:, 0]
    styles = {"init": ":", "trained": "-"}
    for f in flows:
        ax = axes[0]
        g = np.where(f.grad_norm > 0, f.grad_norm, np.nan)  # log axis: zeros would vanish anyway
        color, name = run_style(f.cell, f.init)["color"], f"{f.label or f.cell.upper()} {f.when}"
        ax.plot(f.lags, g, ls=styles.get(f.when, "-"), color=color, label=name)
        if has_f and f.forget_product is not None:
            axes[1].plot(f.lags, np.where(f.forget_product > 0, f.forget_product, np.nan),
                         ls=styles.get(f.when, "-"), color=color, label=name)
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


def plot_gates(reading: GateReading, units: Sequence[int] | None = None, title: str = "") -> Figure:
    """Heatmaps of the input, forget and output gates (0..1) and the cell state over the tokens.

    Parameters
    ----------
    reading : ``lstmlab.lab.gates.GateReading``, gates ``i, f, o`` and cell state ``c`` each ``(T, H)``.
    units : the units (rows) to show; default all H.
    title : the figure's title.

    Returns
    -------
    matplotlib.figure.Figure, four axes (input, forget, output gate, cell state), each units x T tokens.
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


def plot_saturation(reading: GateReading, title: str = "") -> Figure:
    """Per gate, the fraction of steps each unit spent shut (< 0.1) and open (> 0.9), as bars.

    Returns
    -------
    matplotlib.figure.Figure, three axes (input, forget, output gate), H pairs of bars each.
    """
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
