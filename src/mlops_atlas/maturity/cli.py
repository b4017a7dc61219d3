"""``mlops-atlas maturity``: write the answers template, assess a team (and its repository)."""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["register"]


def _template(args: argparse.Namespace) -> int:
    from mlops_atlas.errors import UsageError
    from mlops_atlas.maturity.render import template
    from mlops_atlas.outputs import write_atomically

    text = template(team=args.team)
    if args.output is None:
        print(text, end="")
        return 0
    if args.output.exists() and not args.force:
        raise UsageError(f"{args.output}: already exists; pass --force to overwrite it")
    write_atomically(args.output, text)
    print(
        f"template written to {args.output}: fill in the answers, then run "
        f"'mlops-atlas maturity assess {args.output}'"
    )
    return 0


def _assess(args: argparse.Namespace) -> int:
    from mlops_atlas.errors import UsageError
    from mlops_atlas.maturity.assess import AnswersError, assess, load_answers
    from mlops_atlas.maturity.evidence import EvidenceError, scan_repository
    from mlops_atlas.maturity.models import ModelError
    from mlops_atlas.maturity.render import render

    try:
        team, answers = load_answers(args.answers)
        detected = scan_repository(args.repo) if args.repo is not None else []
        result = assess(answers, team=team, detected=detected)
    except (AnswersError, EvidenceError, ModelError) as error:
        raise UsageError(str(error)) from None
    print(render(result, args.format, top=args.top), end="")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``maturity template`` and ``maturity assess`` to the ``mlops-atlas`` command."""
    maturity = subparsers.add_parser(
        "maturity",
        help="MLOps maturity self-assessment (Google, Microsoft, ML Test Score, Kreuzberger)",
        epilog=(
            "examples:\n"
            "  mlops-atlas maturity template -o answers.yaml\n"
            "  mlops-atlas maturity assess answers.yaml --repo . --format markdown"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = maturity.add_subparsers(dest="maturity_command", required=True, metavar="COMMAND")

    template = commands.add_parser(
        "template",
        help="write the answers file: every question id, its text and allowed values",
        epilog="example:\n  mlops-atlas maturity template -o answers.yaml --team 'Fraud models'",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    template.add_argument(
        "-o", "--output", type=Path, help="file to write (default: standard output)"
    )
    template.add_argument("--team", default="our team", help="the team's name in the file")
    template.add_argument("--force", action="store_true", help="overwrite an existing file")
    template.set_defaults(run=_template)

    run = commands.add_parser(
        "assess",
        help="levels, ML Test Score, principle coverage and ranked gaps from an answers file",
        epilog=(
            "examples:\n"
            "  mlops-atlas maturity assess answers.yaml\n"
            "  mlops-atlas maturity assess answers.yaml --repo path/to/checkout --format json"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument("answers", type=Path, help="the answers file (from 'maturity template')")
    run.add_argument("--repo", type=Path, help="a checkout whose files answer what they can show")
    run.add_argument("--format", choices=["table", "json", "markdown"], default="table")
    run.add_argument("--top", type=int, default=8, help="gaps to list (table and markdown)")
    run.set_defaults(run=_assess)
