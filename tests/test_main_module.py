"""`python -m lstmlab` runs the command line (so `torchrun -m lstmlab ...` can)."""

import subprocess
import sys


def test_python_dash_m_runs_the_cli():
    out = subprocess.run([sys.executable, "-m", "lstmlab", "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("lstmlab ")
    bad = subprocess.run([sys.executable, "-m", "lstmlab", "forecast", "fit", "--horizon", "3", "--out", "x"],
                         capture_output=True, text=True)
    assert bad.returncode == 2 and "no data" in bad.stderr
