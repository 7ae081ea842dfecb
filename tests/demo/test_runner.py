"""The demo's machinery: sections run in order, failures are shown, output is written atomically."""

from __future__ import annotations

import json
import os
import re

import pytest

from lstmlab.cli.main import main
from lstmlab.demo import DemoConfig, Section, run_demo
from lstmlab.demo.runner import SECTIONS

from . import fakes

FAKE = {"memory_problem": fakes.drawing, "gates": fakes.failing}


@pytest.fixture
def fake_sections(monkeypatch):
    """Every real section replaced by a fake one (cheap); `gates` raises."""
    monkeypatch.setattr(Section, "load", lambda self: FAKE.get(self.module, fakes.drawing))


def leftovers(parent):
    return [n for n in os.listdir(parent) if ".partial-" in n]


def test_report_shows_numbers_plots_and_the_failed_section(tmp_path, fake_sections):
    events = []
    run = run_demo(DemoConfig(seed=3), tmp_path / "out", on_progress=lambda *a: events.append(a))
    assert [r.key for r in run.results] == [s.key for s in SECTIONS]
    assert [r.key for r in run.failed] == ["gates"]
    html = run.report.read_text()
    assert "this section broke on purpose" in html and "RuntimeError" in html
    assert html.count("data:image/png;base64,") == 5
    assert "Second paragraph &lt;with&gt; markup." in html
    summary = json.loads((run.out / "summary.json").read_text())
    assert summary["config"] == {"quick": False, "seed": 3}
    statuses = {s["key"]: s["status"] for s in summary["sections"]}
    assert statuses["gates"] == "error" and statuses["memory"] == "ok"
    memory = summary["sections"][0]
    assert memory["numbers"]["nan"] is None  # NaN is not JSON: written as null
    assert (run.out / memory["figures"][0]).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert events[0][:2] == (1, 6) and events[0][3] == "start"
    assert any(e[3] == "drawing" for e in events)
    assert any(e[3].startswith("FAILED") for e in events)
    assert leftovers(tmp_path) == []


def test_report_has_no_external_references(tmp_path, fake_sections):
    html = run_demo(DemoConfig(), tmp_path / "out").report.read_text()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "@import" not in html and "url(" not in html


def test_same_seed_same_numbers_other_seed_other_numbers(tmp_path, fake_sections):
    a, b, c = (run_demo(DemoConfig(seed=s), tmp_path / f"o{i}") for i, s in enumerate((5, 5, 6)))
    num = lambda run: run.summary["sections"][0]["numbers"]["mean"]  # noqa: E731
    assert num(a) == num(b) != num(c)


def test_interrupted_run_leaves_nothing_at_the_final_path(tmp_path, monkeypatch):
    monkeypatch.setattr(Section, "load", lambda self: fakes.interrupted if self.key == "cells" else fakes.drawing)
    with pytest.raises(KeyboardInterrupt):
        run_demo(DemoConfig(), tmp_path / "out")
    assert not (tmp_path / "out").exists()
    assert leftovers(tmp_path) == []


def test_interrupted_run_keeps_the_previous_report(tmp_path, monkeypatch, fake_sections):
    out = tmp_path / "out"
    old = run_demo(DemoConfig(seed=1), out).report.read_text()
    (out / "mine.txt").write_text("keep me")
    monkeypatch.setattr(Section, "load", lambda self: fakes.interrupted if self.key == "forecast" else fakes.drawing)
    with pytest.raises(KeyboardInterrupt):
        run_demo(DemoConfig(seed=2), out)
    assert (out / "report.html").read_text() == old
    assert (out / "mine.txt").read_text() == "keep me"
    assert leftovers(tmp_path) == []


def test_rerun_into_an_existing_folder_replaces_the_report(tmp_path, fake_sections):
    out = tmp_path / "out"
    first = run_demo(DemoConfig(seed=1), out).report.read_text()
    second = run_demo(DemoConfig(seed=2), out).report.read_text()
    assert first != second and (out / "report.html").read_text() == second
    assert json.loads((out / "summary.json").read_text())["config"]["seed"] == 2
    assert leftovers(tmp_path) == []


def test_output_path_that_is_a_file_is_refused(tmp_path):
    (tmp_path / "f").write_text("")
    with pytest.raises(ValueError, match="exists and is not a folder"):
        run_demo(DemoConfig(), tmp_path / "f")


def test_unwritable_output_fails_before_any_work(tmp_path, monkeypatch):
    monkeypatch.setattr(Section, "load", lambda self: pytest.fail("a section ran although the output is unwritable"))
    (tmp_path / "file").write_text("")
    with pytest.raises(OSError, match="cannot write the output folder"):
        run_demo(DemoConfig(), tmp_path / "file" / "out")


def test_cli_unwritable_output_exit_code_2(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(Section, "load", lambda self: pytest.fail("a section ran although the output is unwritable"))
    (tmp_path / "file").write_text("")
    code = main(["demo", "--quick", "--out", str(tmp_path / "file" / "out")])
    err = capsys.readouterr().err
    assert code == 2
    assert "lstmlab demo: error: cannot write the output folder" in err
    assert not (tmp_path / "file" / "out").exists()


def test_cli_failed_section_exit_code_1_and_summary(tmp_path, capsys, fake_sections):
    code = main(["demo", "--out", str(tmp_path / "out"), "--seed", "4", "--jobs", "1"])
    out, err = capsys.readouterr()
    assert code == 1
    assert "report: " + str(tmp_path / "out" / "report.html") in out
    assert re.search(r"2\. gates \(0 s, CPU 0 s\)\s+FAILED\s+RuntimeError: this section broke on purpose", out)
    assert "[1/6] The memory problem, measured: start" in err
    assert "section 'The gates of a trained LSTM on one sentence' failed" in err


def test_cli_interrupt_says_nothing_was_written(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(Section, "load", lambda self: fakes.interrupted)
    assert main(["demo", "--out", str(tmp_path / "out"), "--jobs", "1"]) == 130
    assert "interrupted; nothing was written" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("kwargs, exc, message", [
    ({"seed": -1}, ValueError, r"seed must be in \[0, 2\*\*32\), got -1"),
    ({"seed": 1.5}, TypeError, "seed must be an int, got 1.5"),
    ({"quick": "yes"}, TypeError, "quick must be a bool, got 'yes'"),
])
def test_config_rejects_bad_values(kwargs, exc, message):
    with pytest.raises(exc, match=message):
        DemoConfig(**kwargs)


def test_run_demo_rejects_a_non_config(tmp_path):
    with pytest.raises(TypeError, match="config must be a DemoConfig, got dict"):
        run_demo({"seed": 0}, tmp_path / "out")


def test_cli_terminated_by_sigterm_cleans_up(tmp_path):
    """`kill` on a running demo: clear message, exit code 130, no report and no staging folder left."""
    import signal
    import subprocess
    import sys
    import time

    out = tmp_path / "out"
    code = ("import sys, time\n"
            "from lstmlab.demo import Section\n"
            "Section.load = lambda self: (lambda ctx: time.sleep(60))\n"
            "from lstmlab.cli.main import main\n"
            f"sys.exit(main(['demo', '--jobs', '1', '--out', {str(out)!r}]))\n")
    proc = subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while not any(".partial-" in n for n in os.listdir(tmp_path)) and time.time() < deadline:
        time.sleep(0.1)
    time.sleep(0.5)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err[-2000:]  # once (1 in ~60 runs) -6: abort at exit, not yet understood
    assert "interrupted; nothing was written" in err
    assert not out.exists() and leftovers(tmp_path) == []


def test_cli_bad_seed_is_a_clear_error(tmp_path, capsys):
    assert main(["demo", "--seed", "-1", "--out", str(tmp_path / "out")]) == 2
    assert "lstmlab demo: error: seed must be in [0, 2**32), got -1" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
