"""The debt scanner's rules: one function per Sculley et al. (2015) category it can see in code.

Each rule looks at a number of *checked* things (scripts, calls, keys...), flags some of
them, and scores ``100 * (1 - flagged / checked)``: 100 is no debt seen, 0 is every checked
thing flagged, and ``None`` means there was nothing to check. The page
``docs/examples/debt_scan.md`` defines every rule in words; the docstrings here say the same.
"""

from __future__ import annotations

import ast
import itertools
import posixpath
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from mlops_atlas.debt.scanner.flow import (
    FIT_METHODS,
    Flow,
    IOEvent,
    _root,
    analyse,
    is_ml_name,
    same_file,
)
from mlops_atlas.debt.scanner.project import LANGUAGES, Module, Project, dotted, qualified

__all__ = ["RULES", "Finding", "Rule", "RuleResult", "run_rules"]


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
        line, cell = module.where(line)
        return Finding(rule, module.path, line, message, cell)

    def io(self) -> list[IOEvent]:
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
        self.used_names()
        assert self._strings is not None
        return self._strings


# ---------------------------------------------------------------------------- §5 glue code


def glue_code(ctx: Context) -> tuple[int, int, list[Finding], dict[str, object]]:
    """Census of ML lines versus the rest; flags ML packages imported all over the code.

    A line is *ML code* when it calls an ML library (:data:`~mlops_atlas.debt.scanner.flow.ML_LIBRARIES`)
    or a ``fit``/``predict``-like method. The census recreates Figure 1's proportion. The rule
    checks the production modules and flags each one beyond the first that imports an ML
    library directly: §5 recommends wrapping black-box packages behind one common API.
    """
    ml_lines = 0
    all_lines = 0
    importers: list[tuple[Module, str, int]] = []
    for module in ctx.production:
        all_lines += module.code_lines
        lines: set[int] = set()
        for call, _ in module.calls:
            name = qualified(call.func, module.aliases)
            method = call.func.attr if isinstance(call.func, ast.Attribute) else None
            if (
                is_ml_name(name)
                or method in FIT_METHODS
                or method in {"predict", "predict_proba", "decision_function"}
            ):
                lines.update(range(call.lineno, (call.end_lineno or call.lineno) + 1))
        ml_lines += len(lines)
        for node in module.nodes(ast.Import, ast.ImportFrom):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = (
                    [a.name for a in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or ""]
                )
                library = next((n for n in names if is_ml_name(n)), None)
                if library:
                    importers.append((module, library.split(".")[0], node.lineno))
                    break
    findings = []
    if len(importers) > 1:
        total = len(importers)
        for module, library, line in importers[1:]:
            findings.append(
                ctx.finding(
                    "glue-code",
                    module,
                    line,
                    f"imports {library} directly, as {total - 1} other module(s) do: "
                    f"each is glue to the package's API; wrap it behind one interface",
                )
            )
    share = ml_lines / all_lines if all_lines else 0.0
    details = {
        "ml_lines": ml_lines,
        "other_lines": all_lines - ml_lines,
        "ml_share": round(share, 4),
        "modules_importing_ml": sorted({m.path for m, _, _ in importers}),
    }
    checked = len(ctx.production) if importers else 0
    return checked, len(findings), findings, details


# ---------------------------------------------------------------------------- §5 pipeline jungle

_PIPELINE_IMPORTS = (
    "airflow",
    "kfp",
    "prefect",
    "dagster",
    "luigi",
    "metaflow",
    "zenml",
    "flytekit",
)
_PIPELINE_FILES = re.compile(r"(^|/)(dvc\.yaml|Makefile|makefile|GNUmakefile|Snakefile|[^/]*\.mk)$")


def _pipeline_declarations(ctx: Context) -> dict[str, str]:
    """Files that declare a pipeline, with their text."""
    declared = {p: t for p, t in ctx.project.texts.items() if _PIPELINE_FILES.search(p)}
    for module in ctx.project.modules.values():
        if any(i.split(".")[0] in _PIPELINE_IMPORTS for i in module.imports):
            declared[module.path] = ast.unparse(module.tree)
    return declared


def pipeline_jungle(ctx: Context) -> tuple[int, int, list[Finding], dict[str, object]]:
    """Scripts chained through intermediate files that no declared pipeline mentions.

    Module A *feeds* module B when B reads a file A writes (same path, or same file name).
    A chain is a path through that graph. A module is *declared* when a pipeline
    definition (``dvc.yaml``, a Makefile, a Snakefile, or Python that imports Airflow,
    Kubeflow Pipelines, Prefect, Dagster, Luigi, Metaflow, ZenML or Flyte) names its file.
    Checked: modules that read or write files. Flagged: undeclared modules in a chain.
    """
    events = [
        e
        for e in ctx.io()
        if e.kind in {"read", "write"}
        and not e.target.startswith("table:")
        and not ctx.project.modules[e.module].is_notebook
    ]
    writes: dict[str, list[IOEvent]] = defaultdict(list)
    for event in events:
        if event.kind == "write":
            writes[event.target].append(event)
    edges: dict[str, dict[str, tuple[str, int]]] = defaultdict(
        dict
    )  # writer -> reader -> (file, line)
    for read in (e for e in events if e.kind == "read"):
        for target, written in writes.items():
            if same_file(read.target, target):
                for write in written:
                    if write.module != read.module:
                        edges[write.module].setdefault(read.module, (target, write.line))
    declarations = _pipeline_declarations(ctx)

    def declared(path: str) -> bool:
        name = posixpath.basename(path)
        stem = name.removesuffix(".py")
        module = ctx.project.modules[path].name
        return any(
            name in text
            or re.search(rf"\b{re.escape(module)}\b", text)
            or re.search(rf"\b{re.escape(stem)}\b", text)
            for p, text in declarations.items()
            if p != path
        )

    in_chain = set(edges) | {r for readers in edges.values() for r in readers}
    undeclared = {m for m in in_chain if not declared(m)}
    chains = _chains(edges, undeclared)
    findings = []
    for chain in chains:
        first, second = chain[0], chain[1]
        target, line = edges[first][second]
        module = ctx.project.modules[first]
        steps = " -> ".join(posixpath.basename(m) for m in chain)
        findings.append(
            ctx.finding(
                "pipeline-jungle",
                module,
                line,
                f"{steps}: {len(chain)} scripts chained through files ({target}, ...) "
                "with no declared pipeline",
            )
        )
    checked = len({e.module for e in events})
    return checked, len(undeclared), findings, {"chains": [list(c) for c in chains]}


def _chains(edges: dict[str, dict[str, tuple[str, int]]], nodes: set[str]) -> list[tuple[str, ...]]:
    """Maximal paths through the undeclared part of the graph, longest first."""
    graph = {
        a: sorted(b for b in readers if b in nodes) for a, readers in edges.items() if a in nodes
    }
    has_parent = {b for readers in graph.values() for b in readers}
    chains: list[tuple[str, ...]] = []

    def extend(path: tuple[str, ...]) -> None:
        following = [n for n in graph.get(path[-1], []) if n not in path]
        if not following:
            if len(path) > 1:
                chains.append(path)
            return
        for node in following:
            extend((*path, node))
            if len(chains) > 50:
                return

    for start in sorted(n for n in graph if n not in has_parent) or sorted(graph)[:1]:
        extend((start,))
    chains.sort(key=lambda c: (-len(c), c))
    covered: set[tuple[str, str]] = set()
    kept = []
    for chain in chains:  # keep a chain only if it shows an edge no longer chain did
        pairs = set(itertools.pairwise(chain))
        if pairs - covered:
            kept.append(chain)
            covered |= pairs
    return kept


# ---------------------------------------------------------------------------- §5 dead codepaths

_CONFIG_NAME = re.compile(
    r"(?i)(^|_)(cfg|conf|config|configs|params|hparams|hyperparams|settings|options|opts|flags|args)$"
)
_ENV_CALLS = frozenset({"os.environ.get", "os.getenv", "environ.get", "getenv"})
_NEVER_DEAD = frozenset(
    {"main", "setup", "teardown", "run", "cli", "app", "handler", "lambda_handler"}
)


def _flag_key(node: ast.AST, *, attributes: bool = False) -> tuple[str, str] | None:
    """(kind, key) when ``node`` reads a configuration flag: ``cfg["k"]``, ``cfg.get("k")``, env.

    With ``attributes``, ``args.k`` and ``config.k`` count too.
    """
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return _flag_key(node.operand, attributes=attributes)
    if attributes and isinstance(node, ast.Attribute):
        base = dotted(node.value)
        if base and _CONFIG_NAME.search(base.rsplit(".", 1)[-1]):
            return "option", node.attr
    if isinstance(node, ast.Subscript):
        base = dotted(node.value)
        key = node.slice
        if base is None:
            base = _root(node.value)  # cfg["data"]["key"]
        if base and isinstance(key, ast.Constant) and isinstance(key.value, str):
            if base in {"os.environ", "environ"}:
                return "environment variable", key.value
            if _CONFIG_NAME.search(base.rsplit(".", 1)[-1]):
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
            if _CONFIG_NAME.search(base.rsplit(".", 1)[-1]):
                return "configuration key", key.value
    return None


def _keys_set_in_python(ctx: Context) -> set[str]:
    """Keys a program sets: dict literal keys, subscript stores, ``setdefault``, argparse dests."""
    keys: set[str] = set()
    for module in ctx.project.modules.values():
        for node in module.nodes(ast.Dict, ast.Subscript, ast.Call):
            if isinstance(node, ast.Dict):
                keys.update(
                    k.value
                    for k in node.keys
                    if isinstance(k, ast.Constant) and isinstance(k.value, str)
                )
            elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store):
                if isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
                    keys.add(node.slice.value)
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                if node.func.attr in {"setdefault", "add_argument", "putenv"} and node.args:
                    for argument in node.args:
                        if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                            keys.add(argument.value.lstrip("-").replace("-", "_"))
                keys.update(k.arg for k in node.keywords if k.arg and k.arg != "dest")
                keys.update(
                    k.value.value
                    for k in node.keywords
                    if k.arg == "dest"
                    and isinstance(k.value, ast.Constant)
                    and isinstance(k.value.value, str)
                )
    return keys


def dead_codepaths(ctx: Context) -> tuple[int, int, list[Finding], dict[str, object]]:
    """Branches on flags nothing can change, branches on keys nothing sets, unused functions.

    - A branch (``if``/``elif``/``while``/conditional expression) on a module-level name bound
      once to a literal and never bound again anywhere: it always goes the same way.
    - A branch on a configuration key (``cfg["k"]``, ``params.get("k")``) or environment
      variable that no configuration file, dict literal, ``argparse`` option or text file sets.
    - A module-level function no Python file, string or text file names (tests, ``main``
      and decorated functions are exempt: something else may call them).
    Checked: branches on names or keys, and module-level functions.
    """
    project = ctx.project
    bound: dict[str, int] = defaultdict(int)
    literal_flags: dict[str, object] = {}
    for module in project.modules.values():
        for node in module.nodes(ast.Name, ast.arg, ast.Attribute, ast.alias):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
                bound[node.id] += 1
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                bound[node.attr] += 1
            elif isinstance(node, ast.arg):
                bound[node.arg] += 1
            elif isinstance(node, ast.alias):
                bound[node.asname or node.name.split(".")[0]] += 1
        for statement in module.tree.body:
            if (
                isinstance(statement, ast.Assign)
                and len(statement.targets) == 1
                and isinstance(statement.targets[0], ast.Name)
                and isinstance(statement.value, ast.Constant)
                and not isinstance(statement.value.value, bytes)
            ):
                literal_flags[f"{module.path}:{statement.targets[0].id}"] = statement.value.value
    set_keys = _keys_set_in_python(ctx) | set(project.config_keys) | project.text_words
    findings: list[Finding] = []
    checked = 0
    for module in ctx.production:
        for node in module.nodes(ast.If, ast.While, ast.IfExp):
            test = node.test
            parts = test.values if isinstance(test, ast.BoolOp) else [test]
            for part in parts:
                inner = (
                    part.operand
                    if isinstance(part, ast.UnaryOp) and isinstance(part.op, ast.Not)
                    else part
                )
                if isinstance(inner, ast.Name) and inner.id != "TYPE_CHECKING":
                    key = f"{module.path}:{inner.id}"
                    if key not in literal_flags:
                        continue
                    checked += 1
                    if bound[inner.id] == 1:
                        findings.append(
                            ctx.finding(
                                "dead-codepaths",
                                module,
                                node.lineno,
                                f"branch on {inner.id} = {literal_flags[key]!r}, which nothing ever "
                                "changes: one side of it is dead",
                            )
                        )
                    continue
                flag = _flag_key(inner, attributes=True)
                if flag is None:
                    continue
                checked += 1
                kind, name = flag
                if name not in set_keys:
                    findings.append(
                        ctx.finding(
                            "dead-codepaths",
                            module,
                            node.lineno,
                            f"branch on {kind} {name!r}, which nothing in the project sets",
                        )
                    )
    used = ctx.used_names() | project.text_words
    for module in ctx.production:
        exported = _exported(module)
        for node in module.tree.body:
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            checked += 1
            name = node.name
            if (
                node.decorator_list
                or name in _NEVER_DEAD
                or name.startswith(("test", "__"))
                or name in exported
                or name in used
            ):
                continue
            findings.append(
                ctx.finding(
                    "dead-codepaths",
                    module,
                    node.lineno,
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


# ---------------------------------------------------------------------------- §6 configuration

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


def configuration(ctx: Context) -> tuple[int, int, list[Finding], dict[str, object]]:
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
    read_keys: dict[str, tuple[Module, int]] = {}
    whole: set[str] = set()
    for module in ctx.production:
        for call, _ in module.calls:
            name = qualified(call.func, module.aliases)
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
                    findings.append(
                        ctx.finding(
                            "configuration",
                            module,
                            call.lineno,
                            f"{short}({shown}): a hyperparameter written into the code; "
                            "read it from configuration",
                        )
                    )
        for node in module.nodes(ast.Constant):
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
                    findings.append(
                        ctx.finding(
                            "configuration",
                            module,
                            node.lineno,  # type: ignore[attr-defined]
                            f"path {value!r} exists on one machine only; make it configurable",
                        )
                    )
        for node in module.nodes(ast.Subscript, ast.Call):
            flag = _flag_key(node)
            if flag is None or flag[0] != "configuration key":
                continue
            read_keys.setdefault(flag[1], (module, node.lineno))  # type: ignore[attr-defined]
        for call, _ in module.calls:
            for argument in [*call.args, *(k.value for k in call.keywords)]:
                flag = _flag_key(argument)
                if flag is not None:
                    whole.add(flag[1])
    defined = set(ctx.project.config_keys) | _dict_keys_of_configs(ctx)
    for key, (module, line) in sorted(read_keys.items(), key=lambda kv: (kv[1][0].path, kv[1][1])):
        checked += 1
        if key not in defined:
            findings.append(
                ctx.finding(
                    "configuration",
                    module,
                    line,
                    f"configuration key {key!r} is read but never defined",
                )
            )
    names = ctx.used_names() | ctx.strings()
    implied = set()
    for parent in whole:
        stack = [parent]
        while stack:
            for child in ctx.project.config_children.get(stack.pop(), ()):
                if child not in implied:
                    implied.add(child)
                    stack.append(child)
    for key, (path, line) in sorted(ctx.project.config_keys.items(), key=lambda kv: kv[1]):
        checked += 1
        if key not in names and key not in implied:
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


def _dict_keys_of_configs(ctx: Context) -> set[str]:
    keys: set[str] = set()
    for module in ctx.project.modules.values():
        for node in module.nodes(ast.Assign):
            targets = [dotted(t) or "" for t in node.targets]  # type: ignore[attr-defined]
            if any(_CONFIG_NAME.search(t.rsplit(".", 1)[-1]) for t in targets) and isinstance(
                node.value, ast.Dict
            ):  # type: ignore[attr-defined]
                for sub in ast.walk(node.value):  # type: ignore[attr-defined]
                    if isinstance(sub, ast.Dict):
                        keys.update(
                            k.value
                            for k in sub.keys
                            if isinstance(k, ast.Constant) and isinstance(k.value, str)
                        )
        for node in module.nodes(ast.Subscript):
            if isinstance(node.ctx, ast.Store) and isinstance(node.slice, ast.Constant):  # type: ignore[attr-defined]
                keys.add(str(node.slice.value))  # type: ignore[attr-defined]
    return keys


# ---------------------------------------------------------------------------- §7 fixed thresholds


def fixed_thresholds(ctx: Context) -> tuple[int, int, list[Finding], dict[str, object]]:
    """Scores compared with a literal number.

    A *score* is the result of ``predict_proba``, ``predict_log_proba``,
    ``decision_function`` or ``score_samples``, a name bound to one, or a name such as
    ``proba``, ``scores`` or ``confidence``. Checked: every ``<``, ``<=``, ``>``, ``>=``
    comparison on a score. Flagged: those whose other side is a literal number.
    """
    findings = []
    checked = 0
    for module in ctx.production:
        for comparison in ctx.flows[module.path].comparisons:
            checked += 1
            if comparison.literal is not None:
                findings.append(
                    ctx.finding(
                        "fixed-thresholds",
                        module,
                        comparison.line,
                        f"{comparison.text}: a score compared with the fixed number "
                        f"{comparison.literal:g}; learn the threshold on fresh held-out data",
                    )
                )
    return checked, len(findings), findings, {}


# ---------------------------------------------------------------------------- §2 cascades and consumers


def correction_cascades(ctx: Context) -> tuple[int, int, list[Finding], dict[str, object]]:
    """One model's predictions fed to another model's ``fit``.

    Checked: ``fit``-like calls. Flagged: those whose arguments hold the predictions of
    another object (in the same module, or read from a file another module wrote them to).
    """
    findings = []
    checked = 0
    for module in ctx.production:
        for fit in ctx.flows[module.path].fits:
            checked += 1
            others = sorted(p for p in fit.producers if p != fit.receiver)
            if others:
                source = ", ".join(p if p.startswith("file ") else f"{p}.predict" for p in others)
                receiver = "a model" if fit.receiver == "?" else fit.receiver
                findings.append(
                    ctx.finding(
                        "correction-cascades",
                        module,
                        fit.line,
                        f"{receiver} is fitted on predictions from {source}: a correction "
                        "cascade; improving the first model will change what the second learned",
                    )
                )
    return checked, len(findings), findings, {}


def undeclared_consumers(ctx: Context) -> tuple[int, int, list[Finding], dict[str, object]]:
    """Model outputs read by code outside the module that writes them, behind its back.

    A *model output* is a file or table a module writes predictions or a fitted model to.
    Checked: reads of a model output by another module. Flagged: those where the reader
    neither imports the writer (its interface) nor is declared with it in a pipeline file.
    """
    events = ctx.io()
    outputs = [e for e in events if e.kind == "write" and (e.predictions or e.model)]
    declarations = _pipeline_declarations(ctx)
    modules = ctx.project.modules
    findings = []
    checked = 0
    seen: set[tuple[str, int]] = set()
    for read in (e for e in events if e.kind == "read"):
        writers = [
            w for w in outputs if w.module != read.module and same_file(read.target, w.target)
        ]
        if not writers or (read.module, read.line) in seen:
            continue
        seen.add((read.module, read.line))
        checked += 1
        reader = modules[read.module]
        writer = writers[0]
        writer_name = modules[writer.module].name
        imports_writer = any(
            i == writer_name or i.startswith(writer_name + ".") for i in reader.imports
        )
        in_pipeline = any(
            posixpath.basename(read.module) in text and posixpath.basename(writer.target) in text
            for text in declarations.values()
        )
        if imports_writer or in_pipeline:
            continue
        what = "predictions" if writer.predictions else "a model"
        findings.append(
            ctx.finding(
                "undeclared-consumers",
                reader,
                read.line,
                f"reads {read.target}, {what} written by {writer.module}:{writer.line}, "
                "without its interface or a declared dependency",
            )
        )
    return checked, len(findings), findings, {}


# ---------------------------------------------------------------------------- §3 unstable data

_REMOTE = re.compile(
    r"^(https?|s3|gs|gcs|hdfs|ftp|abfss?|az|wasbs?|dbfs|models|runs|hf)://|^models:/", re.I
)
_PINNED = re.compile(
    r"([0-9a-f]{40}|[0-9a-f]{7,12}(?=/)|[?&](version|versionId|rev|revision|sha|ref)=|@sha256:|"
    r"/v\d+(\.\d+)*/|[_-]v\d+(\.\d+)*\b|/\d+$|/\d{4}-\d{2}-\d{2}/)",
    re.I,
)
_MOVING = re.compile(
    r"(?i)(^|[/_.-])(latest|current|newest|recent|head|master|main|staging|production)([/_.-]|$)"
)


def unstable_data(ctx: Context) -> tuple[int, int, list[Finding], dict[str, object]]:
    """Data read from a moving target: a URL with no version or hash, or a "latest" path.

    Checked: every read or fetch. Flagged: a remote location (``http(s)://``, ``s3://``,
    ``models:/``...) with no version, revision, commit hash or date in it and no
    ``version=``/``revision=``/``sha256=``-like argument; a path naming a moving version
    (``latest``, ``current``, ``main``, ``Production``...); ``fetch_openml`` or
    ``load_dataset`` without a version or revision (they default to a moving one).
    """
    findings = []
    checked = 0
    for event in ctx.io():
        if event.kind not in {"read", "fetch"} or event.target.startswith("table:"):
            continue
        checked += 1
        module = ctx.project.modules[event.module]
        target = event.target
        reason = None
        if _MOVING.search(target) and not event.pinned:
            reason = f"reads {target!r}, which names a moving version"
        elif event.kind == "fetch" and not event.pinned:
            short = event.call.rsplit(".", 1)[-1]
            if short in {"fetch_openml", "load_dataset"}:
                reason = f"{short}({target!r}) without a version: it follows whatever is current"
            elif _REMOTE.match(target) and not _PINNED.search(target):
                reason = f"fetches {target!r} with no version or hash: it can change under you"
        elif (
            event.kind == "read"
            and _REMOTE.match(target)
            and not _PINNED.search(target)
            and not event.pinned
        ):
            reason = f"reads {target!r} with no version or hash: it can change under you"
        if reason:
            findings.append(ctx.finding("unstable-data", module, event.line, reason))
    return checked, len(findings), findings, {}


# ---------------------------------------------------------------------------- §5 smells


def multiple_languages(ctx: Context) -> tuple[int, int, list[Finding], dict[str, object]]:
    """Census of the languages the system is written in.

    Checked: non-blank source lines (Python code lines for ``.py``/``.ipynb``). Flagged:
    lines in languages other than the main one; one finding per other language.
    """
    census = {
        lang: {"files": n, "lines": lines}
        for lang, (n, lines) in sorted(ctx.project.languages.items())
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
        first = next(
            (f for f in ctx.project.files if posixpath.splitext(f)[1].lower() in suffixes), "?"
        )
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


def _is_scratch(path: str) -> bool:
    parts = path.removesuffix(".py").split("/")
    return any(_SCRATCH.match(part) for part in parts)


def prototype(ctx: Context) -> tuple[int, int, list[Finding], dict[str, object]]:
    """Notebooks or scratch modules on the production path.

    A *scratch module* has a file or folder name such as ``scratch``, ``sandbox``,
    ``prototype``, ``draft``, ``tmp``, ``wip``, ``untitled`` or ``*_old``/``*_copy``.
    Checked: production modules (not tests, not notebooks, not scratch). Flagged: those that
    import a scratch module of the project, or run a notebook (a ``.ipynb`` path passed to a call).
    """
    modules = ctx.project.modules
    scratch_names = {m.name for p, m in modules.items() if _is_scratch(p)}
    findings = []
    checked = 0
    for module in ctx.production:
        if module.is_notebook or _is_scratch(module.path):
            continue
        checked += 1
        reason = None
        line = 1
        for node in module.nodes(ast.Import, ast.ImportFrom, ast.Call):
            if isinstance(node, ast.Import | ast.ImportFrom):
                imported = module.imports & scratch_names
                names = (
                    [a.name for a in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or ""]
                )
                hit = next(
                    (
                        i
                        for i in imported
                        if any(
                            i == n or i.endswith("." + n) or n.endswith(i.rsplit(".", 1)[-1])
                            for n in names
                        )
                    ),
                    None,
                )
                if hit:
                    reason, line = f"imports the scratch module {hit}", node.lineno
                    break
            elif isinstance(node, ast.Call):
                for argument in [*node.args, *(k.value for k in node.keywords)]:
                    if (
                        isinstance(argument, ast.Constant)
                        and isinstance(argument.value, str)
                        and re.fullmatch(r"[\w-][\w./\\-]*\.ipynb", argument.value)
                    ):
                        reason, line = f"runs the notebook {argument.value}", node.lineno
                        break
                if reason:
                    break
        if reason:
            findings.append(
                ctx.finding(
                    "prototype",
                    module,
                    line,
                    f"{reason} on the production path; move what it needs into a tested module",
                )
            )
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


def plain_old_data(ctx: Context) -> tuple[int, int, list[Finding], dict[str, object]]:
    """Model-boundary functions that pass bare floats, arrays or untyped values.

    A *boundary function* is a public function or method of production code whose name says
    it predicts, scores, infers, serves, classifies, ranks, recommends, forecasts or decides.
    Checked: boundary functions. Flagged: those with a parameter or return value that is not
    annotated, or annotated only as ``float``, ``int``, ``list``, ``dict``, ``tuple``,
    ``Any``, ``object`` or ``ndarray``.
    """
    findings = []
    checked = 0
    for module in ctx.production:
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
                a.arg
                for a in parameters
                if a.annotation is None or ast.unparse(a.annotation) in _BARE
            ]
            returns = node.returns  # type: ignore[attr-defined]
            if returns is None or ast.unparse(returns) in _BARE:
                bare.append("return")
            if bare:
                findings.append(
                    ctx.finding(
                        "plain-old-data",
                        module,
                        node.lineno,  # type: ignore[attr-defined]
                        f"{name}() passes {', '.join(bare)} as bare or untyped values: say what "
                        "a value is (a probability? from which model?) with a type",
                    )
                )
    return checked, len(findings), findings, {}


# ---------------------------------------------------------------------------- §8 process hygiene

_CI_FILES = re.compile(
    r"^(\.github/workflows/[^/]+\.ya?ml|\.gitlab-ci\.yml|\.circleci/config\.yml|Jenkinsfile|"
    r"azure-pipelines\.yml|\.travis\.yml|bitbucket-pipelines\.yml|\.ci/.+)$"
)
_LOCK_FILES = re.compile(
    r"(^|/)(poetry\.lock|uv\.lock|Pipfile\.lock|pdm\.lock|conda-lock\.ya?ml|[^/]*\.lock|requirements[^/]*\.lock)$"
)
_SEED_CALLS = frozenset(
    {
        "numpy.random.seed",
        "random.seed",
        "torch.manual_seed",
        "tensorflow.random.set_seed",
        "tf.random.set_seed",
        "keras.utils.set_random_seed",
        "transformers.set_seed",
        "lightning.seed_everything",
        "pytorch_lightning.seed_everything",
        "set_seed",
        "seed_everything",
    }
)
_RANDOMISED = re.compile(
    r"^(sklearn\.(model_selection\.(train_test_split|KFold|StratifiedKFold|ShuffleSplit|"
    r"StratifiedShuffleSplit|RandomizedSearchCV|GroupShuffleSplit)|ensemble\.\w+|"
    r"neural_network\.\w+|linear_model\.SGD\w+|cluster\.(KMeans|MiniBatchKMeans)|"
    r"inspection\.permutation_importance|utils\.shuffle|decomposition\.(PCA|TruncatedSVD|NMF)|"
    r"tree\.\w+Tree\w*)|numpy\.random\.(default_rng|RandomState)|xgboost\.\w+|lightgbm\.\w+)$"
)
"""Randomised calls that take a ``random_state`` or seed argument."""
_SEED_KEYWORDS = frozenset({"random_state", "seed", "random_seed", "rng"})


def process_hygiene(ctx: Context) -> tuple[int, int, list[Finding], dict[str, object]]:
    """Four checks, after mllint: tests, CI, pinned dependencies, seeds.

    - Tests: a ``test_*.py``/``*_test.py`` file or a ``tests/`` folder with Python in it.
    - CI: a GitHub Actions workflow, ``.gitlab-ci.yml``, CircleCI, Jenkins, Azure, Travis,
      Bitbucket or ``.ci/`` definition.
    - Pinned dependencies: a lock file, or requirement files whose every line pins ``==``.
    - Seeds: every randomised call (``train_test_split``, ensembles, ``KFold``,
      ``default_rng``...) gets a ``random_state``/seed, unless its module seeds the global
      generator (``np.random.seed``...).
    Checked: the four checks. Flagged: those that fail.
    """
    project = ctx.project
    files = project.files
    findings: list[Finding] = []
    checks: dict[str, bool] = {}
    checks["tests"] = any(m.is_test for m in project.modules.values())
    if not checks["tests"]:
        findings.append(
            Finding(
                "process-hygiene",
                "(project)",
                0,
                "no tests: no test_*.py file and no tests/ folder",
            )
        )
    ci = next((f for f in files if _CI_FILES.match(f)), None)
    checks["ci"] = ci is not None
    if ci is None:
        findings.append(
            Finding(
                "process-hygiene",
                "(project)",
                0,
                "no CI definition (.github/workflows, .gitlab-ci.yml, Jenkinsfile, ...)",
            )
        )
    lock = next((f for f in files if _LOCK_FILES.search(f)), None)
    requirements = [f for f in project.texts if re.search(r"(^|/)requirements[^/]*\.txt$", f)]
    unpinned: list[tuple[str, int, str]] = []
    for path in requirements:
        for number, raw in enumerate(project.texts[path].splitlines(), start=1):
            line = raw.split("#", 1)[0].strip()
            if line and not line.startswith("-") and "==" not in line and "@" not in line:
                unpinned.append((path, number, line))
    declared = (
        requirements
        or any(
            f in project.texts
            for f in ("pyproject.toml", "setup.cfg", "Pipfile", "environment.yml")
        )
        or "setup.py" in project.modules
    )
    checks["pinned"] = lock is not None or (bool(requirements) and not unpinned)
    if not checks["pinned"]:
        if unpinned:
            findings.extend(
                Finding(
                    "process-hygiene",
                    p,
                    n,
                    f"dependency {line!r} is not pinned (no == and no lock file)",
                )
                for p, n, line in unpinned[:20]
            )
        elif declared:
            findings.append(
                Finding(
                    "process-hygiene",
                    "(project)",
                    0,
                    "dependencies are declared but not pinned: no lock file",
                )
            )
        else:
            findings.append(
                Finding("process-hygiene", "(project)", 0, "no dependency declaration at all")
            )
    unseeded = []
    for module in ctx.production:
        seeded_globally = any(
            (qualified(call.func, module.aliases) or "") in _SEED_CALLS for call, _ in module.calls
        )
        if seeded_globally:
            continue
        for call, _ in module.calls:
            name = qualified(call.func, module.aliases) or ""
            if not _RANDOMISED.match(name):
                continue
            if any(k.arg in _SEED_KEYWORDS or k.arg is None for k in call.keywords):
                continue
            if name.endswith(("default_rng", "RandomState")) and call.args:
                continue
            unseeded.append(
                ctx.finding(
                    "process-hygiene",
                    module,
                    call.lineno,
                    f"{name.rsplit('.', 1)[-1]}() without random_state or seed: runs will differ",
                )
            )
    checks["seeds"] = not unseeded
    findings.extend(unseeded)
    findings.sort(key=lambda f: (f.file, f.line))
    failed = sum(1 for ok in checks.values() if not ok)
    return len(checks), failed, findings, {"checks": checks}


RULES: tuple[Rule, ...] = (
    Rule(
        "correction-cascades", "Correction cascades", 2, "Correction Cascades", correction_cascades
    ),
    Rule(
        "undeclared-consumers",
        "Undeclared consumers",
        2,
        "Undeclared Consumers",
        undeclared_consumers,
    ),
    Rule(
        "unstable-data",
        "Unstable data dependencies",
        3,
        "Unstable Data Dependencies",
        unstable_data,
    ),
    Rule("glue-code", "Glue code", 5, "Glue Code", glue_code),
    Rule("pipeline-jungle", "Pipeline jungles", 5, "Pipeline Jungles", pipeline_jungle),
    Rule(
        "dead-codepaths",
        "Dead experimental codepaths",
        5,
        "Dead Experimental Codepaths",
        dead_codepaths,
    ),
    Rule("plain-old-data", "Plain-old-data type smell", 5, "Common Smells", plain_old_data),
    Rule("multiple-languages", "Multiple-language smell", 5, "Common Smells", multiple_languages),
    Rule("prototype", "Prototype smell", 5, "Common Smells", prototype),
    Rule("configuration", "Configuration debt", 6, "Configuration Debt", configuration),
    Rule(
        "fixed-thresholds",
        "Fixed thresholds",
        7,
        "Fixed Thresholds in Dynamic Systems",
        fixed_thresholds,
    ),
    Rule(
        "process-hygiene",
        "Process hygiene",
        8,
        "Reproducibility Debt, Process Management Debt",
        process_hygiene,
    ),
)
"""Every rule, in the paper's order."""


def run_rules(project: Project, rules: tuple[Rule, ...] = RULES) -> list[RuleResult]:
    """Run the rules on a loaded project."""
    ctx = Context(project)
    results = []
    for rule in rules:
        checked, flagged, findings, details = rule.check(ctx)
        findings.sort(key=lambda f: (f.file, f.cell or 0, f.line, f.message))
        results.append(
            RuleResult(
                rule.id,
                rule.title,
                rule.section,
                rule.paragraph,
                checked,
                flagged,
                findings,
                details,
            )
        )
    return results
