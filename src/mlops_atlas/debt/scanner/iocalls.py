"""File, table and URL reads and writes that the scanner recognises in calls.

`io_of` says whether a call reads or writes a file (``pandas.read_csv``,
``joblib.dump``, ``open(..., "w")``, ``df.to_parquet``...), a table or a remote
location, and which; `same_file` says whether two paths name the same file.
"""

from __future__ import annotations

import ast
import posixpath
import re
from dataclasses import dataclass
from fnmatch import fnmatchcase

from mlops_atlas.debt.scanner.source import Module, dotted, path_of

__all__ = ["PIN_KEYWORDS", "IOEvent", "io_of", "matches", "normalise", "same_file"]

_WRITE_METHODS = frozenset(
    {
        "to_csv",
        "to_parquet",
        "to_pickle",
        "to_json",
        "to_feather",
        "to_excel",
        "to_hdf",
        "to_orc",
        "write_text",
        "write_bytes",
        "save",
        "save_model",
    }
)
_READ_METHODS = frozenset({"read_text", "read_bytes", "load_model"})
_WRITE_FUNCTIONS = {  # qualified name -> (index of the object written, index of the path)
    "joblib.dump": (0, 1),
    "pickle.dump": (0, 1),
    "json.dump": (0, 1),
    "yaml.dump": (0, 1),
    "yaml.safe_dump": (0, 1),
    "torch.save": (0, 1),
    "numpy.save": (1, 0),
    "numpy.savetxt": (1, 0),
    "numpy.savez": (1, 0),
    "numpy.savez_compressed": (1, 0),
    "cloudpickle.dump": (0, 1),
    "dill.dump": (0, 1),
    "skops.io.dump": (0, 1),
}
_READ_FUNCTIONS = frozenset(
    {
        "joblib.load",
        "pickle.load",
        "json.load",
        "yaml.safe_load",
        "yaml.load",
        "torch.load",
        "numpy.load",
        "numpy.loadtxt",
        "numpy.genfromtxt",
        "numpy.fromfile",
        "cloudpickle.load",
        "dill.load",
        "skops.io.load",
        "pyarrow.parquet.read_table",
        "datasets.load_from_disk",
    }
)
_FETCH_FUNCTIONS = frozenset(
    {
        "requests.get",
        "urllib.request.urlopen",
        "urllib.request.urlretrieve",
        "urlopen",
        "urlretrieve",
        "sklearn.datasets.fetch_openml",
        "datasets.load_dataset",
        "pooch.retrieve",
        "huggingface_hub.hf_hub_download",
        "tensorflow.keras.utils.get_file",
        "keras.utils.get_file",
        "wget.download",
        "gdown.download",
        "httpx.get",
    }
)
"""Calls that fetch data from somewhere else; their arguments decide whether it is pinned."""
_IO_FUNCTIONS = frozenset(_WRITE_FUNCTIONS) | _READ_FUNCTIONS | _FETCH_FUNCTIONS
_IO_METHODS = _WRITE_METHODS | _READ_METHODS | {"to_sql"}


def normalise(path: str) -> str:
    r"""A path as read and write events are compared: POSIX, normalised, without ``./``.

    Examples:
        >>> normalise("./data/../data/train.csv"), normalise("C:\\runs\\s.csv")
        ('data/train.csv', 'C:/runs/s.csv')
    """
    if path.startswith("table:") or "://" in path:
        return path
    return posixpath.normpath(path.replace("\\", "/")).removeprefix("./")


@dataclass(frozen=True)
class IOEvent:
    """A read or write of a file, table or URL.

    Attributes:
        module: The module's path.
        line: The call's line in the parsed source.
        kind: ``"read"``, ``"write"`` or ``"fetch"`` (a download or remote read).
        target: The normalised path, ``"table:NAME"`` or the URL.
        call: The call's qualified or method name.
        predictions: For writes, the object written holds predictions.
        model: For writes, the object written is a fitted or loaded model.
        pinned: For reads and fetches, a version, revision or hash was passed as an argument.
    """

    module: str
    line: int
    kind: str
    target: str
    call: str
    predictions: bool = False
    model: bool = False
    pinned: bool = False


PIN_KEYWORDS = frozenset(
    {
        "version",
        "revision",
        "sha256",
        "hash",
        "known_hash",
        "md5",
        "checksum",
        "file_hash",
        "md5_hash",
        "commit",
        "data_id",
        "version_id",
    }
)

"""Arguments that pin the version of what is read or fetched."""


def io_of(
    module: Module, call: ast.Call, files: dict[str, str] | None = None
) -> tuple[str, str, str, int | None] | None:
    """(kind, target, call name, index of the data argument) for an I/O call."""
    func = call.func
    name = module.call_name(call) or ""
    method = func.attr if isinstance(func, ast.Attribute) else None
    if not (
        name == "open"
        or name in _IO_FUNCTIONS
        or method in _IO_METHODS
        or name.startswith(("pandas.read_", "polars.read_", "polars.scan_"))
        or name.endswith(".load_model")
    ):
        return None  # most calls: nothing below can match
    constants = module.constants
    args = call.args

    def argument(index: int, *keywords: str) -> ast.AST | None:
        if len(args) > index:
            return args[index]
        return next((k.value for k in call.keywords if k.arg in keywords), None)

    def target(node: ast.AST | None) -> str | None:
        if node is None:
            return None
        if files is not None and isinstance(node, ast.Name) and node.id in files:
            return files[node.id]
        if isinstance(node, ast.Call) and dotted(node.func) == "open" and node.args:
            return path_of(node.args[0], constants)
        return path_of(node, constants)

    if name == "open" and args:
        path = path_of(args[0], constants)
        mode = path_of(argument(1, "mode"), {}) or "r"
        if path is None:
            return None
        return ("write" if set(mode) & set("wax") else "read", path, "open", None)
    if name in _WRITE_FUNCTIONS:
        data_index, path_index = _WRITE_FUNCTIONS[name]
        path = target(argument(path_index, "filename", "file", "fp", "f", "fname", "stream"))
        return ("write", path, name, data_index) if path else None
    if name in _READ_FUNCTIONS or name.startswith(("pandas.read_", "polars.read_", "polars.scan_")):
        if name in {"pandas.read_sql", "pandas.read_sql_query"}:
            query = path_of(argument(0, "sql"), constants) or ""
            match = re.search(r"(?i)\bfrom\s+([\w.]+)", query)
            return ("read", f"table:{match.group(1)}", name, None) if match else None
        if name == "pandas.read_sql_table":
            table = path_of(argument(0, "table_name"), constants)
            return ("read", f"table:{table}", name, None) if table else None
        path = target(argument(0, "filepath_or_buffer", "path", "file", "fname", "filename", "fp"))
        return ("read", path, name, None) if path else None
    if name in _FETCH_FUNCTIONS or name.endswith(".load_model"):
        path = target(argument(0, "url", "name", "path", "model_uri", "repo_id", "filepath"))
        if name.endswith(".load_model") and path and "://" not in path and ":/" not in path:
            return ("read", path, name, None)
        return ("fetch", path or "?", name, None)
    if isinstance(func, ast.Attribute):
        method = func.attr
        if method == "to_sql":
            table = path_of(argument(0, "name"), constants)
            return ("write", f"table:{table}", method, -1) if table else None
        if method in _WRITE_METHODS:
            receiver = func.value
            if method in {"write_text", "write_bytes"}:
                path = path_of(receiver, constants)
                return ("write", path, method, 0) if path else None
            path = target(argument(0, "path_or_buf", "path", "filepath", "fname"))
            return ("write", path, method, -1) if path else None
        if method in _READ_METHODS:
            path = path_of(func.value, constants) if method != "load_model" else target(argument(0))
            return ("read", path, method, None) if path else None
    return None


def matches(path: str, targets: frozenset[str] | set[str]) -> bool:
    """Whether ``path`` names the same file as one of ``targets``."""
    return path in targets or any(same_file(path, target) for target in targets)


def same_file(a: str, b: str) -> bool:
    """Whether two normalised paths name the same file: equal, matching wildcards, or same name.

    Examples:
        >>> same_file("data/clean.csv", "../data/clean.csv"), same_file("runs/*/s.csv", "runs/3/s.csv")
        (True, True)
        >>> same_file("data/train.csv", "data/test.csv")
        False
    """
    if a == b:
        return True
    if a.startswith("table:") or b.startswith("table:"):
        return False
    if ("*" in a and fnmatchcase(b, a)) or ("*" in b and fnmatchcase(a, b)):
        return True
    name_a, name_b = posixpath.basename(a), posixpath.basename(b)
    return bool(name_a) and "*" not in name_a and name_a == name_b
