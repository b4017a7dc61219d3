"""Shared fixtures: a private MLflow store, a real MLflow server, one strict build of the site.

The suite runs on every core (pytest-xdist, ``--dist loadgroup``): the tests that
need the built site form one group, so a single worker builds it while the
others run the rest. The build reuses the project's example cache
(``.cache/mlops-atlas``, keyed by each example's content and the library's
sources), so an unchanged example runs once, whether for ``dev.py build`` or a test.
The MLflow server is started once per worker that needs it, and stopped at the end.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Fixture projects hold deliberately bad code (for the scanners): data, not tests or doctests.
collect_ignore_glob = ["fixtures/*"]


XDIST_GROUPS = {
    "tests/test_site.py": "site",
    "tests/test_browser.py": "site",
    "tests/test_debt_scanner.py": "old-scanner",
    "tests/test_hostile_bibliography.py": "awkward-site",
    "tests/test_pipeline_steps.py": "pipeline_steps",
    "tests/test_serving.py": "serving",
}
"""Modules whose tests run on one xdist worker, by the ``xdist_group`` they declare.

``--dist loadgroup`` keeps a group on one worker by adding ``@group`` to its tests'
node ids; pytest 9.2's structured node ids drop that suffix, and the groups were
spread over every worker: a worker waited for the other's site build, two built the
same server (pytest-xdist#1386). Until that is fixed, the scheduler below groups
these modules itself; collection fails if a module declares a group not listed here.
"""


def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """``--dist loadgroup``, with the groups of :data:`XDIST_GROUPS` kept by module."""
    if config.getoption("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling

    class ModuleGroupScheduling(LoadGroupScheduling):
        def _split_scope(self, nodeid: str) -> str:
            scope = super()._split_scope(nodeid)
            if scope != nodeid:  # xdist found the group in the node id (pytest before 9.2)
                return scope
            return XDIST_GROUPS.get(nodeid.split("::", 1)[0], nodeid)

    return ModuleGroupScheduling(config, log)


def _declared_group(item: pytest.Item) -> str | None:
    mark = item.get_closest_marker("xdist_group")
    if mark is None:
        return None
    return str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark a test by what it waits for, whatever its module says; check its xdist group.

    One that asks for an example's run is ``examples``, one that asks for the built
    site is ``site``: ``-m "not site and not browser and not examples"`` then never
    runs an example or builds the site.
    """
    for item in items:
        names = getattr(item, "fixturenames", ())
        if "example_run" in names and item.get_closest_marker("examples") is None:
            item.add_marker(pytest.mark.examples)
        if "built_site" in names and item.get_closest_marker("site") is None:
            item.add_marker(pytest.mark.site)
        group = _declared_group(item)
        module = item.nodeid.split("::", 1)[0]
        if group is not None and XDIST_GROUPS.get(module) != group:
            raise pytest.UsageError(
                f"{module}: xdist_group {group!r} is not in tests/conftest.py XDIST_GROUPS; "
                f"add {module!r}: {group!r} there"
            )


@pytest.fixture(autouse=True, scope="session")
def private_mlflow_store(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests never log to the user's MLflow store.

    Theirs starts as a copy of an empty store whose tables MLflow created once per
    MLflow version (kept in the project's cache, shared with the examples' runs), so
    no worker waits for MLflow's migrations.
    """
    from mlops_atlas.runner import mlflow_store_template

    store = tmp_path_factory.mktemp("mlflow") / "mlflow.db"
    shutil.copyfile(mlflow_store_template(), store)
    os.environ["MLFLOW_TRACKING_URI"] = f"sqlite:///{store}"


@pytest.fixture
def fresh_mlflow_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """An empty MLflow store for this test alone, where MLflow logs; yields its URI.

    A copy of the shared empty store: a store of its own without MLflow's migrations.
    """
    from mlops_atlas.runner import mlflow_store_template

    store = tmp_path / "mlflow.db"
    shutil.copyfile(mlflow_store_template(), store)
    uri = f"sqlite:///{store}"
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    return uri


MLFLOW_SERVER_TIMEOUT = 180.0
"""Seconds ``mlflow server`` may take to answer ``/health`` (it creates its database first)."""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (OSError, urllib.error.URLError):
        return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the server and the worker it spawned: they share the process group we created."""
    for sent, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sent)
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture(scope="session")
def mlflow_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real ``mlflow server`` on 127.0.0.1; yields its tracking URI (``http://127.0.0.1:PORT``).

    It listens on a free port, keeps its runs and registry in its own SQLite file
    (an empty store to begin with) and its artifacts in its own folder (both in a
    temporary directory), and is
    stopped when the session ends. Point MLflow at it with
    ``monkeypatch.setenv("MLFLOW_TRACKING_URI", mlflow_server)`` or
    ``MlflowClient(tracking_uri=mlflow_server)``. If it does not answer
    ``/health`` within :data:`MLFLOW_SERVER_TIMEOUT` seconds, the test fails with
    the end of the server's log.
    """
    from mlops_atlas.runner import mlflow_store_template

    folder = tmp_path_factory.mktemp("mlflow-server")
    log_path = folder / "server.log"
    # its database starts as a copy of the shared empty store: the server skips the migrations
    shutil.copyfile(mlflow_store_template(), folder / "mlflow.db")
    port = _free_port()
    uri = f"http://127.0.0.1:{port}"
    command = [
        sys.executable,
        "-m",
        "mlflow",
        "server",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
        "--backend-store-uri",
        f"sqlite:///{folder / 'mlflow.db'}",
        "--artifacts-destination",
        (folder / "artifacts").as_uri(),
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLFLOW_")}
    # MLflow 3's job runner (eight more processes, each importing MLflow, for its GenAI
    # features' jobs) is not part of tracking or the registry: off, far less CPU at start
    env["MLFLOW_SERVER_ENABLE_JOB_EXECUTION"] = "false"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command,
            cwd=folder,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped with its worker
        )
    try:
        deadline = time.monotonic() + MLFLOW_SERVER_TIMEOUT
        while not _answers(f"{uri}/health"):
            tail = "\n".join(log_path.read_text(errors="replace").splitlines()[-15:])
            if process.poll() is not None:
                pytest.fail(f"mlflow server exited with status {process.returncode}:\n{tail}")
            if time.monotonic() > deadline:
                pytest.fail(
                    f"mlflow server did not answer {uri}/health within "
                    f"{MLFLOW_SERVER_TIMEOUT:.0f} s; its log ends with:\n{tail}"
                )
            time.sleep(0.5)
        yield uri
    finally:
        _stop(process)


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


@pytest.fixture(scope="session")
def example_definitions():
    """``example_definitions(NAME)``: an example's imports, constants and functions, nothing run.

    For tests of a function the script defines (a chart's ``plot``): the script's
    cells are not executed, so nothing is computed, saved or logged. Constants are
    module-level assignments of literal values (``SEED = 0``, a dict of colours).
    """
    import ast

    from mlops_atlas.runner import EXAMPLES_DIR

    def load(name: str) -> dict[str, object]:
        path = EXAMPLES_DIR / f"{name}.py"
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        kept: list[ast.stmt] = []
        for node in tree.body:
            if isinstance(node, ast.Import | ast.ImportFrom | ast.FunctionDef | ast.ClassDef):
                kept.append(node)
            elif isinstance(node, ast.Assign):
                try:
                    ast.literal_eval(node.value)
                except ValueError:
                    continue
                kept.append(node)
        namespace: dict[str, object] = {"__name__": f"definitions_of_{name}"}
        module = ast.Module(body=kept, type_ignores=[])
        exec(compile(module, str(path), "exec"), namespace)  # the project's own file
        return namespace

    return load
