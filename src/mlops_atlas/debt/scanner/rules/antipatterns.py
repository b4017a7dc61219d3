"""§5 ML-system anti-patterns: glue code, pipeline jungles, dead experimental codepaths."""

from __future__ import annotations

import ast
import itertools
import posixpath
import re
from collections import defaultdict

from mlops_atlas.debt.scanner.flow import FIT_METHODS, IOEvent, is_ml_name, same_file
from mlops_atlas.debt.scanner.project import Module, qualified
from mlops_atlas.debt.scanner.rules.base import Context, Finding, flag_key

__all__ = ["dead_codepaths", "glue_code", "pipeline_declarations", "pipeline_jungle"]


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


def pipeline_declarations(ctx: Context) -> dict[str, str]:
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
    declarations = pipeline_declarations(ctx)

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

_NEVER_DEAD = frozenset(
    {"main", "setup", "teardown", "run", "cli", "app", "handler", "lambda_handler"}
)


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
                flag = flag_key(inner, attributes=True)
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
