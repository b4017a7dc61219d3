"""Where the TFX-shaped pipeline's time goes: each task, and the imports every task repeats.

Runs the pipeline twice with ``kfp.local`` in a fresh MLflow store (clean data,
then a planted anomaly), as ``examples/tfx_pipeline.py`` does, and prints the
wall time of every task from KFP's own log lines, the CPU time of all the
task processes, and the cost of the imports a fresh process pays (each
measured in its own ``python -c``). Wall times depend on what else the
machine runs; CPU times much less. Run: ``.venv/bin/python benchmarks/bench_tfx_pipeline.py``.
"""

from __future__ import annotations

import io
import logging
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

IMPORTS = {
    "python alone": "pass",
    "kfp's executor (every task)": "import kfp.dsl.executor_main",
    "pandas + mlops_atlas.validation (data tasks)": "import mlops_atlas.pipelines.data_steps",
    "tensorflow (Trainer, Evaluator)": "import tensorflow",
    "mlflow (Trainer, Evaluator, Pusher)": "import mlflow",
}
_LINE = re.compile(
    r"^(\d\d):(\d\d):(\d\d\.\d+) - INFO - (Executing task|Task) .*?'(?P<task>[\w-]+)'"
)


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def import_cost(code: str) -> tuple[float, float]:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0"}
    before, start = children_cpu(), time.perf_counter()
    subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True)
    return time.perf_counter() - start, children_cpu() - before


def task_times(log: str) -> dict[str, float]:
    """Seconds from 'Executing task' to 'Task ... finished', per task, from KFP's log."""
    started: dict[str, float] = {}
    spent: dict[str, float] = {}
    for line in log.splitlines():
        match = _LINE.match(line.replace("\x1b[96m", "").replace("\x1b[0m", ""))
        if not match:
            continue
        hours, minutes, seconds = match.group(1, 2, 3)
        at = int(hours) * 3600 + int(minutes) * 60 + float(seconds)
        task = match.group("task")
        if match.group(4) == "Executing task":
            started[task] = at
        elif task in started and "finished" in line:
            spent[task] = at - started.pop(task)
    return spent


def main() -> None:
    from mlops_atlas.pipelines.tfx import run_tfx_pipeline

    print(f"{'import in a fresh process':<46}{'wall s':>8}{'CPU s':>8}")
    for label, code in IMPORTS.items():
        wall, cpu = import_cost(code)
        print(f"{label:<46}{wall:>8.2f}{cpu:>8.2f}")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logging.getLogger("mlops_atlas.pipelines.local").addHandler(handler)
    logging.getLogger("mlops_atlas.pipelines.local").setLevel(logging.DEBUG)
    with tempfile.TemporaryDirectory() as folder:
        uri = f"sqlite:///{Path(folder) / 'mlflow.db'}"
        for label, plant in (("clean data", ""), ("planted anomaly", "bmi-missing")):
            stream.seek(0)
            stream.truncate()
            before, start = children_cpu(), time.perf_counter()
            run_tfx_pipeline(
                Path(folder) / label.replace(" ", "-"),
                {"tracking_uri": uri, "plant_anomaly": plant},
            )
            wall, cpu = time.perf_counter() - start, children_cpu() - before
            print(f"\n{label}: {wall:.1f} s wall, {cpu:.1f} s CPU in the task processes")
            for task, seconds in task_times(stream.getvalue()).items():
                print(f"  {task:<20}{seconds:>7.1f} s")
    print(f"\nload average at the end: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
