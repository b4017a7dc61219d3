"""Shared fixtures: a private MLflow store, and one strict build of the site per session."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Fixture projects hold deliberately bad code (for the scanners): data, not tests or doctests.
collect_ignore_glob = ["fixtures/*"]


@pytest.fixture(autouse=True, scope="session")
def private_mlflow_store(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests never log to the user's MLflow store."""
    store = tmp_path_factory.mktemp("mlflow") / "mlflow.db"
    os.environ["MLFLOW_TRACKING_URI"] = f"sqlite:///{store}"


def build_site(config: Path, site_dir: Path, cache_dir: Path) -> subprocess.CompletedProcess[str]:
    """Run ``mkdocs build --strict`` as a user would; return the finished process."""
    env = {**os.environ, "MLOPS_ATLAS_CACHE": str(cache_dir), "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "-f",
            str(config),
            "-d",
            str(site_dir),
        ],
        cwd=config.parent,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's site, built once per session with a cold cache."""
    site = tmp_path_factory.mktemp("site")
    result = build_site(ROOT / "mkdocs.yml", site, tmp_path_factory.mktemp("cache"))
    assert result.returncode == 0, result.stderr
    return site
