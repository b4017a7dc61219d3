"""Speed of ``mlops-atlas debt scan`` on a large real project: scikit-learn's own sources.

The installed ``sklearn`` package (in ``.venv``) is scanned whole, as a user would scan a
checkout; the time covers reading, parsing and every rule. Prints files, code lines, the
best of three wall times, and lines per second; the target is 100,000 lines in under 10 s.

Run: ``python benchmarks/bench_debt_scan.py [PATH]`` (default: the installed scikit-learn).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import sklearn

from mlops_atlas.debt.scanner import scan


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(sklearn.__file__).parent
    times = []
    report = None
    for _ in range(3):
        start = time.perf_counter()
        report = scan(path)
        times.append(time.perf_counter() - start)
    assert report is not None
    lines = sum(
        len(p.read_text(encoding="utf-8", errors="replace").splitlines())
        for p in path.rglob("*.py")
    )
    best = min(times)
    print(f"scanned {path}")
    print(
        f"  {report.python_files} Python files, {lines:,} lines ({report.code_lines:,} code lines)"
    )
    print(f"  {report.findings:,} findings, {len(report.unreadable)} files unreadable")
    print(f"  best of 3: {best:.2f} s ({', '.join(f'{t:.2f}' for t in times)})")
    print(f"  {lines / best:,.0f} lines/s: 100,000 lines in {100_000 / (lines / best):.2f} s")


if __name__ == "__main__":
    main()
