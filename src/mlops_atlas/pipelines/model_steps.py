"""The model half of a TFX-shaped pipeline: Trainer, Evaluator and Pusher, as plain functions.

The Trainer fits a small Keras model on TensorFlow (CPU) whose first layer
holds the Transform's constants, so the model takes raw features in training
and in serving alike. It saves the model in MLflow's format (the ``keras``
flavor). The Evaluator scores the candidate per slice and, as TFX's Evaluator
does, blesses it only if no slice is worse than the current champion's (the
model with the alias ``champion`` in MLflow's registry) by the tolerance or
more; with no champion it rubber-stamps the candidate. The Pusher registers a
blessed model as a new version, attaches the evaluation and moves the
``champion`` alias to it.

TensorFlow and MLflow are imported inside the functions: importing this
module costs nothing, and each pipeline step loads only what it needs.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mlops_atlas.pipelines.data_steps import FEATURES, LABEL, PipelineInputError, load_split
from mlops_atlas.validation import BlessingResult, bless, slice_metrics

__all__ = [
    "CHAMPION",
    "Evaluation",
    "evaluate_model",
    "push_model",
    "quiet_tensorflow",
    "slices_of",
    "train_model",
]

CHAMPION = "champion"
"""The registry alias of the model in production, the Evaluator's baseline."""

THRESHOLD = 0.5
"""Probability above which the model predicts progression."""


def quiet_tensorflow() -> Any:
    """Import TensorFlow without its start-up chatter; return the module.

    TensorFlow's C++ logging goes to stderr before Python can configure it, so
    the environment variables must be set before the first import; oneDNN's
    custom operations are turned off as well, for results that do not depend
    on the order of floating-point sums.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    import tensorflow as tf

    tf.get_logger().setLevel("ERROR")
    return tf


def _features(frame: pd.DataFrame) -> np.ndarray:
    return frame[list(FEATURES)].to_numpy(dtype="float32")


def train_model(
    examples: Path,
    transform_graph: Path,
    model_dir: Path,
    *,
    seed: int,
    epochs: int,
    hidden_units: int = 8,
) -> dict[str, float]:
    """Trainer: fit a small Keras network on the train split; save it in MLflow's format.

    Args:
        examples: The Examples artifact (`mlops_atlas.pipelines.data_steps.generate_examples`).
        transform_graph: ``transform_graph.json`` from the Transform step.
        model_dir: Where to save the model (must not exist yet).
        seed: Seed of the weights and of the batches (TensorFlow runs deterministically).
        epochs: Passes over the training data.
        hidden_units: Width of the hidden layer.

    Returns:
        The final training loss and accuracy.
    """
    tf = quiet_tensorflow()
    import keras
    import mlflow.keras
    from mlflow.models import ModelSignature
    from mlflow.types import Schema, TensorSpec

    constants = json.loads(Path(transform_graph).read_text(encoding="utf-8"))
    train = load_split(examples, "train")
    keras.utils.set_random_seed(seed)
    tf.config.experimental.enable_op_determinism()
    inputs = keras.Input(shape=(len(FEATURES),), name="features")
    scaled = keras.layers.Normalization(
        mean=[constants["mean"][name] for name in FEATURES],
        variance=[constants["variance"][name] for name in FEATURES],
        name="transform",
    )(inputs)
    hidden = keras.layers.Dense(hidden_units, activation="relu", name="hidden")(scaled)
    outputs = keras.layers.Dense(1, activation="sigmoid", name="progression")(hidden)
    model = keras.Model(inputs, outputs, name="diabetes_progression")
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.01),
        loss="binary_crossentropy",
        metrics=["accuracy"],
    )
    history = model.fit(
        _features(train), train[LABEL].to_numpy("float32"), epochs=epochs, batch_size=32, verbose=0
    )
    signature = ModelSignature(
        inputs=Schema([TensorSpec(np.dtype("float32"), (-1, len(FEATURES)), "features")]),
        outputs=Schema([TensorSpec(np.dtype("float32"), (-1, 1))]),
    )
    mlflow.keras.save_model(
        model, str(model_dir), signature=signature, pip_requirements=_requirements()
    )
    return {name: float(values[-1]) for name, values in history.history.items()}


def _requirements() -> list[str]:
    # Written explicitly: MLflow would otherwise infer them by loading the model in a subprocess.
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for package in ("tensorflow-cpu", "tensorflow", "keras"):
        try:
            found.append(f"{package}=={version(package)}")
        except PackageNotFoundError:
            continue
    return found


def slices_of(frame: pd.DataFrame) -> list[pd.Series]:
    """The slicing columns: ``sex`` (coded 1/2) and an age band (below 50, 50 and over)."""
    band = np.where(frame["age"] < 50, "below_50", "50_plus")
    return [frame["sex"].rename("sex"), pd.Series(band, name="age_band", index=frame.index)]


def _accuracy(truth: np.ndarray, predicted: np.ndarray) -> float:
    return float(np.mean(truth == predicted))


def _sliced_accuracy(model: Any, frame: pd.DataFrame) -> dict[str, float]:
    predicted = (model.predict(_features(frame), verbose=0)[:, 0] > THRESHOLD).astype("int64")
    truth = frame[LABEL].to_numpy()
    result: dict[str, float] = {}
    for column in slices_of(frame):
        result.update(slice_metrics(truth, predicted, column, _accuracy))
    return result


@dataclass(frozen=True)
class Evaluation:
    """What the Evaluator decided, and on what evidence.

    Attributes:
        candidate: Accuracy by slice of the candidate, on the eval split.
        baseline: Accuracy by slice of the champion on the same split (empty without one).
        champion_version: The registry version of the champion (``None`` without one).
        blessed: Whether the Pusher may push the candidate.
        verdict: TFX-style ``BLESSED``/``NOT_BLESSED`` line with the reasons.
        failed_slices: The slices on which the candidate lost ``tolerance`` or more.
        tolerance: How much accuracy a slice may lose.
    """

    candidate: dict[str, float]
    baseline: dict[str, float] = field(default_factory=dict)
    champion_version: int | None = None
    blessed: bool = False
    verdict: str = ""
    failed_slices: list[str] = field(default_factory=list)
    tolerance: float = 0.0

    def to_json(self) -> str:
        """The evaluation as JSON (the Evaluator's output artifact)."""
        return json.dumps(asdict(self), indent=1)

    @classmethod
    def from_json(cls, text: str) -> Evaluation:
        """Read an evaluation written by `to_json`."""
        return cls(**json.loads(text))


def evaluate_model(
    examples: Path,
    model_dir: Path,
    *,
    model_name: str,
    tolerance: float,
    tracking_uri: str,
) -> Evaluation:
    """Evaluator: accuracy per slice of the candidate and of the champion; bless or refuse.

    Args:
        examples: The Examples artifact; the eval split is used.
        model_dir: The candidate saved by `train_model`.
        model_name: The registered model whose ``champion`` is the baseline.
        tolerance: Accuracy a slice may lose against the champion (strictly less than this).
        tracking_uri: MLflow tracking URI holding the registry.

    Returns:
        The evaluation, with the verdict of `mlops_atlas.validation.bless`.
    """
    quiet_tensorflow()
    import mlflow
    import mlflow.keras

    evaluation = load_split(examples, "eval")
    candidate = _sliced_accuracy(mlflow.keras.load_model(str(model_dir)), evaluation)
    client = mlflow.MlflowClient(tracking_uri=tracking_uri, registry_uri=tracking_uri)
    version = _champion_version(client, model_name)
    baseline: dict[str, float] = {}
    if version is not None:
        mlflow.set_tracking_uri(tracking_uri)
        mlflow.set_registry_uri(tracking_uri)
        champion = mlflow.keras.load_model(f"models:/{model_name}@{CHAMPION}")
        baseline = _sliced_accuracy(champion, evaluation)
    result: BlessingResult = bless(
        candidate, baseline or None, tolerance=tolerance, metric="accuracy"
    )
    return Evaluation(
        candidate=candidate,
        baseline=baseline,
        champion_version=version,
        blessed=result.blessed,
        verdict=result.explain(),
        failed_slices=result.failed_slices,
        tolerance=tolerance,
    )


def _champion_version(client: Any, model_name: str) -> int | None:
    from mlflow.exceptions import MlflowException

    try:
        return int(client.get_model_version_by_alias(model_name, CHAMPION).version)
    except MlflowException:  # no such registered model, or no champion yet
        return None


def push_model(
    model_dir: Path,
    evaluation: Evaluation,
    *,
    model_name: str,
    tracking_uri: str,
    experiment: str = "tfx-pipeline",
) -> int:
    """Pusher: register the blessed model as a new version and make it the champion.

    The model and its evaluation are logged to one MLflow run; the version is
    registered from that run, tagged with the verdict and the accuracy of
    every slice, and given the ``champion`` alias.

    Raises:
        PipelineInputError: The evaluation did not bless the model.

    Returns:
        The new version number.
    """
    if not evaluation.blessed:
        raise PipelineInputError(f"model {model_name!r} is not blessed: {evaluation.verdict}")
    import mlflow

    from mlops_atlas.tracking import artifact_location

    mlflow.set_tracking_uri(tracking_uri)
    mlflow.set_registry_uri(tracking_uri)
    if mlflow.get_experiment_by_name(experiment) is None:
        mlflow.create_experiment(experiment, artifact_location=artifact_location(tracking_uri))
    mlflow.set_experiment(experiment)
    metrics = {
        f"accuracy_{name.replace('=', '_')}": value for name, value in evaluation.candidate.items()
    }
    with mlflow.start_run(run_name=f"push {model_name}") as run:
        mlflow.log_artifacts(str(model_dir), artifact_path="model")
        mlflow.log_text(evaluation.to_json(), "evaluation/evaluation.json")
        mlflow.log_metrics(metrics)
        version = mlflow.register_model(f"runs:/{run.info.run_id}/model", model_name)
    client = mlflow.MlflowClient()
    tags = {"verdict": evaluation.verdict, **{k: f"{v:.4f}" for k, v in metrics.items()}}
    for key, value in tags.items():
        client.set_model_version_tag(model_name, version.version, key, value)
    client.set_registered_model_alias(model_name, CHAMPION, version.version)
    return int(version.version)
