"""log_run writes to MLflow's default store unless MLFLOW_TRACKING_URI says otherwise."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = """
from mlops_atlas.tracking import log_run
print(log_run("t", params={"seed": 1}, metrics={"m": 0.5}, tables={"table": "a b"}))
"""


def run_in(folder: Path, env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip().splitlines()[-1]


@pytest.mark.slow  # MLflow in new processes
def test_default_store_is_mlflows_sqlite_file_in_the_working_directory(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "MLFLOW_TRACKING_URI"}
    run_id = run_in(tmp_path, env)
    assert len(run_id) == 32
    assert (tmp_path / "mlflow.db").is_file()
    assert list((tmp_path / "mlruns").rglob("table.txt"))  # MLflow's own default artifact root


@pytest.mark.slow  # MLflow in new processes
def test_environment_variable_overrides_the_store(tmp_path: Path) -> None:
    import sqlite3

    from mlops_atlas.runner import mlflow_store_template

    store = tmp_path / "elsewhere.db"
    shutil.copyfile(mlflow_store_template(), store)  # an empty store, its tables made
    run_id = run_in(tmp_path, {**os.environ, "MLFLOW_TRACKING_URI": f"sqlite:///{store}"})
    with contextlib.closing(sqlite3.connect(store)) as database:
        logged = [row[0] for row in database.execute("SELECT run_uuid FROM runs")]
    assert logged == [run_id]  # the run went to the store the variable names...
    assert not (tmp_path / "mlflow.db").exists()  # ...not to the default one


@pytest.mark.slow  # MLflow in new processes
def test_an_unreachable_server_is_one_line_in_seconds_not_minutes(tmp_path: Path) -> None:
    # port 9 (discard) has no MLflow server; MLflow alone would retry for minutes
    env = {**os.environ, "MLFLOW_TRACKING_URI": "http://127.0.0.1:9"}
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,  # a hang guard, not a measurement
    )
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "error: MLflow tracking server http://127.0.0.1:9 is not reachable (connection refused): "
        "start it (mlflow server --host 127.0.0.1 --port PORT) or unset MLFLOW_TRACKING_URI "
        "to log to ./mlflow.db"
    ]


@pytest.mark.slow  # MLflow in new processes
def test_two_processes_share_a_fresh_store_safely(tmp_path: Path) -> None:
    env = {**os.environ, "MLFLOW_TRACKING_URI": f"sqlite:///{tmp_path / 'fresh.db'}"}
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", SCRIPT],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outputs = [
        process.communicate(timeout=600) for process in processes
    ]  # a hang guard; a loaded CI machine took over 120 s
    assert [process.returncode for process in processes] == [0, 0, 0], outputs
    run_ids = {out.strip().splitlines()[-1] for out, _ in outputs}
    assert len(run_ids) == 3


def test_a_run_that_fails_part_way_is_ended_failed(fresh_mlflow_store, monkeypatch) -> None:
    import mlflow
    from mlflow.exceptions import MlflowException

    from mlops_atlas.tracking import TrackingError, log_run

    def broken(*args, **kwargs):
        raise MlflowException("artifact store is full")

    monkeypatch.setattr(mlflow, "log_artifact", broken)
    with pytest.raises(TrackingError, match=r"cannot log the run \(artifact store is full\)"):
        log_run("t-failing", params={"seed": 1}, metrics={"m": 1.0}, tables={"t": "x"})
    runs = mlflow.search_runs(experiment_names=["t-failing"], output_format="list")
    assert [run.info.status for run in runs] == ["FAILED"]


def test_a_script_shows_a_user_error_as_one_line(tmp_path: Path) -> None:
    script = "import mlops_atlas\nfrom mlops_atlas.errors import UsageError\nraise UsageError('data.csv: column x is empty')\n"
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert result.returncode == 1
    assert result.stderr == "error: data.csv: column x is empty\n"


def test_mlflow_usage_reporting_is_off_unless_the_user_turns_it_on() -> None:
    check = "import mlops_atlas, os; print(os.environ['MLFLOW_DISABLE_TELEMETRY'])"
    env = {k: v for k, v in os.environ.items() if k != "MLFLOW_DISABLE_TELEMETRY"}
    result = subprocess.run([sys.executable, "-c", check], env=env, capture_output=True, text=True)
    assert result.stdout.strip() == "true"
    env["MLFLOW_DISABLE_TELEMETRY"] = "false"
    result = subprocess.run([sys.executable, "-c", check], env=env, capture_output=True, text=True)
    assert result.stdout.strip() == "false"
