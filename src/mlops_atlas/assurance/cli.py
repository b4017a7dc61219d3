"""``mlops-atlas assure``: an assurance report for a labelled CSV, after Ashmore et al. (2021).

Exit status: 0 when no check fails, 1 when one does, 2 for unusable input.
"""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["register"]


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``assure`` to the ``mlops-atlas`` command."""
    assure = subparsers.add_parser(
        "assure",
        help="check a labelled CSV and a reference classifier against the assurance desiderata",
        description=(
            "Fit a reference classifier on DATA.csv and check the data and the model against the "
            "desiderata of Ashmore et al. (2021): each check prints what it measured, its bound and "
            "what to do; desiderata no program can judge are listed as such."
        ),
        epilog=(
            "examples:\n"
            "  mlops-atlas assure machines.csv --target failure\n"
            "  mlops-atlas assure machines.csv --target failure --operational last_week.csv\n"
            "  mlops-atlas assure machines.csv --target failure --format markdown > assurance.md\n"
            "\nexit status: 0 no check failed, 1 a check failed, 2 unusable input"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    assure.add_argument(
        "data", type=Path, metavar="DATA.csv", help="labelled data (CSV with a header)"
    )
    assure.add_argument(
        "--target", required=True, metavar="COLUMN", help="the column of class labels"
    )
    assure.add_argument(
        "--operational",
        type=Path,
        metavar="SAMPLE.csv",
        help="inputs seen in operation (no labels needed); enables the comparisons with operation",
    )
    assure.add_argument(
        "--format", choices=["table", "json", "markdown"], default="table", help="output format"
    )
    assure.add_argument(
        "--seed", type=int, default=0, help="seed of the split and the model (default 0)"
    )
    assure.add_argument(
        "--latency-budget-ms",
        type=float,
        metavar="MS",
        help="milliseconds per prediction the system allows (checks fit-for-purpose)",
    )
    assure.set_defaults(run=_assure)


def _assure(args: argparse.Namespace) -> int:
    from mlops_atlas.assurance import Thresholds, assure, prepare, read_table
    from mlops_atlas.errors import UsageError

    if args.latency_budget_ms is not None and args.latency_budget_ms <= 0:
        raise UsageError("--latency-budget-ms must be a positive number of milliseconds")
    dataset = prepare(read_table(args.data), args.target, source=str(args.data))
    operational = read_table(args.operational) if args.operational is not None else None
    if operational is not None:
        from mlops_atlas.assurance import align_operational

        align_operational(
            dataset, operational, source=str(args.operational)
        )  # fails early, with the file's name
    report = assure(
        dataset,
        operational=operational,
        thresholds=Thresholds(latency_budget_ms=args.latency_budget_ms),
        seed=args.seed,
    )
    if args.format == "json":
        print(report.to_json())
    elif args.format == "markdown":
        print(report.to_markdown(), end="")
    else:
        print(report.to_table())
    return 1 if report.failed else 0
