"""Save and load a glassbox network: config and weights in one ``.npz`` file."""

from __future__ import annotations

import json
import os
import tempfile

import numpy as np

from lstmlab.errors import LstmlabError

FORMAT = "lstmlab.glassbox/1"


def save(net, path: str | os.PathLike) -> None:
    """Write ``net``'s config (as JSON) and parameters to ``path`` (.npz), atomically."""
    path = os.fspath(path)
    meta = json.dumps({"format": FORMAT, **net.get_config()})
    fd, tmp = tempfile.mkstemp(suffix=".npz", dir=os.path.dirname(os.path.abspath(path)))
    try:
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, __config__=np.array(meta), **net.params)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def load(path: str | os.PathLike):
    """Read a network written by ``net.save(path)``; returns a glassbox LSTM, GRU or RNN."""
    from lstmlab.glassbox.layer import NETWORKS

    with np.load(os.fspath(path), allow_pickle=False) as data:
        if "__config__" not in data.files:
            raise LstmlabError(f"{os.fspath(path)} is not a glassbox file: it has no __config__ entry "
                               "(expected a file written by net.save)")
        config = json.loads(str(data["__config__"]))
        params = {name: data[name] for name in data.files if name != "__config__"}
    if config.pop("format", None) != FORMAT:
        raise LstmlabError(f"{os.fspath(path)}: unknown format, expected {FORMAT!r}")
    cell = config.pop("cell")
    if cell not in NETWORKS:
        raise LstmlabError(f"{os.fspath(path)}: unknown cell {cell!r}, expected one of {', '.join(NETWORKS)}")
    net = NETWORKS[cell](**config)
    return net.set_params(params)
