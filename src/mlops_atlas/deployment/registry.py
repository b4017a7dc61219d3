"""The MLflow Model Registry as the deployment examples use it: versions, aliases, tags.

A *registered model* holds numbered *versions*; an *alias* (``champion``,
``challenger``) is a movable name for one version, and serving code loads
``models:/NAME@champion`` without knowing which version that is. Moving an alias
is a deployment; moving it back is a rollback. *Tags* on a version record why
each move was made (Shankar et al. 2022, §4.1: keep records of every change to
production in case a rollback is needed).

The registry is MLflow's, wherever ``MLFLOW_TRACKING_URI`` points: the local
SQLite store by default, or an ``mlflow server``. MLflow is imported inside the
functions: it is slow to import and only needed when they run.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from mlops_atlas.tracking import TrackingError, artifact_location, check_tracking_uri

if TYPE_CHECKING:
    from mlflow import MlflowClient

__all__ = [
    "CHALLENGER",
    "CHAMPION",
    "aliases",
    "load_model",
    "model_uri",
    "register_model",
    "reset_registered_model",
    "tag_version",
    "version_tags",
]

CHAMPION = "champion"
"""Alias of the version that serves traffic."""

CHALLENGER = "challenger"
"""Alias of the candidate version under evaluation."""


@contextmanager
def _quiet() -> Iterator[None]:
    """Silence MLflow's own set-up warnings; turn its failures into one readable line."""
    from mlflow.exceptions import MlflowException

    try:
        with warnings.catch_warnings():
            # deprecations and type-hint notes MLflow emits on import: not the user's business
            warnings.simplefilter("ignore", category=FutureWarning)
            warnings.filterwarnings("ignore", message=r".*Any type hint is inferred as AnyType")
            yield
    except MlflowException as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise TrackingError(f"MLflow model registry: {first}") from None


def _client() -> MlflowClient:
    from mlflow import MlflowClient

    return MlflowClient()


def model_uri(name: str, alias_or_version: str) -> str:
    """The URI MLflow loads a model from: ``models:/NAME@ALIAS`` or ``models:/NAME/VERSION``.

    Examples:
        >>> model_uri("credit", "champion"), model_uri("credit", "3")
        ('models:/credit@champion', 'models:/credit/3')
    """
    if alias_or_version.isdigit():
        return f"models:/{name}/{alias_or_version}"
    return f"models:/{name}@{alias_or_version}"


def register_model(
    model: Any,
    name: str,
    *,
    experiment: str,
    params: Mapping[str, object],
    metrics: Mapping[str, float],
    tags: Mapping[str, object] | None = None,
    run_name: str | None = None,
) -> str:
    """Log a scikit-learn model in a run and register it as a new version of ``name``.

    Args:
        model: A fitted scikit-learn estimator.
        name: The registered model (created on first use).
        experiment: The MLflow experiment of the training run (created if needed).
        params: Parameters of the run (features, seed, rows, ...).
        metrics: Metrics of the run (offline evaluation).
        tags: Tags set on the new version.
        run_name: A readable name for the run.

    Returns:
        The new version number, as a string (MLflow's convention).

    Raises:
        TrackingError: The store cannot be reached, or MLflow refused the model.
    """
    import mlflow
    import sklearn

    check_tracking_uri()
    with _quiet():
        import mlflow.sklearn

        if mlflow.get_experiment_by_name(experiment) is None:
            mlflow.create_experiment(experiment, artifact_location=artifact_location())
        mlflow.set_experiment(experiment)
        with mlflow.start_run(run_name=run_name):
            mlflow.log_params(dict(params))
            mlflow.log_metrics({key: float(value) for key, value in metrics.items()})
            info = mlflow.sklearn.log_model(
                model,
                name="model",
                # pinned by hand: inferring requirements imports every package (seconds)
                pip_requirements=[f"scikit-learn=={sklearn.__version__}"],
                registered_model_name=name,
            )
    version = str(info.registered_model_version)
    if tags:
        tag_version(name, version, tags)
    return version


def load_model(name: str, alias_or_version: str) -> Any:
    """Load a registered version, by alias (``"champion"``) or number (``"3"``)."""
    with _quiet():
        import mlflow.sklearn

        return mlflow.sklearn.load_model(model_uri(name, alias_or_version))


def aliases(name: str) -> dict[str, str]:
    """The aliases of a registered model and the version each points to, sorted by alias."""
    with _quiet():
        registered = _client().get_registered_model(name)
    return {alias: str(version) for alias, version in sorted(registered.aliases.items())}


def tag_version(name: str, version: str, tags: Mapping[str, object]) -> None:
    """Set tags on a version (values become strings; floats keep four decimals)."""
    client = _client()
    with _quiet():
        for key, value in tags.items():
            text = f"{value:.4f}" if isinstance(value, float) else str(value)
            client.set_model_version_tag(name, version, key, text)


def version_tags(name: str, version: str) -> dict[str, str]:
    """The tags of a version, sorted by key."""
    with _quiet():
        found = _client().get_model_version(name, version)
    return dict(sorted(found.tags.items()))


def reset_registered_model(name: str) -> bool:
    """Delete ``name`` and all its versions if it exists, so an example starts from nothing.

    Returns:
        ``True`` if there was something to delete.

    Raises:
        TrackingError: The store cannot be reached.
    """
    check_tracking_uri()
    client = _client()
    with _quiet():
        if not client.search_registered_models(filter_string=f"name = '{name}'"):
            return False
        client.delete_registered_model(name)
    return True
