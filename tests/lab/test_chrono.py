import json
from dataclasses import asdict

import pytest
import torch

from lstmlab.lab.run import RunConfig, init_options, run_one
from lstmlab.lab.summary import config_label, label, summarize
from lstmlab.lab.sweep import grid, load_records, sweep

TINY = RunConfig(task="parity", length=3, hidden_size=8, n_val=100, n_test=200, max_epochs=2, steps_per_epoch=5)


def test_runconfig_validates_init_and_stop_at():
    with pytest.raises(ValueError, match="unknown init 'chrone'"):
        RunConfig(init="chrone")
    with pytest.raises(ValueError, match="chrono_tmax must be a number >= 2"):
        RunConfig(init="chrono", chrono_tmax=0.5)
    with pytest.raises(ValueError, match="applies to init='chrono' only"):
        RunConfig(chrono_tmax=10.0)
    for bad in (0, 1.5, True, "0.9", float("nan")):
        with pytest.raises(ValueError, match="stop_at must be a metric level in"):
            RunConfig(stop_at=bad)
    assert RunConfig(stop_at=0.998).stop_at == 0.998
    assert RunConfig().init == "uniform" and RunConfig().chrono_tmax is None  # defaults unchanged


def test_chrono_tmax_defaults_to_the_number_of_steps():
    assert init_options(RunConfig(), 40) == {"init": "uniform"}
    assert init_options(RunConfig(init="chrono"), 40) == {"init": "chrono", "chrono_tmax": 40}
    assert init_options(RunConfig(init="chrono", chrono_tmax=7.0), 40)["chrono_tmax"] == 7.0
    still = RunConfig(**{**asdict(TINY), "init": "chrono", "max_epochs": 1, "steps_per_epoch": 1, "learning_rate": 1e-12})
    record, model = run_one(still, keep_model=True)  # one step of size 1e-12: the biases as initialised
    H = 8
    u = torch.exp(model.rnn.bias_ih_l0[H:2 * H].detach())
    assert u.min() >= 1 and u.max() <= 3 - 1 + 1e-5  # parity at length 3: T_max = 3 steps
    assert record.config["init"] == "chrono"


def test_grid_repeats_lstm_per_init_and_keeps_other_cells_uniform():
    configs = grid(TINY, ["rnn", "lstm"], [3], [0, 1], forget_biases=[1.0, 3.0], inits=["uniform", "chrono"])
    lstm = [(c.init, c.forget_bias) for c in configs if c.cell == "lstm"]
    assert sorted(set(lstm)) == [("chrono", 1.0), ("uniform", 1.0), ("uniform", 3.0)] and len(lstm) == 6
    # chrono ignores the forget bias, so it keeps the default whatever biases the sweep lists: one config per run
    later = grid(TINY, ["lstm"], [3], [0], forget_biases=[3.0, 5.0], inits=["uniform", "chrono"])
    assert [(c.init, c.forget_bias) for c in later] == [("uniform", 3.0), ("uniform", 5.0), ("chrono", 1.0)]
    assert {c.init for c in configs if c.cell == "rnn"} == {"uniform"}
    only = grid(RunConfig(task="parity", init="chrono", chrono_tmax=50.0), ["rnn", "lstm"], [3], [0])
    assert [(c.cell, c.init, c.chrono_tmax) for c in only] == [("rnn", "uniform", None), ("lstm", "chrono", 50.0)]


def test_labels_name_the_chrono_init():
    assert label("lstm", "chrono") == "LSTM (chrono init)"
    assert label("lstm", "chrono", chrono_tmax=500.0) == "LSTM (chrono init, T_max 500)"
    assert label("lstm", forget_bias=3.0) == "LSTM (forget bias 3)" and label("lstm") == "LSTM"
    assert label("gru", "chrono", 3.0) == "GRU"  # only an LSTM's name says how its gate biases started
    assert config_label({"cell": "lstm", "init": "chrono", "chrono_tmax": None, "forget_bias": 1.0}) == \
        "LSTM (chrono init)"
    assert config_label({"cell": "lstm", "forget_bias": 3.0}) == "LSTM (forget bias 3)"  # an old record: no init


def test_records_written_before_init_existed_are_read_and_resumed(tmp_path):
    path = tmp_path / "runs.jsonl"
    config = grid(TINY, ["lstm"], [3], [0])
    [rec] = sweep(config, path)
    d = json.loads(path.read_text())
    for k in ("init", "chrono_tmax", "stop_at"):
        del d["config"][k]  # what an older lstmlab wrote
    d["config"]["lr"] = d["config"].pop("learning_rate")  # and under the field's old name
    broken = {**d, "config": {k: v for k, v in d["config"].items() if k != "forget_bias"}}
    path.write_text(json.dumps(d) + "\n" + json.dumps(broken) + "\n")
    [old] = load_records(path)  # a record missing an older field (forget_bias) is not guessed at
    assert old.config["init"] == "uniform" and old.config["chrono_tmax"] is None and old.config["stop_at"] is None
    assert old.config["learning_rate"] == TINY.learning_rate and "lr" not in old.config
    ran = []
    again = sweep(config, path, on_done=lambda r, i, n: ran.append(i))
    assert ran == [] and again[0].metrics == rec.metrics  # reused, not re-run
    both = sweep(grid(TINY, ["lstm"], [3], [0], inits=["uniform", "chrono"]), path)
    assert [r.config["init"] for r in both] == ["uniform", "chrono"]
    rows = summarize(both)
    assert [(r.cell, r.init, r.label) for r in rows] == [("lstm", "uniform", "LSTM"),
                                                         ("lstm", "chrono", "LSTM (chrono init)")]


def test_stop_at_sets_the_validation_level_that_stops_training():
    low = run_one(RunConfig(**{**asdict(TINY), "max_epochs": 5, "stop_at": 0.01}))
    assert low.metrics["stopped"] == "target" and low.metrics["epochs"] == 1


def test_gradient_experiment_starts_the_lstm_from_chrono_and_other_cells_from_uniform():
    import numpy as np

    from lstmlab.lab.experiments import gradient_experiment

    config = RunConfig(task="parity", length=30, hidden_size=8)
    uniform = gradient_experiment(config, cells=("rnn", "lstm"), n_batch=16, train=False).flows
    chrono = gradient_experiment(RunConfig(**{**asdict(config), "init": "chrono"}), cells=("rnn", "lstm"),
                                 n_batch=16, train=False).flows
    assert [(f.cell, f.init, f.label) for f in chrono] == [("rnn", "uniform", "RNN"),
                                                           ("lstm", "chrono", "LSTM (chrono init)")]
    np.testing.assert_array_equal(chrono[0].grad_norm, uniform[0].grad_norm)  # the RNN is untouched
    # chrono forget biases log(u), u in [1, 29], hold the cell path open far longer than forget bias 1
    assert chrono[1].forget_product[-1] > 10 * uniform[1].forget_product[-1]


def test_building_a_runconfig_does_not_import_torch():
    import subprocess
    import sys

    code = ("import sys; from lstmlab.lab.run import RunConfig; RunConfig(init='chrono', chrono_tmax=9.0); "
            "print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_chrono_tmax_is_the_number_of_steps_not_the_length():
    import numpy as np

    from lstmlab.tasks import get_task

    config = RunConfig(task="born-in", length=3, hidden_size=64, n_val=50, n_test=50, max_epochs=1,
                       steps_per_epoch=1, learning_rate=1e-12, init="chrono")
    steps = get_task("born-in").sample(1, 3, np.random.default_rng(0))[0].shape[1]  # the sentence's tokens
    _, model = run_one(config, keep_model=True)
    u = torch.exp(model.rnn.bias_ih_l0[64:128].detach())
    assert steps > 3 + 1 and 3 - 1 < u.max() <= steps - 1 + 1e-4
