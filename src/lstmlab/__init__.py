"""lstmlab: see inside LSTMs, measure what they remember, and forecast with them honestly.

Importing the package is cheap: submodules (and torch, matplotlib) load only when used.
"""

from importlib import import_module

__version__ = "0.1.0"
__all__ = ["glassbox", "tasks", "nn", "lab", "forecast", "viz", "__version__"]


def __getattr__(name: str):
    if name in __all__:
        return import_module(f"lstmlab.{name}")
    raise AttributeError(f"module 'lstmlab' has no attribute {name!r}")
