"""How recurrent states evolve: h and c per unit as lines over the steps, and as heatmaps.

These draw any trace of the glass-box engine (``trace["h"]``/``trace["c"]`` of shape (L, B, T, H)) or
any (T, H) arrays. matplotlib is imported inside the functions (Agg backend); each returns a Figure.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np


def _plt():
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    return plt


def _as_steps_units(name: str, a) -> np.ndarray:
    a = np.asarray(a, dtype=float)
    if a.ndim != 2:
        raise ValueError(f"{name} must be a (T, H) array of steps x units, got shape {a.shape}")
    return a


def select(trace, name: str, layer: int = 0, batch: int = 0) -> np.ndarray:
    """``trace[name][layer, batch]``: the (T, H) slice of one sequence in one layer of a glass-box trace."""
    a = np.asarray(trace[name])
    if a.ndim != 4:
        raise ValueError(f"trace[{name!r}] must have shape (L, B, T, H), got {a.shape}")
    return a[layer, batch]  # (T, H)


def _tick_labels(ax, tokens: Sequence[str] | None, T: int, axis: str = "x") -> None:
    if tokens is None:
        return
    if len(tokens) != T:
        raise ValueError(f"got {len(tokens)} tokens for {T} steps")
    setter = ax.set_xticks if axis == "x" else ax.set_yticks
    setter(range(T), list(tokens), rotation=90 if axis == "x" else 0, fontsize=7 if T > 20 else 9)


def plot_state_lines(states: dict[str, np.ndarray], tokens: Sequence[str] | None = None,
                     units: Sequence[int] | None = None, title: str = ""):
    """One panel per state (e.g. {"h": (T, H), "c": (T, H)}), one line per unit across the steps.

    Parameters
    ----------
    states : dict name -> (T, H) array
    tokens : optional T labels for the steps (words of a sentence)
    units : which units to draw (default: all, up to 16)
    """
    plt = _plt()
    arrays = {k: _as_steps_units(k, v) for k, v in states.items()}
    if not arrays:
        raise ValueError("states is empty: expected e.g. {'h': (T, H) array}")
    T, H = next(iter(arrays.values())).shape
    units = list(range(min(H, 16))) if units is None else list(units)
    fig, axes = plt.subplots(len(arrays), 1, figsize=(max(6, 0.3 * T + 3), 2.6 * len(arrays)),
                             sharex=True, squeeze=False, layout="constrained")
    cmap = plt.get_cmap("tab20")
    for ax, (name, a) in zip(axes[:, 0], arrays.items()):
        for j, u in enumerate(units):
            ax.plot(np.arange(T), a[:, u], color=cmap(j % 20), lw=1.2, marker="o", ms=2.5, label=f"unit {u}")
        ax.axhline(0, color="0.6", lw=0.6)
        ax.set_ylabel(name)
        ax.grid(alpha=0.3)
    axes[-1, 0].set_xlabel("step")
    _tick_labels(axes[-1, 0], tokens, T)
    if len(units) <= 8:
        axes[0, 0].legend(fontsize=7, ncol=4, loc="best")
    fig.suptitle(title or f"states per unit ({len(units)} of {H} units)")
    return fig


def plot_state_heatmaps(states: dict[str, np.ndarray], tokens: Sequence[str] | None = None, title: str = ""):
    """One heatmap per state: units down, steps across, colour = value (symmetric scale around 0)."""
    plt = _plt()
    arrays = {k: _as_steps_units(k, v) for k, v in states.items()}
    if not arrays:
        raise ValueError("states is empty: expected e.g. {'h': (T, H) array}")
    T, H = next(iter(arrays.values())).shape
    fig, axes = plt.subplots(len(arrays), 1, figsize=(max(6, 0.3 * T + 3), 0.12 * H * len(arrays) + 2),
                             sharex=True, squeeze=False, layout="constrained")
    for ax, (name, a) in zip(axes[:, 0], arrays.items()):
        lim = max(float(np.abs(a).max()), 1e-12)
        im = ax.imshow(a.T, aspect="auto", cmap="RdBu_r", vmin=-lim, vmax=lim, interpolation="nearest")
        ax.set_ylabel(f"{name}: unit")
        fig.colorbar(im, ax=ax, shrink=0.9)
    axes[-1, 0].set_xlabel("step")
    _tick_labels(axes[-1, 0], tokens, T)
    fig.suptitle(title or "states over steps")
    return fig


def plot_trace_states(trace, tokens: Sequence[str] | None = None, layer: int = 0, batch: int = 0,
                      kind: str = "lines", title: str = ""):
    """h (and c for an LSTM) of one sequence of a glass-box trace, as ``kind`` "lines" or "heatmaps"."""
    if kind not in ("lines", "heatmaps"):
        raise ValueError(f"kind must be 'lines' or 'heatmaps', got {kind!r}")
    states = {name: select(trace, name, layer, batch) for name in ("h", "c") if name in trace}
    draw = plot_state_lines if kind == "lines" else plot_state_heatmaps
    return draw(states, tokens=tokens, title=title)
