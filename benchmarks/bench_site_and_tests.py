"""The loop's figures, measured in one run: rebuilds against the floor, cold build, suite.

Prints, on this machine:

- **warm rebuild after editing one page** against the **floor**: a bare Material
  build of the same Markdown (no hooks, no i18n, no mkdocstrings), both in a copy
  of the project so the real tree is untouched. Target: at most 1.5 times the floor.
  Two edits are timed: an example's page, which nothing else reads, and a reading,
  which the LLMOps example reads as its corpus, so that example runs again. An
  example that runs again is work the edit asks for: its own run time (from its
  cached record) is printed apart, and the target applies to the rest.
- **cold build** (empty cache: every diagram drawn, every example run, side by side)
  against the **sum of the examples' own run times**: the cold build should cost
  little more than the examples themselves, and less when they run in parallel.
- **the test suite** (``pytest``, all cores), with the example cache as it is.
  Target: under 3 minutes on 2 cores.

Ratios come from one run, on one machine, at one load; the load average is printed
with them. Run: ``python3 dev.py bench`` (``--skip-suite`` for the builds alone).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def timed(label: str, command: list[str], cwd: Path, env: dict[str, str]) -> float:
    print(f"… {label}", flush=True)
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"{label} failed:\n{result.stderr[-3000:]}")
    return elapsed


def copy_project(folder: Path) -> Path:
    project = folder / "project"
    for name in ("docs", "examples", "bibliography", "src", "overrides"):
        shutil.copytree(
            ROOT / name,
            project / name,
            ignore=shutil.ignore_patterns("__pycache__", "generated", "*.egg-info"),
        )
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    return project


def floor_config(project: Path) -> Path:
    """The same theme, Markdown extensions and pages, with nothing of ours and no plugins."""
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    keep = []
    skip = False
    for line in config.splitlines():
        top = re.match(r"^(\w[\w_]*):", line)
        if top:
            skip = top.group(1) in {"hooks", "plugins", "validation", "nav"}
        if not skip and "mlops_atlas.site.markdown" not in line:
            keep.append(line)
    floor = project / "floor.yml"
    floor.write_text("\n".join([*keep, "plugins: [search]", ""]), encoding="utf-8")
    return floor


def build(
    project: Path, config: str, site: Path, env: dict[str, str], *, strict: bool
) -> list[str]:
    return [
        sys.executable,
        "-m",
        "mkdocs",
        "build",
        *(["--strict"] if strict else []),
        "-f",
        str(project / config),
        "-d",
        str(site),
    ]


def example_seconds(cache: Path) -> dict[str, float]:
    seconds = {}
    for record in cache.glob("examples/*/run.json"):
        name = record.parent.name.rsplit("-", 1)[0]
        seconds[name] = json.loads(record.read_text(encoding="utf-8")).get("seconds", 0.0)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--skip-suite", action="store_true", help="time the builds only")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        project = copy_project(folder)
        env = {**ENV, "MLOPS_ATLAS_CACHE": str(folder / "cache")}
        cold = timed(
            "cold build (empty cache)",
            build(project, "mkdocs.yml", folder / "a", env, strict=True),
            project,
            env,
        )
        runs = example_seconds(folder / "cache")
        # Two edits: an example's page, which nothing else reads, and a reading, which the
        # LLMOps example reads (its corpus): that example runs again, as it must.
        warm: dict[str, tuple[float, dict[str, float]]] = {}
        for label, docs_page in (
            ("rebuild after editing an example page", "examples/cace.md"),
            ("rebuild after editing a reading", "readings/sculley2015hidden.md"),
        ):
            page = project / "docs" / docs_page
            page.write_text(page.read_text(encoding="utf-8") + "\nEdited.\n", encoding="utf-8")
            # A writer who edits a page with a Spanish twin stamps the twin (or the strict
            # build refuses the stale translation); the stamp is not part of the rebuild.
            twin = page.with_name(f"{page.stem}.es.md")
            stamp = [sys.executable, "-m", "mlops_atlas.cli", "translations", "--stamp", str(twin)]
            subprocess.run(stamp, cwd=project, env=env, check=True, capture_output=True)
            before = set((folder / "cache").glob("examples/*/run.json"))
            seconds = timed(
                label, build(project, "mkdocs.yml", folder / "b", env, strict=True), project, env
            )
            reran = {
                record.parent.name.rsplit("-", 1)[0]: json.loads(record.read_text("utf-8"))[
                    "seconds"
                ]
                for record in set((folder / "cache").glob("examples/*/run.json")) - before
            }
            warm[label] = (seconds, reran)
        floor = timed(
            "floor: bare Material build of the same pages",
            build(project, floor_config(project).name, folder / "c", env, strict=False),
            project,
            env,
        )
    suite = None
    if not args.skip_suite:
        suite = timed(
            "test suite",
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
            ROOT,
            # as dev.py test runs it: pytest keeps its rewritten test modules
            {k: v for k, v in ENV.items() if k != "PYTHONDONTWRITEBYTECODE"},
        )

    cores = os.cpu_count()
    print(f"\n{cores} cores, load average {load:.1f} when the benchmark started\n")
    print(f"{'what':<44}{'seconds':>9}  {'ratio':>7}  target")
    print(f"{'floor (bare Material, same pages)':<44}{floor:>9.1f}")
    for label, (seconds, reran) in warm.items():
        # An example that reads the edited page runs again: work the edit asks for, timed
        # by the example itself and counted apart; the target is for the rest of the rebuild.
        rest = seconds - sum(reran.values())
        flag = "met" if rest <= 1.5 * floor else "NOT met"
        print(f"{label:<44}{seconds:>9.1f}  {seconds / floor:>6.2f}x", end="")
        if reran:
            ran = ", ".join(f"{name} {s:.1f} s" for name, s in sorted(reran.items()))
            print(f"\n{'  of which examples that read the page:':<44}{'':>9}  {ran}")
            print(f"{'  the rebuild without them':<44}{rest:>9.1f}  {rest / floor:>6.2f}x", end="")
        print(f"  <= 1.5x floor: {flag}")
    total = sum(runs.values())
    print(f"{'examples, their run times added up':<44}{total:>9.1f}  ({len(runs)} examples)")
    print(
        f"{'cold build (examples side by side)':<44}{cold:>9.1f}  {cold / total if total else 0:>6.2f}x  of the sum"
    )
    if suite is not None:
        flag = "met" if suite <= 180 else "NOT met"
        print(f"{'test suite':<44}{suite:>9.1f}           < 180 s: {flag}")
    slowest = sorted(runs.items(), key=lambda item: -item[1])[:5]
    print("\nslowest examples: " + ", ".join(f"{name} {s:.0f} s" for name, s in slowest))


if __name__ == "__main__":
    main()
