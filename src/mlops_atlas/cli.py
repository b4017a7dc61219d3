"""The ``mlops-atlas`` command: cite, export and check the bibliography, draw diagrams.

Every subcommand has ``--help`` with an example. Problems with the user's
input are one line on standard error and exit status 2; nothing is
half-written.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from pathlib import Path

from mlops_atlas.bibliography import DEFAULT_BIB, load_bibliography
from mlops_atlas.errors import AtlasError, UsageError
from mlops_atlas.outputs import write_atomically

__all__ = ["UsageError", "main"]

_SUBCOMMAND_MODULES = (
    "mlops_atlas.debt.cli",
    "mlops_atlas.validation.cli",
    "mlops_atlas.maturity.cli",
    "mlops_atlas.assurance.cli",
    "mlops_atlas.site.cli",
)
"""Modules adding subcommands: each defines ``register(subparsers) -> None``."""


def _cite(args: argparse.Namespace) -> int:
    from mlops_atlas.references import format_reference

    bibliography = load_bibliography(args.bib)
    bibliography.select(args.keys)  # raises on an unknown key
    keys = list(dict.fromkeys(args.keys))  # in the order asked for
    if args.style == "bibtex":
        print(bibliography.to_bibtex(keys), end="")
    else:
        for key in keys:
            print(format_reference(bibliography[key], args.style, "text"))
    return 0


def _export(args: argparse.Namespace) -> int:
    bibliography = load_bibliography(args.bib)
    keys = bibliography.select(args.key or (), topic=args.topic, course_class=args.course_class)
    if not keys:
        wanted = ", ".join(
            f"{name} {value}"
            for name, value in (("topic", args.topic), ("course class", args.course_class))
            if value is not None
        )
        topics = ", ".join(bibliography.topics())
        print(f"mlops-atlas: error: no entry matches {wanted} (topics: {topics})", file=sys.stderr)
        return 2
    text = bibliography.to_bibtex(keys)
    if args.output:
        write_atomically(args.output, text)
        print(f"{len(keys)} entries written to {args.output}", file=sys.stderr)
    else:
        print(text, end="")
    return 0


def _check(args: argparse.Namespace) -> int:
    from mlops_atlas.site.pages import check_docs

    bibliography = load_bibliography(args.bib)  # its own problems raise, all at once
    problems = check_docs(args.docs, bibliography)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"mlops-atlas: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    print(f"ok: {len(bibliography)} entries in {args.bib}; every key used in {args.docs} exists")
    return 0


def _diagram(args: argparse.Namespace) -> int:
    import shutil
    import tempfile

    from mlops_atlas.diagrams import registry, render_svg

    if args.list or not args.name:
        for name, spec in sorted(registry().items()):
            print(f"{name:<28} {spec.title}")
        return 0
    with tempfile.TemporaryDirectory() as folder:
        drawn = render_svg(args.name, Path(folder))
        output = args.output or Path(f"{args.name}.svg")
        shutil.copyfile(drawn, output)
    print(output)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mlops-atlas",
        description="MLOps Atlas: cite, export and check the MLOps bibliography; draw its architectures.",
        epilog=(
            "examples:\n"
            "  mlops-atlas cite sculley2015hidden --style apa\n"
            "  mlops-atlas export --course-class 2 -o clase2.bib\n"
            "  mlops-atlas check\n"
            "  mlops-atlas diagram sculley2015-figure1 -o figure1.svg\n"
            "\nRun 'mlops-atlas COMMAND --help' for a command's options."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--bib", type=Path, default=DEFAULT_BIB, help="the .bib file to read")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    cite = commands.add_parser(
        "cite",
        help="print references for one or more keys (BibTeX, APA 7 or IEEE)",
        epilog="example:\n  mlops-atlas cite sculley2015hidden --style ieee",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cite.add_argument("keys", nargs="+", metavar="KEY", help="citation keys")
    cite.add_argument("--style", choices=["bibtex", "apa", "ieee"], default="bibtex")
    cite.set_defaults(run=_cite)

    export = commands.add_parser(
        "export",
        help="write BibTeX for keys, a topic, a UBA class, or everything",
        epilog=(
            "examples:\n"
            "  mlops-atlas export -o references.bib\n"
            "  mlops-atlas export --course-class 2 -o clase2.bib\n"
            "  mlops-atlas export --topic drift\n"
            "  mlops-atlas export --key sculley2015hidden --key baylor2017tfx"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    export.add_argument("--key", action="append", metavar="K", help="a key (repeatable)")
    export.add_argument("--topic", metavar="T", help="entries with this keyword")
    export.add_argument(
        "--course-class", type=int, metavar="N", help="entries for UBA class N (1-8)"
    )
    export.add_argument(
        "-o", "--output", type=Path, help="file to write (default: standard output)"
    )
    export.set_defaults(run=_export)

    check = commands.add_parser(
        "check",
        help="check the bibliography and every citation key the docs use",
        epilog="example:\n  mlops-atlas check --docs docs",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument(
        "--docs", type=Path, default=DEFAULT_BIB.parents[1] / "docs", help="docs folder"
    )
    check.set_defaults(run=_check)

    diagram = commands.add_parser(
        "diagram",
        help="list the diagrams, or draw one to a self-contained SVG",
        epilog="examples:\n  mlops-atlas diagram --list\n  mlops-atlas diagram sculley2015-figure1 -o fig1.svg",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    diagram.add_argument("name", nargs="?", help="a diagram name (see --list)")
    diagram.add_argument("-o", "--output", type=Path, help="where to write (default NAME.svg)")
    diagram.add_argument("--list", action="store_true", help="list the diagrams")
    diagram.set_defaults(run=_diagram)

    # Each idea's subpackage adds its own subcommands (``register(commands)`` in its cli module).
    here = Path(__file__).parent
    for module_name in _SUBCOMMAND_MODULES:
        if here.joinpath(*module_name.split(".")[1:]).with_suffix(".py").is_file():
            importlib.import_module(module_name).register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    try:
        args = _parser().parse_args(argv)
        return args.run(args)
    except AtlasError as error:
        print(f"mlops-atlas: error: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"mlops-atlas: error: {_os_error_line(error)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("mlops-atlas: interrupted", file=sys.stderr)
        return 130


def _os_error_line(error: OSError) -> str:
    """``path: reason`` for a file-system error, without Python's ``[Errno N]`` prefix."""
    reason = error.strerror or str(error)
    return f"{error.filename}: {reason}" if error.filename else reason


if __name__ == "__main__":
    sys.exit(main())
