"""One Python file or notebook, parsed and indexed for the rules; nothing is imported or run.

`parse_module` parses a file's text with `ast` and indexes, in one walk, what the
rules look at: each scope's nodes in source order, calls, imports, aliases, module
constants, and the nodes of each type. The tree lives only while its file is analysed.
"""

from __future__ import annotations

import ast
import json
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from mlops_atlas.debt.scanner.files import Unreadable, module_name

__all__ = [
    "TOO_DEEP",
    "Module",
    "child_fields",
    "children",
    "dotted",
    "notebook_source",
    "parse_module",
    "path_of",
    "qualified",
    "walk",
    "where",
]

TOO_DEEP = "skipped: nested too deeply to analyse (machine-generated code?)"
"""Why a file whose nesting exhausts the parser's or the analysis's stack is skipped."""

_TEST_FILE = re.compile(r"(^test_.*|.*_test|^conftest)\.py$")


@dataclass
class Module:
    """One parsed Python file or notebook, with the nodes rules look at.

    Attributes:
        path: Relative POSIX path.
        name: Dotted module name guessed from the path (``src/`` and ``__init__`` dropped).
        tree: The parsed module.
        is_test: A test file (``test_*.py``, ``*_test.py``, ``conftest.py`` or under ``tests/``).
        is_notebook: Parsed from a notebook's code cells.
        cells: For notebooks, ``cells[i]`` is the (cell, line in cell) of line ``i + 1``.
        code_lines: Lines holding code (not blank, not only a comment, not a docstring).
        aliases: Local name -> the dotted name it was imported as.
        constants: Module-level names bound once to a literal string (paths, URLs).
        scopes: The module body and each function, as lists of the nodes the data-flow
            analysis acts on (assignments, calls, comparisons, ``with`` items), in source
            order (a nested function is its own scope).
        calls: Every call, with the index of the scope it is in.
        imports: Dotted names imported (``from . import x`` resolved against ``name``).
    """

    path: str
    name: str
    tree: ast.Module
    is_test: bool
    is_notebook: bool
    cells: list[tuple[int, int]] | None
    code_lines: int = 0
    aliases: dict[str, str] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    scopes: list[list[ast.AST]] = field(default_factory=list)
    calls: list[tuple[ast.Call, int]] = field(default_factory=list)
    imports: set[str] = field(default_factory=set)
    by_type: dict[type, list[ast.AST]] = field(default_factory=dict, repr=False)
    """Node class -> its nodes, for the classes rules look at, as `nodes` gives them."""
    groups: dict[tuple[type, ...], list[ast.AST]] = field(default_factory=dict, repr=False)
    _call_names: dict[int, str | None] | None = field(default=None, repr=False)

    def call_name(self, call: ast.Call) -> str | None:
        """What `qualified` gives for the call's target, computed once per call."""
        names = self._call_names
        if names is None:
            aliases = self.aliases
            names = self._call_names = {id(c): qualified(c.func, aliases) for c, _ in self.calls}
        key = id(call)
        return names[key] if key in names else qualified(call.func, self.aliases)

    def where(self, line: int) -> tuple[int, int | None]:
        """The (line, cell) to report for a line of the parsed source."""
        return where(self.cells, line)

    def nodes(self, *types: type[ast.AST]) -> list[ast.AST]:
        """Every node of the given types, scope by scope, in source order within each.

        Several types at once must be one of the groups the index keeps together.

        Raises:
            ValueError: The index does not keep nodes of one of these types.
        """
        if not _KEPT.issuperset(types):
            raise ValueError(f"the index keeps no {', '.join(t.__name__ for t in types)} nodes")
        if len(types) == 1:
            return self.by_type.get(types[0], [])
        return self.groups[types]


def where(cells: list[tuple[int, int]] | None, line: int) -> tuple[int, int | None]:
    """The (line, cell) to report for a line of a parsed notebook (or ``(line, None)``)."""
    if cells is None or not 0 < line <= len(cells):
        return line, None
    cell, in_cell = cells[line - 1]
    return in_cell, cell


_MAGIC = re.compile(r"^\s*[%!?]")


def notebook_source(path: str, text: str) -> tuple[str, list[tuple[int, int]]] | Unreadable:
    """A notebook's code cells as one source (magics blanked) and each line's cell, or why not."""
    try:
        notebook = json.loads(text)
    except json.JSONDecodeError as error:
        return Unreadable(path, f"not a valid notebook: JSON error: {error.msg}", error.lineno)
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        return Unreadable(path, "not a valid notebook: no list of cells")
    lines: list[str] = []
    where: list[tuple[int, int]] = []
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        for in_cell, line in enumerate(source.splitlines(), start=1):
            # IPython magics and shell escapes are not Python: keep the line count, drop the text.
            lines.append("" if _MAGIC.match(line) else line)
            where.append((number, in_cell))
    return "\n".join(lines) + "\n", where


def _code_lines(text: str, docstrings: list[ast.stmt]) -> int:
    lines = text.splitlines()
    code = [line for line in lines if (stripped := line.lstrip()) and stripped[0] != "#"]
    in_docstrings: set[int] = set()
    for docstring in docstrings:
        in_docstrings.update(
            range(docstring.lineno, min(docstring.end_lineno or 0, len(lines)) + 1)
        )
    return len(code) - sum(
        1
        for number in in_docstrings
        if (stripped := lines[number - 1].lstrip()) and stripped[0] != "#"
    )


def _docstring(node: ast.AST) -> ast.stmt | None:
    body = getattr(node, "body", None)
    if (
        isinstance(body, list)
        and body
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
        and isinstance(body[0].value.value, str)
    ):
        return body[0]
    return None


# Fields that never hold a node the rules look at: names, flags, operators, load/store.
_SCALAR_FIELDS = frozenset(
    {"ctx", "op", "ops", "id", "attr", "arg", "asname", "module", "level", "kind", "conversion",
     "simple", "is_async", "type_comment", "tag", "name", "rest"}
)  # fmt: skip
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {
    ast.Constant: (),
    ast.MatchSingleton: (),
    ast.Global: (),
    ast.Nonlocal: (),
    ast.MatchClass: ("cls", "patterns", "kwd_patterns"),
}
_SCOPE_TYPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
_DOCUMENTED = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
_FLOW_TYPES = frozenset(
    {ast.Assign, ast.AnnAssign, ast.AugAssign, ast.NamedExpr, ast.withitem, ast.Call, ast.Compare}
)
"""The nodes the data-flow analysis acts on (`mlops_atlas.debt.scanner.flow`)."""


def child_fields(kind: type) -> tuple[str, ...]:
    """The fields of a node class that can hold the nodes rules look at."""
    fields = _CHILD_FIELDS.get(kind)
    if fields is None:
        names: tuple[str, ...] = getattr(kind, "_fields", ())
        fields = _CHILD_FIELDS[kind] = tuple(f for f in names if f not in _SCALAR_FIELDS)
    return fields


def children(node: ast.AST) -> list[ast.AST]:
    """The node's children in `ast.iter_child_nodes` order.

    Operators and load/store markers are left out: no rule looks at them.
    """
    found: list[ast.AST] = []
    for name in child_fields(node.__class__):
        value = getattr(node, name, None)
        if value.__class__ is list:
            found.extend(item for item in value if item is not None)
        elif value is not None:
            found.append(value)
    return found


def walk(node: ast.AST) -> Iterator[ast.AST]:
    """Every node under ``node`` (itself included), depth first.

    Like `ast.walk`, but faster and without operators and load/store markers.
    """
    stack = [node]
    pop, push = stack.pop, stack.extend
    while stack:
        node = pop()
        yield node
        push(children(node))


_GROUPS: tuple[tuple[type, ...], ...] = (
    (ast.Import, ast.ImportFrom),
    (ast.Import, ast.ImportFrom, ast.Call),
    (ast.Subscript, ast.Call),
    (ast.If, ast.While, ast.IfExp),
    (ast.FunctionDef, ast.AsyncFunctionDef),
)
"""The groups of node classes `Module.nodes` gives in one sequence."""
_KEPT = frozenset(
    {ast.Name, ast.Attribute, ast.Constant, ast.Dict, ast.Subscript, ast.Assign, ast.alias,
     ast.arg, ast.Call, ast.Import, ast.ImportFrom, ast.If, ast.While, ast.IfExp,
     ast.FunctionDef, ast.AsyncFunctionDef}
)  # fmt: skip
"""The node classes `Module.nodes` gives: those the rules look at."""
_IN_GROUPS: dict[type, tuple[tuple[type, ...], ...]] = {
    kind: tuple(group for group in _GROUPS if kind in group) for group in _GROUPS for kind in group
}


_FLOW, _CALL, _IMPORT, _DOCUMENTED_ROLE, _SCOPE = 1, 2, 3, 4, 5
"""What `_index` does with a node besides filing it: see `_plan`."""


def _plan(
    kind: type, by_type: dict[type, list[ast.AST]], groups: dict[tuple[type, ...], list[ast.AST]]
) -> tuple[tuple[Any, ...], int, tuple[str, ...]]:
    """For one node class in one module: the lists a node goes to, its role, its child fields.

    The fields are reversed, for the stack. The role: 0 none, or one of `_FLOW`, `_CALL`,
    `_IMPORT`, `_DOCUMENTED_ROLE` (a module or class: it may have a docstring) or `_SCOPE`
    (a function or lambda: its body is a scope of its own).
    """
    appends: list[Any] = []
    if kind in _KEPT:
        appends.append(by_type.setdefault(kind, []).append)
        appends.extend(groups[group].append for group in _IN_GROUPS.get(kind, ()))
    if kind is ast.Call:
        role = _CALL
    elif kind in _FLOW_TYPES:
        role = _FLOW
    elif kind is ast.Import or kind is ast.ImportFrom:
        role = _IMPORT
    elif kind in _SCOPE_TYPES:
        role = _SCOPE
    elif kind in _DOCUMENTED:
        role = _DOCUMENTED_ROLE
    else:
        role = 0
    return tuple(appends), role, tuple(reversed(child_fields(kind)))


def _values(value: Any) -> list[ast.AST]:
    """A field's nodes, last first (``None`` entries of a list dropped)."""
    if value.__class__ is list:
        return [child for child in reversed(value) if child is not None]
    return [] if value is None else [value]


def _index(module: Module) -> list[ast.stmt]:
    """Fill the module's scopes, calls, aliases, constants, imports and nodes by type.

    One walk, scope by scope: the module body, then each function in the order the old
    single depth-first walk met it (nested ones right after the function they are in), each
    scope in source order. Returns the docstrings (they are not code lines).
    """
    docstrings: list[ast.stmt] = []
    flow_scopes: list[list[ast.AST]] = []
    by_type: dict[type, list[ast.AST]] = {}
    groups: dict[tuple[type, ...], list[ast.AST]] = {group: [] for group in _GROUPS}
    package = module.name.rsplit(".", 1)[0] if "." in module.name else ""
    if module.path.endswith("__init__.py"):
        package = module.name
    calls = module.calls
    name_class, constant_class = ast.Name, ast.Constant
    names_append = by_type.setdefault(name_class, []).append
    constants_append = by_type.setdefault(constant_class, []).append
    plans: dict[type, tuple[tuple[Any, ...], int, tuple[str, ...]]] = {}
    pending: list[list[ast.AST]] = [[module.tree]]  # each scope's first nodes, reversed
    while pending:
        stack = pending.pop()
        scope = len(flow_scopes)
        flow: list[Any] = []
        flow_scopes.append(flow)
        nested: list[list[ast.AST]] = []
        pop, push, push_one = stack.pop, stack.extend, stack.append
        while stack:
            node = pop()
            kind = node.__class__
            plan = plans.get(kind)
            if plan is None:
                plan = plans[kind] = _plan(kind, by_type, groups)
            appends, role, fields = plan
            for append in appends:
                append(node)
            if role:
                if role is _CALL:
                    flow.append(node)
                    calls.append((node, scope))  # type: ignore[arg-type]
                elif role is _FLOW:
                    flow.append(node)
                elif role is _IMPORT:
                    _imported(module, node, package)
                else:  # documented, or a function's scope
                    if kind is not ast.Lambda:
                        docstring = _docstring(node)
                        if docstring is not None:
                            docstrings.append(docstring)
                    if role is _SCOPE:
                        # Decorators and defaults run in the enclosing scope; the body is its own.
                        found = [
                            child for name in fields for child in _values(getattr(node, name, None))
                        ]
                        outer = [*getattr(node, "decorator_list", []), *node.args.defaults]  # type: ignore[attr-defined]
                        nested.append([child for child in found if child not in outer])
                        outer.reverse()
                        push(outer)
                        continue
            # Children go on the stack last first, so that they come off in source order.
            # Names and constants have no children and only go to their lists, which no
            # rule reads in order: they are filed here instead (half the nodes of a module).
            for name in fields:
                value = getattr(node, name, None)
                if value.__class__ is list:
                    for child in reversed(value):
                        child_kind = child.__class__
                        if child_kind is name_class:
                            names_append(child)
                        elif child_kind is constant_class:
                            constants_append(child)
                        elif child is not None:  # dict unpacking, keyword-only args
                            push_one(child)
                elif value is not None:
                    child_kind = value.__class__
                    if child_kind is name_class:
                        names_append(value)
                    elif child_kind is constant_class:
                        constants_append(value)
                    else:
                        push_one(value)
        nested.reverse()
        pending.extend(nested)
    module.scopes = flow_scopes
    module.by_type = by_type
    module.groups = groups
    for statement in module.tree.body:
        if (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
        ):
            value = path_of(statement.value, module.constants)
            if value is not None:
                module.constants[statement.targets[0].id] = value
    return docstrings


def _imported(module: Module, node: ast.AST, package: str) -> None:
    if isinstance(node, ast.Import):
        for alias in node.names:
            module.imports.add(alias.name)
            local = alias.asname or alias.name.split(".")[0]
            module.aliases[local] = alias.name if alias.asname else local
        return
    base = node.module or ""  # type: ignore[attr-defined]
    level = node.level  # type: ignore[attr-defined]
    if level:
        parts = package.split(".") if package else []
        parts = parts[: len(parts) - level + 1] if level > 1 else parts
        base = ".".join([*parts, base] if base else parts)
    for alias in node.names:  # type: ignore[attr-defined]
        full = f"{base}.{alias.name}" if base else alias.name
        module.imports.add(full)
        module.imports.add(base)
        module.aliases[alias.asname or alias.name] = full


def path_of(node: ast.AST | None, constants: dict[str, str]) -> str | None:
    """The string a path expression stands for, when it is built from literals.

    Handles literals, module constants, ``Path(...)``, ``a / b``, ``os.path.join``
    and f-strings (each ``{...}`` becomes ``*``).

    Examples:
        >>> path_of(ast.parse('Path(DATA) / "train.csv"', mode="eval").body, {"DATA": "data"})
        'data/train.csv'
        >>> path_of(ast.parse('f"runs/{day}/scores.csv"', mode="eval").body, {})
        'runs/*/scores.csv'
    """
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                parts.append(value.value)
            else:
                parts.append("*")
        return "".join(parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        left, right = path_of(node.left, constants), path_of(node.right, constants)
        if left is not None and right is not None:
            return posixpath.join(left, right)
        return None
    if isinstance(node, ast.Call):
        name = dotted(node.func)
        if name in {"Path", "pathlib.Path", "os.path.join", "PurePath", "posixpath.join"}:
            found = [path_of(argument, constants) for argument in node.args]
            parts = [part for part in found if part is not None]
            if parts and len(parts) == len(found):
                return posixpath.join(*parts)
    return None


def dotted(node: ast.AST) -> str | None:
    """``a.b.c`` for a chain of attributes on a name, else ``None``.

    Examples:
        >>> dotted(ast.parse("np.random.seed", mode="eval").body)
        'np.random.seed'
    """
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def qualified(node: ast.AST, aliases: dict[str, str]) -> str | None:
    """The imported dotted name a call target refers to (``pd.read_csv`` -> ``pandas.read_csv``)."""
    name = dotted(node)
    if name is None:
        return None
    head, _, rest = name.partition(".")
    if head in aliases:
        return f"{aliases[head]}.{rest}" if rest else aliases[head]
    return name


def parse_module(path: str, text: str) -> Module | Unreadable:
    """Parse and index a Python file (``.py``) or notebook (``.ipynb``), or say why not.

    Args:
        path: Its relative POSIX path.
        text: Its text.

    Returns:
        The module, or why it was skipped (a syntax error, a notebook that is not JSON, code
        nested too deeply for the parser).

    Raises:
        RecursionError: The analysis of a deeply nested expression exhausted the stack.
    """
    cells = None
    source = text
    if path.endswith(".ipynb"):
        converted = notebook_source(path, text)
        if isinstance(converted, Unreadable):
            return converted
        source, cells = converted
    try:
        tree = ast.parse(source, filename=path)
    except SyntaxError as error:
        return Unreadable(path, f"syntax error: {error.msg}", error.lineno)
    except (RecursionError, MemoryError):
        return Unreadable(path, TOO_DEEP)
    except ValueError as error:  # e.g. source code string cannot contain null bytes
        return Unreadable(path, f"cannot be parsed: {error}")
    name = path.rsplit("/", 1)[-1]
    module = Module(
        path=path,
        name=module_name(path),
        tree=tree,
        is_test=bool(_TEST_FILE.match(name))
        or any(p in {"tests", "test"} for p in path.split("/")[:-1]),
        is_notebook=cells is not None,
        cells=cells,
    )
    module.code_lines = _code_lines(source, _index(module))
    return module
