"""The small facts a scan keeps of each file, and of the project once every file is read.

A file's tree lives only while the file is analysed. What the rules need afterwards is
kept here: each module's findings, data flow (reads, writes, fits, score comparisons) and
the candidates the cross-file rules decide on (a branch on a flag, an unused function...),
plus the project's vocabularies (names used, bound, keys set) those decisions look up.
"""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from mlops_atlas.debt.scanner.files import Unreadable, read_text
from mlops_atlas.debt.scanner.flow import Flow
from mlops_atlas.debt.scanner.iocalls import IOEvent
from mlops_atlas.debt.scanner.source import Module, parse_module, where

__all__ = [
    "FileResult",
    "Finding",
    "ModuleFacts",
    "ProjectFacts",
    "Setup",
    "TextFacts",
    "Vocabulary",
]


@dataclass(frozen=True)
class Finding:
    """One thing a rule flagged.

    Attributes:
        rule: The rule's id, e.g. ``"fixed-thresholds"``.
        file: Relative POSIX path.
        line: Line in the file (in the cell, for notebooks).
        message: Why it is flagged, in one line.
        cell: The notebook cell (1-based), for notebooks.
    """

    rule: str
    file: str
    line: int
    message: str
    cell: int | None = None

    @property
    def location(self) -> str:
        """``file:line``, ``file:cell N:line`` in a notebook, or ``file`` for the whole project (line 0)."""
        if self.line == 0:
            return self.file
        if self.cell is not None:
            return f"{self.file}:cell {self.cell}:{self.line}"
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Setup:
    """What a file's analysis needs to know about the rest of the project.

    Attributes:
        config_keys: Keys defined in configuration files (read before any Python file).
        scratch_names: Module names of the project's scratch files (by path).
        prediction_files: Files some module writes predictions to (second pass only).
    """

    config_keys: frozenset[str] = frozenset()
    scratch_names: frozenset[str] = frozenset()
    prediction_files: frozenset[str] = frozenset()


@dataclass
class Vocabulary:
    """Names a file uses, binds and sets; merged into the project's, then dropped."""

    bound: Counter[str] = field(default_factory=Counter)
    used: set[str] = field(default_factory=set)
    keys_set: set[str] = field(default_factory=set)
    config_dict_keys: set[str] = field(default_factory=set)
    named_config_keys: set[str] = field(default_factory=set)
    whole: set[str] = field(default_factory=set)

    def merge(self, other: Vocabulary) -> None:
        """Add another file's vocabulary to this one."""
        self.bound.update(other.bound)
        self.used |= other.used
        self.keys_set |= other.keys_set
        self.config_dict_keys |= other.config_dict_keys
        self.named_config_keys |= other.named_config_keys
        self.whole |= other.whole


@dataclass
class ModuleFacts:
    """What the rules keep of one parsed Python file or notebook.

    Attributes:
        path: Relative POSIX path.
        name: Dotted module name.
        is_test: A test file.
        is_notebook: A notebook.
        cells: For notebooks, the (cell, line in cell) of each parsed line.
        code_lines: Lines of code.
        flow: Its reads, writes, fits and score comparisons.
        imports: Dotted names it imports (kept only for modules that read files).
        pipeline: It imports a pipeline framework (Airflow, Kubeflow Pipelines...).
        findings: The findings one file decides (hard-coded values, seeds, untyped APIs).
        checked: Rule id -> things checked in this file.
        ml_lines: Lines calling ML code.
        ml_import: The first ML library it imports, and the line.
        literal_branches: (line, name, value) of branches on a module-level literal.
        key_branches: (line, kind, key) of branches on a configuration key or variable.
        functions: (line, name) of module-level functions nothing in the file exempts.
        read_keys: Configuration key -> first line it is read on.
        prototype: (line, kind, what) of scratch imports and notebook runs, in order.
    """

    path: str
    name: str
    is_test: bool
    is_notebook: bool
    cells: list[tuple[int, int]] | None
    code_lines: int
    flow: Flow = field(default_factory=Flow)
    imports: frozenset[str] = frozenset()
    pipeline: bool = False
    findings: list[Finding] = field(default_factory=list)
    checked: Counter[str] = field(default_factory=Counter)
    ml_lines: int = 0
    ml_import: tuple[str, int] | None = None
    literal_branches: list[tuple[int, str, str]] = field(default_factory=list)
    key_branches: list[tuple[int, str, str]] = field(default_factory=list)
    functions: list[tuple[int, str]] = field(default_factory=list)
    read_keys: dict[str, int] = field(default_factory=dict)
    prototype: list[tuple[int, str, tuple[str, ...]]] = field(default_factory=list)

    @classmethod
    def of(cls, module: Module) -> ModuleFacts:
        """Empty facts for a parsed module."""
        return cls(
            module.path,
            module.name,
            module.is_test,
            module.is_notebook,
            module.cells,
            module.code_lines,
        )

    def finding(self, rule: str, line: int, message: str) -> Finding:
        """A finding at a line of the parsed source (a notebook's line becomes cell and line)."""
        line, cell = where(self.cells, line)
        return Finding(rule, self.path, line, message, cell)


@dataclass
class TextFacts:
    """What the rules keep of a text file that is not Python (Makefile, YAML, requirements...).

    Attributes:
        words: Identifier-like words in it.
        config_keys: (key, line) for each key of a configuration file, in the file's order.
        config_children: (parent, child) key pairs of a configuration file.
        unpinned: (line, requirement) for a requirements file's unpinned lines.
    """

    words: set[str] = field(default_factory=set)
    config_keys: list[tuple[str, int]] = field(default_factory=list)
    config_children: list[tuple[str, str]] = field(default_factory=list)
    unpinned: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class FileResult:
    """Everything one file's analysis returns (the tree is not part of it).

    Attributes:
        path: Relative POSIX path.
        unreadable: Why it, or part of it, was skipped.
        language: (language, files, lines) for the census, when it is source code.
        text: Facts of a text file.
        module: Facts of a Python file or notebook.
        vocabulary: Names it uses, binds and sets.
    """

    path: str
    unreadable: list[Unreadable] = field(default_factory=list)
    language: tuple[str, int, int] | None = None
    text: TextFacts | None = None
    module: ModuleFacts | None = None
    vocabulary: Vocabulary | None = None


@dataclass
class ProjectFacts:
    """Everything the rules need to know about a scanned folder, without any tree.

    Attributes:
        root: The folder scanned.
        files: Every file found (relative POSIX paths), sorted.
        modules: Facts of each parsed Python file and notebook, by path, in path order.
        texts: Text files read (Makefiles, YAML, TOML...).
        declarations: Files that declare a pipeline: pipeline files, and Python that imports
            a pipeline framework. Their text is read again when a rule needs it.
        config_keys: Keys defined in configuration files: key -> first (file, line).
        config_children: Key -> the keys nested directly under it in configuration files.
        unpinned: Requirements file -> its (line, requirement) with no pinned version.
        text_words: Identifier-like words in the text files.
        vocabulary: Names used, bound and set in all Python files.
        languages: Language -> [files, non-blank lines] for every source file found.
        unreadable: Files skipped, and why.
    """

    root: Path
    files: list[str]
    modules: dict[str, ModuleFacts] = field(default_factory=dict)
    texts: set[str] = field(default_factory=set)
    declarations: list[str] = field(default_factory=list)
    config_keys: dict[str, tuple[str, int]] = field(default_factory=dict)
    config_children: dict[str, set[str]] = field(default_factory=dict)
    unpinned: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    text_words: set[str] = field(default_factory=set)
    vocabulary: Vocabulary = field(default_factory=Vocabulary)
    languages: dict[str, list[int]] = field(default_factory=dict)
    unreadable: list[Unreadable] = field(default_factory=list)

    @property
    def production(self) -> Iterator[ModuleFacts]:
        """Modules that are not tests, in path order."""
        return (m for m in self.modules.values() if not m.is_test)

    def io(self) -> list[IOEvent]:
        """The reads and writes of production modules."""
        return [e for m in self.production for e in m.flow.io]

    def each_declaration(self, wanted: Callable[[str, str], None]) -> None:
        """Call ``wanted(path, text)`` for each pipeline declaration, reading one at a time.

        A Python declaration's text is its code as `ast.unparse` writes it.
        """
        for path in self.declarations:
            text = read_text(self.root, path)
            if isinstance(text, Unreadable):
                continue
            if path in self.modules:
                module = parse_module(path, text)
                if isinstance(module, Unreadable):
                    continue
                try:
                    text = ast.unparse(module.tree)
                except RecursionError:
                    continue
            wanted(path, text)
