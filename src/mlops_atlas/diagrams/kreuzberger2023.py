"""Diagrams for Kreuzberger et al. 2022/2023 (MLOps architecture) and Google's MLOps levels 0-2.

Kreuzberger, Kühl & Hirschl, "Machine Learning Operations (MLOps): Overview, Definition, and
Architecture"; Google Cloud, "MLOps: Continuous delivery and automation pipelines in machine
learning", which it is often read with.
"""

from __future__ import annotations

import itertools

from diagrams import Cluster, Diagram, Edge
from diagrams.generic.compute import Rack
from diagrams.generic.storage import Storage
from diagrams.onprem.client import Users
from diagrams.onprem.compute import Server
from diagrams.programming.flowchart import (
    Database,
    Decision,
    Document,
    Inspection,
    InternalStorage,
    ManualInput,
    MultipleDocuments,
    PredefinedProcess,
    Preparation,
    StoredData,
)
from diagrams.programming.language import Python

from mlops_atlas.diagrams.legend import Key, titled_legend
from mlops_atlas.diagrams.render import register

# An icon (width x width) with its label underneath, hence height > width.
_NODE = {"width": "1.0", "height": "1.75", "fontsize": "13", "imagescale": "true"}
# Serving is drawn as a server: a people icon (Users) is kept for people, such as R1's
# business stakeholders.
_COMPONENT = {**_NODE, "fontcolor": "#1a5276"}
_FEEDBACK = {"color": "#c0392b", "style": "dashed", "fontcolor": "#c0392b", "fontsize": "13"}
_GRAPH = {"pad": "0.4", "fontsize": "20", "labelloc": "t", "ranksep": "0.55", "nodesep": "0.35"}
_FEEDBACK_KEY = Key("feedback from monitoring", line="dashed", color=_FEEDBACK["color"])
_RECORDS_KEY = Key("records metadata", line="dotted", color="#7b8894")
_ZONE = {"fontsize": "15", "margin": "14"}


def _zone(color: str, *, row: bool = False) -> dict[str, str]:
    # ``row``: the cluster's nodes share one rank, so a top-to-bottom diagram reads as rows.
    return {**_ZONE, "bgcolor": color, **({"rank": "same"} if row else {})}


@register(
    "kreuzberger2023-architecture",
    title=(
        "Kreuzberger et al., §5 and Figure 4, simplified: the end-to-end MLOps architecture "
        "and workflow, with the components C1-C9 placed where they act (blue labels). "
        "Layout and grouping are ours."
    ),
    reading="kreuzberger2023machine",
    title_es=(
        "Kreuzberger et al., §5 y Figura 4, simplificado: la arquitectura y el flujo de "
        "trabajo de MLOps de punta a punta, con los componentes C1-C9 ubicados donde actúan "
        "(etiquetas azules). La disposición y el agrupamiento son nuestros."
    ),
)
def architecture(filename: str) -> None:
    """The end-to-end architecture of §5, from initiation to serving, with its feedback loops.

    Zones: initiation, feature engineering, experimentation, the automated ML workflow
    pipeline, serving and monitoring.
    """
    heading = "End-to-end MLOps architecture (Kreuzberger et al., §5)"
    legend = [
        Key("a component of §5 (C1 to C9)", text="C4", color=_COMPONENT["fontcolor"]),
        _FEEDBACK_KEY,
        Key("reads from, or records in", line="dotted", color="#7b8894"),
    ]
    with Diagram(
        heading,
        filename=filename,
        outformat="svg",
        show=False,
        direction="TB",
        graph_attr={
            **_GRAPH,
            "newrank": "true",
            "ranksep": "0.6",
            "label": titled_legend(heading, legend, title_size=20, per_row=2),
        },
    ):
        # Rows read alternately left to right and right to left (a snake), each row's
        # first node under the previous row's last: narrow enough to stay legible.
        with Cluster("(A) Project initiation", graph_attr=_zone("#f4f6f7", row=True)):
            business = Users("R1: business\nproblem", **_NODE)
            problem = Decision("R2/R3: architecture,\nML problem type", **_NODE)
            raw = Database("Raw data sources\n(quality, labels)", **_NODE)
            business >> problem >> raw
        with Cluster("(B) Feature engineering pipeline", graph_attr=_zone("#eef4fb", row=True)):
            store = InternalStorage("C4 Feature store\n(offline / online)", **_COMPONENT)
            transform = Preparation("(B2) extract,\ntransform, clean", **_NODE)
            rules = Document("(B1) cleaning and\nfeature rules", **_NODE)
            store << transform << rules
        with Cluster("(C) Experimentation", graph_attr=_zone("#fbf6ee", row=True)):
            explore = Python("R3: analysis,\ntraining on C5", **_NODE)
            repo = StoredData("C2 Source code\nrepository", **_COMPONENT)
            explore >> Edge(label="export,\ncommit") >> repo
        cicd = PredefinedProcess("C1 CI/CD:\nbuild, test, deliver", **_COMPONENT)
        with Cluster(
            "(D) Automated ML workflow pipeline (C3 orchestrates, C5 runs)",
            graph_attr=_zone("#eefbf1", row=True),
        ):
            metadata = MultipleDocuments("C7 ML metadata\nstore (lineage)", **_COMPONENT)
            evaluate = Inspection("evaluate,\ntune, export", **_NODE)
            train = Rack("validate, split,\ntrain", **_NODE)
            pull = Preparation("pull versioned\nfeatures", **_NODE)
            metadata - Edge(style="dotted") - evaluate
            evaluate << train << pull
        registry = Storage("C6 Model\nregistry", **_COMPONENT)
        with Cluster("Serving and monitoring", graph_attr=_zone("#fdf2f2", row=True)):
            serving = Server("C8 Model serving\n(online / batch)", **_COMPONENT)
            monitoring = Inspection("C9 Monitoring\n(model, infrastructure)", **_COMPONENT)
            serving >> monitoring

        raw >> rules
        store >> explore
        repo >> cicd >> Edge(label="deploy pipeline") >> pull
        store >> Edge(style="dotted", constraint="false") >> pull
        evaluate >> registry
        registry >> Edge(label="status: production\n(C1 deploys)") >> serving
        # columns: each node over its neighbour below
        for upper, lower in ((problem, transform), (transform, repo), (train, serving)):
            upper >> Edge(style="invis", weight="10") >> lower
        monitoring >> Edge(label="drift: retrain", constraint="false", **_FEEDBACK) >> pull
        monitoring >> Edge(label="feedback", constraint="false", **_FEEDBACK) >> rules


@register(
    "google-mlops-level0",
    title=(
        "Google's MLOps level 0, after the page's Figure 2: a manual, script-driven process; "
        "the model is handed over to be served, and nothing watches it in production."
    ),
    reading="google2023mlops",
    title_es=(
        "Nivel 0 de MLOps de Google, según la Figura 2 de la página: un proceso manual, "
        "guiado por scripts; el modelo se entrega para servirlo y nada lo vigila en "
        "producción."
    ),
)
def google_level0(filename: str) -> None:
    """Level 0: every step by hand in notebooks; a disconnection between ML and operations.

    Drawn in two rows (experimentation, then the hand-over to operations) so that it
    is narrow enough for its text to stay legible in a page's column.
    """
    with Diagram(
        "Google MLOps level 0: manual process",
        filename=filename,
        outformat="svg",
        show=False,
        direction="TB",
        graph_attr={**_GRAPH, "newrank": "true"},
    ):
        with Cluster("Experimentation, by hand (notebooks)", graph_attr=_zone("#fbf6ee", row=True)):
            data = Database("Offline data", **_NODE)
            steps = [
                ManualInput("data\nanalysis", **_NODE),
                Preparation("data\npreparation", **_NODE),
                Python("model\ntraining", **_NODE),
                Inspection("model\nevaluation", **_NODE),
            ]
            data >> steps[0] >> steps[1] >> steps[2] >> steps[3]
        with Cluster("Operations", graph_attr=_zone("#fdf2f2", row=True)):
            serving = Server("Prediction\nservice", **_NODE)
            registry = Storage("Model registry", **_NODE)
            model = Document("Trained model\n(a file)", **_NODE)
            # right to left, under the experiment: the flow turns back like a snake
            serving << registry << model
        steps[3] >> Edge(label="hand-over") >> model
        # the rows share columns: invisible edges stack each node over its neighbour below
        for upper, lower in ((steps[1], serving), (steps[2], registry)):
            upper >> Edge(style="invis", weight="10") >> lower


@register(
    "google-mlops-level1",
    title=(
        "Google's MLOps level 1, after the page's Figure 3: the training pipeline is deployed "
        "and retrains on triggers (continuous training), with data and model validation, "
        "a feature store and metadata management."
    ),
    reading="google2023mlops",
    title_es=(
        "Nivel 1 de MLOps de Google, según la Figura 3 de la página: se despliega el pipeline "
        "de entrenamiento, que reentrena ante disparadores (entrenamiento continuo), con "
        "validación de datos y de modelos, un almacén de atributos (feature store) y gestión "
        "de metadatos."
    ),
)
def google_level1(filename: str) -> None:
    """Level 1: ML pipeline automation; the pipeline, not the model, is what is deployed.

    Three rows, narrow enough for the text to stay legible in a page's column: what
    starts the pipeline, the automated pipeline, and (right to left, under it) what it
    delivers.
    """
    heading = "Google MLOps level 1: ML pipeline automation"
    legend = [
        Key("monitoring triggers retraining", line="dashed", color=_FEEDBACK["color"]),
        _RECORDS_KEY,
    ]
    with Diagram(
        heading,
        filename=filename,
        outformat="svg",
        show=False,
        direction="TB",
        graph_attr={
            **_GRAPH,
            "newrank": "true",
            "label": titled_legend(heading, legend, title_size=20),
        },
    ):
        with Cluster("What starts the pipeline", graph_attr=_zone("#fbf6ee", row=True)):
            experiment = Python("orchestrated\nexperiment", **_NODE)
            code = StoredData("source\nrepository", **_NODE)
            features = InternalStorage("Feature store", **_NODE)
            trigger = Decision("Trigger: schedule,\nnew data, decay", **_NODE)
            experiment >> code
        with Cluster("Automated pipeline (production)", graph_attr=_zone("#eefbf1", row=True)):
            steps = [
                Inspection("data\nvalidation", **_NODE),
                Preparation("data\npreparation", **_NODE),
                Rack("model\ntraining", **_NODE),
                Inspection("model\nevaluation", **_NODE),
                Inspection("model\nvalidation", **_NODE),
            ]
            for left, right in itertools.pairwise(steps):
                left >> right
        with Cluster("Delivery and monitoring", graph_attr=_zone("#fdf2f2", row=True)):
            metadata = MultipleDocuments("ML metadata", **_NODE)
            monitoring = Inspection("Performance\nmonitoring", **_NODE)
            serving = Server("CD: model serving\n(prediction service)", **_NODE)
            registry = Storage("Model registry", **_NODE)
            # right to left, under the pipeline: the flow turns back like a snake
            monitoring << serving << registry

        # the rows share columns: invisible edges stack each node over its neighbour below
        for upper, lower in ((experiment, steps[0]), (trigger, steps[4]), (steps[1], metadata)):
            upper >> Edge(style="invis", weight="10") >> lower
        for upper, lower in ((steps[2], monitoring), (steps[3], serving)):
            upper >> Edge(style="invis", weight="10") >> lower
        code >> Edge(label="deploy pipeline\n(by hand)") >> steps[0]
        features >> steps[0]
        trigger >> steps[0]
        steps[-1] >> registry
        steps[2] >> Edge(style="dotted", arrowhead="none", constraint="false") >> metadata
        # the red dashed arrow back to the trigger is the loop that makes training continuous
        monitoring >> Edge(constraint="false", **_FEEDBACK) >> trigger


@register(
    "google-mlops-level2",
    title=(
        "Google's MLOps level 2, after the page's Figures 4 and 5: CI/CD for the pipeline "
        "itself; source control, test and build services, deployment services, an "
        "orchestrator, a registry, a metadata store and a feature store."
    ),
    reading="google2023mlops",
    title_es=(
        "Nivel 2 de MLOps de Google, según las Figuras 4 y 5 de la página: CI/CD para el "
        "propio pipeline; control de versiones, servicios de prueba y construcción, servicios "
        "de despliegue, un orquestador, un registro, un almacén de metadatos y un almacén de "
        "atributos."
    ),
)
def google_level2(filename: str) -> None:
    """Level 2: the stages of Figure 5, each with its output, and monitoring closing the loop.

    Two rows, narrow enough for the text to stay legible in a page's column: the
    pipeline's development and CI/CD, then (right to left, under it) production.
    """
    heading = "Google MLOps level 2: CI/CD pipeline automation"
    legend = [_FEEDBACK_KEY, _RECORDS_KEY]
    with Diagram(
        heading,
        filename=filename,
        outformat="svg",
        show=False,
        direction="TB",
        graph_attr={
            **_GRAPH,
            "newrank": "true",
            "label": titled_legend(heading, legend, title_size=20),
        },
    ):
        with Cluster(
            "Development and CI/CD of the pipeline", graph_attr=_zone("#eef4fb", row=True)
        ):
            develop = Python("1 Development,\nexperimentation", **_NODE)
            code = StoredData("Source\ncontrol", **_NODE)
            ci = PredefinedProcess("2 Pipeline CI:\ntest and build", **_NODE)
            cd = PredefinedProcess("3 Pipeline CD:\ndeploy", **_NODE)
            develop >> code >> ci >> cd
        features = InternalStorage("Feature store", **_NODE)
        with Cluster("Production", graph_attr=_zone("#eefbf1", row=True)):
            monitoring = Inspection("6 Monitoring", **_NODE)
            serving = Server("5 Model CD:\nprediction service", **_NODE)
            registry = Storage("Model registry", **_NODE)
            orchestrator = Rack("4 Orchestrated\npipeline (triggered)", **_NODE)
            metadata = MultipleDocuments("ML metadata\nstore", **_NODE)
            # right to left, under the CI/CD row: the flow turns back like a snake
            monitoring << serving << registry << orchestrator
            orchestrator - Edge(style="dotted") - metadata

        cd >> Edge(label="deployed\npipeline") >> orchestrator
        features >> orchestrator
        # the rows share columns: invisible edges stack each node over its neighbour below
        for upper, lower in ((code, serving), (ci, registry)):
            upper >> Edge(style="invis", weight="10") >> lower
        develop << Edge(label="new\nexperiment", weight="10", **_FEEDBACK) << monitoring
        monitoring >> Edge(xlabel="trigger", constraint="false", **_FEEDBACK) >> orchestrator
