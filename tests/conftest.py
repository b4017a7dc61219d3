"""Shared fixtures: a private MLflow store, and one strict build of the site per session.

The suite runs on every core (pytest-xdist, ``--dist loadgroup``): the tests that
need the built site form one group, so a single worker builds it while the
others run the rest. The build reuses the project's example cache
(``.cache/mlops-atlas``, keyed by each example's content and the library's
sources), so an unchanged example runs once, whether for ``dev.py build`` or a test.
"""

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


def shared_tmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A temporary folder shared by every xdist worker of this session."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's site, built once per session (whichever worker asks first builds it)."""
    from filelock import FileLock

    from mlops_atlas.site.prepare import default_cache_dir

    shared = shared_tmp(tmp_path_factory)
    site, failed = shared / "built-site", shared / "built-site.failed"
    with FileLock(str(shared / "built-site.lock")):
        if not (site / "index.html").is_file() and not failed.exists():
            result = build_site(ROOT / "mkdocs.yml", site, default_cache_dir(ROOT))
            if result.returncode != 0:
                failed.write_text(result.stderr, encoding="utf-8")
    if failed.exists():
        pytest.fail(f"the strict build failed:\n{failed.read_text(encoding='utf-8')}")
    return site


@pytest.fixture(scope="session")
def example_run():
    """``example_run(NAME)``: the example's run, shared with the site build (one per content).

    Runs come from the project's example cache, keyed by the script, its data and the
    library modules it imports; whoever asks first runs it, everyone else waits and
    reuses it. ``example_run(NAME).namespace()`` gives the values the script left at
    module level, as ``runpy.run_path`` would, without running it again.
    """
    from mlops_atlas.runner import run_example
    from mlops_atlas.site.prepare import default_cache_dir

    cache = default_cache_dir(ROOT) / "examples"
    return lambda name: run_example(name, cache)
