"""A small lending world for the deployment examples: loan applications and their defaults.

Each row is an application with three standardised signals (``x1``, ``x2``,
``x3``), a ``region``, a ``local_score`` that only the southern branch collects
(zero elsewhere), and the label ``default``. One more column is a trap:
``collections_contact`` records whether the collections team has contacted the
customer. In the historical export it is filled in *after* the outcome, so it
almost gives the label away; at decision time nobody has been contacted yet, so
in serving data it is always zero. A model that learns from it looks excellent
offline and fails live: the data leakage of Shankar et al. (2022), §5.1.1.1.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

__all__ = ["LABEL", "LEAKY_FEATURE", "REGIONS", "make_applications", "make_model"]

LABEL = "default"
"""The label column: 1 when the loan defaulted."""

LEAKY_FEATURE = "collections_contact"
"""Filled in after the outcome in historical data, always 0 at decision time."""

REGIONS = ("east", "north", "south", "west")
"""Regions, with shares 30/30/10/30 %; only the south has a ``local_score``."""


def make_applications(seed: int, rows: int, *, serving: bool = False) -> pd.DataFrame:
    """Loan applications with their outcomes.

    Args:
        seed: Seed of the random generator; the same seed gives the same rows.
        rows: Number of applications.
        serving: ``True`` for data as a live request sees it (``collections_contact``
            is 0, because nobody has been contacted yet); ``False`` for the
            historical export, where it was filled in after the outcome.

    Returns:
        Columns ``x1``, ``x2``, ``x3``, ``local_score``, ``region``,
        ``collections_contact`` and ``default``.

    Examples:
        >>> frame = make_applications(0, 1000)
        >>> sorted(frame["region"].unique()) == sorted(REGIONS), int(frame["default"].sum()) > 0
        (True, True)
        >>> int(make_applications(0, 1000, serving=True)["collections_contact"].sum())
        0
    """
    rng = np.random.default_rng(seed)
    region = rng.choice(REGIONS, rows, p=[0.3, 0.3, 0.1, 0.3])
    x1, x2, x3, local = rng.normal(size=(4, rows))
    local = np.where(region == "south", local, 0.0)
    logit = -0.4 + 1.2 * x1 - 1.2 * x2 + 1.0 * x3 + 2.5 * local
    default = (rng.random(rows) < 1.0 / (1.0 + np.exp(-logit))).astype(int)
    # By export time the collections team has reached 90% of defaulters and 2% of the rest.
    reached = rng.random(rows) < np.where(default == 1, 0.9, 0.02)
    contact = np.zeros(rows, dtype=int) if serving else reached.astype(int)
    return pd.DataFrame(
        {
            "x1": x1,
            "x2": x2,
            "x3": x3,
            "local_score": local,
            "region": region,
            LEAKY_FEATURE: contact,
            LABEL: default,
        }
    )


def make_model(features: Sequence[str]) -> Pipeline:
    """A logistic regression that reads only ``features`` from a frame of applications.

    The column selection is part of the model, so every version accepts the same
    request frame and the registry can swap one for another.

    Examples:
        >>> frame = make_applications(0, 500)
        >>> model = make_model(["x1", "x2"]).fit(frame, frame["default"])
        >>> model.predict(frame.head(3)).shape
        (3,)
    """
    select = ColumnTransformer([("features", "passthrough", list(features))])
    return Pipeline([("select", select), ("classifier", LogisticRegression(max_iter=1000))])
