"""Read a user's YAML file safely: bounded size, bounded aliases, errors with a line.

``yaml.safe_load`` refuses to build objects, but a 1 KB file of nested aliases
(a "billion laughs") still describes billions of values: PyYAML shares the
aliased objects, so loading is cheap, and the blow-up comes later, in whatever
walks the data. A file that is not UTF-8 raises a bare ``UnicodeDecodeError``.
`load_yaml_file` reads at most ``max_bytes``, measures the size of the
document with every alias expanded (in time linear in the file) and refuses
one larger than ``max_nodes``, and reports every problem as one
`YamlFileError` naming the file and line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from mlops_atlas.errors import AtlasError

__all__ = [
    "MAX_BYTES",
    "MAX_NODES",
    "YamlDocument",
    "YamlFileError",
    "expanded_size",
    "load_yaml_file",
    "safe_load",
]

MAX_BYTES = 1_000_000
"""Largest YAML file read by default (1 MB): answers and settings files are small."""

MAX_NODES = 1_000_000
"""Most values a document may hold once its aliases are expanded."""


class YamlFileError(AtlasError):
    """A YAML file that cannot be read: too big, not UTF-8, invalid, or an alias bomb."""


@dataclass(frozen=True)
class YamlDocument:
    """A parsed YAML file and the line of each key of its top-level mappings.

    Attributes:
        data: The parsed document (``None`` for an empty file).
        key_lines: 1-based line of each key, by its dotted path (``answers.mlts.data.1``
            is the key ``mlts.data.1`` inside ``answers``), for messages.
    """

    data: Any
    key_lines: dict[str, int] = field(default_factory=dict)


_SAFE_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str) -> Any:
    r"""``yaml.safe_load`` with libyaml's parser when PyYAML has it (about ten times faster).

    For the project's own files, read at every build (front matter, the glossary, the
    course map); files a user hands in go through `load_yaml_file`. Errors are the same
    ``yaml.YAMLError`` classes, with the line in their marks.

    Examples:
        >>> safe_load("a: [1, 2]\nb: text")
        {'a': [1, 2], 'b': 'text'}
    """
    return yaml.load(text, Loader=_SAFE_LOADER)


def expanded_size(node: yaml.Node) -> int:
    r"""How many nodes a composed document holds with every alias expanded.

    An alias is the same node object as its anchor, so sizes are memoised by
    identity: linear in the file, whatever the expansion.

    Examples:
        >>> expanded_size(yaml.compose("a: &x [1, 2]\nb: [*x, *x, *x]"))
        16
    """
    sizes: dict[int, int] = {}

    def size(current: yaml.Node) -> int:
        known = sizes.get(id(current))
        if known is not None:
            return known
        total = 1
        if isinstance(current, yaml.SequenceNode):
            total += sum(size(child) for child in current.value)
        elif isinstance(current, yaml.MappingNode):
            total += sum(size(key) + size(value) for key, value in current.value)
        sizes[id(current)] = total
        return total

    return size(node)


def _key_lines(node: yaml.Node, prefix: str, lines: dict[str, int]) -> None:
    if not isinstance(node, yaml.MappingNode):
        return
    for key, value in node.value:
        if isinstance(key, yaml.ScalarNode):
            path = f"{prefix}{key.value}"
            lines.setdefault(path, key.start_mark.line + 1)
            _key_lines(value, f"{path}.", lines)


def load_yaml_file(
    path: Path | str, *, max_bytes: int = MAX_BYTES, max_nodes: int = MAX_NODES
) -> YamlDocument:
    r"""Read one YAML document from a user's file, safely.

    Args:
        path: The file.
        max_bytes: Refuse larger files.
        max_nodes: Refuse documents holding more values than this, aliases expanded.

    Returns:
        The document and the line of each mapping key.

    Raises:
        YamlFileError: Missing, unreadable, too big, not UTF-8, not valid YAML, nested
            too deeply, or expanding past ``max_nodes``; one line naming the file
            (and line) and what to do.

    Examples:
        >>> import tempfile, os
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     file = Path(folder) / "a.yaml"
        ...     _ = file.write_text("team: t\nanswers:\n  q1: yes\n", encoding="utf-8")
        ...     document = load_yaml_file(file)
        >>> document.data, document.key_lines["answers.q1"]
        ({'team': 't', 'answers': {'q1': True}}, 3)
    """
    path = Path(path)
    try:
        if path.is_dir():
            raise YamlFileError(f"{path}: is a folder, not a YAML file")
        with path.open("rb") as handle:
            raw = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise YamlFileError(f"{path}: no such file") from None
    except OSError as error:
        raise YamlFileError(f"{path}: cannot read ({error.strerror or error})") from None
    if len(raw) > max_bytes:
        raise YamlFileError(f"{path}: larger than {max_bytes:,} bytes; is it the right file?")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise YamlFileError(
            f"{path}:{line}: not UTF-8 text (byte 0x{raw[error.start]:02x}); save it as UTF-8"
        ) from None
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is not None and expanded_size(node) > max_nodes:
            raise YamlFileError(
                f"{path}: its aliases expand to more than {max_nodes:,} values; "
                "refusing a file that may be an alias bomb"
            )
        data = loader.construct_document(node) if node is not None else None
    except RecursionError:
        raise YamlFileError(f"{path}: nested too deeply to read") from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        spot = f"{path}:{mark.line + 1}" if mark else str(path)
        raise YamlFileError(
            f"{spot}: not valid YAML ({error.problem or error.context}); "
            "check the indentation and quoting"
        ) from None
    except yaml.YAMLError as error:
        raise YamlFileError(f"{path}: {error}") from None
    finally:
        loader.dispose()
    lines: dict[str, int] = {}
    if node is not None:
        _key_lines(node, "", lines)
    return YamlDocument(data, lines)
