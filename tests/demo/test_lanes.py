"""Two lanes: background sections run in a spawned process; same numbers, failures and interrupts handled."""

from __future__ import annotations

import os
import time

import pytest

from lstmlab.demo import DemoConfig, Section, run_demo

MAIN = Section("main", "Main lane", "demo.fakes:drawing")
BACK = Section("back", "Background lane", "demo.fakes:drawing", background=True)


def test_background_sections_give_the_same_report_numbers(tmp_path):
    broken = Section("broken", "Broken", "demo.fakes:failing", background=True)
    one = run_demo(DemoConfig(seed=7), tmp_path / "one", sections=[MAIN, BACK, broken], jobs=1)
    two = run_demo(DemoConfig(seed=7), tmp_path / "two", sections=[MAIN, BACK, broken], jobs=2)
    assert [r.key for r in two.results] == ["main", "back", "broken"]
    assert [s["numbers"] for s in two.summary["sections"][:2]] == [s["numbers"] for s in one.summary["sections"][:2]]
    assert two.results[1].plots[0].png == one.results[1].plots[0].png
    assert "this section broke on purpose" in two.results[2].error
    assert two.summary["jobs"] == 2
    assert (two.out / "back-line.png").exists()


def test_a_crashed_background_process_is_reported_as_failed_sections(tmp_path):
    dies = Section("dies", "Dies", "demo.fakes:dies", background=True)
    run = run_demo(DemoConfig(), tmp_path / "out", sections=[MAIN, dies, BACK], jobs=2)
    assert run.results[0].ok
    for r in run.results[1:]:
        assert "did not finish in the background lane" in r.error and "exit code 3" in r.error
    assert "did not finish in the background lane" in run.report.read_text()


def test_interrupt_stops_the_background_process_and_writes_nothing(tmp_path):
    slow = Section("slow", "Slow", "demo.fakes:sleeping", background=True)
    stop = Section("stop", "Stop", "demo.fakes:interrupted")
    t0 = time.perf_counter()
    with pytest.raises(KeyboardInterrupt):
        run_demo(DemoConfig(), tmp_path / "out", sections=[stop, slow], jobs=2)
    assert time.perf_counter() - t0 < 30  # did not wait for the sleeping section
    assert not (tmp_path / "out").exists()
    assert [n for n in os.listdir(tmp_path) if ".partial-" in n] == []


def test_jobs_must_be_one_or_two(tmp_path):
    with pytest.raises(ValueError, match="jobs must be 1 or 2, got 3"):
        run_demo(DemoConfig(), tmp_path / "out", jobs=3)
