"""Run one section of the demo: the code both lanes share (the main process and the background one).

``runner`` runs the sections in order and writes the report; ``lanes`` runs some of them in a second process.
Both call :func:`run_section` here, so neither imports the other.
"""

from __future__ import annotations

import io
import logging
import sys
import time
import traceback
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import import_module
from typing import Callable, Iterator

from lstmlab.demo.context import DemoContext
from lstmlab.demo.result import SectionResult

log = logging.getLogger(__name__)

DPI = 100  # PNG resolution: sharp enough on screen, small enough to embed six sections' worth


@dataclass(frozen=True)
class Section:
    """One part of the tour: ``module`` (in lstmlab.demo) has ``run(ctx) -> SectionResult``.

    ``background`` sections need nothing from the others; with ``jobs=2`` they run in a second
    process while the main one runs the rest.
    """

    key: str
    title: str
    module: str
    background: bool = False

    def load(self) -> Callable[[DemoContext], SectionResult]:
        """The section's function: ``lstmlab.demo.<module>.run``, or ``"package.module:function"``."""
        module, _, func = self.module.partition(":")
        return getattr(import_module(module if func else f"lstmlab.demo.{module}"), func or "run")


# on_progress(index, total, title, message): index is 1-based; message "start", a step, or "done ..."
ProgressFn = Callable[[int, int, str, str], None]


@contextmanager
def single_thread() -> Iterator[None]:
    """Train on one torch thread inside the block (restored after): same numbers on any machine."""
    try:
        import torch
    except ImportError:  # pragma: no cover - torch is a dependency
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def run_section(ctx: DemoContext, section: Section, index: int, total: int,
                on_progress: ProgressFn | None) -> SectionResult:
    """Run one section with ``ctx``; its figures become PNG bytes. A section that raises comes back as a
    failed SectionResult holding the error and the end of its traceback (the other sections go on)."""
    def say(message: str) -> None:
        if on_progress is not None:
            on_progress(index, total, section.title, message)

    say("start")
    ctx.on_progress = say
    t0, c0 = time.perf_counter(), time.process_time()
    try:
        result = section.load()(ctx)
        result.key, result.title = section.key, section.title
        for plot in result.plots:
            _render(plot)
    except Exception as exc:  # noqa: BLE001 - one failing section must not hide the others
        log.info("section %s failed: %s: %s", section.key, type(exc).__name__, exc)
        tb = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__, limit=-4))
        result = SectionResult(section.key, section.title, error=f"{type(exc).__name__}: {exc}\n\n{tb}")
    finally:
        _close_figures()
    result.seconds, result.cpu_seconds = time.perf_counter() - t0, time.process_time() - c0
    say(f"done in {result.seconds:.1f} s" if result.ok else f"FAILED after {result.seconds:.1f} s")
    return result


def _render(plot) -> None:
    """Render a Plot's matplotlib figure to PNG bytes and drop the figure."""
    if plot.png is None:
        buf = io.BytesIO()
        plot.figure.savefig(buf, format="png", dpi=DPI)
        plot.png = buf.getvalue()
    if plot.figure is not None and "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close(plot.figure)
    plot.figure = None


def _close_figures() -> None:
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
