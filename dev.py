#!/usr/bin/env python3
"""Set up and run MLOps Atlas with nothing but Python 3.11 on the machine.

Every command first makes sure the set-up is done (and does nothing when it is):
a virtual environment in ``.venv/``, the exact dependencies pinned in
``requirements.lock`` (resolved from ``pyproject.toml``; ``dev.py lock`` updates
it), the package in editable mode, and the system packages it needs
(Graphviz for the diagrams; Chromium for the browser tests), installed with
``apt-get`` when you are root on Debian/Ubuntu, otherwise named in one line.

Examples:
    python3 dev.py serve          # the site at http://127.0.0.1:8000
    python3 dev.py test           # the whole test suite
    python3 dev.py test -k cace   # arguments after "test" go to pytest
    python3 dev.py build          # the site into site/, strict
    python3 dev.py lint           # ruff and mypy
    python3 dev.py check          # lint + strict builds (MkDocs, ProperDocs) + tests
    python3 dev.py lock           # after changing pyproject.toml's dependencies
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / "bin"
STAMP = VENV / ".mlops-atlas-installed"
BYTECODE_STAMP = VENV / ".mlops-atlas-bytecode"
LOCK = ROOT / "requirements.lock"

# binary -> (Debian package, what needs it)
SYSTEM_NEEDS = {
    "dot": ("graphviz", "the architecture diagrams"),
    "chromium": ("chromium", "the browser tests"),
}


def say(message: str) -> None:
    """Print one line of progress, flushed so it shows before slow steps."""
    print(f"[dev] {message}", flush=True)


def fail(message: str) -> None:
    """Stop with one readable line (no traceback: this is the user's machine)."""
    print(f"[dev] error: {message}", file=sys.stderr, flush=True)
    raise SystemExit(1)


def run(*command: str | Path, env: dict[str, str] | None = None) -> None:
    """Run a command, stopping with its exit status if it fails."""
    result = subprocess.run([str(part) for part in command], env=env, check=False)
    if result.returncode != 0:
        raise SystemExit(result.returncode)


def can_apt() -> bool:
    """True when this process may install Debian packages itself."""
    return hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get") is not None


_apt_updated = False


def apt_install(*packages: str) -> None:
    """Install Debian packages non-interactively (refreshing the lists once)."""
    global _apt_updated
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if not _apt_updated:
        say("apt-get update")
        run("apt-get", "update", "-q", env=env)
        _apt_updated = True
    say(f"apt-get install {' '.join(packages)}")
    run("apt-get", "install", "-y", "-q", *packages, env=env)


def ensure_system(binary: str) -> None:
    """Make sure a system program exists, installing its Debian package if we can."""
    package, purpose = SYSTEM_NEEDS[binary]
    if shutil.which(binary):
        return
    if can_apt():
        apt_install(package)
        if shutil.which(binary):
            return
    fail(
        f"'{binary}' is needed for {purpose} and is not installed: "
        f"run 'sudo apt-get install {package}' (Debian/Ubuntu) and try again."
    )


def ensure_venv() -> None:
    """Create .venv/ with pip (installing Debian's python3-venv if it is missing)."""
    if (BIN / "python").exists():
        return
    say(f"creating the virtual environment in {VENV.relative_to(ROOT)}/")
    try:
        venv.create(VENV, with_pip=True)
    except subprocess.CalledProcessError:
        # Debian's Python ships ensurepip separately, in python3.X-venv.
        shutil.rmtree(VENV, ignore_errors=True)
        version = f"python{sys.version_info.major}.{sys.version_info.minor}-venv"
        if not can_apt():
            fail(
                f"Python cannot create a virtual environment: run 'sudo apt-get install {version}'."
            )
        apt_install(version)
        venv.create(VENV, with_pip=True)


def _lock_version(package: str) -> str | None:
    """The version ``requirements.lock`` pins for ``package`` (None when it pins none)."""
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        if line.startswith(f"{package}=="):
            return line.split("==", 1)[1].split()[0].rstrip("\\").strip()
    return None


def ensure_packages() -> None:
    """Install exactly the locked dependencies, then the project (editable), when either changed.

    ``requirements.lock`` pins every package with its hashes, so a fresh clone gets the
    versions CI tested. uv installs it (fast, in parallel); pip does when uv cannot be had.
    """
    digest = hashlib.sha256()
    for name in ("pyproject.toml", LOCK.name):
        digest.update((ROOT / name).read_bytes())
    wanted = digest.hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == wanted:
        return
    say("installing MLOps Atlas and its locked dependencies into .venv/ (first run: a few minutes)")
    pip = [BIN / "python", "-m", "pip", "--disable-pip-version-check", "-q"]
    uv = BIN / "uv"
    if not uv.exists():
        version = _lock_version("uv")
        result = subprocess.run(
            [*pip, "install", f"uv=={version}" if version else "uv"], check=False
        )
        if result.returncode != 0:
            say("uv could not be installed: installing with pip instead (slower)")
    if uv.exists():
        target = ["--python", str(BIN / "python")]
        # Bytecode now: where PYTHONDONTWRITEBYTECODE is set (as on many CI images), nothing
        # would ever cache it, and every process would compile scikit-learn, pandas and
        # MLflow from source again: imports 2-3 times slower.
        first = not STAMP.exists()
        run(uv, "pip", "install", *target, "--compile-bytecode", "--require-hashes", "-r", LOCK)
        if first:  # every package was installed, and compiled, just now
            BYTECODE_STAMP.write_text("compiled by uv\n")
        run(uv, "pip", "install", *target, "--no-deps", "--editable", ROOT)
    else:
        run(*pip, "install", "--require-hashes", "-r", LOCK)
        run(*pip, "install", "--no-deps", "--editable", ROOT)
    STAMP.write_text(wanted + "\n")


def write_lock() -> None:
    """Resolve pyproject.toml's dependencies again and write requirements.lock (needs PyPI)."""
    uv = BIN / "uv"
    say("resolving every dependency for every platform into requirements.lock")
    run(
        uv,
        "pip",
        "compile",
        ROOT / "pyproject.toml",
        "--extra",
        "dev",
        "--extra",
        "tensorflow",
        "--universal",
        "--generate-hashes",
        "--python-version",
        "3.11",
        "-o",
        LOCK,
    )


def ensure_bytecode() -> None:
    """Compiled bytecode for every installed package (once) and for the project (each run).

    Python caches bytecode as it imports, unless ``PYTHONDONTWRITEBYTECODE`` is set; then
    every process compiles its imports from source again (scikit-learn: 8.6 s instead of
    3.4 s on a 2-core machine). The packages are compiled once, after installing; the
    project's own files on every command, which recompiles only the files that changed.
    """
    site_packages = sorted((VENV / "lib").glob("python3*/site-packages"))
    if site_packages and not BYTECODE_STAMP.exists():
        say("compiling the installed packages to bytecode (once, about a minute)")
        compile_all(*site_packages)
        BYTECODE_STAMP.write_text("compiled\n")
    compile_all(ROOT / "src", ROOT / "examples")


def compile_all(*folders: Path) -> None:
    """Write bytecode for the Python files under ``folders``, new or changed ones only.

    A file that does not compile is left to fail where it is imported, with its own error
    (a few packages ship files for other Python versions): this never stops the set-up.
    """
    command = [str(BIN / "python"), "-m", "compileall", "-qq", "-j", "0", *map(str, folders)]
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)


def setup(*, browser: bool) -> None:
    """Everything the site needs; plus Chromium when the browser tests will run."""
    ensure_venv()
    ensure_packages()
    ensure_bytecode()
    ensure_system("dot")
    if browser:
        ensure_system("chromium")


def venv_env() -> dict[str, str]:
    """The environment with .venv/bin first on PATH, as an activated venv has it."""
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(VENV)
    return env


def pytest_env(env: dict[str, str]) -> dict[str, str]:
    """The tests' environment: bytecode written, whatever ``PYTHONDONTWRITEBYTECODE`` says.

    pytest rewrites every test module's asserts at each start unless it may keep the
    result in ``__pycache__`` (git ignores it): about a second per worker otherwise.
    """
    return {name: value for name, value in env.items() if name != "PYTHONDONTWRITEBYTECODE"}


def lint(env: dict[str, str]) -> None:
    """Ruff (rules and format) on everything, mypy on the library."""
    run(BIN / "ruff", "check", ".", env=env)
    run(BIN / "ruff", "format", "--check", ".", env=env)
    run(BIN / "mypy", env=env)  # files and settings: [tool.mypy] in pyproject.toml


def build_site(engine: str, env: dict[str, str]) -> None:
    """A strict build with MkDocs or ProperDocs (ProperDocs into build/properdocs/).

    Both are build output, which tools skip (the debt scanner, ``.gitignore``).
    """
    target = "site" if engine == "mkdocs" else "build/properdocs"
    run(BIN / engine, "build", "--strict", "--site-dir", target, env=env)


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run one command."""
    parser = argparse.ArgumentParser(
        prog="python3 dev.py",
        description=__doc__.split("\n\n")[0],
        epilog="example: python3 dev.py test -k cace",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser(
        "setup", help="set up .venv/, the package and system packages; nothing else"
    )
    serve = commands.add_parser("serve", help="serve the site at http://127.0.0.1:8000")
    serve.add_argument("--addr", default="127.0.0.1:8000", help="address (default 127.0.0.1:8000)")
    build = commands.add_parser("build", help="build the site into site/ with --strict")
    build.add_argument(
        "--engine",
        choices=["mkdocs", "properdocs"],
        default="mkdocs",
        help="MkDocs, or ProperDocs (the maintained MkDocs 1.x fork); CI builds with both",
    )
    commands.add_parser("lint", help="ruff check, ruff format check, mypy on src/")
    commands.add_parser("lock", help="resolve the dependencies again into requirements.lock")
    commands.add_parser("check", help="lint, strict builds (both engines), tests: all CI runs")
    commands.add_parser("bench", help="time cold/warm site builds and the test suite")
    test = commands.add_parser("test", help="run the test suite (extra arguments go to pytest)")
    test.add_argument("pytest_args", nargs=argparse.REMAINDER, help="passed to pytest")
    # pytest options may come first (``dev.py test -x -k cace``); argparse's REMAINDER
    # alone rejects a leading option, so unknown arguments are handed to pytest here.
    args, unknown = parser.parse_known_args(argv)
    if unknown and args.command != "test":
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    if args.command == "test":
        args.pytest_args = [*unknown, *args.pytest_args]

    os.chdir(ROOT)
    if args.command == "lock":
        ensure_venv()
        ensure_packages()
        write_lock()
        return 0
    needs_browser = args.command in {"test", "check", "bench", "setup"}
    setup(browser=needs_browser)
    env = venv_env()
    if args.command == "setup":
        say("set-up complete")
    elif args.command == "serve":
        run(BIN / "mkdocs", "serve", "--strict", "--dev-addr", args.addr, env=env)
    elif args.command == "build":
        build_site(args.engine, env)
    elif args.command == "lint":
        lint(env)
    elif args.command == "test":
        run(BIN / "python", "-m", "pytest", *args.pytest_args, env=pytest_env(env))
    elif args.command == "check":
        lint(env)
        build_site("mkdocs", env)
        build_site("properdocs", env)
        run(BIN / "python", "-m", "pytest", env=pytest_env(env))
    elif args.command == "bench":
        run(BIN / "python", "benchmarks/bench_site_and_tests.py", env=env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
