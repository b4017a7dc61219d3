"""The model to serve, logged to MLflow with its signature and provenance.

Synthetic customers, a scikit-learn pipeline, a run with the data's hash and pinned
requirements, and the exported model folder that goes into the image.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlops_atlas.serving.app import PROVENANCE_FILE, model_digest
from mlops_atlas.tracking import artifact_location

if TYPE_CHECKING:
    import pandas as pd
    from sklearn.pipeline import Pipeline

__all__ = [
    "FEATURES",
    "PLANS",
    "Provenance",
    "data_sha256",
    "export_model",
    "log_model",
    "make_customers",
    "train_model",
]

PLANS = ("basic", "standard", "premium")
"""The plans a customer can have: the model's one categorical input."""

FEATURES = ("tenure_months", "monthly_charges", "support_calls", "plan")
"""The model's inputs, in order."""


@dataclass(frozen=True)
class Provenance:
    """Where a served model comes from: what an image label or an audit asks for.

    Attributes:
        run_id: The MLflow run that trained and logged it.
        model_uri: Its MLflow URI.
        data_sha256: SHA-256 of the training data (canonical CSV).
        model_sha256: SHA-256 of the exported model folder (`model_digest`).
        rows: Training rows.
        versions: Versions of the libraries the model needs (also pinned in the image).
    """

    run_id: str
    model_uri: str
    data_sha256: str
    model_sha256: str
    rows: int
    versions: dict[str, str]

    def to_json(self) -> str:
        """The record as indented JSON (written beside the model in the image)."""
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"


def make_customers(rows: int, *, seed: int) -> pd.DataFrame:
    """Synthetic customers of a subscription service and whether each one churned.

    Churn is likelier with short tenure, high charges, many support calls and the basic
    plan (a logistic model with label noise), so a linear model can learn most of it.

    Args:
        rows: How many customers.
        seed: Random seed.

    Returns:
        Columns ``tenure_months`` (int), ``monthly_charges`` (float), ``support_calls``
        (int), ``plan`` (str) and ``churned`` (0 or 1).
    """
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    tenure = rng.integers(0, 73, rows)
    charges = np.round(rng.uniform(20, 120, rows), 2)
    calls = rng.poisson(1.5, rows)
    plan = rng.choice(PLANS, rows, p=[0.5, 0.3, 0.2])
    plan_effect = np.select([plan == "basic", plan == "premium"], [0.6, -0.6], 0.0)
    logit = -0.06 * tenure + 0.025 * charges + 0.5 * calls + plan_effect - 1.5
    churned = (rng.random(rows) < 1 / (1 + np.exp(-logit))).astype(int)
    return pd.DataFrame(
        {
            "tenure_months": tenure.astype("int64"),
            "monthly_charges": charges,
            "support_calls": calls.astype("int64"),
            "plan": plan,
            "churned": churned,
        }
    )


def data_sha256(frame: pd.DataFrame) -> str:
    """SHA-256 of a table written as CSV (index left out): the training data's fingerprint."""
    return hashlib.sha256(frame.to_csv(index=False).encode("utf-8")).hexdigest()


def train_model(frame: pd.DataFrame) -> Pipeline:
    """Scale the numbers, one-hot encode the plan, fit a logistic regression.

    Args:
        frame: Customers from `make_customers`.

    Returns:
        The fitted scikit-learn pipeline.
    """
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    numeric = list(FEATURES[:3])
    prepare = ColumnTransformer(
        [
            ("numbers", StandardScaler(), numeric),
            ("plan", OneHotEncoder(categories=[list(PLANS)]), ["plan"]),
        ]
    )
    pipeline = Pipeline([("prepare", prepare), ("classify", LogisticRegression())])
    return pipeline.fit(frame[list(FEATURES)], frame["churned"])


def _versions() -> dict[str, str]:
    import importlib.metadata

    names: tuple[str, ...] = ("scikit-learn", "mlflow-skinny", "skops", "pandas", "numpy")
    names += ("scipy", "fastapi", "starlette", "pydantic", "uvicorn", "pyyaml")
    return {name: importlib.metadata.version(name) for name in names}


def log_model(
    pipeline: Pipeline,
    frame: pd.DataFrame,
    *,
    experiment: str,
    metrics: dict[str, float] | None = None,
) -> Provenance:
    """Log the pipeline to MLflow with its signature, pinned requirements and data hash.

    The signature (column names and types) is what the service validates requests
    against; the model's metadata adds the allowed plans and an example row.

    Args:
        pipeline: The fitted pipeline.
        frame: The training data (its hash and size are recorded).
        experiment: MLflow experiment name.
        metrics: Numbers to log with the run (e.g. accuracy).

    Returns:
        The run id, model URI and hashes (the model digest is filled in by
        `export_model`).
    """
    import mlflow
    from mlflow.models import infer_signature

    inputs = frame[list(FEATURES)]
    example = {key: _plain(value) for key, value in inputs.iloc[0].to_dict().items()}
    versions = _versions()
    digest = data_sha256(frame)
    with warnings.catch_warnings():
        # MLflow's own deprecation notices are not the user's business.
        warnings.simplefilter("ignore", category=FutureWarning)
        # The integer columns have no missing values, and the service refuses missing values.
        warnings.filterwarnings("ignore", "Hint: Inferred schema contains integer", UserWarning)
        # MLflow also reads scikit-learn's untyped predict(); the signature given is enforced.
        warnings.filterwarnings("ignore", ".*Any type hint is inferred as AnyType", UserWarning)
        signature = infer_signature(inputs.head(50), pipeline.predict(inputs.head(50)))
        if mlflow.get_experiment_by_name(experiment) is None:
            mlflow.create_experiment(experiment, artifact_location=artifact_location())
        mlflow.set_experiment(experiment)
        with mlflow.start_run(run_name="churn-model") as run:
            mlflow.log_params({"rows": len(frame), "features": ",".join(FEATURES)})
            mlflow.log_metrics(metrics or {})
            mlflow.set_tags({"data_sha256": digest})
            info = mlflow.sklearn.log_model(
                pipeline,
                name="model",
                signature=signature,
                # pinned by hand: inference would guess from the whole environment
                pip_requirements=[f"{name}=={version}" for name, version in versions.items()],
                metadata={"categories": {"plan": list(PLANS)}, "example": example},
            )
    return Provenance(
        run_id=run.info.run_id,
        model_uri=info.model_uri,
        data_sha256=digest,
        model_sha256="",
        rows=len(frame),
        versions=versions,
    )


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python value JSON needs."""
    return value.item() if hasattr(value, "item") else value


def export_model(provenance: Provenance, folder: Path) -> Provenance:
    """Download the logged model into ``folder`` and record its provenance beside it.

    Args:
        provenance: What `log_model` returned.
        folder: Where the model goes (replaced if it exists), e.g. the image's ``model/``.

    Returns:
        The provenance with ``model_sha256`` set; it is also written to
        ``folder/provenance.json``.
    """
    import mlflow

    folder = Path(folder)
    if folder.exists():
        shutil.rmtree(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    downloaded = Path(
        mlflow.artifacts.download_artifacts(
            artifact_uri=provenance.model_uri, dst_path=str(folder.parent / f".{folder.name}")
        )
    )
    downloaded.rename(folder)
    shutil.rmtree(folder.parent / f".{folder.name}", ignore_errors=True)
    complete = Provenance(**{**asdict(provenance), "model_sha256": model_digest(folder)})
    (folder / PROVENANCE_FILE).write_text(complete.to_json(), encoding="utf-8")
    return complete
