"""Configuration files for the debt scanner: which files are configuration, and their keys.

Linear in a file's size, and bounded: a YAML file may use at most `MAX_YAML_ALIASES`
aliases (an "alias bomb" of a few lines expands to billions of values), and a file may
hold at most `MAX_CONFIG_NODES` values.
"""

from __future__ import annotations

import json
import posixpath
import re
import tomllib

import yaml

__all__ = ["MAX_CONFIG_NODES", "MAX_YAML_ALIASES", "config_keys", "is_config_file"]

MAX_YAML_ALIASES = 100
"""YAML aliases (``*name``) allowed in one configuration file; beyond it the file is skipped
(an "alias bomb" of a few lines expands to billions of values)."""

MAX_CONFIG_NODES = 1_000_000
"""Values (keys, items, scalars) visited in one configuration file before it is skipped."""

_CONFIG_SUFFIXES = frozenset({".yaml", ".yml", ".json", ".toml"})
_CONFIG_NAME = re.compile(r"(?i)(config|conf|params|settings|hparams|hyperparam)")
_CONFIG_DIRS = frozenset({"config", "configs", "conf", "params", "settings"})


def is_config_file(path: str) -> bool:
    """A YAML/JSON/TOML file named like configuration, or kept in a ``config``-like folder.

    Examples:
        >>> is_config_file("conf/train.yaml"), is_config_file("params.yaml")
        (True, True)
        >>> is_config_file("pyproject.toml"), is_config_file(".github/workflows/ci.yml")
        (False, False)
    """
    suffix = posixpath.splitext(path)[1].lower()
    if suffix not in _CONFIG_SUFFIXES or path.startswith("."):
        return False
    parts = path.split("/")
    return bool(_CONFIG_NAME.search(parts[-1])) or any(p in _CONFIG_DIRS for p in parts[:-1])


class _AliasBudgetLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing a document with more than `MAX_YAML_ALIASES` aliases."""

    aliases = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_YAML_ALIASES:
                event = self.peek_event()
                raise _ConfigTooLargeError(
                    f"skipped: more than {MAX_YAML_ALIASES} YAML aliases (line "
                    f"{event.start_mark.line + 1}); the scanner refuses alias bombs"
                )
        return super().compose_node(parent, index)


class _ConfigTooLargeError(Exception):
    """A configuration file beyond one of the scanner's limits; the message says which."""


_KEY_AT = re.compile(r"""(?:^|(?<=[\s"'{,]))["']?([^\s"'{,:=]+)["']?\s*[:=]""")
"""A key followed by ``:`` or ``=``, as YAML, JSON and TOML write them."""
_KEY_CHARACTERS = re.compile(r"""[^\s"'{,:=]+""")
_FALLBACK_CHARACTERS = 20_000_000
"""Characters searched for keys with spaces or punctuation, per file (beyond: line 1)."""


def _key_lines(lines: list[str]) -> dict[str, int]:
    """The first line (1-based) on which each plain key is written, in one pass."""
    first: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        for match in _KEY_AT.finditer(line):
            first.setdefault(match.group(1), number)
    return first


def config_keys(
    path: str, text: str, keys: dict[str, tuple[str, int]], children: dict[str, set[str]]
) -> str | None:
    """Collect a config file's keys; return an error message if it cannot be parsed.

    Linear in the file's size: the line of each key comes from one index of the lines
    (keys with spaces or punctuation are searched for, within a budget).
    """
    suffix = posixpath.splitext(path)[1].lower()
    try:
        if suffix == ".toml":
            data = tomllib.loads(text)
        elif suffix == ".json":
            data = json.loads(text)
        else:
            data = yaml.load(text, Loader=_AliasBudgetLoader)  # a SafeLoader
    except (yaml.YAMLError, json.JSONDecodeError, tomllib.TOMLDecodeError) as error:
        return f"configuration file cannot be parsed: {str(error).splitlines()[0]}"
    except _ConfigTooLargeError as error:
        return str(error)
    except (RecursionError, MemoryError):
        return "skipped: configuration nested too deeply to parse"
    lines = text.splitlines()
    plain = _key_lines(lines)
    budget = _FALLBACK_CHARACTERS

    def line_of(key: str) -> int:
        nonlocal budget
        if _KEY_CHARACTERS.fullmatch(key):
            return plain.get(key, 1)
        if budget < len(text):
            return 1
        budget -= len(text)
        pattern = re.compile(rf"""(^|[\s"'{{,])["']?{re.escape(key)}["']?\s*[:=]""")
        return next((n for n, line in enumerate(lines, 1) if pattern.search(line)), 1)

    # Depth-first, children in order, each (value, parent) pair once: a YAML anchor used
    # under several keys is visited once per key, not once per path to it.
    stack: list[tuple[object, str | None]] = [(data, None)]
    seen: set[tuple[int, str | None]] = set()
    visited = 0
    while stack:
        value, parent = stack.pop()
        visited += 1
        if visited > MAX_CONFIG_NODES:
            return f"skipped: more than {MAX_CONFIG_NODES:,} values in one configuration file"
        if isinstance(value, dict | list):
            if (id(value), parent) in seen:
                continue
            seen.add((id(value), parent))
        if isinstance(value, dict):
            pending = []
            for key, child in value.items():
                key = str(key)
                if key not in keys:
                    keys[key] = (path, line_of(key))
                if parent is not None:
                    children.setdefault(parent, set()).add(key)
                pending.append((child, key))
            stack.extend(reversed(pending))
        elif isinstance(value, list):
            stack.extend((child, parent) for child in reversed(value))
    return None
