"""Diagrams for TensorFlow Extended (TFX), the open-source library (tensorflow.org/tfx)."""

from __future__ import annotations

from diagrams import Cluster, Diagram, Edge
from diagrams.generic.compute import Rack
from diagrams.generic.database import SQL
from diagrams.generic.storage import Storage
from diagrams.onprem.workflow import Kubeflow
from diagrams.programming.flowchart import (
    Decision,
    Document,
    Inspection,
    MultipleDocuments,
    PredefinedProcess,
    Preparation,
)

from mlops_atlas.diagrams.legend import Key, titled_legend
from mlops_atlas.diagrams.render import register

_NODE = {"width": "0.85", "height": "1.35", "fontsize": "13"}
_ARTIFACT = {"fontsize": "13", "fontcolor": "#1a5276", "color": "#555555"}
_OPTIONAL = {**_ARTIFACT, "style": "dashed"}
_RECORD = {**_ARTIFACT, "style": "dotted", "color": "#888888"}
_GRAPH = {
    "pad": "0.4",
    "fontsize": "18",
    "labelloc": "t",
    "newrank": "true",
    "ranksep": "0.7",
    "nodesep": "0.3",
    "splines": "spline",
}


@register(
    "tfx-standard-pipeline",
    title=(
        "TFX's standard components and the artifacts they pass (blue labels: TFX's standard "
        "artifact types; dashed: optional inputs). Every artifact is recorded in ML Metadata; "
        "an orchestrator (Kubeflow Pipelines, Airflow, Vertex AI Pipelines or the local runner) "
        "runs the components, Apache Beam their data processing. Names from the TFX guide and "
        "API; layout is ours."
    ),
    reading="tfx",
    title_es=(
        "Los componentes estándar de TFX y los artefactos que se pasan (etiquetas azules: los "
        "tipos de artefacto estándar de TFX; punteadas: entradas opcionales). Cada artefacto "
        "se registra en ML Metadata; un orquestador (Kubeflow Pipelines, Airflow, Vertex AI "
        "Pipelines o el ejecutor local) ejecuta los componentes, y Apache Beam su "
        "procesamiento de datos. Nombres de la guía y la API de TFX; la disposición es "
        "nuestra."
    ),
)
def tfx_standard_pipeline(filename: str) -> None:
    """ExampleGen to Pusher and BulkInferrer, with the artifact each passes on."""
    heading = "The TFX standard pipeline: components and the artifacts between them"
    legend = [
        Key("an artifact passed on (its TFX type)", text="Model", color=_ARTIFACT["fontcolor"]),
        Key("an optional input", line="dashed", color=_ARTIFACT["color"]),
        Key("recorded in ML Metadata", line="dotted", color=_RECORD["color"]),
    ]
    with Diagram(
        heading,
        filename=filename,
        outformat="svg",
        show=False,
        direction="TB",
        graph_attr={**_GRAPH, "label": titled_legend(heading, legend, per_row=2)},
    ):
        row = {"rank": "same", "fontsize": "15", "margin": "14"}
        with Cluster("Ingest and validate data", graph_attr={"bgcolor": "#eef4fb", **row}):
            example_gen = Storage("ExampleGen", **_NODE)
            statistics_gen = MultipleDocuments("StatisticsGen", **_NODE)
            schema_gen = Document("SchemaGen", **_NODE)
            example_validator = Inspection("ExampleValidator", **_NODE)
        with Cluster("Train and analyse the model", graph_attr={"bgcolor": "#eefbf1", **row}):
            transform = Preparation("Transform", **_NODE)
            tuner = PredefinedProcess("Tuner", **_NODE)
            trainer = PredefinedProcess("Trainer", **_NODE)
            evaluator = Decision("Evaluator", **_NODE)
        with Cluster("Deploy", graph_attr={"bgcolor": "#fbf6ee", **row}):
            infra_validator = Inspection("InfraValidator", **_NODE)
            pusher = Rack("Pusher", **_NODE)
            bulk_inferrer = PredefinedProcess("BulkInferrer", **_NODE)
        with Cluster("Shared by every component", graph_attr={"bgcolor": "#f4f6f7", **row}):
            metadata = SQL("ML Metadata\n(artifacts, lineage)", **{**_NODE, "height": "1.65"})
            orchestrator = Kubeflow(
                "orchestrator\n(e.g. Kubeflow\nPipelines)", **{**_NODE, "height": "1.95"}
            )

        example_gen >> Edge(label="Examples", **_ARTIFACT) >> statistics_gen
        statistics_gen >> Edge(label="ExampleStatistics", **_ARTIFACT) >> schema_gen
        # constraint=false: this edge does not reorder the row (data flows left to right)
        (
            statistics_gen
            >> Edge(label="ExampleStatistics", constraint="false", **_ARTIFACT)
            >> example_validator
        )
        schema_gen >> Edge(label="Schema", **_ARTIFACT) >> example_validator
        (
            example_validator
            >> Edge(xlabel="ExampleAnomalies", constraint="false", **_RECORD)
            >> metadata
        )
        example_gen >> Edge(label="Examples", **_ARTIFACT) >> transform
        schema_gen >> Edge(label="Schema", constraint="false", **_ARTIFACT) >> transform
        transform >> Edge(label="TransformGraph,\ntransformed Examples", **_ARTIFACT) >> trainer
        transform >> Edge(label="transformed Examples", **_OPTIONAL) >> tuner
        tuner >> Edge(label="HyperParameters", **_OPTIONAL) >> trainer
        trainer >> Edge(label="Model", **_ARTIFACT) >> evaluator
        example_gen >> Edge(label="Examples", **_ARTIFACT) >> evaluator
        evaluator >> Edge(label="ModelBlessing", **_ARTIFACT) >> pusher
        trainer >> Edge(label="Model", **_ARTIFACT) >> infra_validator
        infra_validator >> Edge(label="InfraBlessing", **_OPTIONAL) >> pusher
        trainer >> Edge(label="Model", **_ARTIFACT) >> pusher
        trainer >> Edge(label="Model", **_ARTIFACT) >> bulk_inferrer
        evaluator >> Edge(xlabel="ModelBlessing", **_OPTIONAL) >> bulk_inferrer
        pusher >> Edge(label="PushedModel: to serving", **_ARTIFACT) >> metadata
        bulk_inferrer >> Edge(label="InferenceResult", **_ARTIFACT) >> metadata
        orchestrator >> Edge(style="invis") >> metadata
        # the rows share columns (invisible edges stack each node over its neighbour below):
        # rows that drift apart made the picture so wide that its text shrank to 8 px
        columns = [
            (example_gen, transform),
            (statistics_gen, tuner),
            (schema_gen, trainer),
            (example_validator, evaluator),
            (tuner, infra_validator),
            (trainer, pusher),
            (evaluator, bulk_inferrer),
            (infra_validator, orchestrator),
            (bulk_inferrer, metadata),
        ]
        for upper, lower in columns:
            upper >> Edge(style="invis", weight="10") >> lower
