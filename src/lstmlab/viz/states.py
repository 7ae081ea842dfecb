"""How the hidden state h and the cell state c evolve, as lines and heatmaps, for any glass-box trace.

The functions take a trace (``trace["h"]``, and ``trace["c"]`` for an LSTM, each (L, B, T, H)) and return a
matplotlib Figure; they draw and compute nothing. matplotlib is imported inside the functions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping, Sequence

import numpy as np

from lstmlab.errors import LstmlabError, LstmlabKeyError

if TYPE_CHECKING:  # for the annotations only: matplotlib loads inside the functions
    from matplotlib.figure import Figure


def _states(trace: Mapping, layer: int, batch: int) -> dict[str, np.ndarray]:
    """{"h": (T, H), "c": (T, H) if traced} for one layer and one sequence of the trace.

    ``trace`` is a glass-box Trace (arrays (L, B, T, H)) or a mapping of (T, H) arrays.
    """
    names = [k for k in ("h", "c") if k in trace]
    if not names:
        raise LstmlabKeyError("the trace has no 'h' to plot")
    out = {}
    for k in names:
        a = np.asarray(trace[k])
        if a.ndim == 2:  # already one sequence of one layer: (T, H)
            out[k] = a
            continue
        if a.ndim != 4:
            raise LstmlabError(f"trace[{k!r}] must be (L, B, T, H) or (T, H), got shape {a.shape}")
        out[k] = a[layer, batch]  # (T, H)
    return out


def _xticks(ax, tokens: Sequence[str] | None, T: int) -> None:
    if tokens is not None:
        if len(tokens) != T:
            raise LstmlabError(f"expected {T} tokens, one per step, got {len(tokens)}")
        ax.set_xticks(range(T), list(tokens), rotation=90, fontsize=7)
    else:
        ax.set_xlabel("step t")


def plot_state_lines(trace: Mapping, layer: int = 0, batch: int = 0, units: Sequence[int] | None = None,
                     tokens: Sequence[str] | None = None, title: str = "") -> Figure:
    """One panel per state (h, and c if traced): each unit's value against the step, one line per unit.

    Parameters
    ----------
    trace : a glassbox Trace or a mapping with ``"h"`` (and ``"c"``): ``(L, B, T, H)`` arrays, or ``(T, H)``.
    layer, batch : which layer and sequence of an ``(L, B, T, H)`` trace to draw.
    units : the units to draw (default all H).
    tokens : T labels for the steps (default: the step numbers).

    Returns
    -------
    matplotlib.figure.Figure, one axes per state, one line per unit over T steps.
    """
    from matplotlib.figure import Figure

    states = _states(trace, layer, batch)
    fig = Figure(figsize=(9, 2.6 * len(states)), layout="constrained")
    axes = fig.subplots(len(states), 1, sharex=True, squeeze=False)[:, 0]
    for ax, (name, a) in zip(axes, states.items()):
        cols = range(a.shape[1]) if units is None else units
        for j in cols:
            ax.plot(a[:, j], lw=1, marker="." if a.shape[0] <= 30 else None, label=f"unit {j}")
        ax.set_ylabel(f"{name}_t")
        ax.axhline(0, color="0.7", lw=0.5)
        _xticks(ax, tokens, a.shape[0])
    if len(list(cols)) <= 10:
        axes[0].legend(fontsize=7, ncol=5, loc="upper left")
    fig.suptitle(title or f"hidden state h and cell state c, layer {layer}, sequence {batch}")
    return fig


def plot_state_heatmaps(trace: Mapping, layer: int = 0, batch: int = 0, tokens: Sequence[str] | None = None,
                        title: str = "") -> Figure:
    """One heatmap per state (h, and c if traced): units down, steps across, a diverging colour scale.

    Takes ``trace``, ``layer``, ``batch`` and ``tokens`` as :func:`plot_state_lines` does.

    Returns
    -------
    matplotlib.figure.Figure, one axes per state, each an H x T image.
    """
    from matplotlib.figure import Figure

    states = _states(trace, layer, batch)
    fig = Figure(figsize=(9, 2.8 * len(states)), layout="constrained")
    axes = fig.subplots(len(states), 1, squeeze=False)[:, 0]
    for ax, (name, a) in zip(axes, states.items()):
        lim = float(np.abs(a).max()) or 1.0
        im = ax.imshow(a.T, aspect="auto", cmap="RdBu_r", vmin=-lim, vmax=lim, interpolation="nearest")
        ax.set_ylabel(f"{name}: unit")
        _xticks(ax, tokens, a.shape[0])
        fig.colorbar(im, ax=ax, shrink=0.9)
    fig.suptitle(title or f"states over time, layer {layer}, sequence {batch}")
    return fig
