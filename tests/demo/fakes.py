"""Small stand-in sections for testing the demo's machinery without training anything."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from lstmlab.demo import Plot, SectionResult, Table


def drawing(ctx) -> SectionResult:
    rng = np.random.default_rng(ctx.seed_for("fake"))
    values = rng.normal(size=20)  # (20,)
    fig = Figure(figsize=(4, 3))
    fig.add_subplot().plot(values)
    ctx.progress("drawing")
    return SectionResult("x", "x", intro="A fake section.\n\nSecond paragraph <with> markup.",
                         numbers={"mean": float(values.mean()), "nan": float("nan")},
                         headline=[("mean", f"{values.mean():.3f}")],
                         conclusions=[f"The mean was {values.mean():.3f}."],
                         plots=[Plot("line", "A line of random numbers", fig)],
                         tables=[Table("numbers", ["i", "value"], [[i, v] for i, v in enumerate(values[:3])])])


def failing(ctx) -> SectionResult:
    raise RuntimeError("this section broke on purpose")


def interrupted(ctx) -> SectionResult:
    raise KeyboardInterrupt


def dies(ctx) -> SectionResult:
    import os

    os._exit(3)  # a crash that no exception handler sees


def sleeping(ctx) -> SectionResult:
    import time

    time.sleep(60)
    return SectionResult("x", "x")
