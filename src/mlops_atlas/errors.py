"""One base class for every problem a user can fix: a readable line, never a traceback.

Library modules raise subclasses of `AtlasError` for bad input (a
missing file, a malformed table, an unknown key). The command line and the
site build catch ``AtlasError`` alone, print its message on one line and stop
with a non-zero status; anything else is a bug and keeps its traceback.

Scripts (the examples) get the same treatment from `install_excepthook`,
which importing `mlops_atlas` installs: an ``AtlasError`` nobody caught is
printed as one line, and Ctrl-C as ``interrupted``; other errors keep Python's
traceback.
"""

from __future__ import annotations

import sys
from types import TracebackType

__all__ = ["AtlasError", "UsageError", "install_excepthook"]


class AtlasError(Exception):
    """A problem with the user's input; the message names the file, line, key or column."""


class UsageError(AtlasError):
    """Bad input given on the command line (a missing file, a bad option value)."""


def _one_line_hook(
    kind: type[BaseException], error: BaseException, traceback: TracebackType | None
) -> None:
    if isinstance(error, AtlasError):
        print(f"error: {error}", file=sys.stderr)
    elif isinstance(error, KeyboardInterrupt):
        print("interrupted", file=sys.stderr)  # Python still exits as killed by SIGINT (130)
    else:
        _previous_hook(kind, error, traceback)


_previous_hook = sys.excepthook


def install_excepthook() -> None:
    """Print uncaught user errors and Ctrl-C as one line; leave bugs their traceback.

    Only the top level of a script is affected: pytest, IPython and Jupyter
    handle exceptions themselves. Installing twice changes nothing.
    """
    global _previous_hook
    if sys.excepthook is not _one_line_hook:
        _previous_hook = sys.excepthook
        sys.excepthook = _one_line_hook
