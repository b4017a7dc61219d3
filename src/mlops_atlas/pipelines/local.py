"""Kubeflow Pipelines, the course's way: compile to IR YAML, run locally, read the DAG.

A pipeline written with ``kfp.dsl`` compiles to the Kubeflow IR YAML that a
user uploads to a Kubeflow cluster. The same pipeline runs on a laptop with
``kfp.local`` and its subprocess runner: no cluster, no Docker, no network
(components are declared with ``install_kfp_package=False``, so nothing is
pip-installed at run time).
"""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml

__all__ = ["compile_pipeline", "pipeline_dag", "run_locally", "tasks_run"]


def compile_pipeline(pipeline: Callable[..., Any], path: Path) -> Path:
    """Compile a ``@dsl.pipeline`` function to Kubeflow IR YAML at ``path``."""
    from kfp import compiler

    path.parent.mkdir(parents=True, exist_ok=True)
    compiler.Compiler().compile(pipeline_func=pipeline, package_path=str(path))
    return path


def pipeline_dag(path: Path) -> dict[str, list[str]]:
    """The tasks of a compiled pipeline and the tasks each depends on, sorted.

    Tasks inside a condition (``dsl.If``) appear under their own names, with the
    condition's dependencies.

    Args:
        path: A compiled IR YAML file.

    Returns:
        Task name to the names of the tasks it waits for.
    """
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    components = spec.get("components", {})
    dag: dict[str, list[str]] = {}

    def walk(tasks: Mapping[str, Any], inherited: list[str]) -> None:
        for name, task in tasks.items():
            needs = sorted(set(task.get("dependentTasks", [])) | set(inherited))
            component = components.get(task.get("componentRef", {}).get("name", ""), {})
            inner = component.get("dag", {}).get("tasks")
            if inner:  # a condition or sub-DAG: its tasks wait for what it waits for
                walk(inner, needs)
            else:
                dag[name] = needs

    walk(spec["root"]["dag"]["tasks"], [])
    return dict(sorted(dag.items()))


def run_locally(
    pipeline: Callable[..., Any], *, pipeline_root: Path, arguments: Mapping[str, Any]
) -> Any:
    """Run a pipeline with ``kfp.local`` in subprocesses; return the pipeline task.

    KFP's own log lines (one block per task) are captured, not printed, so a
    caller's output stays readable; they are kept at DEBUG level.

    Args:
        pipeline: The ``@dsl.pipeline`` function.
        pipeline_root: Folder for the artifacts the tasks write.
        arguments: The pipeline's parameters.

    Returns:
        The finished pipeline task (``.output`` or ``.outputs[...]``).

    Raises:
        RuntimeError: A task failed; the message ends with the last lines KFP logged.
    """
    from kfp import local

    pipeline_root.mkdir(parents=True, exist_ok=True)
    local.init(runner=local.SubprocessRunner(use_venv=False), pipeline_root=str(pipeline_root))
    captured = io.StringIO()
    try:
        with contextlib.redirect_stdout(captured), contextlib.redirect_stderr(captured):
            task = pipeline(**arguments)
    except RuntimeError as error:
        tail = "\n".join(captured.getvalue().rstrip().splitlines()[-15:])
        raise RuntimeError(f"{error}\n{tail}") from None
    finally:
        logging.getLogger(__name__).debug(captured.getvalue())
    return task


def tasks_run(pipeline_root: Path) -> list[str]:
    """Names of the tasks that ran in the newest local run under ``pipeline_root``, sorted.

    ``kfp.local`` keeps each run in ``<root>/<pipeline>-<timestamp>/<task>/``; a
    task skipped by a condition has no folder.
    """
    runs = [path for path in pipeline_root.iterdir() if path.is_dir()]
    if not runs:
        return []
    newest = max(runs, key=lambda path: path.name)
    return sorted(path.name for path in newest.iterdir() if path.is_dir())
