import numpy as np
import pytest

pytest.importorskip("matplotlib")

from lstmlab.viz import memory, states  # noqa: E402


def _axes_lines(fig):
    return [line for ax in fig.axes for line in ax.get_lines()]


def test_accuracy_vs_length_draws_one_errorbar_series_per_cell():
    series = {c: {"length": [5, 20, 50], "mean": [1.0, 0.9, 0.5], "lo": [0.99, 0.8, 0.45], "hi": [1.0, 0.95, 0.55]}
              for c in ("rnn", "lstm")}
    fig = memory.plot_accuracy_vs_length(series, chance=0.5, solved_at=0.99)
    labels = fig.axes[0].get_legend_handles_labels()[1]
    assert {"RNN", "LSTM"} <= set(labels) and any("chance" in s for s in labels)


def test_gradient_flow_uses_log_axis_and_skips_zeros():
    fig = memory.plot_gradient_flow({"RNN, init": [1.0, 0.1, 0.0], "LSTM, trained": [1.0, 0.8, 0.7]},
                                    forget={"LSTM forget product": [1, 0.9, 0.8]})
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    rnn = ax.get_lines()[0].get_ydata()
    assert np.isnan(rnn[2])  # a zero norm cannot be drawn on a log axis


def test_gates_and_saturation_and_curves():
    rng = np.random.default_rng(0)
    gates = {"input i": rng.uniform(size=(6, 4)), "cell c": rng.normal(size=(6, 4))}
    fig = memory.plot_gates(gates, tokens=list("abcdef"))
    bottom = [ax for ax in fig.axes if ax.get_xlabel() == "token"][0]
    assert [t.get_text() for t in bottom.get_xticklabels()] == list("abcdef")
    memory.plot_saturation({"f": [0.1, 0.0]}, {"f": [0.5, 0.9]})
    memory.plot_training_curves({"lstm seed 0": [{"epoch": 1, "val_metric": 0.5}, {"epoch": 2, "val_metric": 1.0}]})
    with pytest.raises(ValueError, match="tokens"):
        memory.plot_gates(gates, tokens=list("abc"))


def test_state_plots_take_a_trace_like_mapping():
    rng = np.random.default_rng(1)
    trace = {"h": rng.normal(size=(1, 2, 5, 3)), "c": rng.normal(size=(1, 2, 5, 3))}
    fig = states.plot_trace_states(trace, tokens=list("vwxyz"), batch=1)
    lines = _axes_lines(fig)
    np.testing.assert_allclose(lines[0].get_ydata(), trace["h"][0, 1, :, 0])
    states.plot_trace_states(trace, kind="heatmaps")
    with pytest.raises(ValueError, match="kind"):
        states.plot_trace_states(trace, kind="bars")
    with pytest.raises(ValueError, match=r"\(T, H\)"):
        states.plot_state_lines({"h": np.zeros(3)})
