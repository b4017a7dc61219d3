"""Batch prediction inside the database: the model as one SQL expression.

A linear model after scaling and one-hot encoding is a sum of products, so the database can
score a whole table itself and store the predictions for later look-up, without the rows
ever leaving it. `linear_sql` writes that expression for the serving example's
pipeline (``StandardScaler`` and ``OneHotEncoder`` in a ``ColumnTransformer``, then a binary
``LogisticRegression``); `score_table` runs it in SQLite.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from mlops_atlas.errors import AtlasError

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

__all__ = ["UnsupportedModelError", "linear_sql", "score_table"]


class UnsupportedModelError(AtlasError):
    """The pipeline has a step that `linear_sql` cannot write as SQL."""


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def linear_sql(pipeline: Pipeline) -> str:
    """The pipeline's decision function (log-odds of the positive class) as a SQL expression.

    Args:
        pipeline: A fitted ``Pipeline`` of a ``ColumnTransformer`` (``StandardScaler`` and
            ``OneHotEncoder`` parts) and a binary ``LogisticRegression``.

    Returns:
        SQL over the input columns; ``>= 0`` means the positive class (probability >= 0.5).

    Raises:
        UnsupportedModelError: Another kind of step, or more than two classes.
    """
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    prepare, model = pipeline[0], pipeline[-1]
    if not isinstance(prepare, ColumnTransformer) or not isinstance(model, LogisticRegression):
        raise UnsupportedModelError("expected a ColumnTransformer then a LogisticRegression")
    if len(model.classes_) != 2:
        raise UnsupportedModelError(f"expected 2 classes, the model has {len(model.classes_)}")
    weights = iter(model.coef_[0])
    terms = [repr(float(model.intercept_[0]))]
    for name, step, columns in prepare.transformers_:
        if isinstance(step, StandardScaler):
            for column, mean, scale in zip(columns, step.mean_, step.scale_, strict=True):
                weight = float(next(weights))
                terms.append(
                    f"{weight!r} * ({_quote(column)} - {float(mean)!r}) / {float(scale)!r}"
                )
        elif isinstance(step, OneHotEncoder):
            for column, categories in zip(columns, step.categories_, strict=True):
                cases = " ".join(
                    f"WHEN {_literal(category)} THEN {float(next(weights))!r}"
                    for category in categories
                )
                terms.append(f"(CASE {_quote(column)} {cases} ELSE 0 END)")
        elif step != "drop":
            raise UnsupportedModelError(f"step {name!r} ({type(step).__name__}) has no SQL form")
    return "\n  + ".join(terms)


def score_table(
    connection: sqlite3.Connection,
    pipeline: Pipeline,
    *,
    source: str,
    target: str,
    key: str = "id",
) -> int:
    """Score every row of ``source`` inside the database into a new table ``target``.

    Args:
        connection: An open SQLite connection.
        pipeline: The fitted pipeline (see `linear_sql`).
        source: The table of inputs (one column per feature, and ``key``).
        target: The table to create with ``key``, ``log_odds`` and ``prediction``.
        key: The column identifying a row.

    Returns:
        The number of rows scored.
    """
    expression = linear_sql(pipeline)
    connection.execute(f"DROP TABLE IF EXISTS {_quote(target)}")
    connection.execute(
        f"CREATE TABLE {_quote(target)} AS "
        f"SELECT {_quote(key)}, log_odds, CASE WHEN log_odds >= 0 THEN 1 ELSE 0 END AS prediction "
        f"FROM (SELECT {_quote(key)}, {expression} AS log_odds FROM {_quote(source)})"
    )
    (count,) = connection.execute(f"SELECT COUNT(*) FROM {_quote(target)}").fetchone()
    return int(count)
