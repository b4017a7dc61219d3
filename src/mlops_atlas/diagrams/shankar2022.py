"""Diagrams for Shankar et al. 2022, "Operationalizing Machine Learning: An Interview Study".

Both are redrawn from the text of the arXiv version (2209.09125v1): the four
routine tasks of Figure 1 as §1, §2 and §4.1 describe them, and the four layers
of the MLOps stack of Figure 2 as §5.3 describes them. Layouts are ours.
"""

from __future__ import annotations

import itertools

from diagrams import Cluster, Diagram, Edge
from diagrams.generic.compute import Rack
from diagrams.generic.storage import Storage
from diagrams.programming.flowchart import Decision, Display, Document, PredefinedProcess
from diagrams.programming.language import Python

from mlops_atlas.diagrams.render import register

# An icon (width x width) with its label underneath, hence height > width.
_TASK = {"width": "1.3", "height": "2.1", "fontsize": "14"}
_LOOP = {"fontsize": "13"}
_FEEDBACK = {"color": "#c0392b", "style": "dashed", "fontcolor": "#c0392b", "fontsize": "13"}
_GRAPH = {"pad": "0.4", "fontsize": "18", "labelloc": "t"}
# A layer of the stack: a wide box, icon at its left, text to the right of the icon.
_LAYER = {
    "shape": "box",
    "style": "rounded,filled",
    "fixedsize": "true",
    "labelloc": "c",
    "width": "6.6",
    "height": "1.35",
    "fontsize": "14",
    "imagescale": "true",
    "imagepos": "ml",
}


@register(
    "shankar2022-workflow",
    title=(
        "Shankar et al. 2022, Figure 1 and §4.1, redrawn: the four routine tasks of ML "
        "engineers form a loop; the red dashed arrow is the response to a problem found in "
        "production (§4.4.1, §4.5.2)."
    ),
    reading="shankar2022operationalizing",
    title_es=(
        "Shankar et al. 2022, Figura 1 y §4.1, redibujada: las cuatro tareas habituales de "
        "los ingenieros de ML forman un ciclo; la flecha roja punteada es la respuesta a un "
        "problema encontrado en producción (§4.4.1, §4.5.2)."
    ),
)
def workflow(filename: str) -> None:
    """The continual loop of data collection, experimentation, evaluation and deployment, monitoring.

    Black arrows are the loop of §1 and §4.1; the red dashed one is the
    response to a problem found live, as the paper reports it: the failures
    become validation data (§4.4.1), or a broken model is replaced by an older
    or simpler version (§4.5.2).
    """
    with Diagram(
        "The MLOps loop: four routine tasks (Shankar et al., §4.1)",
        filename=filename,
        outformat="svg",
        show=False,
        direction="LR",
        graph_attr={**_GRAPH, "nodesep": "1.4", "ranksep": "2.6"},
    ):
        with Cluster(
            "Velocity, Validation and Versioning decide how well each task goes (§4.2)",
            graph_attr={"bgcolor": "#f4f6f7", "fontsize": "14", "margin": "18"},
        ):
            # Left column: data, monitoring; right column: experimentation, deployment.
            data = Storage("Data collection\nand labelling", **_TASK)
            monitor = Display(
                "Monitoring and response:\nlive failures join the\nvalidation sets (§4.4.1);\n"
                "roll back to an older or\nsimpler version (§4.5.2)",
                **{**_TASK, "height": "3.0"},
            )
            experiment = Python("Experimentation:\nfeatures, models", **_TASK)
            deploy = Decision("Evaluation and\nstaged deployment", **_TASK)
        data >> Edge(label="training data", **_LOOP) >> experiment
        experiment >> Edge(label="candidate\nmodels", constraint="false", **_LOOP) >> deploy
        monitor << Edge(label="model in production", **_LOOP) << deploy
        monitor >> Edge(label="new data, labels", constraint="false", **_LOOP) >> data
        monitor >> Edge(xlabel="respond", constraint="false", **_FEEDBACK) >> deploy


@register(
    "shankar2022-stack",
    title=(
        "Shankar et al. 2022, Figure 2 and §5.3, redrawn: the four layers of the MLOps stack "
        "with the paper's example tools; changes are frequent at the top and rare, but "
        "laborious, at the bottom."
    ),
    reading="shankar2022operationalizing",
    title_es=(
        "Shankar et al. 2022, Figura 2 y §5.3, redibujada: las cuatro capas de la pila de "
        "MLOps con las herramientas de ejemplo del artículo; los cambios son frecuentes "
        "arriba y raros, pero laboriosos, abajo."
    ),
)
def stack(filename: str) -> None:
    """Run, pipeline, component and infrastructure layers, each with the paper's example tools."""
    layers = [
        (
            Document,
            "(1) Run layer: a record of one execution of a pipeline\n"
            "MLflow, Weights & Biases, Hive metastores, AWS Glue\n"
            "changes most often (e.g. daily training runs)",
            "#eef4fb",
        ),
        (
            PredefinedProcess,
            "(2) Pipeline layer: dependencies between artifacts;\n"
            "run ad hoc or on a schedule\n"
            "Airflow, DBT, Papermill, TFX, SageMaker",
            "#eefbf1",
        ),
        (
            Python,
            "(3) Component layer: one node of computation,\noften a script\n"
            "Python, Spark, PyTorch, TensorFlow",
            "#fbf6ee",
        ),
        (
            Rack,
            "(4) Infrastructure layer: storage and compute\n"
            "Docker, AWS, GCP\n"
            "changes least often; each change is laborious",
            "#fdf2f2",
        ),
    ]
    with Diagram(
        "The MLOps stack (Shankar et al., §5.3)",
        filename=filename,
        outformat="svg",
        show=False,
        direction="TB",
        graph_attr={**_GRAPH, "ranksep": "0.35"},
    ):
        nodes = [icon(_indent(label), fillcolor=fill, **_LAYER) for icon, label, fill in layers]
        for upper, lower in itertools.pairwise(nodes):
            upper >> Edge(label="  runs on", fontsize="13") >> lower


def _indent(label: str) -> str:
    """Shift every line of a label right, clear of the icon at the box's left."""
    return "\n".join("            " + line for line in label.split("\n"))
