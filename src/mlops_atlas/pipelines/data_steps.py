"""The data half of a TFX-shaped pipeline: ExampleGen to Transform, as plain functions.

Each function does the work of one TFX component on files, so a Kubeflow
component (`mlops_atlas.pipelines.tfx`) is a thin wrapper that hands it
its artifact paths. Artifacts are folders laid out as TFX lays them out, one
sub-folder per split (``Split-train``, ``Split-eval``). Statistics, schema and
anomalies come from `mlops_atlas.validation` (TFDV's semantics); nothing
here imports TensorFlow.

The data are scikit-learn's bundled diabetes table (442 patients, no
download): ten baseline measurements and a label, 1 when the disease
progressed more than the median one year later.
"""

from __future__ import annotations

import dataclasses
import gzip
import importlib.util
import json
from pathlib import Path

import numpy as np
import pandas as pd

from mlops_atlas.errors import AtlasError
from mlops_atlas.validation import (
    DatasetStatistics,
    FeatureStatistics,
    Histogram,
    ValidationResult,
    compute_statistics,
    infer_schema,
    load_schema,
    save_schema,
    set_environments,
    validate_statistics,
)

__all__ = [
    "FEATURES",
    "LABEL",
    "PLANTED_ANOMALIES",
    "SPLITS",
    "PipelineInputError",
    "analyze_transform",
    "generate_examples",
    "generate_schema",
    "generate_statistics",
    "load_diabetes_table",
    "load_split",
    "load_statistics",
    "validate_examples",
]

FEATURES = ("age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6")
"""The ten baseline measurements of the diabetes table, the model's inputs."""

LABEL = "label"
"""1 when the disease progressed more than the median one year after baseline."""

SPLITS = ("train", "eval")
"""The splits ExampleGen writes (TFX's default names)."""

PLANTED_ANOMALIES = {
    "bmi-missing": "bmi is empty in every fifth row of the eval split (a failed upstream join)",
    "sex-as-text": "sex arrives as text ('F'/'M') in the eval split (an upstream re-coding)",
}
"""Damage ExampleGen can plant in the eval split, by name, to show validation stopping a run."""


class PipelineInputError(AtlasError):
    """A pipeline parameter or artifact that a step cannot use; the message names it."""


def load_diabetes_table() -> pd.DataFrame:
    """The raw diabetes table scikit-learn ships: ten features and ``target``, 442 rows.

    The same two files ``sklearn.datasets.load_diabetes(scaled=False)`` reads,
    read without importing scikit-learn, which would cost each ExampleGen run
    about two CPU-seconds on this site's build machine.
    """
    spec = importlib.util.find_spec("sklearn")  # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        raise PipelineInputError("scikit-learn is not installed: run 'python3 dev.py setup'")
    folder = Path(next(iter(spec.submodule_search_locations))) / "datasets" / "data"
    with gzip.open(folder / "diabetes_data_raw.csv.gz") as data:
        frame = pd.DataFrame(np.loadtxt(data), columns=list(FEATURES))
    with gzip.open(folder / "diabetes_target.csv.gz") as target:
        frame["target"] = np.loadtxt(target)
    return frame


def generate_examples(
    folder: Path, *, seed: int, eval_fraction: float = 1 / 3, plant_anomaly: str = ""
) -> dict[str, int]:
    """ExampleGen: load the bundled table, split it, write ``Split-<name>/data.csv``.

    The split is a seeded shuffle, 2:1 by default as TFX's hash buckets split.
    ``plant_anomaly`` damages the eval split (think of it as the newest span of
    data) in one of the ways of `PLANTED_ANOMALIES`.

    Args:
        folder: The Examples artifact's folder (created).
        seed: Seed of the shuffle.
        eval_fraction: Share of rows in the eval split.
        plant_anomaly: ``""`` for clean data, or a key of `PLANTED_ANOMALIES`.

    Returns:
        Rows per split.

    Raises:
        PipelineInputError: Unknown anomaly name or a fraction outside (0, 1).
    """
    if plant_anomaly and plant_anomaly not in PLANTED_ANOMALIES:
        known = ", ".join(PLANTED_ANOMALIES)
        raise PipelineInputError(f"plant_anomaly: unknown {plant_anomaly!r} (known: {known})")
    if not 0 < eval_fraction < 1:
        raise PipelineInputError(f"eval_fraction must be between 0 and 1, not {eval_fraction}")
    table = load_diabetes_table()
    frame = table[list(FEATURES)].copy()
    frame["sex"] = frame["sex"].astype("int64")  # coded 1 or 2 in the source
    frame[LABEL] = (table["target"] > table["target"].median()).astype("int64")
    order = np.random.default_rng(seed).permutation(len(frame))
    cut = len(frame) - round(len(frame) * eval_fraction)
    splits = {
        "train": frame.iloc[order[:cut]].reset_index(drop=True),
        "eval": frame.iloc[order[cut:]].reset_index(drop=True),
    }
    if plant_anomaly == "bmi-missing":
        splits["eval"].loc[::5, "bmi"] = np.nan
    elif plant_anomaly == "sex-as-text":
        splits["eval"]["sex"] = splits["eval"]["sex"].map({1: "F", 2: "M"})
    for name, split in splits.items():
        path = Path(folder) / f"Split-{name}" / "data.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        split.to_csv(path, index=False)
    return {name: len(split) for name, split in splits.items()}


def load_split(folder: Path, split: str) -> pd.DataFrame:
    """Read one split of an Examples artifact written by `generate_examples`.

    Raises:
        PipelineInputError: The artifact has no such split.
    """
    path = Path(folder) / f"Split-{split}" / "data.csv"
    if not path.is_file():
        raise PipelineInputError(f"{folder}: no split {split!r} (expected {path})")
    return pd.read_csv(path)


def generate_statistics(examples: Path, folder: Path) -> dict[str, DatasetStatistics]:
    """StatisticsGen: statistics of every split, as ``Split-<name>/statistics.json``."""
    result = {}
    for split in SPLITS:
        result[split] = statistics = compute_statistics(load_split(examples, split))
        path = Path(folder) / f"Split-{split}" / "statistics.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(dataclasses.asdict(statistics), indent=1), encoding="utf-8")
    return result


def load_statistics(folder: Path, split: str) -> DatasetStatistics:
    """Read the statistics of one split written by `generate_statistics`."""
    path = Path(folder) / f"Split-{split}" / "statistics.json"
    if not path.is_file():
        raise PipelineInputError(f"{folder}: no statistics for split {split!r} ({path})")
    data = json.loads(path.read_text(encoding="utf-8"))
    features = {}
    for name, values in data["features"].items():
        for key in ("histogram", "quantiles"):  # the standard and the quantiles histogram
            if values.get(key) is not None:
                stored = values[key]
                values[key] = Histogram(
                    tuple(tuple(bucket) for bucket in stored["buckets"]),
                    stored["num_nan"],
                    stored.get("kind", "STANDARD"),
                )
        features[name] = FeatureStatistics(**values)
    return DatasetStatistics(num_examples=data["num_examples"], features=features)


def generate_schema(statistics: Path, path: Path) -> None:
    """SchemaGen: infer the schema from the train split's statistics; write ``schema.pbtxt``.

    The label is declared absent from the SERVING environment (TFDV's idiom):
    a request to a served model carries the features only.
    """
    schema = infer_schema(load_statistics(statistics, "train"))
    set_environments(schema, training_only=(LABEL,))
    save_schema(schema, Path(path))


def validate_examples(
    statistics: Path, schema: Path, folder: Path
) -> tuple[dict[str, ValidationResult], dict[str, int]]:
    """ExampleValidator: check every split's statistics against the schema.

    Writes ``Split-<name>/anomalies.json`` and returns, as TFX's executor does,
    a *blessed* value per split: 1 when the split has no anomaly, else 0.

    Returns:
        The validation result and the blessed value, by split.
    """
    contract = load_schema(Path(schema))
    results, blessed = {}, {}
    for split in SPLITS:
        result = validate_statistics(
            load_statistics(statistics, split), contract, environment="TRAINING"
        )
        results[split], blessed[split] = result, int(result.ok)
        path = Path(folder) / f"Split-{split}" / "anomalies.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        anomalies = [
            dataclasses.asdict(anomaly)
            for reasons in result.anomalies.values()
            for anomaly in reasons
        ]
        report = {"split": split, "data_missing": result.data_missing, "anomalies": anomalies}
        path.write_text(json.dumps(report, indent=1), encoding="utf-8")
    return results, blessed


def analyze_transform(examples: Path, path: Path) -> dict[str, dict[str, float]]:
    """Transform's analyze phase: the constants of a z-score for each feature, from train only.

    TFX's Transform computes such constants over the training data and builds
    them into the TensorFlow graph, so training and serving apply the same
    transformation. Here the constants go to ``transform_graph.json`` and the
    Trainer builds them into the model's first layer.

    Returns:
        ``{"mean": {feature: value}, "variance": {feature: value}}``.

    Raises:
        PipelineInputError: A feature is not numeric (validation should have stopped the run).
    """
    train = load_split(examples, "train")
    columns = train[list(FEATURES)]
    text = [name for name in FEATURES if not pd.api.types.is_numeric_dtype(columns[name])]
    if text:
        raise PipelineInputError(f"{examples}: feature(s) {', '.join(text)} are not numeric")
    constants = {
        "mean": {name: float(columns[name].mean()) for name in FEATURES},
        "variance": {name: float(columns[name].var(ddof=0)) for name in FEATURES},
    }
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(constants, indent=1), encoding="utf-8")
    return constants
