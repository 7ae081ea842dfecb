"""The demo's configuration: one frozen dataclass, mapped one to one onto the CLI flags."""

from __future__ import annotations

from dataclasses import dataclass

from lstmlab.errors import LstmlabError, LstmlabTypeError


# The gate-bias initialisation of the demo's LSTMs (sections 1, 2 and 5; lstmlab.nn.init): chrono gives the
# units memories of every time scale up to the sentence length. The RNN has no gates and starts uniform.
LSTM_INIT = "chrono"


@dataclass(frozen=True)
class DemoConfig:
    """What a ``lstmlab demo`` run does.

    Parameters
    ----------
    quick : bool
        Smaller data, fewer seeds and shorter training everywhere (under half the full run's time; measured figures in the README);
        meant for CI. The story and the figures are the same, the numbers noisier.
    seed : int
        Root of every random choice in the run (data, initial weights, batches). Each section
        derives its own seed from it, so the same seed gives the same report numbers.
    """

    quick: bool = False
    seed: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.quick, bool):
            raise LstmlabTypeError(f"quick must be a bool, got {self.quick!r}")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int):
            raise LstmlabTypeError(f"seed must be an int, got {self.seed!r}")
        if not 0 <= self.seed < 2**32:
            raise LstmlabError(f"seed must be in [0, 2**32), got {self.seed}")
