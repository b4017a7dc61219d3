"""Time a cold and a warm site build and the whole test suite; print the figures.

Targets on 2 cores: warm rebuild under 5 s, cold build under 60 s, the test
suite under 3 minutes. Run: ``python3 dev.py bench``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"cold site build": 60.0, "warm site build": 5.0, "test suite": 180.0}


def timed(label: str, command: list[str], env: dict[str, str]) -> float:
    print(f"… {label}", flush=True)
    start = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"{label} failed:\n{result.stderr[-2000:]}")
    return elapsed


def main() -> None:
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "MLOPS_ATLAS_CACHE": str(Path(folder) / "cache"),
            "NO_MKDOCS_2_WARNING": "1",
        }
        build = [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "-d",
            str(Path(folder) / "site"),
        ]
        figures["cold site build"] = timed("cold site build (empty cache)", build, env)
        figures["warm site build"] = timed("warm site build (nothing changed)", build, env)
    figures["test suite"] = timed(
        "test suite", [sys.executable, "-m", "pytest", "-q"], dict(os.environ)
    )

    print(f"\n{'what':<18}{'seconds':>9}{'target':>9}  {'cores':>5}")
    for label, seconds in figures.items():
        flag = "ok" if seconds <= TARGETS[label] else "SLOW"
        print(f"{label:<18}{seconds:>9.1f}{TARGETS[label]:>9.0f}  {os.cpu_count():>5}  {flag}")


if __name__ == "__main__":
    main()
