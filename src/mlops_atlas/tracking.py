"""Experiment tracking the course's way: every example logs its run to MLflow.

The tracking store is left to MLflow: its own default is a SQLite file,
``mlflow.db``, in the working directory; ``MLFLOW_TRACKING_URI`` points it
elsewhere, for example at an ``mlflow server`` on loopback. Open the runs with::

    mlflow ui --backend-store-uri sqlite:///mlflow.db
"""

from __future__ import annotations

import tempfile
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["artifact_location", "log_run"]


def artifact_location(tracking_uri: str | None = None) -> str | None:
    """Where new experiments keep their artifacts.

    When ``MLFLOW_TRACKING_URI`` names a SQLite file, beside that file (in
    ``<name>-artifacts/``), so a private store (tests, the site build) is private
    with its artifacts too; MLflow's own default would be ``./mlruns`` under the
    working directory. Otherwise ``None``: MLflow (or the server) decides.

    Args:
        tracking_uri: The tracking URI; ``$MLFLOW_TRACKING_URI`` when not given.

    Examples:
        >>> artifact_location("sqlite:////tmp/store/runs.db")
        'file:///tmp/store/runs-artifacts'
        >>> artifact_location("http://127.0.0.1:5000") is None
        True
    """
    import os

    uri = tracking_uri if tracking_uri is not None else os.environ.get("MLFLOW_TRACKING_URI", "")
    if not uri.startswith("sqlite:///"):
        return None
    database = Path(uri.removeprefix("sqlite:///")).resolve()
    return (database.parent / f"{database.stem}-artifacts").as_uri()


def log_run(
    experiment: str,
    *,
    params: Mapping[str, object],
    metrics: Mapping[str, float],
    figures: Mapping[str, Figure] | None = None,
    tables: Mapping[str, str] | None = None,
    run_name: str | None = None,
) -> str:
    """Log one run (parameters, metrics, figures, text tables) and return its id.

    Args:
        experiment: The MLflow experiment name, e.g. ``"sculley2015-cace"``.
        params: Inputs that define the run (seed, sample size, ...).
        metrics: Numbers the run measured.
        figures: Matplotlib figures, logged as artifacts under their key.
        tables: Plain-text tables, logged as artifacts under their key.
        run_name: A readable name for the run in the MLflow UI.

    Returns:
        The MLflow run id.
    """
    import mlflow  # imported here: it is slow to import and only needed when logging

    with warnings.catch_warnings():
        # MLflow warns about its own deprecations on set-up; they are not the user's business.
        warnings.simplefilter("ignore", category=FutureWarning)
        if mlflow.get_experiment_by_name(experiment) is None:
            mlflow.create_experiment(experiment, artifact_location=artifact_location())
        mlflow.set_experiment(experiment)
        with mlflow.start_run(run_name=run_name) as run:
            mlflow.log_params(dict(params))
            mlflow.log_metrics({name: float(value) for name, value in metrics.items()})
            for name, figure in (figures or {}).items():
                mlflow.log_figure(figure, f"{name}.svg")
            for name, text in (tables or {}).items():
                with tempfile.TemporaryDirectory() as folder:
                    path = Path(folder) / f"{name}.txt"
                    path.write_text(text, encoding="utf-8")
                    mlflow.log_artifact(str(path))
            return str(run.info.run_id)
