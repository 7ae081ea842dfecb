"""The names of the initialisations and their check, without torch: RunConfig validates with these."""

from __future__ import annotations

from lstmlab.errors import LstmlabError

INITS = ("uniform", "chrono")


def check_init(init: str, chrono_tmax: float | None = None) -> str:
    """Return ``init`` if it is known and ``chrono_tmax`` fits it, else raise a ValueError."""
    if init not in INITS:
        raise LstmlabError(f"unknown init {init!r}: expected one of {', '.join(INITS)}")
    if chrono_tmax is not None:
        if init != "chrono":
            raise LstmlabError(f"chrono_tmax applies to init='chrono' only, got chrono_tmax={chrono_tmax!r} "
                               f"with init={init!r}")
        if isinstance(chrono_tmax, bool) or not isinstance(chrono_tmax, (int, float)) or not chrono_tmax >= 2:
            raise LstmlabError(f"chrono_tmax must be a number >= 2 (a time range in steps), got {chrono_tmax!r}")
    return init
