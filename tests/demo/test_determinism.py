"""Same seed, same headline numbers; another seed, other numbers where randomness enters (and only there)."""

from __future__ import annotations

import pytest

from lstmlab.demo import SECTIONS, DemoConfig, run_demo


def numbers(tmp_path, name, seed, keys, jobs=1, quick=True):
    sections = [s for s in SECTIONS if s.key in keys]
    run = run_demo(DemoConfig(quick=quick, seed=seed), tmp_path / name, sections=sections, jobs=jobs)
    assert run.failed == [], [r.error for r in run.failed]
    return {s["key"]: s["numbers"] for s in run.summary["sections"]}


def test_forecast_numbers_repeat_with_the_seed_and_change_with_it(tmp_path):
    a = numbers(tmp_path, "a", 0, {"forecast"})["forecast"]
    b = numbers(tmp_path, "b", 0, {"forecast"}, jobs=2)["forecast"]  # also: the background lane changes nothing
    c = numbers(tmp_path, "c", 1, {"forecast"})["forecast"]
    assert a == b
    # the synthetic series' noise and every model's initial weights come from the seed
    for model in ("LSTMForecaster", "seasonal_naive", "tutorial (leak)", "tutorial (leak fixed)"):
        assert a["synthetic"]["mae"][model] != c["synthetic"]["mae"][model]
    assert a["airpassengers"]["mae"]["LSTMForecaster"] != c["airpassengers"]["mae"]["LSTMForecaster"]
    # AirPassengers is fixed data and seasonal naive has no randomness: the seed must not change it
    assert a["airpassengers"]["mae"]["seasonal_naive"] == c["airpassengers"]["mae"]["seasonal_naive"]


@pytest.mark.slow
def test_whole_quick_demo_repeats_with_the_seed_and_changes_with_it(tmp_path):
    everything = {s.key for s in SECTIONS}
    a = numbers(tmp_path, "a", 3, everything, jobs=2)
    b = numbers(tmp_path, "b", 3, everything, jobs=1)
    c = numbers(tmp_path, "c", 4, everything, jobs=2)
    assert a == b
    assert all(a[key] != c[key] for key in everything)
