"""Atomic file writing: a file appears complete under its name, or not at all.

Every writer in lstmlab goes through :func:`atomic_path`: the content is written to a hidden temporary
file in the same folder (same file system), then moved onto the final name with one ``os.replace``,
which is atomic. An error or an interruption removes the temporary file and leaves whatever was at the
final name before untouched. Imports only the standard library.

Temporary files and folders are often private (``mkdtemp`` makes 0700 folders, some writers 0600 files), and
a rename keeps the mode: :func:`apply_umask` gives them, just before the rename, the mode that ``open`` and
``mkdir`` give new files and folders under the process's umask (0644 and 0755 under umask 022). Every
atomic write of a file or a folder calls it.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

__all__ = ["apply_umask", "atomic_path", "save_figure_atomic", "write_csv_atomic", "write_json_atomic",
           "write_text_atomic"]


def _umask() -> int:
    """The process's umask, read without changing it where Linux shows it, else set and restored at once."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    umask = os.umask(0o022)  # os.umask can only read by setting: 022 is the least surprising value meanwhile
    os.umask(umask)
    return umask


def apply_umask(path: str | os.PathLike) -> None:
    """Give ``path``, a file or a folder and everything in it, the mode a new file or folder gets.

    That is ``0o666 & ~umask`` for files and ``0o777 & ~umask`` for folders: what ``open(path, "w")`` and
    ``os.mkdir(path)`` would give. Symbolic links are left alone. Call it on a finished temporary file or
    folder, before it is renamed into place.
    """
    umask = _umask()
    path = Path(path)
    if path.is_symlink():
        return
    if not path.is_dir():
        os.chmod(path, 0o666 & ~umask)
        return
    for root, _, files in os.walk(path):  # os.walk does not follow links to folders
        os.chmod(root, 0o777 & ~umask)
        for name in files:
            if not os.path.islink(os.path.join(root, name)):
                os.chmod(os.path.join(root, name), 0o666 & ~umask)


@contextmanager
def atomic_path(path: str | os.PathLike, suffix: str | None = None) -> Iterator[Path]:
    """A temporary path to write to; on a clean exit it gets the usual mode (:func:`apply_umask`) and replaces
    ``path`` in one rename.

    Parameters
    ----------
    path : the final file name; its folder must exist.
    suffix : the temporary file's extension (default: ``path``'s own, so that writers that choose a
        format by extension, like ``np.savez`` or ``Figure.savefig``, see the right one).

    Examples
    --------
    >>> with atomic_path("net.npz") as tmp:  # doctest: +SKIP
    ...     np.savez(tmp, w=w)
    """
    path = Path(path)
    suffix = path.suffix if suffix is None else suffix
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp{suffix}")
    try:
        yield tmp
        apply_umask(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_text_atomic(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically; returns ``path`` as a Path."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def write_json_atomic(path: str | os.PathLike, data: Any, indent: int | None = 1) -> Path:
    """Write ``data`` as JSON to ``path`` atomically; returns ``path`` as a Path."""
    return write_text_atomic(path, json.dumps(data, indent=indent))


def write_csv_atomic(frame: Any, path: str | os.PathLike) -> Path:
    """Write a pandas DataFrame as CSV (no index) to ``path`` atomically; returns ``path`` as a Path."""
    with atomic_path(path) as tmp:
        with open(tmp, "w", newline="", encoding="utf-8") as fh:
            frame.to_csv(fh, index=False)
    return Path(path)


def save_figure_atomic(fig: Any, path: str | os.PathLike, dpi: int = 110) -> Path:
    """Save a matplotlib Figure to ``path`` (format from its extension) atomically; returns ``path``."""
    path = Path(path)
    with atomic_path(path) as tmp:
        fig.savefig(tmp, dpi=dpi, format=path.suffix.lstrip(".") or None)
    return path
