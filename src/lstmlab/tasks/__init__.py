"""Long-memory tasks: seeded data generators, each with its metric and a memoryless baseline from data.

>>> import numpy as np
>>> task = get_task("born-in")
>>> x, y = task.sample(4, 10, np.random.default_rng(0))  # x (4, 21, V) one-hot words, y (4,) countries
"""

from lstmlab.errors import LstmlabError
from lstmlab.tasks.adding import adding_task
from lstmlab.tasks.base import IGNORE, Task, accuracy, majority_baseline
from lstmlab.tasks.born_in import born_in_task
from lstmlab.tasks.order import order_task
from lstmlab.tasks.parity import parity_task
from lstmlab.tasks.recall import copy_task

_FACTORIES = {
    "parity": parity_task,
    "parity-scalar": lambda: parity_task("scalar"),
    "adding": adding_task,
    "copy": copy_task,
    "order": order_task,
    "born-in": born_in_task,
}
TASKS = tuple(_FACTORIES)


def get_task(name: str) -> Task:
    """The task called ``name`` (one of TASKS) with its default settings."""
    if name not in _FACTORIES:
        raise LstmlabError(f"unknown task {name!r}: expected one of {', '.join(TASKS)}")
    return _FACTORIES[name]()


__all__ = ["IGNORE", "TASKS", "Task", "accuracy", "adding_task", "born_in_task", "copy_task", "get_task",
           "majority_baseline", "order_task", "parity_task"]
