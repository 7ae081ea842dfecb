"""Memory-lab plots draw what they are given (they compute nothing)."""

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from lstmlab.lab.gates import GateReading  # noqa: E402
from lstmlab.lab.gradients import GradientFlow  # noqa: E402
from lstmlab.viz import memory, states  # noqa: E402


def test_gradient_flow_plot_is_log_and_drops_zeros():
    flows = [GradientFlow("rnn", "init", np.arange(3), np.array([1.0, 0.1, 0.0])),
             GradientFlow("lstm", "trained", np.arange(3), np.array([1.0, 0.8, 0.7]), np.array([1.0, 0.9, 0.8]))]
    fig = memory.plot_gradient_flow(flows)
    ax = fig.axes[0]
    assert ax.get_yscale() == "log" and len(fig.axes) == 2  # second panel: forget-gate products
    np.testing.assert_allclose(ax.get_lines()[1].get_ydata(), [1.0, 0.8, 0.7])
    assert np.isnan(ax.get_lines()[0].get_ydata()[2])


def test_gate_plots_label_the_tokens():
    rng = np.random.default_rng(0)
    a = [rng.uniform(size=(5, 3)) for _ in range(6)]
    reading = GateReading(list("vwxyz"), *a)
    fig = memory.plot_gates(reading)
    bottom = [ax for ax in fig.axes if ax.get_xticklabels()][-1]
    assert [t.get_text() for t in bottom.get_xticklabels()] == list("vwxyz")
    memory.plot_saturation(reading)


@pytest.mark.parametrize("draw", [states.plot_state_lines, states.plot_state_heatmaps])
def test_state_plots_take_a_trace_or_plain_arrays(draw):
    rng = np.random.default_rng(1)
    trace = {"h": rng.normal(size=(1, 2, 5, 3)), "c": rng.normal(size=(1, 2, 5, 3))}
    draw(trace, batch=1, tokens=list("abcde"))
    fig = draw({"h": trace["h"][0, 1], "c": trace["c"][0, 1]}, tokens=list("abcde"))  # (T, H) arrays
    if draw is states.plot_state_lines:
        np.testing.assert_allclose(fig.axes[0].get_lines()[0].get_ydata(), trace["h"][0, 1, :, 0])
    with pytest.raises(ValueError, match=r"\(L, B, T, H\)"):
        draw({"h": np.zeros(3)})


def test_metric_plot_names_and_colours_every_kind_of_run():
    from matplotlib.colors import to_hex

    from lstmlab.lab.summary import Row

    def row(cell, name, init="uniform", fb=1.0):
        return Row("t", cell, name, 10, 2, .8, .7, .9, .7, .5, False, 0, 1.0, 3.0, init, fb)

    rows = [row("rnn", "RNN"), row("lstm", "LSTM"), row("lstm", "LSTM (chrono init)", "chrono"),
            row("lstm", "LSTM (forget bias 3)", fb=3.0)]
    ax = memory.plot_metric_vs_length(rows).axes[0]
    handles, labels = ax.get_legend_handles_labels()
    runs = {name: h for h, name in zip(handles, labels) if name != "memoryless baseline"}
    assert list(runs) == [f"{r.label} (2 seeds)" for r in rows]
    colours = [to_hex(h.lines[0].get_color()) for h in runs.values()]
    assert len(set(colours)) == 4  # the chrono and forget-bias LSTMs are not drawn as the plain LSTM
    assert colours[2] == to_hex(memory.CHRONO_COLOR)


def test_gradient_flow_plot_names_the_run():
    flows = [GradientFlow("lstm", "init", np.arange(2), np.ones(2), init="chrono", label="LSTM (chrono init)")]
    ax = memory.plot_gradient_flow(flows).axes[0]
    assert ax.get_legend_handles_labels()[1] == ["LSTM (chrono init) init"]
    assert ax.get_lines()[0].get_color() == memory.CHRONO_COLOR
