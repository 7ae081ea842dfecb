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


def test_every_data_file_is_declared_as_package_data():
    """A wheel carries only the data files pyproject.toml names: the shipped series and the pre-trained
    ensembles must all match its globs, or `pip install lstmlab` would lack them."""
    import fnmatch
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    globs = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["lstmlab"]
    package = root / "src" / "lstmlab"
    files = [p.relative_to(package).as_posix() for p in (package / "data").rglob("*")
             if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".py"]
    assert any(f.endswith(".safetensors") for f in files) and any(f.endswith(".csv") for f in files)
    assert [f for f in files if not any(fnmatch.fnmatch(f, g) for g in globs)] == []
