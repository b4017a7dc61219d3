"""log_run writes to MLflow's default store unless MLFLOW_TRACKING_URI says otherwise."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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


def test_default_store_is_mlflows_sqlite_file_in_the_working_directory(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "MLFLOW_TRACKING_URI"}
    run_id = run_in(tmp_path, env)
    assert len(run_id) == 32
    assert (tmp_path / "mlflow.db").is_file()
    assert list((tmp_path / "mlruns").rglob("table.txt"))  # MLflow's own default artifact root


def test_environment_variable_overrides_the_store(tmp_path: Path) -> None:
    store = tmp_path / "elsewhere.db"
    run_in(tmp_path, {**os.environ, "MLFLOW_TRACKING_URI": f"sqlite:///{store}"})
    assert store.is_file()
    assert not (tmp_path / "mlflow.db").exists()
