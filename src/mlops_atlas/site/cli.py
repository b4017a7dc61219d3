"""Site commands: ``mlops-atlas prepare`` (the generated files) and ``mlops-atlas translations``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["register"]

_DOCS = Path(__file__).resolve().parents[3] / "docs"


def _translations(args: argparse.Namespace) -> int:
    from mlops_atlas.errors import UsageError
    from mlops_atlas.site.translations import check_translations, stamp_translation

    if args.stamp:
        for twin in args.stamp:
            stamp = stamp_translation(twin)
            print(f"{twin}: translation_of {stamp}")
        return 0
    if not args.docs.is_dir():
        raise UsageError(f"{args.docs}: no such docs folder")
    problems = check_translations(args.docs)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"mlops-atlas: {len(problems)} translation(s) to do", file=sys.stderr)
        return 1
    print(f"ok: every page in {args.docs} has a current Spanish twin")
    return 0


def _prepare(args: argparse.Namespace) -> int:
    from mlops_atlas.site.prepare import clean, prepare

    root = args.root.resolve()
    if args.clean:
        clean(root / "docs")

    def progress(line: str) -> None:
        sys.stderr.write(f"{line}\n")

    context = prepare(root, progress=progress)
    print(
        f"prepared {len(context.diagram_paths)} diagrams, {len(context.runs)} examples and "
        f"{len(context.rendered)} pages into {root / 'docs' / 'generated'}"
    )
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``prepare`` and ``translations`` to the ``mlops-atlas`` command."""
    prepare = subparsers.add_parser(
        "prepare",
        help="write the site's generated files (diagrams, example outputs, downloads) into docs/",
        description=(
            "The engine-neutral step of the site build: draw every diagram, run every example\n"
            "(cached by content), write what they produce and the BibTeX downloads into\n"
            "docs/generated/, and check every page. MkDocs runs it by itself through the\n"
            "project's hooks; run it before another engine builds the docs folder."
        ),
        epilog="examples:\n  mlops-atlas prepare\n  mlops-atlas prepare --clean",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    prepare.add_argument(
        "--root", type=Path, default=_DOCS.parent, help="the project folder (default: this one)"
    )
    prepare.add_argument(
        "--clean", action="store_true", help="remove docs/generated/ first (the cache stays)"
    )
    prepare.set_defaults(run=_prepare)

    command = subparsers.add_parser(
        "translations",
        help="list Spanish twins (*.es.md) that are missing, stale or shaped differently",
        description=(
            "Each docs page NAME.md has a Spanish twin NAME.es.md whose front matter says which\n"
            "version of the English page it translates (translation_of: HASH). This lists the\n"
            "twins to write or update (exit 1 when there are any). After updating a twin, stamp\n"
            "it with --stamp. The site build fails on the same problems."
        ),
        epilog=(
            "examples:\n"
            "  mlops-atlas translations\n"
            "  mlops-atlas translations --stamp docs/readings/sculley2015hidden.es.md"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    command.add_argument("--docs", type=Path, default=_DOCS, help="the docs folder")
    command.add_argument(
        "--stamp",
        type=Path,
        nargs="+",
        metavar="TWIN",
        help="record that these twins translate their English pages as they are now",
    )
    command.set_defaults(run=_translations)
