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
import re
from dataclasses import dataclass, field

from mlops_atlas.debt.scanner.iocalls import PIN_KEYWORDS, IOEvent, io_of, matches, normalise
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

_ORDERING = (ast.Lt, ast.LtE, ast.Gt, ast.GtE)
_BINDINGS = frozenset({ast.Assign, ast.AnnAssign, ast.AugAssign, ast.NamedExpr})

_MODEL_LOADERS = frozenset(
    {"joblib.load", "pickle.load", "torch.load", "cloudpickle.load", "dill.load", "skops.io.load"}
)


def is_ml_name(name: str | None) -> bool:
    """Whether a qualified name belongs to an ML library.

    Examples:
        >>> is_ml_name("sklearn.ensemble.RandomForestClassifier"), is_ml_name("pandas.read_csv")
        (True, False)
    """
    if not name or name.partition(".")[0] not in _ML_HEADS:
        return False
    return any(name == lib or name.startswith(lib + ".") for lib in ML_LIBRARIES)


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
    """What `analyse` found in one module."""

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
                        if event and event[0] == "read" and matches(event[1], prediction_files):
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
        """Where the predictions an expression holds come from (see `examine`)."""
        return self.examine(expression, tainted, set(), score=False)[0]

    def is_score(self, expression: ast.AST, scores: set[str]) -> bool:
        """Whether an expression holds a score (see `examine`)."""
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
        return io_of(self.module, call, files)

    # -- the pass
    def run(self) -> Flow:
        for index, scope in enumerate(self.module.scopes):
            self.scope(scope, is_module=index == 0)
        return self.flow

    def scope(self, nodes: list[ast.AST], *, is_module: bool) -> None:
        if not is_module and self.inert(nodes):
            return
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
            elif isinstance(node, ast.withitem):
                self.track_file(node, files)
            elif isinstance(node, ast.Call):
                self.call(node, tainted, models, files)
            elif isinstance(node, ast.Compare):
                self.compare(node, scores)
        if is_module:
            self.globals, self.global_scores, self.global_models = tainted, scores, models

    def inert(self, nodes: list[ast.AST]) -> bool:
        """Record a function scope's I/O at once if nothing in it reads what its bindings hold.

        What names are bound to (predictions, scores, models) matters only to a ``fit``
        call, a write of data and an ordering comparison (when the module may hold scores).
        A scope with none of them is most of a library's functions: its reads and other I/O
        events need no bindings, so its assignments are not followed. Returns ``False``,
        having recorded nothing, when the scope needs the full pass.
        """
        files: dict[str, str] = {}
        events: list[IOEvent] = []
        may_score = self.may_score
        for node in nodes:
            kind = node.__class__
            if kind is ast.Call:
                func = node.func  # type: ignore[attr-defined]
                if func.__class__ is ast.Attribute and func.attr in FIT_METHODS:
                    return False
                event = self.io_of(node, files)  # type: ignore[arg-type]
                if event is None:
                    continue
                kind_of_io, target, name, data_index = event
                if kind_of_io == "write" and data_index is not None:
                    return False
                pinned = any(k.arg in PIN_KEYWORDS for k in node.keywords)  # type: ignore[attr-defined]
                events.append(
                    IOEvent(
                        self.module.path,
                        node.lineno,  # type: ignore[attr-defined]
                        kind_of_io,
                        normalise(target),
                        name,
                        pinned=pinned,
                    )
                )
            elif kind is ast.Compare:
                if may_score and any(op.__class__ in _ORDERING for op in node.ops):  # type: ignore[attr-defined]
                    return False
            elif kind is ast.withitem:
                self.track_file(node, files)  # type: ignore[arg-type]
            elif kind not in _BINDINGS:
                return False  # a node the full pass knows and this one does not
        self.flow.io.extend(events)
        return True

    def track_file(self, node: ast.withitem, files: dict[str, str]) -> None:
        """``with open(PATH) as f``: later calls on ``f`` read or write PATH."""
        if not isinstance(node.optional_vars, ast.Name):
            return
        context = node.context_expr
        if isinstance(context, ast.Call) and dotted(context.func) == "open" and context.args:
            path = path_of(context.args[0], self.module.constants)
            if path is not None:
                files[node.optional_vars.id] = path

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
        pinned = any(k.arg in PIN_KEYWORDS for k in node.keywords)
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


def analyse(module: Module, prediction_files: frozenset[str] = frozenset()) -> Flow:
    """Follow predictions, models and files through one module.

    Args:
        module: A parsed module.
        prediction_files: Files other modules write predictions to; reading one taints.

    Returns:
        Its I/O events, fit calls and score comparisons.
    """
    return _Analyser(module, prediction_files).run()
