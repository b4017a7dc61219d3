"""Render registered diagrams to self-contained SVG, cached by their code.

The ``diagrams`` package draws with Graphviz and writes the absolute paths of
its icon PNGs into the SVG (``<image xlink:href="/…/site-packages/…png">``).
Such an SVG shows no icons anywhere but on the machine that drew it, so
`embed_images` replaces every such reference by a ``data:`` URI, with each
PNG icon scaled down to twice the size it is drawn at (`icon_png`): sharp on a
high-density screen, and a third of the bytes of the 256-pixel originals.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import importlib.metadata
import inspect
import io
import math
import mimetypes
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlops_atlas.errors import AtlasError

__all__ = [
    "DiagramError",
    "DiagramSpec",
    "embed_images",
    "icon_png",
    "labelled_node",
    "register",
    "registry",
    "render_svg",
]

# Only <image> elements are embedded; <a href> links (clickable nodes) are left alone.
_IMAGE_REF = re.compile(
    r'(?P<head><image\b[^>]*?\s)(?P<attr>(?:xlink:)?href)="(?P<path>[^"#][^"]*)"(?P<tail>[^>]*)'
)
_PIXELS = re.compile(r'\s(width|height)="([\d.]+)(?:px|pt)?"')
ICON_SCALE = 2
"""Image pixels per drawn pixel of an embedded icon (sharp on high-density screens)."""


@functools.lru_cache(maxsize=256)
def icon_png(path: Path, width: float, height: float) -> bytes:
    """A PNG icon scaled down to `ICON_SCALE` times the size it is drawn at.

    An icon already that small, or one that does not get smaller when re-encoded, is
    returned as it is. The result depends only on the file and the size, so every diagram
    that draws an icon at one size embeds the same bytes.

    Args:
        path: The PNG file.
        width: Drawn width (SVG pixels).
        height: Drawn height (SVG pixels).

    Returns:
        The PNG bytes to embed.
    """
    from PIL import Image

    original = path.read_bytes()
    target = (math.ceil(width * ICON_SCALE), math.ceil(height * ICON_SCALE))
    try:
        with Image.open(io.BytesIO(original)) as image:
            if image.width <= target[0] and image.height <= target[1]:
                return original
            image.thumbnail(target, Image.Resampling.LANCZOS)
            scaled = io.BytesIO()
            image.save(scaled, "PNG", optimize=True)
    except OSError:  # not a PNG Pillow can read: embedded as it is
        return original
    return scaled.getvalue() if scaled.tell() < len(original) else original


class DiagramError(AtlasError):
    """A diagram could not be drawn; the message names the diagram and the cause."""


@dataclass(frozen=True)
class DiagramSpec:
    """A diagram registered in the library.

    Attributes:
        name: Identifier used by pages (``<!-- md:diagram NAME -->``) and file names.
        title: Caption shown under the picture (English).
        reading: BibTeX key of the work the diagram redraws or summarises.
        draw: Function drawing the diagram with ``diagrams`` into a filename
            (without extension) as SVG.
        title_es: The caption in Spanish (labels inside the picture stay English,
            as the papers' figures are).
    """

    name: str
    title: str
    reading: str
    draw: Callable[[str], None]
    title_es: str = ""

    def heading(self, language: str = "en") -> str:
        """A short name for headings and lists, in ``language``."""
        from mlops_atlas.diagrams.headings import HEADINGS

        if self.name in HEADINGS:
            english, spanish = HEADINGS[self.name]
            return spanish if language == "es" else english
        return re.split(r"[:;(]", self.caption(language), maxsplit=1)[0].strip()

    def caption(self, language: str = "en") -> str:
        """The caption in a language: the Spanish one when asked for and written, else English."""
        return self.title_es if language == "es" and self.title_es else self.title

    def code_hash(self) -> str:
        """Hash of everything that decides the picture: the module's code and the tool versions."""
        module = sys.modules[self.draw.__module__]
        parts = [
            inspect.getsource(module),
            inspect.getsource(sys.modules[__name__]),
            importlib.metadata.version("diagrams"),
            _graphviz_version(),
        ]
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]


_REGISTRY: dict[str, DiagramSpec] = {}


def register(
    name: str, *, title: str, reading: str, title_es: str = ""
) -> Callable[[Callable[[str], None]], Callable]:
    """Register a drawing function under ``name`` (used as a decorator).

    Args:
        name: Identifier of the diagram, e.g. ``"sculley2015-figure1"``.
        title: Caption for the page.
        reading: BibTeX key of the work it illustrates.
        title_es: The caption in Spanish.

    Returns:
        The decorator, which returns the function unchanged.
    """

    def decorator(draw: Callable[[str], None]) -> Callable[[str], None]:
        if name in _REGISTRY:
            raise ValueError(f"diagram {name!r} is registered twice")
        _REGISTRY[name] = DiagramSpec(
            name=name, title=title, reading=reading, draw=draw, title_es=title_es
        )
        return draw

    return decorator


def registry() -> dict[str, DiagramSpec]:
    """All registered diagrams by name (importing the modules that define them)."""
    import mlops_atlas.diagrams  # noqa: F401  (its modules register their diagrams on import)

    return dict(_REGISTRY)


@functools.cache  # one 'dot -V' per process, not one per diagram
def _graphviz_version() -> str:
    dot = shutil.which("dot")
    if dot is None:
        raise DiagramError(
            "Graphviz's 'dot' is not installed: run 'python3 dev.py setup' as root, "
            "or 'sudo apt-get install graphviz'"
        )
    result = subprocess.run([dot, "-V"], capture_output=True, text=True, check=False)
    return result.stderr.strip() or result.stdout.strip()


def embed_images(svg: str, *, base: Path | None = None) -> str:
    """Replace every image file reference in an SVG by a ``data:`` URI.

    Args:
        svg: SVG text as Graphviz wrote it.
        base: Folder that relative references are resolved against.

    Returns:
        The SVG with every local image embedded; links (``http``, ``#``, ``data:``) are kept.

    Raises:
        DiagramError: A referenced image file does not exist.
    """

    def local(match: re.Match[str]) -> Path | None:
        reference = match.group("path")
        if reference.startswith(("data:", "http:", "https:", "#")):
            return None
        path = Path(reference.removeprefix("file://"))
        if not path.is_absolute() and base is not None:
            path = base / path
        if not path.is_file():
            raise DiagramError(f"the SVG refers to an image that does not exist: {reference}")
        return path.resolve()

    # Each icon is scaled for the largest size it is drawn at in this SVG, so that a box and
    # its legend entry embed the same bytes.
    largest: dict[Path, tuple[float, float]] = {}
    for match in _IMAGE_REF.finditer(svg):
        path = local(match)
        drawn = dict(_PIXELS.findall(match.group("head") + match.group("tail")))
        if path is not None and "width" in drawn and "height" in drawn:
            width, height = largest.get(path, (0.0, 0.0))
            largest[path] = (max(width, float(drawn["width"])), max(height, float(drawn["height"])))

    def replace(match: re.Match[str]) -> str:
        path = local(match)
        if path is None:
            return match.group(0)
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if mime == "image/png" and path in largest:
            content = icon_png(path, *largest[path])
        else:
            content = path.read_bytes()
        data = base64.b64encode(content).decode("ascii")
        head, attr, tail = match.group("head"), match.group("attr"), match.group("tail")
        return f'{head}{attr}="data:{mime};base64,{data}"{tail}'

    return _IMAGE_REF.sub(replace, svg)


def render_svg(name: str, cache_dir: Path) -> Path:
    """Draw the diagram ``name`` to a self-contained SVG, reusing a cached one.

    Args:
        name: A registered diagram name.
        cache_dir: Folder for rendered SVGs; file names carry the code hash, so a
            changed diagram is drawn again and an unchanged one is not.

    Returns:
        Path of the SVG file inside ``cache_dir``.

    Raises:
        DiagramError: Unknown name, Graphviz missing, or the drawing failed.
    """
    specs = registry()
    if name not in specs:
        known = ", ".join(sorted(specs))
        raise DiagramError(f"unknown diagram {name!r} (known: {known})")
    spec = specs[name]
    target = cache_dir / f"{name}-{spec.code_hash()}.svg"
    if target.exists():
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        stem = Path(folder) / name
        try:
            spec.draw(str(stem))
        except Exception as error:  # any failure inside diagrams/graphviz is reported by name
            raise DiagramError(f"diagram {name!r} failed to render: {error}") from error
        drawn = stem.with_suffix(".svg")
        if not drawn.exists():
            raise DiagramError(f"diagram {name!r} produced no SVG (expected {drawn.name})")
        svg = embed_images(drawn.read_text(encoding="utf-8"), base=Path(folder))
    for stale in cache_dir.glob(f"{name}-*.svg"):
        stale.unlink()
    partial = target.with_suffix(".tmp")
    partial.write_text(svg, encoding="utf-8")
    partial.replace(target)  # never leave a half-written SVG in the cache
    return target


def _icon_ratio(kind: Any) -> float:
    """Height over width of a ``diagrams`` node class's icon, read from its PNG header."""
    import struct

    import diagrams

    package = Path(diagrams.__file__).resolve().parent.parent
    path = package / kind._icon_dir / kind._icon
    width, height = struct.unpack(">II", path.read_bytes()[16:24])
    return height / width


def labelled_node(kind: type, label: str, width: float = 1.0, fontsize: int = 13) -> Any:
    """A ``diagrams`` node: an icon ``width`` inches wide, its label below, nothing overlapping.

    The package scales an icon to fill its node, label area included, so a tall icon or a
    label of several lines overlaps the text; the height here is computed from the icon's
    proportions and the number of lines, and the icon is drawn at the top of the node.

    Args:
        kind: The node class, e.g. ``diagrams.k8s.compute.Pod``.
        label: The label, one line per line break.
        width: Icon width in inches.
        fontsize: Label size in points.

    Returns:
        The node (inside the current diagram or cluster).
    """
    lines = label.count("\n") + 1
    height = width * _icon_ratio(kind) + 0.15 + fontsize / 52 * lines
    size = {"width": str(width), "height": f"{height:.2f}", "fontsize": str(fontsize)}
    return kind(label, imagepos="tc", **size)  # the icon at the top, the label below it
