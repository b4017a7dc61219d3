"""§5 Dead experimental codepaths: branches nothing can change, functions nothing names."""

from __future__ import annotations

import ast

from mlops_atlas.debt.scanner.facts import ModuleFacts, ProjectFacts, Vocabulary
from mlops_atlas.debt.scanner.rules.base import Finding, flag_key
from mlops_atlas.debt.scanner.source import Module

__all__ = ["collect_dead_code", "collect_names", "dead_codepaths"]

_NEVER_DEAD = frozenset(
    {"main", "setup", "teardown", "run", "cli", "app", "handler", "lambda_handler"}
)


def collect_names(module: Module, vocabulary: Vocabulary) -> None:
    """Names a module binds, names it uses, and keys it sets, into ``vocabulary``.

    Used: every name loaded, attribute read, imported name and identifier-like string.
    Keys set: dict literal keys, subscript stores, ``setdefault``/``add_argument`` arguments,
    keyword argument names and ``dest=`` values.
    """
    by_type = module.by_type
    used = vocabulary.used
    keys = vocabulary.keys_set
    names = by_type.get(ast.Name, [])
    attributes = by_type.get(ast.Attribute, [])
    aliases = [node.name for node in by_type.get(ast.alias, ())]  # type: ignore[attr-defined]
    used.update([node.id for node in names])  # type: ignore[attr-defined]
    used.update([node.attr for node in attributes])  # type: ignore[attr-defined]
    used.update([name.rsplit(".", 1)[-1] for name in aliases])
    used.update(
        [
            value
            for node in by_type.get(ast.Constant, ())
            if (value := node.value).__class__ is str and value.isidentifier()  # type: ignore[attr-defined]
        ]
    )
    vocabulary.bound.update(
        [
            *(node.id for node in names if node.ctx.__class__ is not ast.Load),  # type: ignore[attr-defined]
            *(node.attr for node in attributes if node.ctx.__class__ is ast.Store),  # type: ignore[attr-defined]
            *(node.arg for node in by_type.get(ast.arg, ())),  # type: ignore[attr-defined]
            *(
                node.asname or node.name.split(".")[0]  # type: ignore[attr-defined]
                for node in by_type.get(ast.alias, ())
            ),
        ]
    )
    for node in by_type.get(ast.Dict, ()):
        keys.update(
            k.value
            for k in node.keys  # type: ignore[attr-defined]
            if isinstance(k, ast.Constant) and isinstance(k.value, str)
        )
    for node in by_type.get(ast.Subscript, ()):
        if node.ctx.__class__ is ast.Store:  # type: ignore[attr-defined]
            key = node.slice  # type: ignore[attr-defined]
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                keys.add(key.value)
    for call, _ in module.calls:
        func = call.func
        if not isinstance(func, ast.Attribute):
            continue
        if func.attr in {"setdefault", "add_argument", "putenv"} and call.args:
            for argument in call.args:
                if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                    keys.add(argument.value.lstrip("-").replace("-", "_"))
        for keyword in call.keywords:
            if keyword.arg and keyword.arg != "dest":
                keys.add(keyword.arg)
            elif (
                keyword.arg == "dest"
                and isinstance(keyword.value, ast.Constant)
                and isinstance(keyword.value.value, str)
            ):
                keys.add(keyword.value.value)


def collect_dead_code(module: Module, facts: ModuleFacts) -> None:
    """A production module's branches on literals and flags, and its unexempt functions."""
    literal_flags: dict[str, object] = {}
    for statement in module.tree.body:
        if (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
            and isinstance(statement.value, ast.Constant)
            and not isinstance(statement.value.value, bytes)
        ):
            literal_flags[statement.targets[0].id] = statement.value.value
    checked = 0
    for node in module.nodes(ast.If, ast.While, ast.IfExp):
        test = node.test  # type: ignore[attr-defined]
        parts = test.values if isinstance(test, ast.BoolOp) else [test]
        for part in parts:
            inner = (
                part.operand
                if isinstance(part, ast.UnaryOp) and isinstance(part.op, ast.Not)
                else part
            )
            if isinstance(inner, ast.Name) and inner.id != "TYPE_CHECKING":
                if inner.id in literal_flags:
                    checked += 1
                    facts.literal_branches.append(
                        (node.lineno, inner.id, repr(literal_flags[inner.id]))  # type: ignore[attr-defined]
                    )
                continue
            flag = flag_key(inner, attributes=True)
            if flag is not None:
                checked += 1
                facts.key_branches.append((node.lineno, *flag))  # type: ignore[attr-defined]
    exported = _exported(module)
    for node in module.tree.body:
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        checked += 1
        name = node.name
        if not (
            node.decorator_list
            or name in _NEVER_DEAD
            or name.startswith(("test", "__"))
            or name in exported
        ):
            facts.functions.append((node.lineno, name))
    facts.checked["dead-codepaths"] += checked


def dead_codepaths(facts: ProjectFacts) -> tuple[int, int, list[Finding], dict[str, object]]:
    """Branches on flags nothing can change, branches on keys nothing sets, unused functions.

    - A branch (``if``/``elif``/``while``/conditional expression) on a module-level name bound
      once to a literal and never bound again anywhere: it always goes the same way.
    - A branch on a configuration key (``cfg["k"]``, ``params.get("k")``) or environment
      variable that no configuration file, dict literal, ``argparse`` option or text file sets.
    - A module-level function no Python file, string or text file names (tests, ``main``
      and decorated functions are exempt: something else may call them).
    Checked: branches on names or keys, and module-level functions.
    """
    vocabulary = facts.vocabulary
    bound = vocabulary.bound
    set_keys = vocabulary.keys_set | set(facts.config_keys) | facts.text_words
    used = vocabulary.used | facts.text_words
    findings: list[Finding] = []
    checked = 0
    for module in facts.production:
        checked += module.checked["dead-codepaths"]
        for line, name, value in module.literal_branches:
            if bound[name] == 1:
                findings.append(
                    module.finding(
                        "dead-codepaths",
                        line,
                        f"branch on {name} = {value}, which nothing ever changes: "
                        "one side of it is dead",
                    )
                )
        for line, kind, key in module.key_branches:
            if key not in set_keys:
                findings.append(
                    module.finding(
                        "dead-codepaths",
                        line,
                        f"branch on {kind} {key!r}, which nothing in the project sets",
                    )
                )
        for line, name in module.functions:
            if name not in used:
                findings.append(
                    module.finding(
                        "dead-codepaths",
                        line,
                        f"function {name}() is never called or named anywhere in the project",
                    )
                )
    findings.sort(key=lambda f: (f.file, f.line))
    return checked, len(findings), findings, {}


def _exported(module: Module) -> set[str]:
    for node in module.tree.body:
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)
            and isinstance(node.value, ast.List | ast.Tuple)
        ):
            return {
                e.value
                for e in node.value.elts
                if isinstance(e, ast.Constant) and isinstance(e.value, str)
            }
    return set()
