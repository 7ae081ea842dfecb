"""Written files and folders get the modes the umask gives (0644 and 0755 under umask 022), not the private
modes of the temporary files and folders they were written as (mkdtemp's 0700, safetensors' 0600)."""

import os
import stat
import tempfile

import pytest

from lstmlab.atomic import apply_umask, atomic_path, write_text_atomic
from lstmlab.cli.main import main
from lstmlab.demo.staging import Staging

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


@pytest.fixture
def umask022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def mode(path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def modes(top) -> dict[str, int]:
    """Every file and folder under ``top`` (``top`` itself as "."), relative path -> mode."""
    out = {".": mode(top)}
    for root, dirs, files in os.walk(top):
        for name in dirs + files:
            path = os.path.join(root, name)
            out[os.path.relpath(path, top)] = mode(path)
    return out


def assert_usual(top) -> None:
    found = modes(top)
    wrong = {p: oct(m) for p, m in found.items() if m != (0o755 if os.path.isdir(os.path.join(top, p)) else 0o644)}
    assert not wrong, f"expected 0755 folders and 0644 files under {top}, got {wrong}"


def test_a_private_temporary_file_gets_the_usual_mode(tmp_path, umask022):
    with atomic_path(tmp_path / "w.bin") as tmp:
        os.close(os.open(tmp, os.O_CREAT | os.O_WRONLY, 0o600))  # as safetensors writes
    write_text_atomic(tmp_path / "t.txt", "x")
    assert mode(tmp_path / "w.bin") == 0o644 and mode(tmp_path / "t.txt") == 0o644


def test_a_temporary_folder_gets_the_usual_modes_throughout(tmp_path, umask022):
    top = tempfile.mkdtemp(dir=tmp_path)  # 0700
    os.mkdir(os.path.join(top, "sub"), 0o700)
    os.close(os.open(os.path.join(top, "sub", "f"), os.O_CREAT | os.O_WRONLY, 0o600))
    os.symlink("/etc/hostname", os.path.join(top, "link"))
    apply_umask(top)
    assert modes(top) == {".": 0o755, "sub": 0o755, "sub/f": 0o644, "link": mode(os.path.join(top, "link"))}


def test_the_modes_follow_the_umask_not_a_fixed_value(tmp_path):
    old = os.umask(0o027)
    try:
        top = tempfile.mkdtemp(dir=tmp_path)
        with atomic_path(os.path.join(top, "f")) as tmp:
            os.close(os.open(tmp, os.O_CREAT | os.O_WRONLY, 0o600))
        apply_umask(top)
    finally:
        os.umask(old)
    assert mode(top) == 0o750 and mode(os.path.join(top, "f")) == 0o640


@pytest.mark.parametrize("exists", [False, True])
def test_a_demo_folder_gets_the_usual_modes(tmp_path, umask022, exists):
    out = tmp_path / "demo-out"
    if exists:
        out.mkdir()
    staging = Staging(out)
    staging.write("report.html", "<html></html>")
    staging.write("figure.png", b"\x89PNG")
    staging.commit()
    assert sorted(os.listdir(out)) == ["figure.png", "report.html"]
    assert_usual(out)


def test_forecast_fit_writes_the_usual_modes(tmp_path, umask022, capsys):
    out = tmp_path / "fit"
    assert main(["forecast", "fit", "--dataset", "airpassengers", "--horizon", "12", "--steps", "5", "--quiet",
                 "--out", str(out)]) == 0
    assert {"forecast.csv", "model/model.safetensors", "model/config.json"} <= set(modes(out))
    assert_usual(out)


def test_the_umask_is_read_also_without_proc(monkeypatch, umask022):
    import lstmlab.atomic

    def no_proc(*args, **kwargs):
        raise FileNotFoundError("/proc/self/status")

    assert lstmlab.atomic._umask() == 0o022
    monkeypatch.setattr(lstmlab.atomic, "open", no_proc, raising=False)
    assert lstmlab.atomic._umask() == 0o022 and os.umask(0o022) == 0o022  # read, and left as it was
