"""§6 Configuration debt: hard-coded hyperparameters and paths, keys read but never defined."""

from __future__ import annotations

import ast
import re

from mlops_atlas.debt.scanner.facts import ModuleFacts, ProjectFacts, Setup, Vocabulary
from mlops_atlas.debt.scanner.flow import is_ml_name
from mlops_atlas.debt.scanner.rules.base import CONFIG_NAME, Finding, flag_key
from mlops_atlas.debt.scanner.source import Module, dotted, walk

__all__ = ["collect_config_names", "collect_configuration", "configuration"]


_NOT_HYPERPARAMETERS = frozenset(
    {
        "random_state",
        "seed",
        "n_jobs",
        "verbose",
        "verbosity",
        "axis",
        "dtype",
        "copy",
        "device",
        "name",
        "X",
        "y",
        "shuffle",
        "stratify",
        "return_X_y",
        "as_frame",
        "sep",
        "index",
        "columns",
    }
)
_ABSOLUTE_PATH = re.compile(
    r"^(~/|[A-Za-z]:[\\/]|/(home|Users|mnt|data|tmp|var|opt|srv|root|media|scratch|content|"
    r"workspace|gpfs|dbfs|Volumes|net|nfs|storage|datasets)/)"
)
"""Paths that only exist on one machine: home folders, drives and mount points."""


_MAY_READ_FLAG = frozenset({ast.Subscript, ast.Call, ast.UnaryOp})
"""What `flag_key` can recognise without ``attributes``."""


def collect_configuration(module: Module, facts: ModuleFacts, vocabulary: Vocabulary) -> None:
    """A production module's hard-coded hyperparameters and paths, and the keys it reads."""
    checked = 0
    for call, _ in module.calls:
        name = module.call_name(call)
        if not is_ml_name(name):
            continue
        short = name.rsplit(".", 1)[-1]  # type: ignore[union-attr]
        arguments = [(None, a) for a in call.args] + [(k.arg, k.value) for k in call.keywords]
        for keyword, value in arguments:
            if keyword in _NOT_HYPERPARAMETERS or (keyword is None and not short[:1].isupper()):
                continue
            checked += 1
            if (
                isinstance(value, ast.Constant)
                and isinstance(value.value, int | float | str)
                and not isinstance(value.value, bool)
            ):
                shown = f"{keyword}={value.value!r}" if keyword else repr(value.value)
                facts.findings.append(
                    facts.finding(
                        "configuration",
                        call.lineno,
                        f"{short}({shown}): a hyperparameter written into the code; "
                        "read it from configuration",
                    )
                )
    for node in module.by_type.get(ast.Constant, ()):
        value = node.value  # type: ignore[attr-defined]
        if (
            isinstance(value, str)
            and ("/" in value or "\\" in value)
            and "\n" not in value
            and len(value) < 300
        ):
            if "://" in value or " " in value:
                continue
            checked += 1
            if _ABSOLUTE_PATH.match(value):
                facts.findings.append(
                    facts.finding(
                        "configuration",
                        node.lineno,  # type: ignore[attr-defined]
                        f"path {value!r} exists on one machine only; make it configurable",
                    )
                )
    for node in module.nodes(ast.Subscript, ast.Call):
        if node.__class__ is ast.Call and not node.args:
            continue
        flag = flag_key(node)
        if flag is None or flag[0] != "configuration key":
            continue
        facts.read_keys.setdefault(flag[1], node.lineno)  # type: ignore[attr-defined]
    for call, _ in module.calls:
        for argument in [*call.args, *(k.value for k in call.keywords)]:
            if argument.__class__ not in _MAY_READ_FLAG:
                continue
            flag = flag_key(argument)
            if flag is not None:
                vocabulary.whole.add(flag[1])
    facts.checked["configuration"] += checked


def collect_config_names(module: Module, setup: Setup, vocabulary: Vocabulary) -> None:
    """Keys a module defines in config-named dicts, and the configuration keys it names."""
    keys = vocabulary.config_dict_keys
    for node in module.by_type.get(ast.Assign, ()):
        targets = [dotted(t) or "" for t in node.targets]  # type: ignore[attr-defined]
        if any(CONFIG_NAME.search(t.rsplit(".", 1)[-1]) for t in targets) and isinstance(
            node.value,  # type: ignore[attr-defined]
            ast.Dict,
        ):
            for sub in walk(node.value):  # type: ignore[attr-defined]
                if isinstance(sub, ast.Dict):
                    keys.update(
                        k.value
                        for k in sub.keys
                        if isinstance(k, ast.Constant) and isinstance(k.value, str)
                    )
    for node in module.by_type.get(ast.Subscript, ()):
        if isinstance(node.ctx, ast.Store) and isinstance(node.slice, ast.Constant):  # type: ignore[attr-defined]
            keys.add(str(node.slice.value))  # type: ignore[attr-defined]
    wanted = setup.config_keys
    if not wanted:
        return
    named = vocabulary.named_config_keys
    for kind, field in ((ast.Name, "id"), (ast.Attribute, "attr")):
        named.update(
            word
            for node in module.by_type.get(kind, ())
            if (word := getattr(node, field)) in wanted
        )
    for node in module.by_type.get(ast.alias, ()):
        word = node.name.rsplit(".", 1)[-1]  # type: ignore[attr-defined]
        if word in wanted:
            named.add(word)
    for node in module.by_type.get(ast.Constant, ()):
        value = node.value  # type: ignore[attr-defined]
        if value.__class__ is str and value in wanted:
            named.add(value)


def configuration(facts: ProjectFacts) -> tuple[int, int, list[Finding], dict[str, object]]:
    r"""Hard-coded hyperparameters and paths; configuration keys read but never defined, or defined but never read.

    - A literal number or string passed to an ML library call (``max_depth=7``), except
      seeds and housekeeping arguments (``random_state``, ``n_jobs``, ``verbose``...).
    - A string literal that is an absolute, machine-specific path (``/home/...``, ``C:\\``).
    - A key read from a configuration object (``cfg["k"]``, ``params.get("k")``) that no
      configuration file or dict literal defines; a key a configuration file defines that
      no Python code names (a key whose parent is unpacked or passed whole counts as read).
    Checked: arguments of ML calls, path-like strings, and configuration keys.
    """
    findings: list[Finding] = []
    checked = 0
    read_keys: dict[str, tuple[ModuleFacts, int]] = {}
    for module in facts.production:
        checked += module.checked["configuration"]
        findings.extend(f for f in module.findings if f.rule == "configuration")
        for key, line in module.read_keys.items():
            read_keys.setdefault(key, (module, line))
    vocabulary = facts.vocabulary
    defined = set(facts.config_keys) | vocabulary.config_dict_keys
    for key, (module, line) in sorted(read_keys.items(), key=lambda kv: (kv[1][0].path, kv[1][1])):
        checked += 1
        if key not in defined:
            findings.append(
                module.finding(
                    "configuration", line, f"configuration key {key!r} is read but never defined"
                )
            )
    implied = set()
    for parent in vocabulary.whole:
        stack = [parent]
        while stack:
            for child in facts.config_children.get(stack.pop(), ()):
                if child not in implied:
                    implied.add(child)
                    stack.append(child)
    for key, (path, line) in sorted(facts.config_keys.items(), key=lambda kv: kv[1]):
        checked += 1
        if key not in vocabulary.named_config_keys and key not in implied:
            findings.append(
                Finding(
                    "configuration",
                    path,
                    line,
                    f"configuration key {key!r} is defined but never read",
                )
            )
    findings.sort(key=lambda f: (f.file, f.line, f.message))
    return checked, len(findings), findings, {}
