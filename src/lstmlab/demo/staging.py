"""Write a run's files next to the output folder, then move them into place at the end.

Nothing half-written ever sits under the final names: files are written into a hidden staging
folder beside ``out`` (same file system, so the moves are renames). ``commit`` moves them in
with ``os.replace``, ``report.html`` last; ``discard`` removes the staging folder after a failure
or an interruption, leaving whatever was at ``out`` before untouched. The files and a new ``out`` get the
modes the umask gives (0644 and 0755 under umask 022), not the staging folder's private 0700.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from lstmlab.atomic import apply_umask
from lstmlab.errors import LstmlabError

LAST = "report.html"


class Staging:
    """A staging folder for the files that will end up in ``out``.

    Parameters
    ----------
    out : path
        The final folder. It may exist (its files of the same names are replaced, others are
        kept) or not (it is created by one rename). Its parent is created if missing.

    Raises
    ------
    ValueError
        ``out`` exists and is not a folder.
    OSError
        The parent of ``out`` (or ``out``) cannot be written; raised here, before any work is done.
    """

    def __init__(self, out: str | os.PathLike) -> None:
        self.out = Path(out).expanduser().absolute()
        if self.out.exists() and not self.out.is_dir():
            raise LstmlabError(f"output path {str(self.out)!r} exists and is not a folder")
        if self.out.is_dir() and not os.access(self.out, os.W_OK):
            raise PermissionError(f"output folder {str(self.out)!r} is not writable")
        try:
            self.out.parent.mkdir(parents=True, exist_ok=True)
            self.path = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.partial-", dir=self.out.parent))
        except OSError as exc:
            raise type(exc)(f"cannot write the output folder {str(self.out)!r}: "
                            f"{exc.strerror or exc}") from exc

    def write(self, name: str, data: bytes | str) -> Path:
        """Write one file (bytes, or text as UTF-8) into the staging folder; return its path there."""
        if Path(name).name != name:
            raise LstmlabError(f"file name {name!r} must not contain a folder")
        path = self.path / name
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        return path

    def commit(self) -> Path:
        """Move every staged file into ``out`` (``report.html`` last) and return ``out``."""
        apply_umask(self.path)
        if not self.out.exists():
            os.replace(self.path, self.out)  # one rename: the folder appears complete
            return self.out
        names = sorted(os.listdir(self.path), key=lambda n: (n == LAST, n))
        for name in names:
            os.replace(self.path / name, self.out / name)
        self.path.rmdir()
        return self.out

    def discard(self) -> None:
        """Remove the staging folder and everything in it."""
        shutil.rmtree(self.path, ignore_errors=True)
