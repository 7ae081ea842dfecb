"""State shared by the sections of one demo run: the config, derived seeds, progress, artefacts."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import Any, Callable

from lstmlab.demo.config import DemoConfig


@dataclass
class DemoContext:
    """Passed to every section's ``run(ctx)``.

    Attributes
    ----------
    config : DemoConfig
    artifacts : dict
        Things one section leaves for a later one (the trained LSTM of section 1 for the gates
        of section 2, the glass-box trace of section 3 for the plots of section 4).
    on_progress : callable or None
        Called with a short message whenever a section starts a new step.
    """

    config: DemoConfig
    artifacts: dict[str, Any] = field(default_factory=dict)
    on_progress: Callable[[str], None] | None = None

    @property
    def quick(self) -> bool:
        return self.config.quick

    def seed_for(self, name: str) -> int:
        """A seed for the part called ``name``, derived from the run's seed (stable across runs)."""
        return (self.config.seed * 1_000_003 + zlib.crc32(name.encode())) % 2**31

    def progress(self, message: str) -> None:
        """Report a step to the progress display, if there is one."""
        if self.on_progress is not None:
            self.on_progress(message)

    def need(self, key: str, producer: str) -> Any:
        """Return ``artifacts[key]``, or raise a clear error naming the section that makes it."""
        if key not in self.artifacts:
            raise RuntimeError(f"needs {key!r} from the section '{producer}', which did not produce it in this run")
        return self.artifacts[key]
