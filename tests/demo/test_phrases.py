"""Conclusion sentences follow the numbers: each verdict can come out either way."""

import pytest

from lstmlab.demo.phrases import Estimate, compare, order, pct

LSTM_HIGH = Estimate("LSTM", 0.99, 0.98, 1.0)
RNN_CHANCE = Estimate("RNN", 0.50, 0.47, 0.53)
RNN_CLOSE = Estimate("RNN", 0.97, 0.95, 0.985)


def test_order_follows_the_intervals():
    assert order(LSTM_HIGH, RNN_CHANCE) == 1
    assert order(RNN_CHANCE, LSTM_HIGH) == -1
    assert order(LSTM_HIGH, RNN_CLOSE) == 0  # overlapping intervals: no verdict
    assert order(LSTM_HIGH, RNN_CHANCE, higher_is_better=False) == -1


def test_point_estimates_compare_plainly():
    assert order(Estimate.point("a", 1.0), Estimate.point("b", 2.0), higher_is_better=False) == 1
    assert order(Estimate.point("a", 1.0), Estimate.point("b", 1.0)) == 0
    assert order(Estimate.point("a", float("nan")), Estimate.point("b", 1.0)) == 0


def test_sentences_say_what_was_measured_either_way():
    assert compare(LSTM_HIGH, RNN_CHANCE, "accuracy").startswith("LSTM beat RNN on accuracy: 0.99 [0.98, 1]")
    lost = compare(RNN_CHANCE, LSTM_HIGH, "accuracy")
    assert lost.startswith("RNN did not beat LSTM on accuracy in this run; LSTM was better")
    assert "cannot be told apart" in compare(LSTM_HIGH, RNN_CLOSE, "accuracy")
    mae = compare(Estimate.point("LSTM", 0.8), Estimate.point("seasonal naive", 1.4), "MAE", higher_is_better=False)
    assert mae == "LSTM beat seasonal naive on MAE: 0.8 against 1.4."
    assert compare(Estimate.point("a", 1.0), Estimate.point("b", 1.0), "MAE") == "a and b tied on MAE: 1 against 1."


@pytest.mark.parametrize("x, text", [(0.9876, "98.8%"), (0.5, "50.0%"), (float("nan"), "n/a")])
def test_pct(x, text):
    assert pct(x) == text
