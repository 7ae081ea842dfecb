"""Same seed, same headline numbers; another seed, other numbers where randomness enters (and only there)."""

from __future__ import annotations

import pytest

from lstmlab.demo import SECTIONS, DemoConfig, run_demo


def untimed(value):
    """``value`` without the wall-time entries (keys containing "seconds"), which no seed fixes."""
    if isinstance(value, dict):
        return {k: untimed(v) for k, v in value.items() if "seconds" not in k}
    if isinstance(value, list):
        return [untimed(v) for v in value]
    return value


def numbers(tmp_path, name, seed, keys, jobs=1, quick=True):
    sections = [s for s in SECTIONS if s.key in keys]
    run = run_demo(DemoConfig(quick=quick, seed=seed), tmp_path / name, sections=sections, jobs=jobs)
    assert run.failed == [], [r.error for r in run.failed]
    return {s["key"]: untimed(s["numbers"]) for s in run.summary["sections"]}


def test_cheap_sections_repeat_with_the_seed_and_change_with_it(tmp_path):
    keys = {"glassbox", "states"}
    a, b, c = (numbers(tmp_path, name, seed, keys) for name, seed in (("a", 0), ("b", 0), ("c", 1)))
    assert a == b
    assert a["glassbox"]["max_abs_diff_torch"] < 1e-12 and c["glassbox"]["max_abs_diff_torch"] < 1e-12
    for key in ("mean_forget", "c_final", "h_final"):  # the weights come from the seed
        assert a["glassbox"][key] != c["glassbox"][key]
    assert a["glassbox"]["sequence"] == c["glassbox"]["sequence"]  # the input does not
    assert a["states"]["hand"] != c["states"]["hand"]


def test_forecast_numbers_repeat_with_the_seed_in_one_or_two_lanes(tmp_path):
    one = numbers(tmp_path, "one", 0, {"forecast"}, jobs=1)["forecast"]
    two = numbers(tmp_path, "two", 0, {"forecast"}, jobs=2)["forecast"]  # trained in the background lane
    assert one == two


@pytest.mark.slow
def test_forecast_numbers_change_with_the_seed_where_randomness_enters(tmp_path):
    a = numbers(tmp_path, "a", 0, {"forecast"})["forecast"]
    c = numbers(tmp_path, "c", 1, {"forecast"})["forecast"]
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
