"""Diagrams for Baylor et al. 2017, "TFX: A TensorFlow-Based Production-Scale Machine Learning Platform"."""

from __future__ import annotations

from diagrams import Cluster, Diagram, Edge
from diagrams.generic.compute import Rack
from diagrams.generic.database import SQL
from diagrams.generic.storage import Storage
from diagrams.programming.flowchart import (
    Decision,
    Document,
    Inspection,
    InternalStorage,
    MultipleDocuments,
    PredefinedProcess,
    Preparation,
    StoredData,
)

from mlops_atlas.diagrams.render import register

# An icon (width x width) with its label underneath, hence height > width.
_NODE = {"width": "1.1", "height": "1.6", "fontsize": "13"}
_SMALL_NOTE = {"fontsize": "13", "fontcolor": "#555555"}
# Cluster titles at the labels' size: Graphviz's default (12 pt) would be the smallest text.
_ZONE = {"fontsize": "14"}


@register(
    "baylor2017-tfx-pipeline",
    title=(
        "A TFX pipeline with today's standard components (names from the TFX site); "
        "every component records its artifacts in ML Metadata."
    ),
    reading="baylor2017tfx",
    title_es=(
        "Un pipeline de TFX con los componentes estándar de hoy (nombres del sitio de TFX); "
        "cada componente registra sus artefactos en ML Metadata."
    ),
)
def tfx_pipeline(filename: str) -> None:
    """The components of a TFX pipeline today, in the order data flows through them.

    The paper's Figure 1 names the platform's parts (data analysis, transformation,
    validation, trainer, model evaluation and validation, serving); the open-source
    TFX site names the components that implement them. The Tuner feeds
    hyper-parameters to the Trainer; ML Metadata keeps every artifact and its lineage.
    """
    with Diagram(
        "A TFX pipeline: data checks, training, model checks, push",
        filename=filename,
        outformat="svg",
        show=False,
        direction="TB",
        graph_attr={
            "pad": "0.4",
            "fontsize": "18",
            "labelloc": "t",
            "newrank": "true",
            "splines": "spline",
            "ranksep": "0.6",
            "nodesep": "0.3",
        },
    ):
        # Each cluster is one row (rank=same), so ten components fit a page: data, then
        # model, right to left under it (a snake), each model step under a data step.
        row = {"rank": "same", **_ZONE}
        with Cluster(
            "Data: analysis, validation, transformation", graph_attr={"bgcolor": "#eef4fb", **row}
        ):
            example_gen = Storage("ExampleGen", **_NODE)
            statistics_gen = MultipleDocuments("StatisticsGen", **_NODE)
            schema_gen = Document("SchemaGen", **_NODE)
            example_validator = Inspection("ExampleValidator", **_NODE)
            transform = Preparation("Transform", **_NODE)
        with Cluster(
            "Model: training, evaluation, validation, push",
            graph_attr={"bgcolor": "#eefbf1", **row},
        ):
            pusher = Rack("Pusher\n(to serving)", **{**_NODE, "height": "1.9"})
            infra_validator = Inspection("InfraValidator", **_NODE)
            evaluator = Decision("Evaluator\n(blessing)", **_NODE)
            trainer = PredefinedProcess("Trainer", **_NODE)
            tuner = PredefinedProcess("Tuner", **_NODE)
        metadata = SQL(
            "ML Metadata store\n(artifacts, lineage)", width="1.3", height="1.8", fontsize="13"
        )

        example_gen >> statistics_gen >> schema_gen >> example_validator >> transform >> trainer
        pusher << infra_validator << evaluator << trainer
        trainer << Edge(label="hyper-\nparameters", **_SMALL_NOTE) << tuner
        for upper, lower in zip(
            (example_gen, statistics_gen, schema_gen, example_validator, transform),
            (pusher, infra_validator, evaluator, trainer, tuner),
            strict=True,
        ):
            upper >> Edge(style="invis", weight="10") >> lower
        for component in (tuner, trainer, evaluator, infra_validator, pusher):
            component >> Edge(style="dotted", color="#888888", arrowhead="none") >> metadata


@register(
    "baylor2017-data-validation",
    title=(
        "Where data validation sits: the schema inferred from training data is the contract "
        "each new batch is checked against, with skew and drift measured on the side."
    ),
    reading="baylor2017tfx",
    title_es=(
        "Dónde está la validación de datos: el esquema inferido de los datos de entrenamiento "
        "es el contrato contra el que se revisa cada lote nuevo, y aparte se miden el sesgo y "
        "la deriva."
    ),
)
def data_validation(filename: str) -> None:
    """Training statistics give a schema; serving statistics are checked against it.

    Anomalies come from the schema (missing or new columns, unexpected values);
    skew compares serving with training statistics, drift compares a batch with
    the previous one. The outcome is an alert for a person or a block of the pipeline.
    """
    with Diagram(
        "Data validation: the schema as a contract between training and serving",
        filename=filename,
        outformat="svg",
        show=False,
        direction="TB",
        graph_attr={
            "pad": "0.4",
            "fontsize": "18",
            "labelloc": "t",
            "newrank": "true",
            "ranksep": "0.5",
            "splines": "spline",
        },
    ):
        # Top to bottom, one row per cluster: left to right it was too wide to stay legible.
        row = {"rank": "same", **_ZONE}
        with Cluster("Training", graph_attr={"bgcolor": "#eef4fb", **row}):
            training = Storage("training data", **_NODE)
            training_stats = MultipleDocuments("statistics", **_NODE)
            schema = Document("schema\n(the contract)", **_NODE)
        with Cluster("Serving", graph_attr={"bgcolor": "#eefbf1", **row}):
            serving = Storage("serving batch", **_NODE)
            serving_stats = MultipleDocuments("statistics", **_NODE)
            previous = StoredData("previous batch\nstatistics", **_NODE)
        validator = Inspection("validate", **_NODE)
        with Cluster("Findings", graph_attr={"bgcolor": "#fbf6ee", **row}):
            anomalies = InternalStorage("anomalies\n(vs schema)", **_NODE)
            skew = InternalStorage("skew\n(vs training)", **_NODE)
            drift = InternalStorage("drift\n(vs previous)", **_NODE)
        decision = Decision("alert or block", **_NODE)

        training >> training_stats >> Edge(label="infer", **_SMALL_NOTE) >> schema
        # serving's row under training's, column for column
        training >> Edge(style="invis", weight="10") >> serving
        training_stats >> Edge(style="invis", weight="10") >> serving_stats
        serving >> serving_stats >> Edge(weight="10") >> validator
        schema >> validator
        training_stats >> Edge(style="dashed") >> validator
        previous >> Edge(style="dashed") >> validator
        validator >> [anomalies, drift]
        validator >> Edge(weight="10") >> skew >> Edge(weight="10") >> decision
        for finding in (anomalies, drift):
            finding >> decision
        # xlabel: the label takes no room in the layout (a label widened the picture)
        (
            schema
            << Edge(
                style="dotted", xlabel="a person updates it\nas the data evolves", **_SMALL_NOTE
            )
            << decision
        )
