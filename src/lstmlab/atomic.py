"""Atomic file writing: a file appears complete under its name, or not at all.

Every writer in lstmlab goes through :func:`atomic_path`: the content is written to a hidden temporary
file in the same folder (same file system), then moved onto the final name with one ``os.replace``,
which is atomic. An error or an interruption removes the temporary file and leaves whatever was at the
final name before untouched. Imports only the standard library.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

__all__ = ["atomic_path", "save_figure_atomic", "write_csv_atomic", "write_json_atomic", "write_text_atomic"]


@contextmanager
def atomic_path(path: str | os.PathLike, suffix: str | None = None) -> Iterator[Path]:
    """A temporary path to write to; on a clean exit it replaces ``path`` in one rename.

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
