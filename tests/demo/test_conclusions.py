"""Each section's conclusion sentences are computed from its numbers: flip the numbers, the sentences flip."""

from __future__ import annotations

import copy

from lstmlab.demo import forecasting

FORECAST = {
    "level": 0.9, "tutorial_epochs": 50,
    "synthetic": {"mae": {"LSTMForecaster": 0.8, "seasonal_naive": 1.4, "naive": 5.0, "drift": 5.1,
                          "window_mean": 6.0, "tutorial (leak)": 1.6, "tutorial (leak fixed)": 1.8},
                  "coverage": {"LSTMForecaster": 0.91, "seasonal_naive": 0.95},
                  "forecasts": 18, "horizon": 10, "points_scored": 180},
    "airpassengers": {"mae": {"LSTMForecaster": 60.0, "seasonal_naive": 47.6, "naive": 80.0, "drift": 70.0,
                              "window_mean": 62.0, "tutorial (leak)": 90.0, "tutorial (leak fixed)": 80.0},
                      "coverage": {"LSTMForecaster": 0.75, "seasonal_naive": 0.5},
                      "forecasts": 2, "horizon": 12, "points_scored": 24},
}


def test_forecast_conclusions_follow_the_numbers():
    text = forecasting.conclude(FORECAST)
    assert text[0].startswith("On the synthetic series (18 forecasts of 10 steps, 180 points): "
                              "LSTM forecaster beat seasonal naive on test MAE: 0.8 against 1.4.")
    assert "Lowest MAE of all 7 methods: LSTM forecaster (0.8)" in text[0]
    assert "11% lower with the leak than without (1.6 against 1.8), so in this run the leak flattered" in text[1]
    assert "covered 91.0% of the 180 test points of the synthetic series, within 5 points of nominal" in text[2]
    assert "LSTM forecaster did not beat seasonal naive on test MAE in this run; seasonal naive was better" in text[3]
    assert "Lowest MAE of all 7 methods: seasonal naive (47.6)" in text[3]
    assert "12% higher with the leak than without (90 against 80), so in this run the leak did not flatter" in text[4]
    assert "below nominal: the intervals were too narrow" in text[5]
    assert not any("Quick mode" in t for t in text)


def test_forecast_conclusions_mention_a_reduced_tutorial_budget():
    quick = copy.deepcopy(FORECAST)
    quick["tutorial_epochs"] = 4
    assert forecasting.conclude(quick)[-1].startswith("Quick mode: the tutorial's method trained for 4 epochs")


GLASSBOX = {"max_abs_diff_torch": 5e-17, "mean_forget": 0.50, "mean_input": 0.51, "steps": 5,
            "c_final": [-0.3, 2.0], "h_final": [-0.1, 0.4], "max_abs_c": 2.0}


def test_glassbox_conclusions_follow_the_numbers():
    from lstmlab.demo import glassbox_steps

    text = glassbox_steps.conclude(GLASSBOX)
    assert "is 5.0e-17 (float64 rounding)" in text[0]
    assert "about equally" in text[1]
    text = glassbox_steps.conclude({**GLASSBOX, "max_abs_diff_torch": 1e-3, "mean_forget": 0.8})
    assert "larger than float64 rounding, so the two disagree" in text[0]
    assert "kept more of the old cell state" in text[1]
    assert "wrote more of the new candidate" in glassbox_steps.conclude({**GLASSBOX, "mean_input": 0.7})[1]


def test_states_conclusions_follow_the_numbers():
    import numpy as np

    from lstmlab.demo import states

    steady = np.array([[1.0, 2.0], [1.1, 2.0], [1.2, 2.1]])  # (T, H) small steps
    jumpy = np.array([[1.0, -1.0], [-1.0, 1.0], [1.0, -1.0]])
    assert states.step_change(jumpy) == 2.0
    assert states.step_change(steady) < 0.1
    n = {"hand": {"steps": 5, "units": 3, "step_change_h": 0.4, "step_change_c": 0.1},
         "sentence": {"steps": 30, "units": 32, "step_change_h": 0.1, "step_change_c": 0.3},
         "missing": []}
    text = states.conclude(n)
    assert "c moved 4 times less than h: the cell state was the steadier one" in text[0]
    assert "c moved 3 times more than h: here the cell state was not the steadier one" in text[1]
    n["sentence"]["step_change_c"] = 0.105
    assert "moved about equally" in states.conclude(n)[1]
    assert "No plot of X" in states.conclude({"missing": ["X"]})[0]


GATES = {"distance": 30, "units": 32, "test_accuracy": 0.99, "test_lo": 0.985, "chance": 0.125,
         "country": "peru", "predicted": "peru", "input_at_country": 0.9, "input_on_filler": 0.3,
         "forget_on_filler": 0.95, "units_holding": 5, "cell_change_at_country": 0.3, "cell_change_on_filler": 0.03,
         "saturation": {g: {"shut": 0.1, "open": 0.5} for g in "ifo"}}


def test_gate_conclusions_follow_the_numbers():
    from lstmlab.demo import gates

    text = gates.conclude(GATES)
    assert "answered 'peru'; the country was 'peru' (right)" in text[0]
    assert not any("did not learn" in t for t in text)
    assert "0.90 at the country word, 0.30 on the filler words (higher than on filler)" in text[1]
    assert "(10 times as much at the country)" in text[2]
    assert "5 of 32 units kept it above 0.9" in text[3]
    bad = gates.conclude({**GATES, "predicted": "japan", "test_accuracy": 0.13, "test_lo": 0.11,
                          "input_at_country": 0.31})
    assert "(wrong)" in bad[0]
    assert "did not learn the task in this run" in bad[1]
    assert "(about the same as on filler)" in bad[2]


def test_memory_conclusions_follow_the_numbers():
    from lstmlab.demo import memory_problem

    n = {"gradient": {"max_lag": 40, "ratio_rnn": 1e-10, "ratio_lstm": 1e-3, "trained_ratio_rnn": 0.1,
                      "trained_ratio_lstm": 0.01},
         "born_in": {"short": {"distance": 5, "rnn": [1.0, 0.996, 1.0], "lstm": [1.0, 0.996, 1.0], "chance": 0.13},
                     "long": {"distance": 30, "rnn": [0.14, 0.12, 0.16], "lstm": [0.99, 0.985, 0.995],
                              "chance": 0.13}}}
    text = memory_problem.conclude(n)
    assert ("at initialisation: 1e-10 for the RNN, 0.001 for the LSTM; the LSTM kept 1e+07 times more of its "
            "gradient over those steps than the RNN") in text[0]
    assert "after training: 0.1 for the RNN, 0.01 for the LSTM; the RNN kept 10 times more" in text[1]
    assert "against the usual story" in text[1]
    assert "cannot be told apart on test accuracy at distance 5" in text[2] and "both were clearly above" in text[2]
    assert text[3].startswith("LSTM beat RNN on test accuracy at distance 30")
    assert "RNN did not get clearly above it" in text[3]
    n["gradient"].update(ratio_rnn=0.01, ratio_lstm=0.001)
    n["born_in"]["long"].update(rnn=[0.99, 0.985, 0.995], lstm=[0.14, 0.12, 0.16])
    text = memory_problem.conclude(n)
    assert "the RNN kept 10 times more of its gradient over those steps than the LSTM, against the usual" in text[0]
    assert text[3].startswith("LSTM did not beat RNN on test accuracy at distance 30 in this run; RNN was better")


def test_cells_conclusions_follow_the_intervals():
    from lstmlab.demo import cells

    def row(cell, length, mean, lo, hi):
        return {"cell": cell, "length": length, "mean": mean, "lo": lo, "hi": hi}

    n = {"task": "born-in", "describe": "the country", "seeds": 3, "max_epochs": 15, "steps_per_epoch": 50,
         "lengths": [10, 30],
         "rows": [row("rnn", 10, 1.0, 1.0, 1.0), row("gru", 10, 1.0, 1.0, 1.0), row("lstm", 10, 1.0, 1.0, 1.0),
                  row("rnn", 30, 0.13, 0.12, 0.14), row("gru", 30, 0.5, 0.0, 1.0), row("lstm", 30, 1.0, 1.0, 1.0)]}
    text = cells.conclude(n)
    assert "at most 15 epochs of 50 batches" in text[0]
    assert text[1].startswith("Length 10: LSTM and RNN tied on mean test accuracy: 1.000 against 1.000.")
    assert "LSTM beat RNN on mean test accuracy: 1.000 against 0.130 [0.120, 0.140]" in text[2]
    assert "GRU and RNN cannot be told apart" in text[2]
    assert "LSTM and GRU cannot be told apart" in text[2]
