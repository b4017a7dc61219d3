"""The LLMOps loop taught in UBA clase 8: version, evaluate, gate, deploy, monitor, feed back."""

from __future__ import annotations

from diagrams import Diagram, Edge
from diagrams.programming.flowchart import (
    Decision,
    Document,
    Inspection,
    MultipleDocuments,
    PredefinedProcess,
    StoredData,
)

from mlops_atlas.diagrams.render import register

_NODE = {"width": "1.3", "height": "1.9", "fontsize": "14"}
_NOTE = {"fontsize": "13", "fontcolor": "#444444"}


@register(
    "llmops-loop",
    title=(
        "The LLMOps loop of clase 8: a prompt or template version is evaluated on a question set, "
        "a gate compares it with production, the winner is deployed and monitored, and what "
        "monitoring finds feeds new questions and new versions."
    ),
    reading="chandrasehar2023llmops",
    title_es=(
        "El ciclo de LLMOps de la clase 8: una versión de prompt o de plantilla se evalúa con "
        "un conjunto de preguntas, una compuerta la compara con producción, la ganadora se "
        "despliega y se monitorea, y lo que encuentra el monitoreo alimenta preguntas y "
        "versiones nuevas."
    ),
)
def llmops_loop(filename: str) -> None:
    """Prompt/version, evaluate, gate, deploy, monitor, feedback, as a cycle."""
    with Diagram(
        "The LLMOps loop: every prompt change is evaluated and gated",
        filename=filename,
        outformat="svg",
        show=False,
        direction="LR",
        graph_attr={"pad": "0.3", "fontsize": "18", "labelloc": "t", "ranksep": "0.7"},
    ):
        version = Document("prompt /\ntemplate\nversion", **_NODE)
        evaluate = Inspection("evaluate\n(scorers,\nquestion set)", **_NODE)
        gate = Decision("gate:\nnot worse than\nproduction?", **{**_NODE, "width": "1.6"})
        deploy = PredefinedProcess("deploy\n(move alias)", **_NODE)
        monitor = MultipleDocuments("monitor\n(traces,\nfeedback)", **_NODE)
        registry = StoredData("prompt\nregistry", **_NODE)
        version >> evaluate >> gate
        gate >> Edge(label="yes", **_NOTE) >> deploy >> monitor
        gate >> Edge(label="no: keep\nproduction", style="dashed", **_NOTE) >> version
        (
            monitor
            >> Edge(
                label="new questions,\nnew versions", style="dashed", constraint="false", **_NOTE
            )
            >> version
        )
        version >> Edge(style="dotted", arrowhead="none") >> registry
        deploy >> Edge(style="dotted", arrowhead="none") >> registry
