"""One base class for every problem a user can fix: a readable line, never a traceback.

Library modules raise subclasses of :class:`AtlasError` for bad input (a
missing file, a malformed table, an unknown key). The command line and the
site build catch ``AtlasError`` alone, print its message on one line and stop
with a non-zero status; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

__all__ = ["AtlasError", "UsageError"]


class AtlasError(Exception):
    """A problem with the user's input; the message names the file, line, key or column."""


class UsageError(AtlasError):
    """Bad input given on the command line (a missing file, a bad option value)."""
