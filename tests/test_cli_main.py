"""The command line as a whole: a reader that closes the pipe early (`lstmlab ... | head`) ends it quietly."""

import fcntl
import os
import subprocess
import sys
from pathlib import Path

import pytest

LSTMLAB = [str(Path(sys.executable).with_name("lstmlab"))]  # the console script, next to this Python
PYTHON_M = [sys.executable, "-m", "lstmlab"]


def read_then_close(argv: list[str], nbytes: int) -> tuple[bytes, int, str]:
    """Run ``argv`` with stdout a small pipe, read ``nbytes`` of it (0: none), close it, and wait.

    Returns what was read, the exit status and stderr.
    """
    r, w = os.pipe()
    if hasattr(fcntl, "F_SETPIPE_SZ"):  # Linux: a one-page pipe, so that the command is still writing when we close
        fcntl.fcntl(w, fcntl.F_SETPIPE_SZ, 4096)
    proc = subprocess.Popen(argv, stdout=w, stderr=subprocess.PIPE, text=True)
    os.close(w)
    head = os.read(r, nbytes) if nbytes else b""
    os.close(r)
    _, err = proc.communicate(timeout=120)
    return head, proc.returncode, err


@pytest.mark.skipif(os.name != "posix", reason="POSIX pipes")
@pytest.mark.parametrize("argv, nbytes, first", [
    (LSTMLAB + ["datasets", "co2"], 20, b"ds,y\n"),  # 10 kB of CSV: the reader leaves after its first line
    (PYTHON_M + ["trace", "--sequence", ",".join(["0.5"] * 2000)], 20, b"LSTM, 1 layer"),  # 0.5 MB of table
    (LSTMLAB + ["datasets"], 0, b""),  # a short output, refused at the final flush
])
def test_a_closed_pipe_ends_quietly_with_status_0(argv, nbytes, first):
    head, status, err = read_then_close(argv, nbytes)
    assert head.startswith(first) and (status, err) == (0, "")
