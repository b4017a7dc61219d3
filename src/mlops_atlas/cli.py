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
from typing import TYPE_CHECKING

from mlops_atlas.errors import AtlasError, UsageError
from mlops_atlas.outputs import write_atomically

if TYPE_CHECKING:
    from mlops_atlas.bibliography import Bibliography

__all__ = ["UsageError", "main"]

_SUBCOMMAND_MODULES = {
    "mlops_atlas.debt.cli": ("debt",),
    "mlops_atlas.validation.cli": ("validate",),
    "mlops_atlas.maturity.cli": ("maturity",),
    "mlops_atlas.assurance.cli": ("assure",),
    "mlops_atlas.site.cli": ("prepare", "translations"),
}
"""Modules adding subcommands, and the commands each adds with ``register(subparsers)``.

Only the module of the command asked for is imported (``validate`` needs pandas, ``debt
scan`` does not), so that a command starts in the time its own imports take. A command
missing here still works: an unknown command imports them all.
"""


def _command_in(argv: Sequence[str]) -> str | None:
    """The subcommand named in ``argv`` (the first word that is not ``--bib`` or its value)."""
    words = iter(argv)
    for word in words:
        if word == "--bib":
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def _bibliography(args: argparse.Namespace) -> Bibliography:
    """The bibliography ``--bib`` names (default: the project's), imported only when needed."""
    from mlops_atlas.bibliography import DEFAULT_BIB, load_bibliography

    return load_bibliography(args.bib or DEFAULT_BIB)


def _cite(args: argparse.Namespace) -> int:
    from mlops_atlas.references import format_reference

    bibliography = _bibliography(args)
    bibliography.select(args.keys)  # raises on an unknown key
    keys = list(dict.fromkeys(args.keys))  # in the order asked for
    if args.style == "bibtex":
        print(bibliography.to_bibtex(keys), end="")
    else:
        for key in keys:
            print(format_reference(bibliography[key], args.style, "text"))
    return 0


def _export(args: argparse.Namespace) -> int:
    bibliography = _bibliography(args)
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
    from mlops_atlas.bibliography import DEFAULT_BIB
    from mlops_atlas.site.pages import check_docs

    bibliography = _bibliography(args)  # its own problems raise, all at once
    bib = args.bib or DEFAULT_BIB
    docs = args.docs or DEFAULT_BIB.parents[1] / "docs"
    problems = check_docs(docs, bibliography)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"mlops-atlas: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    print(f"ok: {len(bibliography)} entries in {bib}; every key used in {docs} exists")
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


def _parser(command: str | None = None) -> argparse.ArgumentParser:
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
    parser.add_argument(
        "--bib", type=Path, help="the .bib file to read (default: bibliography/references.bib)"
    )
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
    check.add_argument("--docs", type=Path, help="docs folder (default: the project's docs/)")
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

    # Each idea's subpackage adds its own subcommands (``register(commands)`` in its cli module):
    # only the one asked for, or all of them (for the list in --help, or an unknown command).
    wanted = [module for module, names in _SUBCOMMAND_MODULES.items() if command in names]
    if not wanted and command not in commands.choices:
        wanted = list(_SUBCOMMAND_MODULES)
    here = Path(__file__).parent
    for module_name in wanted:
        if here.joinpath(*module_name.split(".")[1:]).with_suffix(".py").is_file():
            importlib.import_module(module_name).register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    try:
        words = sys.argv[1:] if argv is None else list(argv)
        args = _parser(_command_in(words)).parse_args(words)
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
