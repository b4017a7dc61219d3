"""Experiment tracking the course's way: every example logs its run to MLflow.

The tracking store is left to MLflow: its own default is a SQLite file,
``mlflow.db``, in the working directory; ``MLFLOW_TRACKING_URI`` points it
elsewhere, for example at an ``mlflow server`` on loopback. Open the runs with::

    mlflow ui --backend-store-uri sqlite:///mlflow.db
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import warnings
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from mlops_atlas.errors import AtlasError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["HEALTH_TIMEOUT", "TrackingError", "artifact_location", "check_tracking_uri", "log_run"]


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
    uri = tracking_uri if tracking_uri is not None else os.environ.get("MLFLOW_TRACKING_URI", "")
    if not uri.startswith("sqlite:///"):
        return None
    database = Path(uri.removeprefix("sqlite:///")).resolve()
    return (database.parent / f"{database.stem}-artifacts").as_uri()


class TrackingError(AtlasError):
    """The tracking store cannot be reached or written; the message says what to do."""


HEALTH_TIMEOUT = 3.0
"""Seconds to wait for a tracking server's ``/health`` before giving up."""

_QUICK_FAILURE = {
    # MLflow's defaults retry for minutes (7 retries, backoff, 120 s timeout): an example
    # that cannot log should say so in seconds. Applied only where the user set nothing.
    "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "1",
    "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR": "1",
    "MLFLOW_HTTP_REQUEST_TIMEOUT": "10",
}


def check_tracking_uri(tracking_uri: str | None = None, *, timeout: float = HEALTH_TIMEOUT) -> str:
    """Make sure the tracking store answers, quickly; return its URI.

    A server (``http(s)://``) must answer ``GET /health`` within ``timeout`` seconds;
    a SQLite file must be in a folder that exists. Other stores are left to MLflow.

    Args:
        tracking_uri: The URI to check; MLflow's current one when not given.
        timeout: Seconds to wait for a server.

    Returns:
        The URI checked.

    Raises:
        TrackingError: One line naming the URI, what failed and what to do.
    """
    import mlflow

    uri = tracking_uri or mlflow.get_tracking_uri()
    if uri.startswith(("http://", "https://")):
        import urllib.error
        import urllib.request

        try:
            with urllib.request.urlopen(f"{uri.rstrip('/')}/health", timeout=timeout) as answer:
                healthy, reason = answer.status == 200, f"HTTP {answer.status} on /health"
        except urllib.error.HTTPError as error:
            healthy, reason = False, f"HTTP {error.code} on /health"
        except (urllib.error.URLError, OSError) as error:
            healthy, reason = False, _short_reason(error)
        if not healthy:
            raise TrackingError(
                f"MLflow tracking server {uri} is not reachable ({reason}): start it "
                f"(mlflow server --host 127.0.0.1 --port PORT) or unset MLFLOW_TRACKING_URI "
                f"to log to ./mlflow.db"
            )
    elif uri.startswith("sqlite:///"):
        folder = Path(uri.removeprefix("sqlite:///")).parent
        if not folder.is_dir():
            raise TrackingError(
                f"MLflow tracking store {uri}: folder {folder} does not exist; create it or "
                f"point MLFLOW_TRACKING_URI elsewhere"
            )
    return uri


def _short_reason(error: Exception) -> str:
    text = str(getattr(error, "reason", error))
    for known in ("Connection refused", "timed out", "Name or service not known"):
        if known in text:
            return known.lower()
    return text or type(error).__name__


@contextlib.contextmanager
def _store_lock(uri: str) -> Iterator[None]:
    """Hold an exclusive lock beside a SQLite store; elsewhere, do nothing.

    SQLite lets one writer in at a time, and MLflow creates its tables on first
    use: two processes logging to a fresh ``mlflow.db`` at once would race to
    migrate it. Logging a run takes milliseconds, so runs take turns.
    """
    if not uri.startswith("sqlite:///"):
        yield
        return
    import fcntl

    database = Path(uri.removeprefix("sqlite:///"))
    with database.with_name(f".{database.name}.lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


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

    The store is checked first (a server must answer within seconds); a run that
    fails part-way is ended as ``FAILED``, never left ``RUNNING``.

    Args:
        experiment: The MLflow experiment name, e.g. ``"sculley2015-cace"``.
        params: Inputs that define the run (seed, sample size, ...).
        metrics: Numbers the run measured.
        figures: Matplotlib figures, logged as artifacts under their key.
        tables: Plain-text tables, logged as artifacts under their key.
        run_name: A readable name for the run in the MLflow UI.

    Returns:
        The MLflow run id.

    Raises:
        TrackingError: The store cannot be reached or the run cannot be logged.
    """
    import mlflow  # imported here: it is slow to import and only needed when logging
    from mlflow.exceptions import MlflowException

    uri = check_tracking_uri()
    quick = {name: value for name, value in _QUICK_FAILURE.items() if name not in os.environ}
    os.environ.update(quick)
    try:
        with warnings.catch_warnings(), _store_lock(uri):
            # MLflow warns about its own deprecations on set-up; they are not the user's business.
            warnings.simplefilter("ignore", category=FutureWarning)
            if mlflow.get_experiment_by_name(experiment) is None:
                mlflow.create_experiment(experiment, artifact_location=artifact_location())
            mlflow.set_experiment(experiment)
            # ActiveRun's exit ends the run as FAILED when the block raises
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
    except (MlflowException, OSError) as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise TrackingError(f"MLflow tracking store {uri}: cannot log the run ({first})") from None
    finally:
        for name in quick:
            os.environ.pop(name, None)
