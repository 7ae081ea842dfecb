"""The one exception type for errors a user can cause (bad arguments, bad files, bad data).

``LstmlabError`` subclasses ``ValueError`` so that ``except ValueError`` keeps working for callers. Two variants
keep the built-in meaning where it matters: ``LstmlabTypeError`` is also a ``TypeError`` (a value of the wrong
type) and ``LstmlabKeyError`` is also a ``KeyError`` (a name that is not there). Catch ``LstmlabError`` to catch
all three. The command line turns this type, and ``OSError``, into one line and exit status 2; anything else is a
bug and shows its traceback.
"""

from __future__ import annotations

__all__ = ["LstmlabError", "LstmlabKeyError", "LstmlabTypeError"]


class LstmlabError(ValueError):
    """An error the user caused and can fix; the message names the value and what was expected."""


class LstmlabTypeError(LstmlabError, TypeError):
    """A user-facing error about a value of the wrong type."""


class LstmlabKeyError(LstmlabError, KeyError):
    """A user-facing error about a name that does not exist."""

    __str__ = BaseException.__str__  # the message as written, not KeyError's repr() of it
