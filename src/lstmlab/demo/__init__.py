"""``lstmlab demo``: the LSTM tour, every number and figure computed in the run, as one HTML report.

Six sections, each a module with ``run(ctx) -> SectionResult``; ``run_demo`` runs them in order and
writes ``report.html``, the PNGs and ``summary.json`` atomically. Torch and matplotlib load only
inside the sections.
"""

from lstmlab.demo.config import DemoConfig
from lstmlab.demo.context import DemoContext
from lstmlab.demo.result import Plot, SectionResult, Table
from lstmlab.demo.runner import SECTIONS, DemoRun, Section, run_demo

__all__ = ["DemoConfig", "DemoContext", "DemoRun", "Plot", "SECTIONS", "Section", "SectionResult", "Table",
           "run_demo"]
