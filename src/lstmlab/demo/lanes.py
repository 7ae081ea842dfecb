"""The background lane: some sections run in a second process while the main one runs the others.

With ``jobs=2``, ``runner`` hands the sections marked ``background`` in ``runner.SECTIONS`` (today only
forecasting, which needs nothing from the others) to a :class:`BackgroundLane` and runs the rest, in
order, in the main process. The lane is a spawned process (no fork of a process that already holds
torch threads) that runs each section with ``execute.run_section`` and sends progress messages and
finished SectionResults (plots already rendered to PNG bytes) back over a queue. Each lane trains on
one thread, so the numbers do not depend on how many lanes ran.
"""

from __future__ import annotations

import multiprocessing as mp
import queue as queue_mod
import signal
import threading
import traceback
from typing import Callable

from lstmlab.demo.config import DemoConfig
from lstmlab.demo.context import DemoContext
from lstmlab.demo.execute import run_section, single_thread
from lstmlab.demo.result import SectionResult


def _lane_main(config: DemoConfig, items: list, total: int, q) -> None:
    """Body of the background process: run ``items`` ((index, Section) pairs) in order."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process decides; it terminates us if needed
    try:
        ctx = DemoContext(config)
        with single_thread():
            for index, section in items:
                def say(i, n, title, message, index=index):
                    q.put(("progress", index, title, message))
                q.put(("result", index, run_section(ctx, section, index, total, say)))
    except BaseException:  # noqa: BLE001 - report anything to the main process, then stop
        q.put(("crash", traceback.format_exc()))
    q.put(("done",))


class BackgroundLane:
    """Sections run in a spawned process; ``results()`` waits for them.

    Parameters
    ----------
    config : DemoConfig
    items : list of (index, Section)
    total : int
        Number of sections in the whole run (for the progress display).
    on_progress : callable or None
        ``on_progress(index, total, title, message)``, called from a helper thread.
    """

    def __init__(self, config: DemoConfig, items: list, total: int,
                 on_progress: Callable[[int, int, str, str], None] | None) -> None:
        self.items, self.total, self.on_progress = items, total, on_progress
        ctx = mp.get_context("spawn")
        self.queue = ctx.Queue()
        self.received: dict[int, SectionResult] = {}
        self.crash: str | None = None
        self.process = ctx.Process(target=_lane_main, args=(config, items, total, self.queue), daemon=True,
                                   name="lstmlab-demo-lane")
        self.process.start()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        while True:
            try:
                msg = self.queue.get(timeout=0.5)
            except queue_mod.Empty:
                if not self.process.is_alive() and self.queue.empty():
                    return
                continue
            if msg[0] == "done":
                return
            if msg[0] == "progress" and self.on_progress is not None:
                self.on_progress(msg[1], self.total, msg[2], msg[3])
            elif msg[0] == "result":
                self.received[msg[1]] = msg[2]
            elif msg[0] == "crash":
                self.crash = msg[1]

    def results(self) -> dict[int, SectionResult]:
        """Wait for the lane to finish; sections it could not report come back as failed."""
        self.reader.join()
        self.process.join(timeout=10)
        out = dict(self.received)
        for index, section in self.items:
            if index not in out:
                why = self.crash or f"the background process ended with exit code {self.process.exitcode}"
                out[index] = SectionResult(section.key, section.title,
                                           error=f"RuntimeError: section did not finish in the background lane\n\n{why}")
        return out

    def stop(self) -> None:
        """Terminate the background process (after an interruption or an error in the main lane)."""
        if self.process.is_alive():
            self.process.terminate()
        self.process.join(timeout=10)
