"""Sentences generated from measured numbers: comparisons that follow the confidence intervals.

Nothing here knows an outcome in advance: every verdict is computed from the estimates given.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Estimate:
    """A measured value with its confidence interval ``[lo, hi]`` (lo = hi = value when none)."""

    name: str
    value: float
    lo: float
    hi: float

    @classmethod
    def point(cls, name: str, value: float) -> "Estimate":
        return cls(name, value, value, value)

    def text(self, fmt: str = "{:.3g}") -> str:
        if self.lo == self.hi:
            return fmt.format(self.value)
        return f"{fmt.format(self.value)} [{fmt.format(self.lo)}, {fmt.format(self.hi)}]"


def order(a: Estimate, b: Estimate, higher_is_better: bool = True) -> int:
    """+1 when ``a`` is better than ``b`` beyond both intervals, -1 when worse, 0 when they overlap.

    With point estimates (no interval) this is a plain comparison; equal values give 0.
    """
    if any(math.isnan(v) for v in (a.value, b.value)):
        return 0
    sign = 1 if higher_is_better else -1
    if a.lo > b.hi or (a.lo == a.hi and b.lo == b.hi and a.value > b.value):
        return sign
    if a.hi < b.lo or (a.lo == a.hi and b.lo == b.hi and a.value < b.value):
        return -sign
    return 0


def compare(a: Estimate, b: Estimate, what: str, higher_is_better: bool = True, fmt: str = "{:.3g}") -> str:
    """One sentence comparing ``a`` with ``b`` on ``what``, decided by their intervals.

    >>> compare(Estimate("LSTM", .99, .98, 1.), Estimate("RNN", .5, .47, .53), "accuracy")
    'LSTM beat RNN on accuracy: 0.99 [0.98, 1] against 0.5 [0.47, 0.53]; the intervals do not overlap.'
    """
    verdict = order(a, b, higher_is_better)
    nums = f"{a.text(fmt)} against {b.text(fmt)}"
    intervals = a.lo != a.hi or b.lo != b.hi
    if verdict > 0:
        tail = "; the intervals do not overlap." if intervals else "."
        return f"{a.name} beat {b.name} on {what}: {nums}{tail}"
    if verdict < 0:
        tail = "; the intervals do not overlap." if intervals else "."
        return f"{a.name} did not beat {b.name} on {what} in this run; {b.name} was better: {nums}{tail}"
    if intervals:
        return (f"{a.name} and {b.name} cannot be told apart on {what} in this run: {nums}; "
                "the intervals overlap.")
    return f"{a.name} and {b.name} tied on {what}: {nums}."


def pct(x: float, digits: int = 1) -> str:
    """0.9876 -> '98.8%'."""
    return "n/a" if x is None or math.isnan(x) else f"{100 * x:.{digits}f}%"
