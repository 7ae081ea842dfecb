import json

import pytest

from lstmlab.lab.run import RunConfig, run_one, wilson
from lstmlab.lab.summary import Row, conclusions, crossover, longest_solved, summarize, t95
from lstmlab.lab.sweep import grid, load_records, sweep

TINY = RunConfig(task="parity", length=3, hidden_size=8, n_val=100, n_test=200, max_epochs=3, steps_per_epoch=10)


def test_run_one_is_reproducible_and_records_everything():
    a, b = run_one(TINY), run_one(TINY)
    assert a.metrics["test"] == b.metrics["test"] and a.curve[-1]["val_loss"] == b.curve[-1]["val_loss"]
    assert a.config["task"] == "parity" and a.metrics["n_test_scored"] == 200
    assert a.metrics["test_lo"] <= a.metrics["test"] <= a.metrics["test_hi"]
    assert 0.35 < a.metrics["chance"] < 0.65
    assert len(a.curve) == a.metrics["epochs"] and a.wall_s > 0


def test_grid_repeats_only_lstm_per_forget_bias():
    configs = grid(TINY, ["rnn", "lstm"], [3, 5], [0, 1], forget_biases=[1.0, 3.0])
    assert len(configs) == 2 * (2 + 4)
    assert {c.forget_bias for c in configs if c.cell == "lstm"} == {1.0, 3.0}
    assert configs[0].length == 3 and configs[-1].length == 5


def test_sweep_writes_json_lines_and_resumes(tmp_path):
    path = tmp_path / "runs.jsonl"
    configs = grid(TINY, ["rnn", "lstm"], [3], [0])
    seen = []
    recs = sweep(configs, path, on_done=lambda r, i, n: seen.append((i, n)))
    assert seen == [(1, 2), (2, 2)] and len(path.read_text().splitlines()) == 2
    with path.open("a") as fh:
        fh.write('{"config": {"task": "par')  # an interrupted write
    again = sweep(configs, path, on_done=lambda r, i, n: seen.append("ran"))
    assert "ran" not in seen  # nothing re-run
    assert [r.metrics for r in again] == [r.metrics for r in recs]
    assert len(load_records(path)) == 2
    json.loads(path.read_text().splitlines()[0])


@pytest.mark.slow
def test_sweep_in_worker_processes_gives_the_same_numbers(tmp_path):
    configs = grid(TINY, ["rnn", "gru"], [3], [0, 1])
    one = sweep(configs, None, workers=1)
    two = sweep(configs, tmp_path / "r.jsonl", workers=2)
    assert [r.metrics["test"] for r in one] == [r.metrics["test"] for r in two]


def _rec(cell, length, seed, test, chance=0.5, fb=1.0):
    from lstmlab.lab.run import RunRecord

    cfg = {"task": "t", "cell": cell, "length": length, "seed": seed, "forget_bias": fb}
    return RunRecord(cfg, {"test": test, "test_lo": test - 0.01, "test_hi": min(1.0, test + 0.01),
                           "chance": chance, "solved": test >= 0.99, "epochs": 3}, [], 1.0)


def test_summary_mean_interval_longest_and_crossover():
    recs = [_rec("lstm", 10, s, 1.0) for s in range(3)] + [_rec("lstm", 50, s, v) for s, v in enumerate([1, .995, .6])]
    recs += [_rec("rnn", 10, s, 1.0) for s in range(3)] + [_rec("rnn", 50, s, v) for s, v in enumerate([.5, .52, .48])]
    recs += [_rec("lstm", 50, 0, 1.0, fb=3.0)]
    rows = {(r.label, r.length): r for r in summarize(recs)}
    r = rows[("RNN", 50)]
    assert r.mean == pytest.approx(0.5) and r.n_seeds == 3
    half = t95(2) * 0.02 / 3 ** 0.5
    assert (r.lo, r.hi) == (pytest.approx(0.5 - half), pytest.approx(0.5 + half))
    fb3 = rows[("LSTM (forget bias 3)", 50)]
    assert fb3.n_seeds == 1 and fb3.lo == 0.99  # one seed: the run's interval
    assert longest_solved(list(rows.values()))["LSTM"] == 10  # one seed at 0.6
    assert crossover(list(rows.values())) is None
    assert crossover(list(rows.values()), good="LSTM (forget bias 3)") == 50
    said = " ".join(conclusions(list(rows.values())))
    assert "RNN solved t" in said and "up to length 10" in said and "reached chance at length(s) 50" in said


def test_crossover_found():
    rows = [Row("t", "lstm", "LSTM", 20, 3, 1.0, .99, 1.0, 1.0, .5, True, 3, 1, 1),
            Row("t", "rnn", "RNN", 20, 3, .5, .45, .55, .45, .5, False, 0, 1, 1)]
    assert crossover(rows) == 20
    assert "LSTM solved the task while the RNN was at chance: 20" in " ".join(conclusions(rows))


def test_wilson_and_t():
    lo, hi = wilson(1250, 2500)
    assert hi - 0.5 == pytest.approx(0.0196, abs=5e-4) and lo < 0.5
    assert t95(1) == 12.706 and t95(100) == 1.96


def test_run_config_errors():
    with pytest.raises(ValueError, match="unknown task 'x'"):
        RunConfig(task="x")
    with pytest.raises(ValueError, match="unknown cell 'lst'"):
        RunConfig(cell="lst")
    with pytest.raises(ValueError, match="length must be >= 1, got 0"):
        RunConfig(length=0)
    with pytest.raises(ValueError, match="seed must be an int >= 0"):
        RunConfig(seed=-1)
    with pytest.raises(ValueError, match="workers must be >= 1"):
        sweep([TINY], None, workers=0)


def test_summary_interval_covers_test_set_size_when_seeds_agree():
    recs = [_rec("lstm", 30, s, 1.0) for s in range(3)]
    for r in recs:
        r.metrics["n_test_scored"] = 2500
    row = summarize(recs)[0]
    assert row.hi == 1.0 and row.lo == pytest.approx(wilson(7500, 7500)[0]) and row.lo < 1.0
