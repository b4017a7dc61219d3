"""Speed and memory of ``mlops-atlas debt scan`` against ``ast.parse`` alone and ruff, on real trees.

Three tools read the same Python files, each in its own process, one after the other:

- ``debt scan``: the scanner, as a user runs it (``mlops-atlas debt scan TREE --jobs N``);
  besides the Python files it reads the tree's text and configuration files; its start-up
  alone (``mlops-atlas debt scan --help``: importing the package) is measured too;
- ``ast.parse only``: read and parse each file, nothing else, on the same N processes
  (with the cycle collector off in the workers, as the scanner does): the floor for any
  tool built on :mod:`ast`;
- ``ruff check --select ALL``: every ruff rule, on the same files (ruff is written in Rust;
  it runs N threads).

For each: lines per second (physical lines of the ``.py`` files the scanner reads), peak
memory (the process and its workers together, proportional set sizes, sampled every 20 ms),
wall and CPU seconds; the median of ``--repeat`` runs. Then the ratios the targets are
stated in: scanner speed against parse-only speed (target: within about 2x) and the
scanner's lines per second (target: 100,000 on 2 cores), peak memory (target: under
500 MB on a virtual environment). Timings are noisy on a shared machine: the load average
is printed before and after, and ratios measured in one run are what to compare.

Run: ``python benchmarks/bench_debt_scan.py [TREE ...] [--jobs N] [--repeat K]``. With no
tree: the installed scikit-learn, then the whole virtual environment (``--no-venv`` skips
the second, which takes minutes).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from pathlib import Path

from mlops_atlas.debt.scanner.engine import default_jobs
from mlops_atlas.debt.scanner.files import MAX_BYTES, walk

_PARSE_ONLY = """
import ast, gc, sys
from concurrent.futures import ProcessPoolExecutor
def parse(paths):
    gc.disable()
    for path in paths:
        with open(path, "rb") as file:
            ast.parse(file.read().decode("utf-8-sig", "replace"), filename=path)
    return len(paths)
if __name__ == "__main__":
    paths = open(sys.argv[1]).read().splitlines()
    jobs = int(sys.argv[2])
    batches = [paths[i : i + 8] for i in range(0, len(paths), 8)]
    with ProcessPoolExecutor(jobs) as pool:
        assert sum(pool.map(parse, batches)) == len(paths)
"""


def _tree_memory(pid: int) -> int:
    """Memory of a process and all its descendants, in bytes (Linux /proc).

    Each process counts its proportional set size: pages that forked workers share with
    their parent are shared out, not counted once per process as resident sizes would be.
    """
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            rollup = Path(f"/proc/{current}/smaps_rollup").read_text()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        for line in rollup.splitlines():
            if line.startswith("Pss:"):
                total += int(line.split()[1]) * 1024
                break
        pending.extend(int(child) for child in children)
    return total


def _measure(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float, int]:
    """(wall seconds, CPU seconds, peak resident bytes of the process tree) of one command."""
    before = os.times()
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_memory(process.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = process.communicate()
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    after = os.times()
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    if process.returncode not in (0, 1):
        raise SystemExit(f"{command[0]} failed ({process.returncode}): {err.decode()[-500:]}")
    return wall, cpu, peak


def _python_files(tree: Path) -> tuple[list[Path], int]:
    """The ``.py`` files the scanner reads in ``tree`` (at most 1 MB each), and their lines."""
    paths = [
        tree / p
        for p in walk(tree, (), [])
        if p.endswith(".py") and (tree / p).is_file() and not (tree / p).is_symlink()
    ]
    paths = [p for p in paths if p.stat().st_size <= MAX_BYTES]
    lines = sum(p.read_bytes().count(b"\n") for p in paths)
    return paths, lines


def _ruff() -> str:
    found = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if found is None:
        raise SystemExit("ruff is not installed: python3 dev.py setup installs it")
    return found


def bench_tree(tree: Path, jobs: int, repeat: int, scratch: Path) -> None:
    """Measure the three tools on one tree and print a table and the ratios."""
    paths, lines = _python_files(tree)
    listing = scratch / "files.txt"
    listing.write_text("\n".join(map(str, paths)))
    parse_script = scratch / "parse_only.py"
    parse_script.write_text(_PARSE_ONLY)
    ruff_config = scratch / "ruff.toml"
    ruff_config.write_text("")  # no project configuration: ruff's defaults, every rule
    cli = Path(sys.executable).parent / "mlops-atlas"
    env = {**os.environ, "RAYON_NUM_THREADS": str(jobs)}
    ruff = [_ruff(), "check", "--select", "ALL", "--config", str(ruff_config), "--no-cache"]
    ruff += ["--exit-zero", "--quiet"]
    tools = {
        "debt scan": [[str(cli), "debt", "scan", str(tree), "--format", "json", f"--jobs={jobs}"]],
        "  of which start-up": [[str(cli), "debt", "scan", "--help"]],
        "ast.parse only": [[sys.executable, str(parse_script), str(listing), str(jobs)]],
        # Paths given one by one are linted even where ruff's defaults exclude a folder.
        "ruff check --select ALL": [
            [*ruff, *map(str, paths[i : i + 2000])] for i in range(0, len(paths), 2000)
        ],
    }
    results: dict[str, tuple[float, float, int]] = {}
    for name, commands in tools.items():
        runs = []
        for _ in range(repeat):
            parts = [_measure(command, env) for command in commands]
            runs.append(
                (sum(p[0] for p in parts), sum(p[1] for p in parts), max(p[2] for p in parts))
            )
        results[name] = tuple(statistics.median(r[i] for r in runs) for i in range(3))  # type: ignore[assignment]
    print(f"\n{tree}: {len(paths):,} Python files, {lines:,} lines")
    print(f"  {'tool':<26} {'lines/s':>10} {'peak mem':>10} {'wall s':>8} {'CPU s':>8}")
    for name, (wall, cpu, peak) in results.items():
        speed = "" if "start-up" in name else f"{lines / wall:,.0f}"
        print(f"  {name:<26} {speed:>10} {peak / 2**20:>7,.0f} MB {wall:>8.2f} {cpu:>8.2f}")
    scan_wall, scan_cpu, scan_peak = results["debt scan"]
    parse_wall, parse_cpu, _ = results["ast.parse only"]
    ruff_wall = results["ruff check --select ALL"][0]
    print(
        f"  scanner: {lines / scan_wall:,.0f} lines/s (target >= 100,000 on 2 cores), "
        f"peak {scan_peak / 2**20:,.0f} MB (target < 500 MB)"
    )
    print(
        f"  scanner / parse only: {scan_wall / parse_wall:.2f}x the wall time, "
        f"{scan_cpu / parse_cpu:.2f}x the CPU time (target: within about 2x)"
    )
    print(f"  scanner / ruff: {scan_wall / ruff_wall:.2f}x the wall time")
    start_cpu = results["  of which start-up"][1]
    print(
        f"  scanner without its start-up (imports of the mlops_atlas package): "
        f"{(scan_cpu - start_cpu) / parse_cpu:.2f}x the CPU time of parse only"
    )


def main() -> None:
    """Parse the arguments and measure each tree."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("trees", nargs="*", type=Path, help="folders to scan")
    parser.add_argument("--jobs", type=int, default=default_jobs(), help="processes (all cores)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per tool; the median shown")
    parser.add_argument("--no-venv", action="store_true", help="skip the virtual environment")
    args = parser.parse_args()
    trees = args.trees
    if not trees:
        import sklearn

        trees = [Path(sklearn.__file__).parent]
        if not args.no_venv:
            trees.append(Path(sysconfig.get_paths()["purelib"]).parents[2])
    print(
        f"{args.jobs} jobs, {os.cpu_count()} cores, nice {os.nice(0)}, load average "
        f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}, median of {args.repeat} runs"
    )
    with tempfile.TemporaryDirectory() as scratch:
        for tree in trees:
            bench_tree(tree.resolve(), args.jobs, args.repeat, Path(scratch))
    print(f"\nload average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
