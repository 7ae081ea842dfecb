"""Run the demo's sections in order and write the report, the PNGs and summary.json atomically."""

from __future__ import annotations

import json
import os
import platform
import sys
import threading
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from lstmlab.demo.config import DemoConfig
from lstmlab.demo.context import DemoContext
from lstmlab.demo.execute import ProgressFn, Section, run_section, single_thread
from lstmlab.demo.result import SectionResult
from lstmlab.demo.staging import Staging
from lstmlab.errors import LstmlabError, LstmlabTypeError

SECTIONS: tuple[Section, ...] = (
    Section("memory", "The memory problem, measured", "memory_problem"),
    Section("gates", "The gates of a trained LSTM on one sentence", "gates"),
    Section("glassbox", "An LSTM stepped by hand", "glassbox_steps"),
    Section("states", "How the hidden and cell states evolve", "states"),
    Section("cells", "RNN, GRU and LSTM on a long-memory task", "cells"),
    Section("forecast", "Forecasting with an LSTM, honestly", "forecasting", background=True),
)


@dataclass
class DemoRun:
    """What ``run_demo`` returns: where the report is, the summary (as written) and the results."""

    out: Path
    report: Path
    summary: dict[str, Any]
    results: list[SectionResult]

    @property
    def failed(self) -> list[SectionResult]:
        return [r for r in self.results if not r.ok]


def run_demo(config: DemoConfig, out: str | os.PathLike, on_progress: ProgressFn | None = None,
             sections: Sequence[Section] = SECTIONS, jobs: int = 1) -> DemoRun:
    """Run every section, then write ``out/report.html``, the PNGs and ``out/summary.json``.

    A section that raises does not stop the run: its part of the report shows the error (and
    summary.json records it). An interruption (KeyboardInterrupt) or an error while writing stops
    the run and leaves nothing new at ``out``: files are staged beside it and moved in at the end,
    ``report.html`` last.

    Parameters
    ----------
    config : DemoConfig
    out : path
        Output folder (created if missing; files of the same names are replaced).
    on_progress : callable, optional
        ``on_progress(index, total, title, message)``, called when a section starts, reports a
        step, and ends.
    sections : sequence of Section
        The parts to run, in order (all six by default).
    jobs : {1, 2}
        1 runs every section here, one after the other; 2 runs the ``background`` sections in a
        second process at the same time. Either way each lane trains on one thread, so the numbers
        are the same.

    Returns
    -------
    DemoRun
    """
    if not isinstance(config, DemoConfig):
        raise LstmlabTypeError(f"config must be a DemoConfig, got {type(config).__name__}")
    if jobs not in (1, 2):
        raise LstmlabError(f"jobs must be 1 or 2, got {jobs!r}")
    staging = Staging(out)  # fails here, before any work, if the folder cannot be written
    try:
        started = datetime.now(timezone.utc)
        t0 = time.perf_counter()
        results = _run_sections(config, sections, jobs, on_progress)
        summary = _summary(config, results, started, time.perf_counter() - t0, jobs,
                           frozenset(s.key for s in sections if s.background))
        for r in results:
            for name, plot in zip(summary_png_names(r), r.plots):
                staging.write(name, plot.png)
        staging.write("summary.json", json.dumps(summary, indent=2, default=_jsonable) + "\n")
        from lstmlab.viz.report import build_report
        staging.write("report.html", build_report(results, summary))
        out_path = staging.commit()
    except BaseException:
        staging.discard()
        raise
    return DemoRun(out_path, out_path / "report.html", summary, results)


def _run_sections(config: DemoConfig, sections: Sequence[Section], jobs: int,
                  on_progress: ProgressFn | None) -> list[SectionResult]:
    lock = threading.Lock()

    def say(*args) -> None:  # two lanes may report at once
        if on_progress is not None:
            with lock:
                on_progress(*args)

    indexed = list(enumerate(sections, 1))
    background = [(i, s) for i, s in indexed if s.background] if jobs > 1 else []
    results: dict[int, SectionResult] = {}
    with single_thread():
        lane = None
        if background:
            from lstmlab.demo.lanes import BackgroundLane
            lane = BackgroundLane(config, background, len(sections), say)
        try:
            ctx = DemoContext(config)
            for i, s in indexed:
                if lane is None or (i, s) not in background:
                    results[i] = run_section(ctx, s, i, len(sections), say)
            if lane is not None:
                results.update(lane.results())
        except BaseException:
            if lane is not None:
                lane.stop()
            raise
    return [results[i] for i, _ in indexed]


def summary_png_names(result: SectionResult) -> list[str]:
    """File names of a section's PNGs: ``<key>-<plot name>.png``."""
    return [f"{result.key}-{p.name}.png" for p in result.plots]


def _summary(config: DemoConfig, results: list[SectionResult], started: datetime, seconds: float,
             jobs: int, background: frozenset = frozenset()) -> dict:
    lanes: dict[str, float] = {}
    for r in results:
        lane = "background" if jobs > 1 and r.key in background else "main"
        lanes[lane] = round(lanes.get(lane, 0.0) + r.cpu_seconds, 2)
    return {
        "config": asdict(config),
        "jobs": jobs,
        "versions": _versions(),
        "started_utc": started.strftime("%Y-%m-%d %H:%M:%S"),
        "total_seconds": round(seconds, 2),
        "cpu_seconds_by_lane": lanes,
        "sections": [{
            "key": r.key,
            "title": r.title,
            "status": "ok" if r.ok else "error",
            "seconds": round(r.seconds, 2),
            "cpu_seconds": round(r.cpu_seconds, 2),
            "lane": "background" if jobs > 1 and r.key in background else "main",
            "numbers": _finite(r.numbers),
            "headline": [list(pair) for pair in r.headline],
            "conclusions": r.conclusions,
            "figures": summary_png_names(r),
            "error": r.error,
        } for r in results],
    }


def _versions() -> dict[str, str]:
    import lstmlab

    versions = {"lstmlab": lstmlab.__version__, "python": platform.python_version(),
                "platform": platform.platform(), "cpu_count": str(os.cpu_count())}
    for name in ("numpy", "torch", "pandas", "matplotlib"):
        mod = sys.modules.get(name)
        versions[name] = getattr(mod, "__version__", "not loaded")
    return versions


def _finite(value: Any) -> Any:
    """Replace NaN and infinities (not valid JSON) by None, recursively."""
    if isinstance(value, dict):
        return {str(k): _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    if isinstance(value, (float, np.floating)) and not np.isfinite(value):
        return None
    return value


def _jsonable(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    raise LstmlabTypeError(f"cannot write {type(value).__name__} to summary.json")
