"""Plots of the memory lab: accuracy vs length per cell, gradient norm vs lag, gates over tokens.

They take results and draw; they compute nothing. matplotlib is imported inside (Agg backend);
each function returns a Figure.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np

from lstmlab.viz.states import _plt, _tick_labels

COLORS = {"rnn": "tab:red", "gru": "tab:orange", "lstm": "tab:blue"}


def plot_accuracy_vs_length(series: Mapping[str, Mapping[str, Sequence[float]]], chance=None,
                            solved_at: float | None = None, xlabel: str = "length",
                            ylabel: str = "test accuracy", title: str = ""):
    """Mean score per cell against length with error bars.

    Parameters
    ----------
    series : dict cell -> {"length": (K,), "mean": (K,), "lo": (K,), "hi": (K,)}
        ``lo``/``hi`` are the ends of the confidence interval of the mean.
    chance : float, or dict with "length" and "value" arrays, optional
        The memoryless baseline, drawn dashed.
    solved_at : float, optional
        The score that counts as solved, drawn dotted.
    """
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7, 4), layout="constrained")
    for cell, s in series.items():
        L, m = np.asarray(s["length"], float), np.asarray(s["mean"], float)
        err = np.vstack([m - np.asarray(s["lo"], float), np.asarray(s["hi"], float) - m])
        ax.errorbar(L, m, yerr=np.clip(err, 0, None), marker="o", capsize=4, lw=1.6,
                    color=COLORS.get(cell), label=cell.upper())
    if isinstance(chance, Mapping):
        ax.plot(chance["length"], chance["value"], "k--", lw=1, label="chance (memoryless baseline)")
    elif chance is not None:
        ax.axhline(chance, color="k", ls="--", lw=1, label="chance (memoryless baseline)")
    if solved_at is not None:
        ax.axhline(solved_at, color="0.4", ls=":", lw=1, label=f"solved ({solved_at:g})")
    lengths = sorted({float(v) for s in series.values() for v in s["length"]})
    if lengths and lengths[-1] / max(lengths[0], 1e-9) >= 20:
        ax.set_xscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title(title or f"{ylabel} vs {xlabel} (mean and 95% CI over seeds)")
    return fig


def plot_gradient_flow(flows: Mapping[str, Sequence[float]], forget: Mapping[str, Sequence[float]] | None = None,
                       title: str = ""):
    """Gradient norm ||dLoss/dh_t|| against the lag T-1-t on a log axis, one line per label.

    Parameters
    ----------
    flows : dict label -> (T,) norms indexed by lag (e.g. {"RNN, init": ..., "LSTM, trained": ...})
    forget : optional dict label -> (T,) product of forget gates by lag, drawn dashed
    """
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7, 4), layout="constrained")
    for label, norms in flows.items():
        n = np.asarray(norms, float)
        cell = label.split(",")[0].strip().lower()
        style = "-" if "train" in label.lower() else "--" if "init" in label.lower() else "-"
        ax.plot(np.arange(len(n)), np.where(n > 0, n, np.nan), style, color=COLORS.get(cell), lw=1.6, label=label)
    for label, prod in (forget or {}).items():
        p = np.asarray(prod, float)
        ax.plot(np.arange(len(p)), np.where(p > 0, p, np.nan), ":", color="tab:green", lw=1.6, label=label)
    ax.set_yscale("log")
    ax.set_xlabel("lag T-1-t (steps before the end)")
    ax.set_ylabel("mean ||dLoss/dh_t||")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8)
    ax.set_title(title or "how far back the loss reaches: gradient norm by lag")
    return fig


def plot_gates(gates: Mapping[str, np.ndarray], tokens: Sequence[str] | None = None, title: str = ""):
    """Heatmaps of gates and states over the tokens of one sequence.

    Parameters
    ----------
    gates : dict name -> (T, H), e.g. {"input i": ..., "forget f": ..., "output o": ..., "cell c": ...};
        names starting with a gate letter in "ifo" use the sigmoid range [0, 1], others a scale symmetric around 0.
    tokens : optional T labels (the words)
    """
    plt = _plt()
    names = list(gates)
    if not names:
        raise ValueError("gates is empty")
    T, H = np.asarray(gates[names[0]]).shape
    fig, axes = plt.subplots(len(names), 1, figsize=(max(7, 0.32 * T + 3), 1.2 + (0.1 * H + 0.6) * len(names)),
                             sharex=True, squeeze=False, layout="constrained")
    for ax, name in zip(axes[:, 0], names):
        a = np.asarray(gates[name], float)
        if name[:1] in "ifo":
            im = ax.imshow(a.T, aspect="auto", cmap="viridis", vmin=0, vmax=1, interpolation="nearest")
        else:
            lim = max(float(np.abs(a).max()), 1e-12)
            im = ax.imshow(a.T, aspect="auto", cmap="RdBu_r", vmin=-lim, vmax=lim, interpolation="nearest")
        ax.set_ylabel(f"{name}\nunit", fontsize=8)
        fig.colorbar(im, ax=ax, shrink=0.9)
    axes[-1, 0].set_xlabel("token")
    _tick_labels(axes[-1, 0], tokens, T)
    fig.suptitle(title or "gates and cell state, token by token")
    return fig


def plot_saturation(low: Mapping[str, Sequence[float]], high: Mapping[str, Sequence[float]], title: str = ""):
    """Per gate, the fraction of steps each unit spends below 0.1 (shut) and above 0.9 (open), as bars.

    Parameters
    ----------
    low, high : dict gate -> (H,) fractions
    """
    plt = _plt()
    names = list(low)
    fig, axes = plt.subplots(1, len(names), figsize=(3.2 * len(names), 3.2), sharey=True, squeeze=False,
                             layout="constrained")
    for ax, name in zip(axes[0], names):
        lo, hi = np.asarray(low[name], float), np.asarray(high[name], float)
        u = np.arange(len(lo))
        ax.bar(u, hi, color="tab:green", label="> 0.9 (open)")
        ax.bar(u, -lo, color="tab:purple", label="< 0.1 (shut)")
        ax.axhline(0, color="k", lw=0.6)
        ax.set_title(name)
        ax.set_xlabel("unit")
    axes[0, 0].set_ylabel("fraction of steps (shut below 0)")
    axes[0, 0].legend(fontsize=7)
    fig.suptitle(title or "gate saturation per unit")
    return fig


def plot_training_curves(curves: Mapping[str, Sequence[Mapping[str, float]]], key: str = "val_metric",
                         x: str = "epoch", title: str = ""):
    """One line per run label: ``curve[key]`` against ``curve[x]`` (curves as stored in run records)."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7, 4), layout="constrained")
    for label, curve in curves.items():
        cell = label.split()[0].lower()
        ax.plot([p[x] for p in curve], [p[key] for p in curve], color=COLORS.get(cell), lw=1.2, alpha=0.8,
                label=label)
    ax.set_xlabel(x)
    ax.set_ylabel(key)
    ax.grid(alpha=0.3)
    if len(curves) <= 12:
        ax.legend(fontsize=7)
    ax.set_title(title or f"training curves: {key}")
    return fig
