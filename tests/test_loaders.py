"""Every loader turns a corrupt or hostile file into one project error naming the file; none unpickles, and
no message suggests loading the file unsafely (torch's and numpy's own messages do)."""

import json
import os
import pickle

import numpy as np
import pytest
import torch

from lstmlab import glassbox
from lstmlab.cli.main import main
from lstmlab.errors import LstmlabError

pytestmark = pytest.mark.filterwarnings("ignore:Detected pickle protocol")  # torch, on the hostile files

UNSAFE_ADVICE = ("weights_only", "allow_pickle", "pickle.load", "trust")


class Hostile:
    """Unpickling this would create a file: proof that a loader ran code from its input."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def assert_one_safe_line(exc_info, path):
    message = str(exc_info.value)
    assert str(path) in message and "\n" not in message
    assert not any(word in message for word in UNSAFE_ADVICE), message


# --------------------------------------------------------------------------------- torch .pt (trace --load)

def torch_files(tmp_path):
    good = tmp_path / "good.pt"
    torch.save(torch.nn.LSTM(2, 3).state_dict(), good)
    raw = good.read_bytes()
    files = {"garbage": b"not a torch file at all" * 4, "truncated": raw[: len(raw) // 2], "empty": b"",
             "hostile": pickle.dumps({"weight_ih_l0": Hostile(tmp_path / "pwned")})}
    for name, data in files.items():
        (tmp_path / f"{name}.pt").write_bytes(data)
    torch.save(torch.zeros(3), tmp_path / "tensor.pt")  # loads, but is not a state dict
    torch.save({"weight_ih_l0": torch.zeros(4, 2)}, tmp_path / "partial.pt")  # a dict without weight_hh_l0
    return [*files, "tensor", "partial"]


def test_trace_load_refuses_corrupt_and_hostile_pt_files(tmp_path):
    from lstmlab.cli.trace import load_network

    for name in torch_files(tmp_path):
        path = tmp_path / f"{name}.pt"
        with pytest.raises(LstmlabError) as info:
            load_network(str(path), None)
        assert_one_safe_line(info, path)
    assert not (tmp_path / "pwned").exists()


def test_trace_cli_reports_a_corrupt_pt_file_in_one_line(tmp_path, capsys):
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"\x80\x04 corrupt")
    assert main(["trace", "--sequence", "1,2", "--load", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"lstmlab trace: error: {bad} is not a readable torch file") and err.count("\n") == 1


# --------------------------------------------------------------------------------- glassbox .npz

def npz_files(tmp_path):
    good = tmp_path / "good.npz"
    glassbox.LSTM(2, 3).save(good)
    raw = good.read_bytes()
    flipped = bytearray(raw)
    flipped[len(raw) // 3] ^= 0xFF
    files = {"garbage": b"not an archive" * 8, "truncated": raw[: len(raw) // 2], "empty": b"",
             "crc": bytes(flipped), "hostile": pickle.dumps(Hostile(tmp_path / "pwned"))}
    for name, data in files.items():
        (tmp_path / f"{name}.npz").write_bytes(data)
    np.savez(tmp_path / "objects.npz", __config__=np.array([Hostile(tmp_path / "pwned")], dtype=object))
    np.save(tmp_path / "single.npy", np.zeros(3))
    os.replace(tmp_path / "single.npy", tmp_path / "single.npz")
    config = {"format": "lstmlab.glassbox/1", **glassbox.LSTM(2, 3).get_config()}
    for name, change in {"not-json": "{oops", "wrong-type": {**config, "hidden_size": "three"},
                         "unknown-field": {**config, "width": 3}, "a-list": [1, 2]}.items():
        text = change if isinstance(change, str) else json.dumps(change)
        np.savez(tmp_path / f"{name}.npz", __config__=np.array(text), **glassbox.LSTM(2, 3).params)
    return [*files, "objects", "single", "not-json", "wrong-type", "unknown-field", "a-list"]


def test_glassbox_load_refuses_corrupt_and_hostile_npz_files(tmp_path):
    for name in npz_files(tmp_path):
        path = tmp_path / f"{name}.npz"
        with pytest.raises(LstmlabError) as info:
            glassbox.load(path)
        assert_one_safe_line(info, path)
    assert not (tmp_path / "pwned").exists()


def test_glassbox_load_names_the_wrong_type_in_the_config(tmp_path):
    npz_files(tmp_path)
    with pytest.raises(LstmlabError, match=r"wrong-type.npz: hidden_size must be a positive integer, got 'three'"):
        glassbox.load(tmp_path / "wrong-type.npz")


# --------------------------------------------------------------------------------- forecaster directory

@pytest.fixture(scope="module")
def saved_forecaster(tmp_path_factory):
    from lstmlab.forecast.datasets import load_dataset
    from lstmlab.forecast.forecaster import LSTMForecaster
    from lstmlab.forecast.io import save

    model = LSTMForecaster(horizon=3, hidden_size=4, steps=2, n_models=1, batch_size=64).fit(load_dataset("airpassengers"))
    return save(model, tmp_path_factory.mktemp("model") / "m")


def resign(path, name):
    """Update config.json's checksum of ``name``, as an attacker who edits the whole directory would."""
    from lstmlab.forecast.io import _sha256

    config = json.loads((path / "config.json").read_text())
    config["sha256"][name] = _sha256(path / name)
    (path / "config.json").write_text(json.dumps(config))


def copy_of(saved, tmp_path):
    import shutil

    return shutil.copytree(saved, tmp_path / "m")


def test_forecast_load_refuses_a_truncated_safetensors_file(saved_forecaster, tmp_path):
    from lstmlab.forecast.io import load

    path = copy_of(saved_forecaster, tmp_path)
    weights = path / "model.safetensors"
    weights.write_bytes(weights.read_bytes()[:100])
    resign(path, "model.safetensors")  # past the checksum: the safetensors reader itself must refuse it
    with pytest.raises(LstmlabError) as info:
        load(path)
    assert_one_safe_line(info, path)




@pytest.mark.parametrize("change", [
    {"params": "not a dict"}, {"version": [1]},
    {"config": ["a", "list"]}, {"sha256": "not a dict"}])
def test_forecast_load_refuses_a_json_config_with_a_wrong_type(saved_forecaster, tmp_path, change):
    from lstmlab.forecast.io import load

    path = copy_of(saved_forecaster, tmp_path)
    config = json.loads((path / "config.json").read_text())
    (path / "config.json").write_text(json.dumps({**config, **change}))
    with pytest.raises(LstmlabError) as info:
        load(path)
    assert_one_safe_line(info, path)
