"""A TFX-shaped continuous-training pipeline written with Kubeflow Pipelines (kfp v2).

Eight components named and wired as TFX's standard components are:
ExampleGen → StatisticsGen → SchemaGen → ExampleValidator → Transform →
Trainer → Evaluator → Pusher. Artifacts (examples, statistics, schema,
anomalies, transform graph, model, evaluation) pass between them as kfp
artifacts, folders laid out as TFX lays them out. Two gates are ``dsl.If``
conditions: the model half runs only when ExampleValidator blesses every split
(TFX's executor records the same per-split ``blessed`` value), and the Pusher
runs only when the Evaluator blesses the model.

Each component is a thin wrapper: it imports the step it runs from
`mlops_atlas.pipelines.data_steps` or `mlops_atlas.pipelines.model_steps`
and hands it its artifact paths. On a cluster every component runs in
`PIPELINE_IMAGE`, an image with this package installed with its
``tensorflow`` extra; here ``kfp.local`` runs each one in a subprocess of this
environment (`mlops_atlas.pipelines.local.run_locally`).

No ``from __future__ import annotations`` here: kfp reads the components'
annotations as types, not strings.
"""

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kfp import dsl
from kfp.dsl import Artifact, Dataset, Input, Metrics, Model, Output

from mlops_atlas.pipelines.model_steps import Evaluation

__all__ = [
    "COMPONENT_TASKS",
    "PIPELINE_IMAGE",
    "TfxRun",
    "evaluator",
    "example_gen",
    "example_validator",
    "pusher",
    "read_run",
    "run_tfx_pipeline",
    "schema_gen",
    "statistics_gen",
    "tfx_pipeline",
    "tracking_uri_for_tasks",
    "trainer",
    "transform",
]

PIPELINE_IMAGE = "mlops-atlas-python:3.11-tf"
"""The container image of every component on a cluster: Python 3.11 with
``mlops-atlas[tensorflow]`` installed. Build and push it yourself; nothing is
pip-installed when a task starts (``install_kfp_package=False``)."""

COMPONENT_TASKS = (
    "example-gen",
    "statistics-gen",
    "schema-gen",
    "example-validator",
    "transform",
    "trainer",
    "evaluator",
    "pusher",
)
"""The tasks of `tfx_pipeline`, in the order data flows through them."""

_COMPONENT = {"base_image": PIPELINE_IMAGE, "install_kfp_package": False}


@dsl.component(**_COMPONENT)
def example_gen(
    seed: int, eval_fraction: float, plant_anomaly: str, examples: Output[Dataset]
) -> None:
    """ExampleGen: the bundled diabetes table, split into train and eval."""
    from pathlib import Path

    from mlops_atlas.pipelines.data_steps import generate_examples

    rows = generate_examples(
        Path(examples.path), seed=seed, eval_fraction=eval_fraction, plant_anomaly=plant_anomaly
    )
    examples.metadata.update({"split_names": list(rows), "rows": rows})


@dsl.component(**_COMPONENT)
def statistics_gen(examples: Input[Dataset], statistics: Output[Artifact]) -> None:
    """StatisticsGen: per-feature statistics of every split (TFDV's shape)."""
    from pathlib import Path

    from mlops_atlas.pipelines.data_steps import generate_statistics

    found = generate_statistics(Path(examples.path), Path(statistics.path))
    statistics.metadata["num_examples"] = {split: s.num_examples for split, s in found.items()}


@dsl.component(**_COMPONENT)
def schema_gen(statistics: Input[Artifact], schema: Output[Artifact]) -> None:
    """SchemaGen: a schema inferred from the train split's statistics."""
    from pathlib import Path

    from mlops_atlas.pipelines.data_steps import generate_schema

    generate_schema(Path(statistics.path), Path(schema.path) / "schema.pbtxt")


@dsl.component(**_COMPONENT)
def example_validator(
    statistics: Input[Artifact], schema: Input[Artifact], anomalies: Output[Artifact]
) -> bool:
    """ExampleValidator: every split against the schema; True when no split has an anomaly."""
    from pathlib import Path

    from mlops_atlas.pipelines.data_steps import validate_examples

    results, blessed = validate_examples(
        Path(statistics.path), Path(schema.path) / "schema.pbtxt", Path(anomalies.path)
    )
    anomalies.metadata["blessed"] = blessed
    anomalies.metadata["anomalies"] = {split: result.types() for split, result in results.items()}
    return all(blessed.values())


@dsl.component(**_COMPONENT)
def transform(examples: Input[Dataset], transform_graph: Output[Artifact]) -> None:
    """Transform: z-score constants of every feature, computed on the train split."""
    from pathlib import Path

    from mlops_atlas.pipelines.data_steps import analyze_transform

    analyze_transform(Path(examples.path), Path(transform_graph.path) / "transform_graph.json")


@dsl.component(**_COMPONENT)
def trainer(
    examples: Input[Dataset],
    transform_graph: Input[Artifact],
    seed: int,
    epochs: int,
    model: Output[Model],
    metrics: Output[Metrics],
) -> None:
    """Trainer: a small Keras network on TensorFlow, with the transform as its first layer."""
    from pathlib import Path

    from mlops_atlas.pipelines.model_steps import train_model

    history = train_model(
        Path(examples.path),
        Path(transform_graph.path) / "transform_graph.json",
        Path(model.path),
        seed=seed,
        epochs=epochs,
    )
    for name, value in history.items():
        metrics.log_metric(f"train_{name}", value)
    model.metadata["framework"] = "keras (TensorFlow backend), MLflow keras flavor"


@dsl.component(**_COMPONENT)
def evaluator(
    examples: Input[Dataset],
    model: Input[Model],
    model_name: str,
    tolerance: float,
    tracking_uri: str,
    evaluation: Output[Artifact],
    metrics: Output[Metrics],
) -> bool:
    """Evaluator: accuracy per slice against the champion; True when the model is blessed."""
    from pathlib import Path

    from mlops_atlas.pipelines.model_steps import evaluate_model

    result = evaluate_model(
        Path(examples.path),
        Path(model.path),
        model_name=model_name,
        tolerance=tolerance,
        tracking_uri=tracking_uri,
    )
    Path(evaluation.path).write_text(result.to_json(), encoding="utf-8")
    evaluation.metadata["blessed"] = int(result.blessed)
    for name, value in result.candidate.items():
        metrics.log_metric(f"accuracy_{name}", value)
    return result.blessed


@dsl.component(**_COMPONENT)
def pusher(
    model: Input[Model], evaluation: Input[Artifact], model_name: str, tracking_uri: str
) -> int:
    """Pusher: register the blessed model in MLflow's registry as the new champion."""
    from pathlib import Path

    from mlops_atlas.pipelines.model_steps import Evaluation, push_model

    verdict = Evaluation.from_json(Path(evaluation.path).read_text(encoding="utf-8"))
    return push_model(Path(model.path), verdict, model_name=model_name, tracking_uri=tracking_uri)


@dsl.pipeline(
    name="tfx-shaped-continuous-training",
    description="ExampleGen to Pusher as in TFX; gates on data validation and model blessing.",
)
def tfx_pipeline(
    tracking_uri: str,
    seed: int = 0,
    eval_fraction: float = 1 / 3,
    plant_anomaly: str = "",
    epochs: int = 20,
    tolerance: float = 0.02,
    model_name: str = "diabetes-progression",
) -> None:
    """The pipeline: data checks, then (if the data are clean) training, evaluation, push.

    Args:
        tracking_uri: The MLflow tracking server (and registry) the Evaluator and Pusher use.
        seed: Seed of the split and of the training.
        eval_fraction: Share of rows in the eval split.
        plant_anomaly: Damage to plant in the eval split, or ``""`` (see ``PLANTED_ANOMALIES``).
        epochs: Training epochs.
        tolerance: Accuracy a slice may lose against the champion.
        model_name: The registered model in MLflow.
    """
    examples = example_gen(seed=seed, eval_fraction=eval_fraction, plant_anomaly=plant_anomaly)
    statistics = statistics_gen(examples=examples.outputs["examples"])
    schema = schema_gen(statistics=statistics.outputs["statistics"])
    validation = example_validator(
        statistics=statistics.outputs["statistics"], schema=schema.outputs["schema"]
    )
    # kfp turns the comparison into the condition the backend evaluates; a bare channel is refused.
    with dsl.If(validation.outputs["Output"] == True, name="data-is-valid"):  # noqa: E712
        transformed = transform(examples=examples.outputs["examples"])
        trained = trainer(
            examples=examples.outputs["examples"],
            transform_graph=transformed.outputs["transform_graph"],
            seed=seed,
            epochs=epochs,
        )
        evaluated = evaluator(
            examples=examples.outputs["examples"],
            model=trained.outputs["model"],
            model_name=model_name,
            tolerance=tolerance,
            tracking_uri=tracking_uri,
        )
        with dsl.If(evaluated.outputs["Output"] == True, name="model-is-blessed"):  # noqa: E712
            pusher(
                model=trained.outputs["model"],
                evaluation=evaluated.outputs["evaluation"],
                model_name=model_name,
                tracking_uri=tracking_uri,
            )


@dataclass(frozen=True)
class TfxRun:
    """What one local run of `tfx_pipeline` did, read back from its artifacts.

    Attributes:
        tasks: The tasks that ran, in pipeline order.
        rows: Rows per split written by ExampleGen.
        anomalies: Anomaly types by split and feature (empty when the data were clean).
        evaluation: The Evaluator's output, if it ran.
        pushed_version: The registry version the Pusher created, if it ran.
    """

    tasks: list[str]
    rows: dict[str, int] = field(default_factory=dict)
    anomalies: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    evaluation: Evaluation | None = None
    pushed_version: int | None = None

    @property
    def stopped_before_training(self) -> bool:
        """True when validation stopped the run: ExampleValidator ran, the Trainer did not."""
        return "example-validator" in self.tasks and "trainer" not in self.tasks


def read_run(run_folder: Path) -> TfxRun:
    """Read a local run's task folders (``kfp.local`` keeps one per task that ran).

    Args:
        run_folder: ``<pipeline_root>/<pipeline>-<timestamp>``.

    Returns:
        The run's tasks, data anomalies, evaluation and pushed version.
    """
    folder = Path(run_folder)
    tasks = [task for task in COMPONENT_TASKS if (folder / task).is_dir()]
    rows = _split_rows(folder / "example-gen" / "examples")
    anomalies = {}
    for split_folder in sorted((folder / "example-validator" / "anomalies").glob("Split-*")):
        report = json.loads((split_folder / "anomalies.json").read_text(encoding="utf-8"))
        by_feature: dict[str, list[str]] = {}
        for anomaly in report["anomalies"]:
            by_feature.setdefault(anomaly["feature"], []).append(anomaly["type"])
        if by_feature:
            anomalies[report["split"]] = by_feature
    evaluation_file = folder / "evaluator" / "evaluation"
    evaluation = (
        Evaluation.from_json(evaluation_file.read_text(encoding="utf-8"))
        if evaluation_file.is_file()
        else None
    )
    return TfxRun(
        tasks=tasks,
        rows=rows,
        anomalies=anomalies,
        evaluation=evaluation,
        pushed_version=_output_parameter(folder / "pusher"),
    )


def _split_rows(examples: Path) -> dict[str, int]:
    rows = {}
    for data in sorted(examples.glob("Split-*/data.csv")):
        with data.open(encoding="utf-8") as handle:
            rows[data.parent.name.removeprefix("Split-")] = sum(1 for _ in handle) - 1
    return rows


def _output_parameter(task_folder: Path) -> int | None:
    """The ``Output`` parameter a task returned, from the executor output ``kfp.local`` keeps."""
    for path in task_folder.rglob("executor_output.json"):
        values = json.loads(path.read_text(encoding="utf-8")).get("parameterValues", {})
        if "Output" in values:
            return int(values["Output"])
    return None


def tracking_uri_for_tasks() -> str:
    """MLflow's current tracking URI, with a relative SQLite path made absolute.

    The Evaluator and Pusher run in other processes (containers, on a
    cluster) and are handed the URI as a pipeline parameter; an absolute path
    keeps them on the caller's store whatever their working directory.
    """
    import mlflow

    uri = mlflow.get_tracking_uri()
    prefix = "sqlite:///"
    if uri.startswith(prefix) and not uri.startswith(prefix + "/"):
        return prefix + str(Path(uri.removeprefix(prefix)).resolve())
    return uri


def run_tfx_pipeline(pipeline_root: Path, arguments: Mapping[str, Any]) -> TfxRun:
    """Run `tfx_pipeline` locally and read back what it did.

    Args:
        pipeline_root: Folder for this run's artifacts (a run folder is made inside).
        arguments: The pipeline's parameters; ``tracking_uri`` is required.

    Returns:
        The run, read from its artifacts.

    Raises:
        PipelineInputError: TensorFlow, which the Trainer and Evaluator import, is not installed.
    """
    import importlib.util

    from mlops_atlas.pipelines.data_steps import PipelineInputError
    from mlops_atlas.pipelines.local import run_locally

    if importlib.util.find_spec("tensorflow") is None:
        raise PipelineInputError(
            "TensorFlow is not installed: run 'python3 dev.py setup', or "
            "pip install 'mlops-atlas[tensorflow]'"
        )
    run_locally(tfx_pipeline, pipeline_root=Path(pipeline_root), arguments=arguments)
    runs = [path for path in Path(pipeline_root).iterdir() if path.is_dir()]
    return read_run(max(runs, key=lambda path: path.name))
