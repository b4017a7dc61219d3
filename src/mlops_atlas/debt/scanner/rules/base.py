"""What every rule shares: findings, results, the rule record, and configuration flags."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mlops_atlas.debt.scanner.facts import Finding
from mlops_atlas.debt.scanner.flow import _root
from mlops_atlas.debt.scanner.source import dotted

if TYPE_CHECKING:
    from mlops_atlas.debt.scanner.facts import ProjectFacts

__all__ = ["CONFIG_NAME", "Finding", "Rule", "RuleResult", "flag_key"]


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
    """A rule's identity and the function that runs it on a project's facts."""

    id: str
    title: str
    section: int
    paragraph: str
    check: Callable[[ProjectFacts], tuple[int, int, list[Finding], dict[str, object]]]


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
