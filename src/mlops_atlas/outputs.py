"""Where examples put their figures, and how they save them reproducibly.

An example run by hand writes into ``outputs/<example>/`` under the working
directory; the site build and the tests set ``MLOPS_ATLAS_OUTPUT`` to a
folder of their own, so nothing lands in the user's tree.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from mlops_atlas.errors import AtlasError, UsageError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "OUTPUT_ENV",
    "UnsafePathError",
    "output_dir",
    "path_inside",
    "save_figure",
    "svg_size",
    "write_atomically",
]

OUTPUT_ENV = "MLOPS_ATLAS_OUTPUT"
"""Environment variable naming the folder an example writes its figures into."""


class UnsafePathError(AtlasError):
    """A path built from data (a citation key, a topic) would leave the folder it belongs in."""


def path_inside(root: Path, relative: str | Path) -> Path:
    """``root / relative``, checked to stay inside ``root`` before anything is written there.

    Use it wherever a file name comes from data rather than from the user's own
    command line: a name holding ``..``, an absolute path, a NUL byte, or a
    symbolic link out of ``root`` is refused.

    Args:
        root: The folder the file must stay in (it need not exist yet).
        relative: The path below it, e.g. ``entries/KEY.bib``.

    Returns:
        ``root / relative``.

    Raises:
        UnsafePathError: The path would not be inside ``root``; the message names both.

    Examples:
        >>> path_inside(Path("site"), "entries/a.bib").as_posix()
        'site/entries/a.bib'
        >>> path_inside(Path("site"), "entries/../../references.bib")
        Traceback (most recent call last):
        ...
        mlops_atlas.outputs.UnsafePathError: 'entries/../../references.bib' would be written outside site: refused (a name from the data must not hold '..', '/' at its start or a link out)
    """
    root = Path(root)
    target = root / relative
    inside = "\0" not in str(relative) and not Path(relative).is_absolute()
    if inside:
        base = root.resolve()
        resolved = target.resolve()
        inside = resolved != base and resolved.is_relative_to(base)
    if not inside:
        raise UnsafePathError(
            f"{str(relative)!r} would be written outside {root}: refused (a name from the "
            "data must not hold '..', '/' at its start or a link out)"
        )
    return target


def output_dir(example: str) -> Path:
    """The folder for an example's figures (created if needed).

    Args:
        example: The example's name, e.g. ``"cace"``.

    Returns:
        ``$MLOPS_ATLAS_OUTPUT`` when set, else ``outputs/<example>``.
    """
    folder = Path(os.environ.get(OUTPUT_ENV) or Path("outputs") / example)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def save_figure(figure: Figure, folder: Path, name: str) -> Path:
    """Save a figure as SVG with byte-identical output from run to run.

    Args:
        figure: The matplotlib figure.
        folder: Where to write (usually `output_dir`).
        name: File name without extension; pages show figures sorted by name.

    Returns:
        The path of the SVG written.
    """
    import matplotlib as mpl

    path = folder / f"{name}.svg"
    with mpl.rc_context({"svg.hashsalt": "mlops-atlas", "svg.fonttype": "path"}):
        figure.savefig(path, format="svg", metadata={"Date": None}, bbox_inches="tight")
    return path


_READABLE = 0o644
"""Mode of a new file written by `write_atomically`: what ``open()`` gives by default."""


def write_atomically(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` through a temporary file renamed into place.

    The temporary file has a unique name in the target's folder, so two writers
    never share it, and it is removed on every failure: a failure part-way
    leaves the previous file (or none), never half of a new one, and no litter.

    Returns:
        ``path``.

    Raises:
        UsageError: The file cannot be written (the message names ``path`` and why).
    """
    path = Path(path)
    try:
        if path.is_dir():
            raise IsADirectoryError(errno.EISDIR, "is a folder, not a file", str(path))
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
    except OSError as error:
        raise UsageError(f"{path}: cannot write ({error.strerror or error})") from None
    partial = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        # mkstemp makes the file private (0600); a site or report is for others to read too
        partial.chmod(_READABLE)
        partial.replace(path)
    except BaseException as error:
        with contextlib.suppress(OSError):
            partial.unlink()
        if isinstance(error, OSError):
            raise UsageError(f"{path}: cannot write ({error.strerror or error})") from None
        raise
    return path


_LENGTH = re.compile(r"\s*([\d.]+)\s*(px|pt)?\s*$")
_PX_PER_UNIT = {None: 1.0, "px": 1.0, "pt": 4 / 3}


def svg_size(svg: str) -> tuple[int, int] | None:
    """The size in CSS pixels an SVG figure asks for, from its ``width`` and ``height``.

    Matplotlib writes them in points; a page gives them to its ``<img>`` so that the
    browser reserves the figure's place before the file arrives (nothing jumps).

    Args:
        svg: The SVG text (only its root element's attributes are read).

    Returns:
        ``(width, height)`` rounded to whole pixels, or None when the root element has
        no absolute size (percentages, ems, none at all).

    Examples:
        >>> svg_size('<svg width="720pt" height="270pt" viewBox="0 0 720 270">')
        (960, 360)
        >>> svg_size('<svg viewBox="0 0 10 10">') is None
        True
    """
    root = re.search(r"<svg\b[^>]*>", svg)
    if root is None:
        return None
    size = []
    for name in ("width", "height"):
        attribute = re.search(rf'\s{name}="([^"]*)"', root.group(0))
        length = _LENGTH.match(attribute.group(1)) if attribute else None
        if length is None:
            return None
        size.append(round(float(length.group(1)) * _PX_PER_UNIT[length.group(2)]))
    return size[0], size[1]
