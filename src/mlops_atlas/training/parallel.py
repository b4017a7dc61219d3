"""The same hyper-parameter search on one core and on all of them (Huyen 2022, ch. 6).

A grid search is *embarrassingly parallel*: every (configuration, fold) fit is
independent. scikit-learn hands those fits to joblib, which runs them in worker
processes when ``n_jobs`` is more than 1. How much faster that is depends on:

- the cores: at most ``min(cores, fits)`` fits run at once;
- the waves: 12 fits on 8 workers take two rounds, as long as 16 would;
- the serial part: the final refit on all the training data waits for the
  winner and runs alone (Amdahl's law);
- the overhead: starting worker processes (each imports the libraries) and
  sending them the data, paid before the first fit;
- the neighbours: other programs on the same cores take their share.

`timed_search` measures one run; `ideal_speedup` says what the
cores and the waves allow, so the page can set the measurement against it.
Timings are measurements of one run on one machine, never test assertions.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "SearchTiming",
    "available_cores",
    "forest_search_space",
    "ideal_speedup",
    "timed_search",
]


@dataclass(frozen=True)
class SearchTiming:
    """One timed run of a grid search.

    Attributes:
        n_jobs: Workers asked for (``-1``: one per core).
        seconds: Wall-clock time of ``fit``.
        fits: Fits run (configurations × folds, plus the final refit).
        best_params: The configuration chosen.
        best_score: Its mean cross-validated score.
    """

    n_jobs: int
    seconds: float
    fits: int
    best_params: dict[str, Any]
    best_score: float


def available_cores() -> int:
    """Cores this process may run on (its CPU affinity where the system tells it)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1  # pragma: no cover - platforms without affinity


def ideal_speedup(fits: int, workers: int, *, serial: int = 0) -> float:
    """Best possible speed-up of ``fits`` equal tasks on ``workers``, ``serial`` of them alone.

    Serial time is ``fits`` units. In parallel, the ``fits - serial`` independent
    tasks run in ``ceil((fits - serial) / workers)`` waves of one unit each, then
    the ``serial`` ones run one after the other (a grid search's final refit on
    the whole training set is one such task: it waits for the winner).

    Examples:
        >>> ideal_speedup(12, 2)
        2.0
        >>> ideal_speedup(12, 8)  # two waves: 12 / 2
        6.0
        >>> ideal_speedup(3, 8)  # more workers than tasks
        3.0
        >>> round(ideal_speedup(13, 2, serial=1), 2)  # 12 fits in 6 waves, then the refit
        1.86
    """
    waves = math.ceil((fits - serial) / max(workers, 1))
    return fits / (waves + serial)


def forest_search_space(seed: int = 0) -> tuple[Any, dict[str, list[Any]]]:
    """A small random forest for the churn task and a 2 × 2 grid of its hyper-parameters.

    The forest itself runs on one core (``n_jobs=1``), so the only parallelism is
    the search's: one fit per worker.

    Returns:
        The estimator (a pipeline that one-hot encodes ``region``) and the grid.
    """
    from sklearn.compose import make_column_transformer
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    forest = make_pipeline(
        make_column_transformer((OneHotEncoder(), ["region"]), remainder="passthrough"),
        RandomForestClassifier(n_estimators=20, min_samples_leaf=5, random_state=seed, n_jobs=1),
    )
    grid: dict[str, list[Any]] = {
        "randomforestclassifier__max_depth": [6, None],
        "randomforestclassifier__max_features": [0.5, 1.0],
    }
    return forest, grid


def timed_search(
    estimator: Any,
    grid: Mapping[str, Sequence[Any]],
    inputs: Any,
    labels: Any,
    *,
    n_jobs: int,
    folds: int = 3,
    scoring: str = "roc_auc",
) -> SearchTiming:
    """Run ``GridSearchCV`` with ``n_jobs`` workers and time it.

    The search runs on whatever joblib backend is active, so wrapping the call in
    ``joblib.parallel_config(backend=...)`` sends the same fits elsewhere (a Dask
    or Ray cluster) without changing this code.

    Args:
        estimator: The model to tune (keep its own ``n_jobs`` at 1, or workers
            compete for the same cores).
        grid: Parameter name → values to try.
        inputs: Training inputs.
        labels: Training labels.
        n_jobs: Workers for the search; ``1`` runs it in this process.
        folds: Cross-validation folds.
        scoring: The metric to maximise.

    Returns:
        The timing and what the search found.
    """
    from sklearn.model_selection import GridSearchCV

    search = GridSearchCV(estimator, dict(grid), cv=folds, scoring=scoring, n_jobs=n_jobs)
    start = time.perf_counter()
    search.fit(inputs, labels)
    seconds = time.perf_counter() - start
    configurations = math.prod(len(values) for values in grid.values())
    return SearchTiming(
        n_jobs=n_jobs,
        seconds=seconds,
        fits=configurations * folds + 1,
        best_params=dict(search.best_params_),
        best_score=float(search.best_score_),
    )
