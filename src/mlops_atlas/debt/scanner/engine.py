"""Read a project for the debt scanner one file at a time, on every core, in bounded memory.

Each file is read, parsed and analysed on its own (`analyse_file`): what the rules
need of it is kept as small facts and its tree is dropped, so memory does not grow with
the size of the project's code, only with what the rules report and the project's
vocabulary. Files are analysed in parallel by worker processes, and their facts are
merged in path order, so the result does not depend on scheduling. Three passes:

1. text files (Makefiles, YAML, TOML...): configuration keys and words;
2. Python files and notebooks, knowing the configuration keys;
3. again, only the modules that read a file another module writes predictions to
   (reading it taints what it is read into).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import re
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from mlops_atlas.debt.scanner.config import config_keys, is_config_file
from mlops_atlas.debt.scanner.facts import FileResult, ProjectFacts, Setup, TextFacts
from mlops_atlas.debt.scanner.files import (
    ScanError,
    Unreadable,
    kind_of,
    module_name,
    read_text,
    walk,
)
from mlops_atlas.debt.scanner.iocalls import same_file
from mlops_atlas.debt.scanner.rules import collect
from mlops_atlas.debt.scanner.rules.antipatterns import PIPELINE_FILES
from mlops_atlas.debt.scanner.rules.hygiene import unpinned_requirements
from mlops_atlas.debt.scanner.rules.smells import is_scratch
from mlops_atlas.debt.scanner.source import TOO_DEEP, parse_module

__all__ = ["analyse_file", "default_jobs", "load"]

_PARALLEL_FROM = 64
"""Python files below which a scan runs in one process (starting workers costs more)."""
_BATCH = 8
"""Files a worker analyses per task."""
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def default_jobs() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def analyse_file(root: Path, path: str, setup: Setup) -> FileResult | None:
    """Read one file and keep what the rules need of it; ``None`` for a file they ignore.

    Args:
        root: The folder scanned.
        path: The file's path relative to it.
        setup: What is known of the rest of the project.

    Returns:
        Its facts; a file that cannot be read, parsed or analysed is listed as unreadable.
    """
    language, is_text = kind_of(path)
    if language is None and not is_text:
        return None
    result = FileResult(path)
    text = read_text(root, path)
    if isinstance(text, Unreadable):
        result.unreadable.append(text)
        return result
    if is_text:
        result.text = _text_facts(path, text, result)
    if language is None:
        return result
    if not path.endswith((".py", ".ipynb")):
        result.language = (language, 1, sum(1 for line in text.splitlines() if line.strip()))
        return result
    try:
        module = parse_module(path, text)
        if isinstance(module, Unreadable):
            result.unreadable.append(module)
            if not module.reason.startswith("not a valid notebook"):
                result.language = (language, 0, 0)
            return result
        result.module, result.vocabulary = collect(module, setup)
    except RecursionError:  # an analysis that follows a machine-generated expression down
        result.unreadable.append(Unreadable(path, TOO_DEEP))
        result.language = (language, 0, 0)
        return result
    result.language = (language, 1, module.code_lines)
    return result


def _text_facts(path: str, text: str, result: FileResult) -> TextFacts:
    facts = TextFacts(words=set(_WORD.findall(text)), unpinned=unpinned_requirements(path, text))
    if is_config_file(path):
        keys: dict[str, tuple[str, int]] = {}
        children: dict[str, set[str]] = {}
        problem = config_keys(path, text, keys, children)
        if problem:
            result.unreadable.append(Unreadable(path, problem))
        facts.config_keys = [(key, line) for key, (_, line) in keys.items()]
        facts.config_children = [(p, c) for p, kids in children.items() for c in sorted(kids)]
    return facts


# ---------------------------------------------------------------------------- workers

_done_batches = 0


def _start_worker() -> None:
    # Trees hold no reference cycles and die with their file: the cycle collector would
    # only rescan them while they are alive. Collect now and then instead.
    gc.disable()
    # Ctrl-C is the parent's to handle: it stops the scan and the workers with it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _analyse_batch(task: tuple[Path, list[str], Setup]) -> list[FileResult | None]:
    global _done_batches
    root, paths, setup = task
    results = [analyse_file(root, path, setup) for path in paths]
    _done_batches += 1
    if _done_batches % 64 == 0:
        gc.collect()
    return results


def _results(
    root: Path,
    paths: Sequence[str],
    setup: Setup,
    pool: Executor | None,
    tick: Callable[[], None],
) -> Iterator[FileResult]:
    """Each file's result, in the order of ``paths``, from the pool or from this process."""
    if pool is None:
        enabled = gc.isenabled()
        gc.disable()
        try:
            for index, path in enumerate(paths):
                result = analyse_file(root, path, setup)
                tick()
                if index % 512 == 511:
                    gc.collect()
                if result is not None:
                    yield result
        finally:
            if enabled:
                gc.enable()
        return
    tasks = [(root, list(paths[i : i + _BATCH]), setup) for i in range(0, len(paths), _BATCH)]
    for batch in pool.map(_analyse_batch, tasks):
        for result in batch:
            tick()
            if result is not None:
                yield result


def _pool(jobs: int) -> ProcessPoolExecutor:
    # Fork is fastest, and safe while this process runs no other thread; else spawn.
    method = "fork" if threading.active_count() == 1 else "spawn"
    if method not in multiprocessing.get_all_start_methods():
        method = "spawn"
    return ProcessPoolExecutor(
        jobs, mp_context=multiprocessing.get_context(method), initializer=_start_worker
    )


# ---------------------------------------------------------------------------- the project


def load(
    root: Path | str,
    *,
    exclude: Sequence[str] = (),
    jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ProjectFacts:
    """Find, read and analyse a project's files, one at a time, on ``jobs`` processes.

    Args:
        root: The folder to scan.
        exclude: Glob patterns of relative paths to leave out (``"tests/fixtures"``).
        jobs: Worker processes (default: every core; 1 runs in this process).
        progress: Called as ``progress(done, total)`` as files are analysed.

    Returns:
        The project's facts; files it could not read are listed in ``unreadable``.

    Raises:
        ScanError: ``root`` does not exist, is not a folder or cannot be listed.
    """
    root = Path(root)
    if not root.exists():
        raise ScanError(f"{root}: no such folder")
    if not root.is_dir():
        raise ScanError(f"{root}: not a folder; give the root of the project to scan")
    facts = ProjectFacts(root=root, files=[])
    try:
        facts.files = walk(root, exclude, facts.unreadable)
    except OSError as error:
        raise ScanError(f"{root}: cannot be read: {error.strerror}") from None
    python = [f for f in facts.files if f.endswith((".py", ".ipynb"))]
    others = [f for f in facts.files if not f.endswith((".py", ".ipynb")) and any(kind_of(f))]
    total = len(python) + len(others)
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total)

    jobs = default_jobs() if jobs is None else max(1, jobs)
    pool = _pool(jobs) if jobs > 1 and len(python) >= _PARALLEL_FROM else None
    try:
        for result in _results(root, others, Setup(), pool, tick):
            _merge(facts, result)
        setup = Setup(
            config_keys=frozenset(facts.config_keys),
            scratch_names=frozenset(module_name(p) for p in python if is_scratch(p)),
        )
        for result in _results(root, python, setup, pool, tick):
            _merge(facts, result)
        _second_pass(facts, setup, pool)
    except BrokenProcessPool:
        raise ScanError(
            f"{root}: a worker process of the scan died (out of memory?); try again with --jobs 1"
        ) from None
    finally:
        if pool is not None:  # on Ctrl-C or an error, do not wait for the files queued
            pool.shutdown(wait=True, cancel_futures=True)
    return facts


def _merge(facts: ProjectFacts, result: FileResult) -> None:
    facts.unreadable.extend(result.unreadable)
    if result.language is not None:
        language, files, lines = result.language
        counted = facts.languages.setdefault(language, [0, 0])
        counted[0] += files
        counted[1] += lines
    text = result.text
    if text is not None:
        facts.texts.add(result.path)
        facts.text_words |= text.words
        if PIPELINE_FILES.search(result.path):
            facts.declarations.append(result.path)
        for key, line in text.config_keys:
            facts.config_keys.setdefault(key, (result.path, line))
        for parent, child in text.config_children:
            facts.config_children.setdefault(parent, set()).add(child)
        if text.unpinned:
            facts.unpinned[result.path] = text.unpinned
    if result.module is not None:
        facts.modules[result.path] = result.module
        if result.module.pipeline:
            facts.declarations.append(result.path)
    if result.vocabulary is not None:
        facts.vocabulary.merge(result.vocabulary)


def _second_pass(facts: ProjectFacts, setup: Setup, pool: Executor | None) -> None:
    """Analyse again the modules that read a file of predictions, now that all are known."""
    written = frozenset(
        e.target
        for m in facts.modules.values()
        for e in m.flow.io
        if e.kind == "write" and e.predictions
    )
    if not written:
        return
    readers = [
        path
        for path, m in facts.modules.items()
        if any(e.kind == "read" and any(same_file(e.target, w) for w in written) for e in m.flow.io)
    ]
    setup = Setup(setup.config_keys, setup.scratch_names, written)
    pool = pool if len(readers) >= _PARALLEL_FROM else None
    for result in _results(facts.root, readers, setup, pool, lambda: None):
        if result.module is not None:
            facts.modules[result.path].flow = result.module.flow
