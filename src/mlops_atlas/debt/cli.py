"""``mlops-atlas debt scan``: the technical debt of Sculley et al. (2015) a project's code shows."""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

__all__ = ["register"]


def _weight(text: str) -> tuple[str, float]:
    """``RULE=N`` with a known rule and a finite number N >= 0.

    Raises:
        UsageError: Anything else; the one-line message names the accepted values.
    """
    from mlops_atlas.debt.scanner.rules import RULES
    from mlops_atlas.errors import UsageError

    rule, sep, value = text.partition("=")
    known = sorted(r.id for r in RULES)
    if not sep:
        raise UsageError(f"--weight {text}: expected RULE=N, such as configuration=2")
    if rule not in known:
        raise UsageError(f"--weight {text}: unknown rule {rule!r}; rules: {', '.join(known)}")
    try:
        weight = float(value)
    except ValueError:
        weight = math.nan
    if not math.isfinite(weight) or weight < 0:
        raise UsageError(
            f"--weight {text}: N must be a finite number >= 0 (such as 0, 1 or 2.5), got {value!r}"
        )
    return rule, weight


class _Progress:
    """``scanning: 1234/5678 files`` on one line of a terminal, ten times a second at most."""

    def __init__(self) -> None:
        self.shown = 0.0

    def clear(self) -> None:
        """Leave the line clean (the scan is over, or was interrupted)."""
        if self.shown:
            print("\r\033[K", end="", file=sys.stderr, flush=True)
            self.shown = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done == total:
            self.clear()
        elif now - self.shown >= 0.1:
            self.shown = now
            print(f"\rscanning: {done:,}/{total:,} files", end="", file=sys.stderr, flush=True)


def _jobs(text: str) -> int:
    try:
        jobs = int(text)
    except ValueError:
        jobs = 0
    if jobs < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text!r}")
    return jobs


def _scan(args: argparse.Namespace) -> int:
    from mlops_atlas.debt.scanner import ScanError, render, scan
    from mlops_atlas.errors import UsageError

    progress = _Progress() if sys.stderr.isatty() else None

    weights = dict(_weight(text) for text in args.weight)
    try:
        report = scan(
            args.path, exclude=args.exclude, weights=weights, progress=progress, jobs=args.jobs
        )
    except (ScanError, ValueError) as error:
        raise UsageError(str(error)) from None
    finally:
        if progress is not None:
            progress.clear()
    print(render(report, args.format, limit=args.limit or None), end="")
    for problem in report.unreadable:
        print(f"mlops-atlas: skipped {problem}", file=sys.stderr)
    return 1 if report.unreadable else 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``debt scan`` to the ``mlops-atlas`` command."""
    debt = subparsers.add_parser(
        "debt",
        help="technical debt in ML systems (Sculley et al. 2015): scan a project",
        epilog="example:\n  mlops-atlas debt scan path/to/project",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = debt.add_subparsers(dest="debt_command", required=True, metavar="COMMAND")
    scan = commands.add_parser(
        "scan",
        help="find debt a project's code shows, per section of the paper, with scores",
        description=(
            "Parse a project's Python files and notebooks (never import or run them) and report,\n"
            "per section of Sculley et al. (2015), each rule's findings (file:line and why), a\n"
            "score of 0-100 on what it checked (100: no debt seen), and a weighted score per\n"
            "section. Exit status: 0 when every file was read, 1 when some could not be (they\n"
            "are listed and skipped), 2 for bad arguments."
        ),
        epilog=(
            "examples:\n"
            "  mlops-atlas debt scan examples/indebted_project\n"
            "  mlops-atlas debt scan . --exclude 'tests/fixtures' --format markdown > debt.md\n"
            "  mlops-atlas debt scan . --format json --weight configuration=2"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    scan.add_argument("path", type=Path, help="the project's folder")
    scan.add_argument("--format", choices=["table", "json", "markdown"], default="table")
    scan.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="GLOB",
        help="leave out paths matching GLOB, relative to PATH (repeatable)",
    )
    scan.add_argument(
        "--weight",
        action="append",
        default=[],
        metavar="RULE=N",
        help="weight of a rule in its section's score (default 1 each; repeatable)",
    )
    scan.add_argument(
        "--limit",
        type=int,
        default=20,
        metavar="N",
        help="findings shown per rule in table and markdown (0: all; JSON always has all)",
    )
    scan.add_argument(
        "--jobs",
        type=_jobs,
        default=None,
        metavar="N",
        help="processes that read files in parallel (default: every core; the report is the same)",
    )
    scan.set_defaults(run=_scan)
