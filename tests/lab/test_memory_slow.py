"""The lab's headline, re-measured (slow: about a minute on a free core)."""

import pytest

from lstmlab.lab.run import RunConfig, run_one


@pytest.mark.slow
def test_lstm_remembers_the_country_where_the_rnn_is_at_chance():
    base = RunConfig(task="born-in", length=20, seed=0, n_test=1000, max_epochs=30, forget_bias=3.0)
    lstm = run_one(base).metrics
    rnn = run_one(RunConfig(**{**base.__dict__, "cell": "rnn"})).metrics
    assert lstm["test"] >= 0.99
    assert rnn["test_lo"] <= rnn["chance"] + 0.05  # the RNN stays near the memoryless baseline
