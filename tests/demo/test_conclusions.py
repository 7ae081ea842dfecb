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
