"""Follow data through a module: file reads and writes, predictions, fitted models, score comparisons.

One pass over each scope, in source order. A name is *prediction-tainted* when it is
bound to an expression that calls ``predict``-like methods or uses a tainted name (or, in
the second pass, reads a file another module wrote predictions to). The analysis is
deliberately simple and local: it follows assignments, not function calls or containers,
so it misses some flows and never guesses at ones it cannot see.
"""

from __future__ import annotations

import ast
import itertools
import posixpath
import re
from dataclasses import dataclass, field

from mlops_atlas.debt.scanner.source import (
    _CHILD_FIELDS,
    Module,
    child_fields,
    dotted,
    path_of,
)

__all__ = [
    "ML_LIBRARIES",
    "Comparison",
    "Fit",
    "Flow",
    "IOEvent",
    "analyse",
    "is_ml_name",
    "normalise",
]

ML_LIBRARIES = (
    "sklearn",
    "torch",
    "tensorflow",
    "keras",
    "xgboost",
    "lightgbm",
    "catboost",
    "jax",
    "flax",
    "statsmodels",
    "transformers",
    "lightning",
    "pytorch_lightning",
    "sentence_transformers",
    "prophet",
    "autogluon",
    "h2o",
    "tpot",
    "gensim",
    "optax",
    "pyspark.ml",
)
"""Packages whose calls count as "ML code" (Figure 1's black box)."""
_ML_HEADS = frozenset(library.partition(".")[0] for library in ML_LIBRARIES)

PREDICT_METHODS = frozenset(
    {"predict", "predict_proba", "predict_log_proba", "decision_function", "score_samples"}
)
SCORE_METHODS = frozenset(
    {"predict_proba", "predict_log_proba", "decision_function", "score_samples"}
)
FIT_METHODS = frozenset({"fit", "partial_fit", "fit_transform", "fit_predict"})
_MODEL_FITS = FIT_METHODS - {"fit_transform", "fit_predict"}  # these return data, not a model
SCORE_NAME = re.compile(
    r"(?i)(^|_)(probas?|probs?|probabilit(y|ies)|scores?|confidences?|likelihoods?|logits?)($|_)"
)
"""Names that hold scores even when the scanner cannot see where they came from."""

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
_MODEL_LOADERS = frozenset(
    {"joblib.load", "pickle.load", "torch.load", "cloudpickle.load", "dill.load", "skops.io.load"}
)


def is_ml_name(name: str | None) -> bool:
    """Whether a qualified name belongs to an ML library.

    >>> is_ml_name("sklearn.ensemble.RandomForestClassifier"), is_ml_name("pandas.read_csv")
    (True, False)
    """
    if not name or name.partition(".")[0] not in _ML_HEADS:
        return False
    return any(name == lib or name.startswith(lib + ".") for lib in ML_LIBRARIES)


def normalise(path: str) -> str:
    r"""A path as read and write events are compared: POSIX, normalised, without ``./``.

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


@dataclass(frozen=True)
class Fit:
    """A call to ``fit``-like method.

    Attributes:
        line: Its line.
        receiver: What is being fitted (``model_b``), or ``"?"``.
        producers: Where the prediction-tainted arguments come from: the objects whose
            ``predict``-like methods produced them, or ``file PATH``. Empty: no predictions.
    """

    line: int
    receiver: str
    producers: frozenset[str]


@dataclass(frozen=True)
class Comparison:
    """A comparison of a score with something.

    Attributes:
        line: Its line.
        literal: The literal number it is compared with, or ``None``.
        text: The comparison as written.
    """

    line: int
    literal: float | None
    text: str


@dataclass
class Flow:
    """What :func:`analyse` found in one module."""

    io: list[IOEvent] = field(default_factory=list)
    fits: list[Fit] = field(default_factory=list)
    comparisons: list[Comparison] = field(default_factory=list)


def _literal_number(node: ast.AST) -> float | None:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        value = _literal_number(node.operand)
        return None if value is None else (-value if isinstance(node.op, ast.USub) else value)
    if (
        isinstance(node, ast.Constant)
        and isinstance(node.value, int | float)
        and not isinstance(node.value, bool)
    ):
        return float(node.value)
    return None


def _root(node: ast.AST) -> str | None:
    """The name an assignment target or subscript chain is rooted at (``df`` in ``df["x"]``)."""
    while isinstance(node, ast.Subscript | ast.Starred):
        node = node.value
    return dotted(node)


def _targets(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Tuple | ast.List):
        return [name for element in node.elts for name in _targets(element)]
    name = _root(node)
    return [name] if name else []


_PIN_KEYWORDS = frozenset(
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


class _Analyser:
    def __init__(self, module: Module, prediction_files: frozenset[str]) -> None:
        self.module = module
        self.prediction_files = prediction_files
        self.flow = Flow()
        self.globals: dict[str, frozenset[str]] = {}
        self.global_scores: set[str] = set()
        self.global_models: set[str] = set()
        # Words the module uses, to skip what cannot apply: no predict-like method and no
        # file of predictions means nothing is ever tainted; no score-like name or method
        # means nothing is ever a score.
        attributes = {node.attr for node in module.by_type.get(ast.Attribute, ())}  # type: ignore[attr-defined]
        words = attributes | {node.id for node in module.by_type.get(ast.Name, ())}  # type: ignore[attr-defined]
        self.may_taint = bool(prediction_files) or not attributes.isdisjoint(PREDICT_METHODS)
        self.score_words = {word for word in words if SCORE_NAME.search(word)}
        self.may_score = bool(self.score_words) or not attributes.isdisjoint(SCORE_METHODS)

    # -- taint
    def examine(
        self,
        expression: ast.AST,
        tainted: dict[str, frozenset[str]],
        scores: set[str],
        *,
        taint: bool = True,
        score: bool = True,
    ) -> tuple[set[str], bool]:
        """(where the expression's predictions come from, whether it holds a score), in one walk.

        Producers are the objects whose ``predict``-like methods are called, the tainted
        names used, and ``file PATH`` for a read of a file of predictions. A score is a call
        of a score method, a name bound to a score, or a name that says it is one.
        """
        taint = taint and self.may_taint
        score = score and self.may_score
        found: set[str] = set()
        is_score = False
        if not (taint or score):
            return found, False
        score_words = self.score_words
        prediction_files = self.prediction_files
        # A dotted name can be tainted or a score only if its last part is one's last part.
        tails = {name.rpartition(".")[2] for name in (*tainted, *scores)}
        stack = [expression]
        while stack:
            node = stack.pop()
            kind = node.__class__
            if kind is ast.Call:
                func = node.func  # type: ignore[attr-defined]
                method = func.attr if func.__class__ is ast.Attribute else None
                if taint:
                    if method in PREDICT_METHODS:
                        found.add(_root(func.value) or "?")
                    elif prediction_files:
                        event = self.io_of(node)  # type: ignore[arg-type]
                        if event and event[0] == "read" and _matches(event[1], prediction_files):
                            found.add(f"file {event[1]}")
                if method in SCORE_METHODS:
                    is_score = True
            elif kind is ast.Name:
                name = node.id  # type: ignore[attr-defined]
                if taint and name in tainted:
                    found |= tainted[name]
                if name in scores or name in score_words:
                    is_score = True
            elif kind is ast.Attribute and (node.attr in tails or node.attr in score_words):  # type: ignore[attr-defined]
                name = dotted(node)
                if name is not None:
                    if taint and name in tainted:
                        found |= tainted[name]
                    if name in scores or node.attr in score_words:  # type: ignore[attr-defined]
                        is_score = True
            if is_score and not taint:
                return found, True
            fields = _CHILD_FIELDS.get(kind)
            for field_name in child_fields(kind) if fields is None else fields:
                value = getattr(node, field_name, None)
                if value.__class__ is list:
                    stack.extend(item for item in value if item is not None)
                elif value is not None:
                    stack.append(value)
        return found, is_score and score

    def producers(self, expression: ast.AST, tainted: dict[str, frozenset[str]]) -> set[str]:
        """Where the predictions an expression holds come from (see :meth:`examine`)."""
        return self.examine(expression, tainted, set(), score=False)[0]

    def is_score(self, expression: ast.AST, scores: set[str]) -> bool:
        """Whether an expression holds a score (see :meth:`examine`)."""
        return self.examine(expression, {}, scores, taint=False)[1]

    def is_model(self, value: ast.AST, models: set[str]) -> bool:
        if isinstance(value, ast.Call):
            func = value.func
            if isinstance(func, ast.Attribute) and func.attr in _MODEL_FITS:
                return True
            name = self.module.call_name(value)
            if name in _MODEL_LOADERS:
                return True
            if is_ml_name(name) and name.rsplit(".", 1)[-1][:1].isupper():  # type: ignore[union-attr]
                return True
            if isinstance(func, ast.Attribute) and func.attr == "load_model":
                return True
        name = dotted(value)
        return name is not None and name in models

    # -- I/O
    def io_of(
        self, call: ast.Call, files: dict[str, str] | None = None
    ) -> tuple[str, str, str, int | None] | None:
        """(kind, target, call name, index of the data argument) for an I/O call."""
        func = call.func
        name = self.module.call_name(call) or ""
        method = func.attr if isinstance(func, ast.Attribute) else None
        if not (
            name == "open"
            or name in _IO_FUNCTIONS
            or method in _IO_METHODS
            or name.startswith(("pandas.read_", "polars.read_", "polars.scan_"))
            or name.endswith(".load_model")
        ):
            return None  # most calls: nothing below can match
        constants = self.module.constants
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
        if name in _READ_FUNCTIONS or name.startswith(
            ("pandas.read_", "polars.read_", "polars.scan_")
        ):
            if name in {"pandas.read_sql", "pandas.read_sql_query"}:
                query = path_of(argument(0, "sql"), constants) or ""
                match = re.search(r"(?i)\bfrom\s+([\w.]+)", query)
                return ("read", f"table:{match.group(1)}", name, None) if match else None
            if name == "pandas.read_sql_table":
                table = path_of(argument(0, "table_name"), constants)
                return ("read", f"table:{table}", name, None) if table else None
            path = target(
                argument(0, "filepath_or_buffer", "path", "file", "fname", "filename", "fp")
            )
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
                path = (
                    path_of(func.value, constants)
                    if method != "load_model"
                    else target(argument(0))
                )
                return ("read", path, method, None) if path else None
        return None

    # -- the pass
    def run(self) -> Flow:
        for index, scope in enumerate(self.module.scopes):
            self.scope(scope, is_module=index == 0)
        return self.flow

    def scope(self, nodes: list[ast.AST], *, is_module: bool) -> None:
        tainted: dict[str, frozenset[str]] = {} if is_module else dict(self.globals)
        scores: set[str] = set() if is_module else set(self.global_scores)
        models: set[str] = set() if is_module else set(self.global_models)
        files: dict[str, str] = {}
        for node in nodes:
            if isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign | ast.NamedExpr):
                value = node.value
                if value is None:
                    continue
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                found, score = self.examine(value, tainted, scores)
                model = self.is_model(value, models)
                for target in targets:
                    for name in _targets(target):
                        if found:
                            tainted[name] = tainted.get(name, frozenset()) | frozenset(found)
                        if score:
                            scores.add(name)
                        if model:
                            models.add(name)
            elif isinstance(node, ast.withitem) and isinstance(node.optional_vars, ast.Name):
                context = node.context_expr
                if (
                    isinstance(context, ast.Call)
                    and dotted(context.func) == "open"
                    and context.args
                ):
                    path = path_of(context.args[0], self.module.constants)
                    if path is not None:
                        files[node.optional_vars.id] = path
            elif isinstance(node, ast.Call):
                self.call(node, tainted, models, files)
            elif isinstance(node, ast.Compare):
                self.compare(node, scores)
        if is_module:
            self.globals, self.global_scores, self.global_models = tainted, scores, models

    def call(
        self,
        node: ast.Call,
        tainted: dict[str, frozenset[str]],
        models: set[str],
        files: dict[str, str],
    ) -> None:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in FIT_METHODS:
            receiver = _root(func.value) or "?"
            found: set[str] = set()
            for argument in [*node.args, *(k.value for k in node.keywords)]:
                found |= self.producers(argument, tainted)
            self.flow.fits.append(Fit(node.lineno, receiver, frozenset(found)))
            if func.attr in {"fit", "partial_fit"} and receiver != "?":
                models.add(receiver)
        event = self.io_of(node, files)
        if event is None:
            return
        kind, target, name, data_index = event
        predictions = model = False
        if kind == "write" and data_index is not None:
            data = func.value if data_index == -1 and isinstance(func, ast.Attribute) else None
            if data_index >= 0 and len(node.args) > data_index:
                data = node.args[data_index]
            if data is not None:
                predictions = bool(self.producers(data, tainted))
                model = self.is_model(data, models)
        pinned = any(k.arg in _PIN_KEYWORDS for k in node.keywords)
        self.flow.io.append(
            IOEvent(
                self.module.path,
                node.lineno,
                kind,
                normalise(target),
                name,
                predictions=predictions,
                model=model,
                pinned=pinned,
            )
        )

    def compare(self, node: ast.Compare, scores: set[str]) -> None:
        operands = [node.left, *node.comparators]
        for (left, right), op in zip(itertools.pairwise(operands), node.ops, strict=True):
            if not isinstance(op, ast.Lt | ast.LtE | ast.Gt | ast.GtE):
                continue
            for side, other in ((left, right), (right, left)):
                if _literal_number(side) is None and self.is_score(side, scores):
                    self.flow.comparisons.append(
                        Comparison(node.lineno, _literal_number(other), ast.unparse(node))
                    )
                    break
            else:
                continue
            break


def _matches(path: str, targets: frozenset[str] | set[str]) -> bool:
    return path in targets or any(same_file(path, target) for target in targets)


def same_file(a: str, b: str) -> bool:
    """Whether two normalised paths name the same file: equal, matching wildcards, or same name.

    >>> same_file("data/clean.csv", "../data/clean.csv"), same_file("runs/*/s.csv", "runs/3/s.csv")
    (True, True)
    >>> same_file("data/train.csv", "data/test.csv")
    False
    """
    if a == b:
        return True
    if a.startswith("table:") or b.startswith("table:"):
        return False
    from fnmatch import fnmatchcase

    if ("*" in a and fnmatchcase(b, a)) or ("*" in b and fnmatchcase(a, b)):
        return True
    name_a, name_b = posixpath.basename(a), posixpath.basename(b)
    return bool(name_a) and "*" not in name_a and name_a == name_b


def analyse(module: Module, prediction_files: frozenset[str] = frozenset()) -> Flow:
    """Follow predictions, models and files through one module.

    Args:
        module: A parsed module.
        prediction_files: Files other modules write predictions to; reading one taints.

    Returns:
        Its I/O events, fit calls and score comparisons.
    """
    return _Analyser(module, prediction_files).run()
