"""What every rule shares: findings, results, the rule record, and the context of a scan."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from mlops_atlas.debt.scanner.flow import Flow, IOEvent, _root, analyse, same_file
from mlops_atlas.debt.scanner.project import Module, Project, dotted

__all__ = ["CONFIG_NAME", "Context", "Finding", "Rule", "RuleResult", "flag_key"]


@dataclass(frozen=True)
class Finding:
    """One thing a rule flagged.

    Attributes:
        rule: The rule's id, e.g. ``"fixed-thresholds"``.
        file: Relative POSIX path.
        line: Line in the file (in the cell, for notebooks).
        message: Why it is flagged, in one line.
        cell: The notebook cell (1-based), for notebooks.
    """

    rule: str
    file: str
    line: int
    message: str
    cell: int | None = None

    @property
    def location(self) -> str:
        """``file:line``, ``file:cell N:line`` in a notebook, or ``file`` for the whole project (line 0)."""
        if self.line == 0:
            return self.file
        if self.cell is not None:
            return f"{self.file}:cell {self.cell}:{self.line}"
        return f"{self.file}:{self.line}"


@dataclass
class RuleResult:
    """What one rule found.

    Attributes:
        rule: The rule's id.
        title: Its name on the page.
        section: The paper's section it belongs to (2, 3, 5, 6, 7 or 8).
        paragraph: The paragraph of that section it stands for.
        checked: How many things it looked at.
        flagged: How many of those it flagged.
        findings: The findings, sorted by file and line.
        details: Rule-specific numbers (the Figure 1 census, the chains...).
    """

    rule: str
    title: str
    section: int
    paragraph: str
    checked: int
    flagged: int
    findings: list[Finding] = field(default_factory=list)
    details: dict[str, object] = field(default_factory=dict)

    @property
    def score(self) -> int | None:
        """``round(100 * (1 - flagged / checked))``, or ``None`` when nothing was checked."""
        if self.checked == 0:
            return None
        return round(100 * (1 - min(self.flagged, self.checked) / self.checked))


@dataclass(frozen=True)
class Rule:
    """A rule's identity and the function that runs it."""

    id: str
    title: str
    section: int
    paragraph: str
    check: Callable[[Context], tuple[int, int, list[Finding], dict[str, object]]]


class Context:
    """The project plus analyses several rules share, each computed once."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.production = [m for m in project.modules.values() if not m.is_test]
        first = {path: analyse(m) for path, m in project.modules.items()}
        written = frozenset(
            e.target for f in first.values() for e in f.io if e.kind == "write" and e.predictions
        )
        # Second pass, for modules that read a file of predictions: it taints what it is read into.
        self.flows: dict[str, Flow] = dict(first)
        for path, flow in first.items():
            if any(
                e.kind == "read" and any(same_file(e.target, w) for w in written) for e in flow.io
            ):
                self.flows[path] = analyse(project.modules[path], written)
        self._used: set[str] | None = None
        self._strings: set[str] | None = None

    def finding(self, rule: str, module: Module, line: int, message: str) -> Finding:
        """A finding at a line of the parsed source (a notebook's line becomes cell and line)."""
        line, cell = module.where(line)
        return Finding(rule, module.path, line, message, cell)

    def io(self) -> list[IOEvent]:
        """The reads and writes of production modules."""
        return [
            e
            for path, f in self.flows.items()
            if not self.project.modules[path].is_test
            for e in f.io
        ]

    def used_names(self) -> set[str]:
        """Every name loaded, attribute read, and identifier-like string, in all Python files."""
        if self._used is None:
            used: set[str] = set()
            strings: set[str] = set()
            for module in self.project.modules.values():
                for scope in module.scopes:
                    for node in scope:
                        if isinstance(node, ast.Name):
                            used.add(node.id)
                        elif isinstance(node, ast.Attribute):
                            used.add(node.attr)
                        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                            strings.add(node.value)
                        elif isinstance(node, ast.alias):
                            used.add(node.name.rsplit(".", 1)[-1])
            self._strings = strings
            self._used = used | {s for s in strings if s.isidentifier()}
        return self._used

    def strings(self) -> set[str]:
        """Every string literal in all Python files."""
        self.used_names()
        assert self._strings is not None
        return self._strings


# ---------------------------------------------------------------------------- flags and keys

CONFIG_NAME = re.compile(
    r"(?i)(^|_)(cfg|conf|config|configs|params|hparams|hyperparams|settings|options|opts|flags|args)$"
)
_ENV_CALLS = frozenset({"os.environ.get", "os.getenv", "environ.get", "getenv"})


def flag_key(node: ast.AST, *, attributes: bool = False) -> tuple[str, str] | None:
    """(kind, key) when ``node`` reads a configuration flag: ``cfg["k"]``, ``cfg.get("k")``, env.

    With ``attributes``, ``args.k`` and ``config.k`` count too.
    """
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return flag_key(node.operand, attributes=attributes)
    if attributes and isinstance(node, ast.Attribute):
        base = dotted(node.value)
        if base and CONFIG_NAME.search(base.rsplit(".", 1)[-1]):
            return "option", node.attr
    if isinstance(node, ast.Subscript):
        base = dotted(node.value)
        key = node.slice
        if base is None:
            base = _root(node.value)  # cfg["data"]["key"]
        if base and isinstance(key, ast.Constant) and isinstance(key.value, str):
            if base in {"os.environ", "environ"}:
                return "environment variable", key.value
            if CONFIG_NAME.search(base.rsplit(".", 1)[-1]):
                return "configuration key", key.value
    if isinstance(node, ast.Call) and node.args:
        key = node.args[0]
        if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
            return None
        name = dotted(node.func) or ""
        if name in _ENV_CALLS:
            return "environment variable", key.value
        if isinstance(node.func, ast.Attribute) and node.func.attr == "get":
            base = dotted(node.func.value) or ""
            if CONFIG_NAME.search(base.rsplit(".", 1)[-1]):
                return "configuration key", key.value
    return None
