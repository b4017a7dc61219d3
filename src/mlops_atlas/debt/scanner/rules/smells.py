"""§5 Common smells: plain-old-data types, multiple languages, prototypes on the production path."""

from __future__ import annotations

import ast
import posixpath
import re

from mlops_atlas.debt.scanner.facts import ModuleFacts, ProjectFacts, Setup
from mlops_atlas.debt.scanner.files import LANGUAGES
from mlops_atlas.debt.scanner.rules.base import Finding
from mlops_atlas.debt.scanner.source import Module

__all__ = [
    "collect_plain_old_data",
    "collect_prototype",
    "is_scratch",
    "multiple_languages",
    "plain_old_data",
    "prototype",
]


def multiple_languages(facts: ProjectFacts) -> tuple[int, int, list[Finding], dict[str, object]]:
    """Census of the languages the system is written in.

    Checked: non-blank source lines (Python code lines for ``.py``/``.ipynb``). Flagged:
    lines in languages other than the main one; one finding per other language.
    """
    census = {
        lang: {"files": n, "lines": lines} for lang, (n, lines) in sorted(facts.languages.items())
    }
    total = sum(v["lines"] for v in census.values())
    if not census:
        return 0, 0, [], {"languages": census}
    main = max(census, key=lambda lang: (census[lang]["lines"], lang == "Python", lang))
    findings = []
    for language, counts in census.items():
        if language == main or counts["files"] == 0:
            continue
        suffixes = {s for s, lang in LANGUAGES.items() if lang == language}
        first = next((f for f in facts.files if posixpath.splitext(f)[1].lower() in suffixes), "?")
        findings.append(
            Finding(
                "multiple-languages",
                first,
                1,
                f"{counts['files']} {language} file(s), {counts['lines']} lines, beside {main}: "
                "each language needs its own tests and owners",
            )
        )
    flagged = total - census[main]["lines"]
    return total, flagged, findings, {"languages": census, "main": main}


_SCRATCH = re.compile(
    r"(?i)^(scratch|sandbox|playground|prototypes?|drafts?|tmp|temp|wip|untitled\d*|old|copy_of_.*|.*_(old|copy|tmp|scratch|draft|wip))$"
)


def is_scratch(path: str) -> bool:
    """Whether a path names a scratch module (``scratch/``, ``sandbox.py``, ``train_old.py``...)."""
    parts = path.removesuffix(".py").split("/")
    return any(_SCRATCH.match(part) for part in parts)


_NOTEBOOK = re.compile(r"[\w-][\w./\\-]*\.ipynb")


def collect_prototype(module: Module, facts: ModuleFacts, setup: Setup) -> None:
    """A production module's imports of scratch modules and notebook runs, up to the first run.

    The scratch modules are those of `Setup.scratch_names`; the rule keeps the ones
    that turned out to parse.
    """
    if module.is_notebook or is_scratch(module.path):
        return
    imported = sorted(module.imports & setup.scratch_names)
    for node in module.nodes(ast.Import, ast.ImportFrom, ast.Call):
        if isinstance(node, ast.Import | ast.ImportFrom):
            if not imported:
                continue
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
            )
            hits = tuple(
                i
                for i in imported
                if any(
                    i == n or i.endswith("." + n) or n.endswith(i.rsplit(".", 1)[-1]) for n in names
                )
            )
            if hits:
                facts.prototype.append((node.lineno, "import", hits))
        else:
            for argument in [*node.args, *(k.value for k in node.keywords)]:  # type: ignore[attr-defined]
                if (
                    isinstance(argument, ast.Constant)
                    and isinstance(argument.value, str)
                    and _NOTEBOOK.fullmatch(argument.value)
                ):
                    facts.prototype.append((node.lineno, "notebook", (argument.value,)))  # type: ignore[attr-defined]
                    return


def prototype(facts: ProjectFacts) -> tuple[int, int, list[Finding], dict[str, object]]:
    """Notebooks or scratch modules on the production path.

    A *scratch module* has a file or folder name such as ``scratch``, ``sandbox``,
    ``prototype``, ``draft``, ``tmp``, ``wip``, ``untitled`` or ``*_old``/``*_copy``.
    Checked: production modules (not tests, not notebooks, not scratch). Flagged: those that
    import a scratch module of the project, or run a notebook (a ``.ipynb`` path passed to a call).
    """
    modules = facts.modules
    scratch_names = {m.name for p, m in modules.items() if is_scratch(p)}
    findings = []
    checked = 0
    for module in facts.production:
        if module.is_notebook or is_scratch(module.path):
            continue
        checked += 1
        for line, kind, what in module.prototype:
            if kind == "notebook":
                reason = f"runs the notebook {what[0]}"
            else:
                hit = next((i for i in what if i in scratch_names), None)
                if hit is None:
                    continue
                reason = f"imports the scratch module {hit}"
            findings.append(
                module.finding(
                    "prototype",
                    line,
                    f"{reason} on the production path; move what it needs into a tested module",
                )
            )
            break
    return (
        checked,
        len(findings),
        findings,
        {"notebooks": sum(1 for m in modules.values() if m.is_notebook)},
    )


_BOUNDARY = re.compile(
    r"(?i)^(predict|predict_proba|score|scores|inference|serve|classify|recommend|rank|forecast|decide)($|_)"
)
_BARE = frozenset(
    {
        "float",
        "int",
        "list",
        "dict",
        "tuple",
        "Any",
        "object",
        "ndarray",
        "np.ndarray",
        "numpy.ndarray",
        "typing.Any",
    }
)


def collect_plain_old_data(module: Module, facts: ModuleFacts) -> None:
    """A production module's boundary functions with bare or untyped values."""
    checked = 0
    for node in module.nodes(ast.FunctionDef, ast.AsyncFunctionDef):
        name = node.name  # type: ignore[attr-defined]
        if name.startswith("_") or not _BOUNDARY.search(name):
            continue
        checked += 1
        args = node.args  # type: ignore[attr-defined]
        parameters = [
            a
            for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]
            if a.arg not in {"self", "cls"}
        ]
        bare = [
            a.arg for a in parameters if a.annotation is None or ast.unparse(a.annotation) in _BARE
        ]
        returns = node.returns  # type: ignore[attr-defined]
        if returns is None or ast.unparse(returns) in _BARE:
            bare.append("return")
        if bare:
            facts.findings.append(
                facts.finding(
                    "plain-old-data",
                    node.lineno,  # type: ignore[attr-defined]
                    f"{name}() passes {', '.join(bare)} as bare or untyped values: say what "
                    "a value is (a probability? from which model?) with a type",
                )
            )
    facts.checked["plain-old-data"] += checked


def plain_old_data(facts: ProjectFacts) -> tuple[int, int, list[Finding], dict[str, object]]:
    """Model-boundary functions that pass bare floats, arrays or untyped values.

    A *boundary function* is a public function or method of production code whose name says
    it predicts, scores, infers, serves, classifies, ranks, recommends, forecasts or decides.
    Checked: boundary functions. Flagged: those with a parameter or return value that is not
    annotated, or annotated only as ``float``, ``int``, ``list``, ``dict``, ``tuple``,
    ``Any``, ``object`` or ``ndarray``.
    """
    findings: list[Finding] = []
    checked = 0
    for module in facts.production:
        checked += module.checked["plain-old-data"]
        findings.extend(f for f in module.findings if f.rule == "plain-old-data")
    return checked, len(findings), findings, {}
