import json
import os

import pytest

from lstmlab.cli.main import main

TINY = ["--hidden-size", "4", "--n-val", "50", "--n-test", "60", "--max-epochs", "1", "--steps-per-epoch", "2",
        "--quiet"]


@pytest.mark.parametrize("argv, message", [
    (["run", "--cells", "rnn,lsmt"], "unknown cell 'lsmt'"),
    (["run", "--lengths", "10,0"], "--lengths must be >= 1, got 0"),
    (["run", "--lengths", "ten"], "--lengths must be comma-separated integers"),
    (["run", "--seeds", "0"], "--seeds must be >= 1"),
    (["run", "--workers", "0"], "--workers must be >= 1"),
    (["run", "--forget-bias", "x"], "--forget-bias must be comma-separated numbers"),
    (["gradients", "--length", "0"], "--length must be >= 1, got 0"),
    (["gradients", "--cells", "lstm,cnn"], "unknown cell 'cnn'"),
    (["gates", "--seed", "-1"], "--seed must be >= 0"),
    (["gates", "--forget-bias", "1,3"], "--forget-bias takes one value here"),
    (["run", "--init", "chrono,glorot"], "unknown --init 'glorot'"),
    (["run", "--chrono-tmax", "50"], "--chrono-tmax applies to --init chrono only"),
    (["run", "--init", "chrono", "--chrono-tmax", "1"], "chrono_tmax must be a number >= 2"),
    (["gates", "--init", "uniform,chrono"], "--init takes one value here"),
    (["gates", "--chrono-tmax", "50"], "--chrono-tmax applies to --init chrono only"),
    (["run", "--stop-at", "2"], "stop_at must be a metric level in (0, 1]"),
    (["run", "--init", "chrono", "--forget-bias", "3"], "--forget-bias 3 has no effect with --init chrono"),
    (["gates", "--init", "chrono", "--forget-bias", "2"], "--forget-bias 2 has no effect with --init chrono"),
    (["gradients", "--init", "chrono", "--forget-bias", "1"], "--forget-bias 1 has no effect"),  # the default, given
    (["run", "--init", "chrono", "--cells", "rnn,gru"], "--init chrono sets LSTM gate biases, but --cells"),
])
def test_bad_arguments_give_clear_errors(argv, message, tmp_path, capsys):
    assert main(["memory", *argv, "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("lstmlab memory: error: ") and message in err


def test_an_unknown_task_is_refused_with_the_list_of_tasks(tmp_path, capsys):
    from lstmlab.tasks import TASKS

    with pytest.raises(SystemExit) as exit:
        main(["memory", "run", "--task", "nope", "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert exit.value.code == 2 and "invalid choice: 'nope'" in err and all(repr(t) in err for t in TASKS)


def test_output_dir_under_a_file(tmp_path, capsys):
    (tmp_path / "file").write_text("")
    assert main(["memory", "run", "--out", str(tmp_path / "file" / "sub")]) == 2
    assert "cannot write to the output directory" in capsys.readouterr().err


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can write anywhere")
def test_unwritable_output_dir(tmp_path, capsys):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        assert main(["memory", "run", "--out", str(locked / "sub")]) == 2
    finally:
        locked.chmod(0o700)
    assert "cannot write to the output directory" in capsys.readouterr().err


def test_run_writes_results_and_computed_conclusions(tmp_path, capsys):
    out = tmp_path / "o"
    argv = ["memory", "run", "--task", "born-in", "--cells", "rnn,lstm", "--lengths", "2", "--seeds", "1",
            "--workers", "1", "--out", str(out), *TINY]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    for name in ("records.jsonl", "summary.csv", "summary.json", "metric_vs_length.png", "conclusions.txt"):
        assert (out / name).stat().st_size > 0, name
    rows = json.loads((out / "summary.json").read_text())
    assert [(r["cell"], r["forget_bias"], r["label"]) for r in rows] == [  # forget biases 1 and 3 by default
        ("rnn", 1.0, "RNN"), ("lstm", 1.0, "LSTM"), ("lstm", 3.0, "LSTM (forget bias 3)")]
    header = (out / "summary.csv").read_text().splitlines()[0]
    assert header == ",".join(rows[0])  # the CSV has the JSON's fields, in order
    said = (out / "conclusions.txt").read_text()
    assert said.strip() in printed
    for r in rows:  # every number printed comes from the summary
        assert f"{r['mean']:.3f}" in printed
    (out / "summary.json").unlink()
    assert main(["memory", "summary", "--out", str(out)]) == 0  # re-summarise the folder's records
    assert json.loads((out / "summary.json").read_text()) == rows
    assert main(["memory", "summary", "--out", str(tmp_path / "none")]) == 2
    assert "no records to summarise" in capsys.readouterr().err


def test_gradients_and_gates_write_their_files(tmp_path, capsys):
    assert main(["memory", "gradients", "--length", "6", "--no-train", "--out", str(tmp_path), *TINY]) == 0
    data = json.loads((tmp_path / "gradients.json").read_text())
    assert [f["when"] for f in data["flows"]] == ["init", "init"] and len(data["flows"][0]["grad_norm"]) == 6
    assert "times the one 1 step back" in capsys.readouterr().out
    assert main(["memory", "gates", "--length", "3", "--out", str(tmp_path), *TINY]) == 0
    gates = json.loads((tmp_path / "gates.json").read_text())
    assert gates["tokens"][:4] == ["i", "was", "born", "in"] and len(gates["f"]) == 3 + 11
    for name in ("gates.png", "saturation.png", "states_lines.png", "states_heatmaps.png", "gradients.png"):
        assert (tmp_path / name).stat().st_size > 0


def test_gradients_file_says_which_init_each_cell_had(tmp_path):
    argv = ["memory", "gradients", "--length", "4", "--no-train", "--init", "chrono", "--out", str(tmp_path), *TINY]
    assert main(argv) == 0
    configs = json.loads((tmp_path / "gradients.json").read_text())["configs"]
    assert {c: (v["cell"], v["init"]) for c, v in configs.items()} == {
        "rnn": ("rnn", "uniform"), "lstm": ("lstm", "chrono")}


def test_run_with_chrono_init(tmp_path, capsys):
    out = tmp_path / "o"
    argv = ["memory", "run", "--task", "parity", "--cells", "rnn,lstm", "--lengths", "3", "--seeds", "1",
            "--workers", "1", "--init", "uniform,chrono", "--forget-bias", "1", "--out", str(out), *TINY]
    assert main(argv) == 0
    records = [json.loads(line) for line in (out / "records.jsonl").read_text().splitlines()]
    assert sorted((r["config"]["cell"], r["config"]["init"]) for r in records) == [
        ("lstm", "chrono"), ("lstm", "uniform"), ("rnn", "uniform")]
    rows = json.loads((out / "summary.json").read_text())
    assert {(r["cell"], r["init"], r["label"]) for r in rows} == {
        ("rnn", "uniform", "RNN"), ("lstm", "uniform", "LSTM"), ("lstm", "chrono", "LSTM (chrono init)")}
    assert "LSTM (chrono init)" in capsys.readouterr().out


def test_gates_with_chrono_init(tmp_path, capsys):
    out = tmp_path / "g"
    argv = ["memory", "gates", "--length", "2", "--init", "chrono", "--chrono-tmax", "30", "--out", str(out), *TINY]
    assert main(argv) == 0
    config = json.loads((out / "gates.json").read_text())["config"]
    assert config["init"] == "chrono" and config["chrono_tmax"] == 30.0
    assert "u drawn uniform in [1, 29] per unit (chrono init, T_max 30)" in capsys.readouterr().out


def test_learning_rate_flag_and_its_old_name_set_the_same_field():
    from lstmlab.cli.main import build_parser

    for flag in ("--learning-rate", "--lr"):
        args = build_parser().parse_args(["memory", "run", "--task", "parity", flag, "0.003"])
        assert args.learning_rate == 0.003
