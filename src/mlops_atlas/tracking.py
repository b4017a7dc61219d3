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

__all__ = ["log_run"]


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
