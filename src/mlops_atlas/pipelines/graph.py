"""Read the graph of a compiled pipeline from its IR YAML, and draw it.

The picture on the pipeline's page is drawn from the same YAML file a user
uploads to Kubeflow, not from the Python that produced it: tasks, the
artifacts each one passes to the next (read from ``taskOutputArtifact``
references, followed through conditions) and the ``dsl.If`` conditions
(``triggerPolicy``) that enclose them.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from mlops_atlas.errors import AtlasError
from mlops_atlas.outputs import write_atomically

__all__ = [
    "ArtifactEdge",
    "GraphCondition",
    "PipelineGraph",
    "PipelineGraphError",
    "pipeline_graph_svg",
    "read_pipeline_graph",
]

_CHANNEL = re.compile(r"inputs\.parameter_values\['pipelinechannel--(?P<name>[^']+)'\]")


class PipelineGraphError(AtlasError):
    """A file that is not a compiled pipeline (IR YAML); the message names it."""


@dataclass(frozen=True)
class ArtifactEdge:
    """An artifact one task produces and another consumes.

    Attributes:
        producer: The producing task.
        consumer: The consuming task.
        artifact: The producer's output name, e.g. ``"schema"``.
    """

    producer: str
    consumer: str
    artifact: str


@dataclass(frozen=True)
class GraphCondition:
    """A ``dsl.If`` block of the pipeline.

    Attributes:
        task: Its task name in the IR (``condition-1``).
        name: The name given to ``dsl.If`` (``taskInfo``).
        expression: The condition, e.g. ``example-validator.Output == true``.
        parent: The enclosing condition's task name, or ``None`` at top level.
        tested: The tasks whose outputs the condition tests.
    """

    task: str
    name: str
    expression: str
    parent: str | None
    tested: tuple[str, ...] = ()


@dataclass(frozen=True)
class PipelineGraph:
    """The tasks, conditions and artifact flow of a compiled pipeline.

    Attributes:
        name: The pipeline's name.
        tasks: Each task with the condition it runs under (``None``: always).
        conditions: The conditions by task name.
        edges: Every artifact passed between tasks.
    """

    name: str
    tasks: dict[str, str | None]
    conditions: dict[str, GraphCondition]
    edges: tuple[ArtifactEdge, ...]

    def ordered_tasks(self) -> list[str]:
        """The tasks in an order that respects every artifact and condition (ties by name)."""
        needs: dict[str, set[str]] = {task: set() for task in self.tasks}
        for edge in self.edges:
            needs[edge.consumer].add(edge.producer)
        for task, scope in self.tasks.items():
            while scope is not None:
                needs[task].update(self.conditions[scope].tested)
                scope = self.conditions[scope].parent
        ordered: list[str] = []
        while len(ordered) < len(needs):
            ready = sorted(t for t, n in needs.items() if t not in ordered and n <= set(ordered))
            if not ready:
                raise PipelineGraphError(f"pipeline {self.name}: its tasks depend on each other")
            ordered.append(ready[0])
        return ordered

    def gates(self, task: str) -> list[str]:
        """The conditions a task runs under, outermost first."""
        found, scope = [], self.tasks[task]
        while scope is not None:
            found.append(self.conditions[scope].expression)
            scope = self.conditions[scope].parent
        return found[::-1]


def read_pipeline_graph(path: Path) -> PipelineGraph:
    """Read tasks, conditions and artifact edges from a compiled pipeline.

    Args:
        path: The IR YAML written by ``kfp.compiler`` (or `compile_pipeline`).

    Returns:
        The pipeline's graph.

    Raises:
        PipelineGraphError: The file is missing or is not a compiled pipeline.
    """
    try:
        spec = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        root_tasks = spec["root"]["dag"]["tasks"]
        name = spec["pipelineInfo"]["name"]
    except (OSError, yaml.YAMLError, KeyError, TypeError) as error:
        raise PipelineGraphError(
            f"{path}: not a compiled Kubeflow pipeline (IR YAML): {error}"
        ) from None
    components = spec.get("components", {})
    tasks: dict[str, str | None] = {}
    conditions: dict[str, GraphCondition] = {}
    edges: list[ArtifactEdge] = []

    def walk(dag_tasks: Mapping[str, Any], scope: str | None, channels: Mapping[str, Any]) -> None:
        for task_name, task in dag_tasks.items():
            component = components.get(task.get("componentRef", {}).get("name", ""), {})
            inputs = {
                key: _resolve(value, channels)
                for key, value in task.get("inputs", {}).get("artifacts", {}).items()
            }
            inner = component.get("dag", {}).get("tasks")
            if inner is not None:  # a condition (or another sub-DAG): walk it in its own scope
                expression = task.get("triggerPolicy", {}).get("condition", "")
                conditions[task_name] = GraphCondition(
                    task=task_name,
                    name=task.get("taskInfo", {}).get("name", task_name),
                    expression=_readable(expression),
                    parent=scope,
                    tested=_tested_tasks(expression),
                )
                walk(inner, task_name, inputs)
                continue
            tasks[task_name] = scope
            for producer in inputs.values():
                if producer is not None:
                    edges.append(ArtifactEdge(producer[0], task_name, producer[1]))

    walk(root_tasks, None, {})
    return PipelineGraph(name=name, tasks=tasks, conditions=conditions, edges=tuple(edges))


def _resolve(reference: Mapping[str, Any], channels: Mapping[str, Any]) -> tuple[str, str] | None:
    """The (task, output) an input artifact comes from, through the enclosing conditions."""
    if "taskOutputArtifact" in reference:
        output = reference["taskOutputArtifact"]
        return output["producerTask"], output["outputArtifactKey"]
    if "componentInputArtifact" in reference:
        return channels.get(reference["componentInputArtifact"])
    return None


def _tested_tasks(expression: str) -> tuple[str, ...]:
    """The tasks whose outputs a condition reads (``pipelinechannel--<task>-<output>``)."""
    found = (match.group("name").rpartition("-")[0] for match in _CHANNEL.finditer(expression))
    return tuple(dict.fromkeys(task for task in found if task))


def _readable(expression: str) -> str:
    """``inputs.parameter_values['pipelinechannel--evaluator-Output'] == true`` → ``evaluator.Output == true``."""

    def name(match: re.Match[str]) -> str:
        task, _, output = match.group("name").rpartition("-")
        return f"{task}.{output}" if task else output

    return _CHANNEL.sub(name, expression)


# Icons by task name: the TFX components as the TFX diagrams draw them; anything else is a process.
_ICONS = {
    "example-gen": "Storage",
    "statistics-gen": "MultipleDocuments",
    "schema-gen": "Document",
    "example-validator": "Inspection",
    "transform": "Preparation",
    "trainer": "PredefinedProcess",
    "evaluator": "Decision",
    "pusher": "Rack",
}
_NODE = {"width": "1.1", "height": "1.6", "fontsize": "13"}
_EDGE = {"fontsize": "12", "fontcolor": "#444444", "color": "#555555"}
_GATE = {"style": "dashed", "color": "#1a5276", "fontcolor": "#1a5276", "fontsize": "12"}
_SCOPES = ("#eef4fb", "#eefbf1", "#fbf6ee")
_LEGEND = (
    "solid arrow: an artifact (the producer's output name); dashed: the output a condition tests"
)


def _icon(task: str) -> Any:
    from diagrams.generic.compute import Rack
    from diagrams.generic.storage import Storage
    from diagrams.programming import flowchart

    kind = _ICONS.get(task, "PredefinedProcess")
    return {"Storage": Storage, "Rack": Rack}.get(kind) or getattr(flowchart, kind)


def _entry_task(graph: PipelineGraph, condition: str) -> str | None:
    """The first task directly inside a condition that no other task inside it feeds."""
    inside = [task for task, scope in graph.tasks.items() if scope == condition]
    fed = {edge.consumer for edge in graph.edges if edge.producer in inside}
    return next((task for task in inside if task not in fed), inside[0] if inside else None)


def pipeline_graph_svg(package: Path, svg: Path) -> Path:
    """Draw a compiled pipeline as a self-contained SVG: tasks, artifacts, conditions.

    Args:
        package: The compiled IR YAML.
        svg: Where to write the picture.

    Returns:
        ``svg``.

    Raises:
        PipelineGraphError: ``package`` is not a compiled pipeline.
    """
    from diagrams import Cluster, Diagram, Edge

    from mlops_atlas.diagrams import embed_images

    graph = read_pipeline_graph(package)
    with tempfile.TemporaryDirectory() as folder:
        stem = Path(folder) / "graph"
        with Diagram(
            f"{graph.name}, drawn from the compiled IR YAML\n{_LEGEND}",
            filename=str(stem),
            outformat="svg",
            show=False,
            direction="TB",
            graph_attr={
                "pad": "0.4",
                "fontsize": "16",
                "labelloc": "t",
                "ranksep": "0.5",
                "splines": "spline",
                "compound": "true",  # lets an edge end at a condition's box
            },
        ):
            nodes: dict[str, Any] = {}
            clusters: dict[str, tuple[str, str]] = {}  # condition -> (cluster name, entry task)

            def draw(scope: str | None, depth: int) -> None:
                for task, task_scope in graph.tasks.items():
                    if task_scope == scope:
                        nodes[task] = _icon(task)(task, **_NODE)
                for condition in graph.conditions.values():
                    if condition.parent == scope:
                        label = f"if {condition.expression}  ({condition.name})"
                        attrs = {"fontsize": "14", "bgcolor": _SCOPES[depth % len(_SCOPES)]}
                        with Cluster(label, graph_attr=attrs) as cluster:
                            draw(condition.task, depth + 1)
                        entry = _entry_task(graph, condition.task)
                        if entry is not None:
                            clusters[condition.task] = (cluster.name, entry)

            draw(None, 0)
            for edge in graph.edges:
                nodes[edge.producer] >> Edge(label=edge.artifact, **_EDGE) >> nodes[edge.consumer]
            for condition in graph.conditions.values():
                if condition.task not in clusters:
                    continue
                cluster_name, entry = clusters[condition.task]
                for tested in condition.tested:
                    gate = Edge(label="Output", lhead=cluster_name, **_GATE)
                    nodes[tested] >> gate >> nodes[entry]
        drawn = stem.with_suffix(".svg").read_text(encoding="utf-8")
        return write_atomically(Path(svg), embed_images(drawn, base=Path(folder)))
