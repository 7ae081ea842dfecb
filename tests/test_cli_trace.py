"""``lstmlab trace``: the printed numbers are the network's, every format, loading, and errors."""

import json

import numpy as np
import pytest
import torch

from lstmlab import glassbox
from lstmlab.cli.main import main


def test_table_shows_every_gate_of_every_step(capsys):
    assert main(["trace", "--sequence", "0.5,1,-0.3", "--seed", "3", "--hidden-size", "2"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("LSTM, 1 layer of 2 units, random weights, seed 3; 3 steps of 1 feature")
    _, _, trace = glassbox.LSTM(1, 2, seed=3).forward(np.array([[[0.5], [1.0], [-0.3]]]))
    assert "step 2   x = [-0.3]" in out
    for name, label in [("f", "f forget gate"), ("c", "c cell"), ("h", "h hidden")]:
        rows = [line for line in out.splitlines() if line.strip().startswith(label)]
        assert len(rows) == 3
        printed = np.array([[float(v) for v in row.split()[-2:]] for row in rows])  # (T, H)
        np.testing.assert_allclose(printed, trace[name][0, 0], atol=5e-5)


def test_csv_and_json_carry_the_trace(capsys):
    args = ["trace", "--sequence", "1,0;0,1;1,1", "--cell", "gru", "--layers", "2", "--hidden-size", "3"]
    _, _, trace = glassbox.GRU(2, 3, 2, seed=0).forward(np.array([[[1.0, 0], [0, 1], [1, 1]]]))
    assert main(args + ["--format", "csv"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0] == "step,layer,unit,quantity,value"
    assert len(lines) - 1 == 3 * 2 * 4 * 3  # steps * layers * quantities * units
    step, layer, unit, q, value = lines[1 + 2 * 4 * 3 + 4 * 3 + 3].split(",")  # header, step 0, layer 0 of step 1, r; then z unit 0
    assert (step, layer, unit, q) == ("1", "1", "0", "z")
    assert float(value) == pytest.approx(trace["z"][1, 0, 1, 0], rel=1e-7)
    assert main(args + ["--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["network"]["cell"] == "gru" and doc["quantities"] == ["r", "z", "n", "h"]
    np.testing.assert_allclose(doc["steps"][2]["layers"][1]["h"], trace["h"][1, 0, 2], rtol=1e-12)


def test_file_input_and_loading_saved_and_torch_weights(capsys, tmp_path):
    seq = tmp_path / "seq.csv"
    seq.write_text("a,b\n0.5,1\n-1,2\n")
    net = glassbox.RNN(2, 3, seed=5)
    net.save(tmp_path / "net.npz")
    torch.manual_seed(0)
    module = torch.nn.Sequential()
    module.add_module("rnn", torch.nn.LSTM(2, 2, num_layers=2))
    torch.save(module.state_dict(), tmp_path / "model.pt")
    x = np.array([[[0.5, 1], [-1, 2]]])

    assert main(["trace", "--file", str(seq), "--load", str(tmp_path / "net.npz"), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    np.testing.assert_allclose(doc["steps"][1]["layers"][0]["h"], net.forward(x)[0][0, 1], rtol=1e-12)

    assert main(["trace", "--file", str(seq), "--load", str(tmp_path / "model.pt"), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    expected, _ = module.rnn(torch.from_numpy(x.transpose(1, 0, 2)).float())
    assert doc["network"]["num_layers"] == 2 and doc["network"]["dtype"] == "float32"
    np.testing.assert_allclose(doc["steps"][1]["layers"][1]["h"], expected[1, 0].detach().numpy(), rtol=1e-5)


@pytest.mark.parametrize("args, message", [
    (["--sequence", "1,x"], "--sequence '1,x' is not a list of numbers"),
    (["--sequence", "1,2;3"], "every step needs the same number of features, got [1, 2]"),
    (["--sequence", "1,2", "--hidden-size", "0"], "--hidden-size must be a positive integer, got 0"),
    (["--sequence", "1,2", "--digits", "-1"], "--digits must be between 0 and 12, got -1"),
    (["--file", "missing.csv"], "No such file or directory"),
    (["--sequence", "1;2", "--load", "NET"], "the sequence has 1 feature(s) per step but the network expects input_size=2"),
    (["--sequence", "1;2", "--load", "NET", "--cell", "lstm"], "holds a GRU, not the requested --cell lstm"),
])
def test_errors_exit_2_with_a_message(args, message, capsys, tmp_path):
    glassbox.GRU(2, 3).save(tmp_path / "net.npz")
    args = [str(tmp_path / "net.npz") if a == "NET" else a for a in args]
    assert main(["trace", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("lstmlab trace: error: ") and message in err


def test_help_is_friendly(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["trace", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert "--sequence" in out and "--format {table,csv,json}" in out and "forget gate" in out
