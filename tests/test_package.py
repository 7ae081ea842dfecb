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


def test_cli_threads_must_be_positive():
    out = subprocess.run([sys.executable, "-m", "lstmlab.cli.main", "--threads", "0", "datasets"],
                         capture_output=True, text=True)
    assert out.returncode == 2
    assert "expected an integer >= 1, got '0'" in out.stderr


def test_cli_threads_sets_torch_threads(capsys):
    import torch

    from lstmlab.cli.main import main

    before = torch.get_num_threads()
    try:
        torch.set_num_threads(2)
        assert main(["--threads", "1", "datasets"]) == 0
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(before)
    assert "airpassengers" in capsys.readouterr().out
