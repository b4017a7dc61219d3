"""Time the deployment examples as the site build runs them: wall clock and CPU.

Each example runs in a subprocess with a private MLflow store copied from one
whose tables already exist (as the build's runner does), so table creation is
not timed; the figures go to a temporary folder. Prints, per example, the
wall-clock time, the CPU time of the process and its children, and their ratio:
on an idle 2-core machine the ratio is close to 1, and a high ratio says the
machine was busy (the wall-clock time then overstates the example's cost).

Run: ``python benchmarks/bench_deployment_examples.py [NAME ...]``
(default: staged_deployment environments).
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    names = sys.argv[1:] or ["staged_deployment", "environments"]
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        template = work / "template.db"
        create = "import sys, mlflow; mlflow.MlflowClient(sys.argv[1]).search_experiments()"
        subprocess.run([sys.executable, "-c", create, f"sqlite:///{template}"], check=True)
        print(f"{'example':<20}{'wall s':>8}{'cpu s':>8}{'wall/cpu':>10}")
        for name in names:
            store = work / f"{name}.db"
            shutil.copyfile(template, store)
            env = {
                **os.environ,
                "MLFLOW_TRACKING_URI": f"sqlite:///{store}",
                "MLOPS_ATLAS_OUTPUT": str(work / name),
                "MPLBACKEND": "Agg",
            }
            cpu, start = children_cpu(), time.perf_counter()
            subprocess.run(
                [sys.executable, str(EXAMPLES / f"{name}.py")],
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            wall, used = time.perf_counter() - start, children_cpu() - cpu
            print(f"{name:<20}{wall:>8.1f}{used:>8.1f}{wall / used:>10.2f}")
    print(f"load average (1, 5, 15 min): {', '.join(f'{v:.1f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
