"""Save and read a glassbox network: config and weights in one ``.npz`` file.

Reading never unpickles: ``allow_pickle=False``, and a file that is not such an archive is refused with one
line naming it (``glassbox.load`` builds the network from what ``read`` returns).
"""

from __future__ import annotations

import json
import os
import zipfile

import numpy as np

from lstmlab.atomic import atomic_path
from lstmlab.errors import LstmlabError

FORMAT = "lstmlab.glassbox/1"
EXPECTED = "expected a glassbox .npz file written by net.save"


def save(net, path: str | os.PathLike) -> None:
    """Write ``net``'s config (as JSON) and parameters to ``path`` (.npz), atomically."""
    meta = json.dumps({"format": FORMAT, **net.get_config()})
    with atomic_path(path, suffix=".npz") as tmp:
        np.savez(tmp, __config__=np.array(meta), **net.params)


def _arrays(name: str) -> dict[str, np.ndarray] | None:
    """Every array in the archive ``name``; None when the file is a single .npy array."""
    data = np.load(name, allow_pickle=False)
    if isinstance(data, np.ndarray):
        return None
    with data:
        return {key: data[key] for key in data.files}


def read(path: str | os.PathLike) -> tuple[dict, dict[str, np.ndarray]]:
    """The config (a dict with ``cell``) and the parameters stored in a glassbox ``.npz`` file.

    Raises
    ------
    LstmlabError : the file is not a zip of arrays, holds pickled data or object arrays, was truncated, or
        lacks a valid config; the message names the file and what was expected.
    OSError : the file cannot be opened.
    """
    name = os.fspath(path)
    try:
        arrays = _arrays(name)
    except zipfile.BadZipFile as exc:
        raise LstmlabError(f"{name} is damaged ({exc}): {EXPECTED}") from None
    except EOFError:
        raise LstmlabError(f"{name} is empty: {EXPECTED}") from None
    except ValueError:  # numpy's words for pickled or object data; its advice to unpickle must not reach a user
        raise LstmlabError(f"{name} is not an archive of numeric arrays: {EXPECTED}") from None
    if arrays is None:
        raise LstmlabError(f"{name} holds a single array (a .npy file): {EXPECTED}")
    if "__config__" not in arrays:
        raise LstmlabError(f"{name} is not a glassbox file: it has no __config__ entry ({EXPECTED})")
    try:
        config = json.loads(str(arrays.pop("__config__")))
    except json.JSONDecodeError as exc:
        raise LstmlabError(f"{name}: its __config__ is not valid JSON ({exc}): {EXPECTED}") from None
    if not isinstance(config, dict) or config.pop("format", None) != FORMAT:
        raise LstmlabError(f"{name}: unknown format, expected {FORMAT!r}")
    return config, arrays
