"""What a demo section hands back: numbers, figures, tables and sentences computed in this run."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Plot:
    """One figure of a section.

    ``figure`` is the matplotlib Figure a section drew; the runner renders it to ``png`` bytes
    (and drops the Figure), so the report and the PNG file hold the same image.
    """

    name: str
    caption: str
    figure: Any = None
    png: bytes | None = None


@dataclass
class Table:
    """A small table shown in the report: ``rows`` are lists of cells (str, int or float)."""

    caption: str
    columns: list[str]
    rows: list[list[Any]]


@dataclass
class SectionResult:
    """The outcome of one section of the demo.

    Attributes
    ----------
    key, title : str
        Short identifier (used in summary.json and file names) and heading.
    intro : str
        What the section does and why, in a few sentences (fixed text, claims nothing about outcomes).
    numbers : dict
        Every headline figure measured in the section (JSON-serialisable), for summary.json.
    headline : list of (label, value)
        The few figures shown in the printed summary table, already formatted.
    conclusions : list of str
        Sentences generated from ``numbers``; they say what this run measured.
    plots, tables : lists
        Figures and tables for the report.
    error : str or None
        Set by the runner when the section raised: the exception and the end of its traceback.
    seconds, cpu_seconds : float
        Wall time and CPU time of the section (its process, all threads), set by the runner. On a
        machine shared with other work the CPU time is the better guide to the time it takes alone.
    """

    key: str
    title: str
    intro: str = ""
    numbers: dict[str, Any] = field(default_factory=dict)
    headline: list[tuple[str, str]] = field(default_factory=list)
    conclusions: list[str] = field(default_factory=list)
    plots: list[Plot] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0
    cpu_seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when the section ran to the end."""
        return self.error is None
