"""§5 ML-system anti-patterns: glue code and pipeline jungles (dead codepaths: `.dead_code`)."""

from __future__ import annotations

import ast
import itertools
import posixpath
import re
from collections import defaultdict
from collections.abc import Iterable

from mlops_atlas.debt.scanner.facts import ModuleFacts, ProjectFacts
from mlops_atlas.debt.scanner.flow import FIT_METHODS, is_ml_name
from mlops_atlas.debt.scanner.iocalls import IOEvent, same_file
from mlops_atlas.debt.scanner.rules.base import Finding
from mlops_atlas.debt.scanner.source import Module

__all__ = [
    "PIPELINE_FILES",
    "Targets",
    "collect_glue",
    "glue_code",
    "imports_pipeline",
    "pipeline_jungle",
]


# ---------------------------------------------------------------------------- §5 glue code


def collect_glue(module: Module, facts: ModuleFacts) -> None:
    """A module's lines that call ML code, and the first ML library it imports."""
    lines: set[int] = set()
    for call, _ in module.calls:
        func = call.func
        method = func.attr if isinstance(func, ast.Attribute) else None
        if (
            method in FIT_METHODS
            or method in {"predict", "predict_proba", "decision_function"}
            or is_ml_name(module.call_name(call))
        ):
            lines.update(range(call.lineno, (call.end_lineno or call.lineno) + 1))
    facts.ml_lines = len(lines)
    for node in module.nodes(ast.Import, ast.ImportFrom):
        names = (
            [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]  # type: ignore[attr-defined]
        )
        library = next((n for n in names if is_ml_name(n)), None)
        if library:
            facts.ml_import = (library.split(".")[0], node.lineno)  # type: ignore[attr-defined]
            break


def glue_code(facts: ProjectFacts) -> tuple[int, int, list[Finding], dict[str, object]]:
    """Census of ML lines versus the rest; flags ML packages imported all over the code.

    A line is *ML code* when it calls an ML library (`mlops_atlas.debt.scanner.flow.ML_LIBRARIES`)
    or a ``fit``/``predict``-like method. The census recreates Figure 1's proportion. The rule
    checks the production modules and flags each one beyond the first that imports an ML
    library directly: §5 recommends wrapping black-box packages behind one common API.
    """
    ml_lines = 0
    all_lines = 0
    production = 0
    importers: list[tuple[ModuleFacts, str, int]] = []
    for module in facts.production:
        production += 1
        all_lines += module.code_lines
        ml_lines += module.ml_lines
        if module.ml_import is not None:
            importers.append((module, *module.ml_import))
    findings = []
    if len(importers) > 1:
        total = len(importers)
        for module, library, line in importers[1:]:
            findings.append(
                module.finding(
                    "glue-code",
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
    checked = production if importers else 0
    return checked, len(findings), findings, details


# ---------------------------------------------------------------------------- §5 pipeline jungle

_PIPELINE_IMPORTS = frozenset(
    {"airflow", "kfp", "prefect", "dagster", "luigi", "metaflow", "zenml", "flytekit"}
)
PIPELINE_FILES = re.compile(r"(^|/)(dvc\.yaml|Makefile|makefile|GNUmakefile|Snakefile|[^/]*\.mk)$")
"""Text files that declare a pipeline."""


def imports_pipeline(module: Module) -> bool:
    """Whether a module imports a pipeline framework (Airflow, Kubeflow Pipelines, ...)."""
    return any(i.split(".")[0] in _PIPELINE_IMPORTS for i in module.imports)


class Targets:
    """Written files and tables, looked up by file name instead of trying each one.

    ``Targets(written).matching(read)`` is every written target ``t`` with
    ``same_file(read, t)``, in the order they were first written.
    """

    def __init__(self, targets: Iterable[str]) -> None:
        self.order = {target: index for index, target in enumerate(dict.fromkeys(targets))}
        self.by_name: dict[str, list[str]] = defaultdict(list)
        self.wild: list[str] = []
        for target in self.order:
            (self.wild if "*" in target else self.by_name[posixpath.basename(target)]).append(
                target
            )

    def matching(self, read: str) -> list[str]:
        """The targets that name the same file as ``read``."""
        if "*" in read or read.startswith("table:"):
            candidates: Iterable[str] = self.order
        else:
            candidates = [*self.by_name.get(posixpath.basename(read), ()), *self.wild]
            if read in self.order:
                candidates.append(read)
        found = {target for target in candidates if same_file(read, target)}
        return sorted(found, key=self.order.__getitem__)


def pipeline_jungle(facts: ProjectFacts) -> tuple[int, int, list[Finding], dict[str, object]]:
    """Scripts chained through intermediate files that no declared pipeline mentions.

    Module A *feeds* module B when B reads a file A writes (same path, or same file name).
    A chain is a path through that graph. A module is *declared* when a pipeline
    definition (``dvc.yaml``, a Makefile, a Snakefile, or Python that imports Airflow,
    Kubeflow Pipelines, Prefect, Dagster, Luigi, Metaflow, ZenML or Flyte) names its file.
    Checked: modules that read or write files. Flagged: undeclared modules in a chain.
    """
    modules = facts.modules
    events = [
        e
        for e in facts.io()
        if e.kind in {"read", "write"}
        and not e.target.startswith("table:")
        and not modules[e.module].is_notebook
    ]
    writes: dict[str, list[IOEvent]] = defaultdict(list)
    for event in events:
        if event.kind == "write":
            writes[event.target].append(event)
    targets = Targets(writes)
    edges: dict[str, dict[str, tuple[str, int]]] = defaultdict(dict)  # writer -> reader -> where
    for read in (e for e in events if e.kind == "read"):
        for target in targets.matching(read.target):
            for write in writes[target]:
                if write.module != read.module:
                    edges[write.module].setdefault(read.module, (target, write.line))
    in_chain = set(edges) | {r for readers in edges.values() for r in readers}
    declared: set[str] = set()
    if in_chain:
        patterns = {
            path: (
                posixpath.basename(path),
                re.compile(rf"\b{re.escape(modules[path].name)}\b"),
                re.compile(rf"\b{re.escape(posixpath.basename(path).removesuffix('.py'))}\b"),
            )
            for path in in_chain
        }

        def names(declaration: str, text: str) -> None:
            for path, (name, module, stem) in patterns.items():
                if path in declared or path == declaration:
                    continue
                if name in text or module.search(text) or stem.search(text):
                    declared.add(path)

        facts.each_declaration(names)
    undeclared = in_chain - declared
    chains = _chains(edges, undeclared)
    findings = []
    for chain in chains:
        first, second = chain[0], chain[1]
        target, line = edges[first][second]
        steps = " -> ".join(posixpath.basename(m) for m in chain)
        findings.append(
            modules[first].finding(
                "pipeline-jungle",
                line,
                f"{steps}: {len(chain)} scripts chained through files ({target}, ...) "
                "with no declared pipeline",
            )
        )
    checked = len({e.module for e in events})
    return checked, len(undeclared), findings, {"chains": [list(c) for c in chains]}


def _chains(edges: dict[str, dict[str, tuple[str, int]]], nodes: set[str]) -> list[tuple[str, ...]]:
    """Maximal paths through the undeclared part of the graph, longest first (at most ~50)."""
    graph = {
        a: sorted(b for b in readers if b in nodes) for a, readers in edges.items() if a in nodes
    }
    has_parent = {b for readers in graph.values() for b in readers}
    chains: list[tuple[str, ...]] = []
    # A depth-first walk with its own stack (a long chain must not exhaust Python's):
    # each frame is [path, the nodes it can go on to, how many of them were walked].
    for start in sorted(n for n in graph if n not in has_parent) or sorted(graph)[:1]:
        frames: list[list] = []

        def enter(path: tuple[str, ...], frames: list[list] = frames) -> None:
            following = [n for n in graph.get(path[-1], []) if n not in path]
            if following:
                frames.append([path, following, 0])
            elif len(path) > 1:
                chains.append(path)

        enter((start,))
        while frames:
            frame = frames[-1]
            path, following, walked = frame
            if (walked and len(chains) > 50) or walked == len(following):
                frames.pop()
                continue
            frame[2] = walked + 1
            enter((*path, following[walked]))
    chains.sort(key=lambda c: (-len(c), c))
    covered: set[tuple[str, str]] = set()
    kept = []
    for chain in chains:  # keep a chain only if it shows an edge no longer chain did
        pairs = set(itertools.pairwise(chain))
        if pairs - covered:
            kept.append(chain)
            covered |= pairs
    return kept
