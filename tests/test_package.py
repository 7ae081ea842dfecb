"""The package itself: cheap import, a working command line."""

import subprocess
import sys


def test_import_does_not_load_torch_or_matplotlib():
    code = "import sys, lstmlab, lstmlab.glassbox; print(sorted(m for m in ('torch', 'matplotlib') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_cli_help_lists_commands():
    out = subprocess.run([sys.executable, "-m", "lstmlab.cli.main", "--help"], capture_output=True, text=True)
    assert out.returncode == 0
    assert "usage: lstmlab" in out.stdout


def test_cli_unknown_command_fails():
    out = subprocess.run([sys.executable, "-m", "lstmlab.cli.main", "no-such-command"], capture_output=True, text=True)
    assert out.returncode != 0
    assert "no-such-command" in out.stderr
