"""Per-column statistics of a pandas DataFrame, shaped like TFDV's ``FeatureNameStatistics``.

Types follow TFDV's numpy map (``stats_util._NP_DTYPE_KIND_TO_FEATURE_TYPE``): integer
columns are ``INT``, floating columns ``FLOAT``, string/object columns ``STRING`` (the
schema calls them ``BYTES``). That map has no entry for booleans, so a boolean column
is encoded as ``tf.train.Example`` would store it, as an ``INT`` 0/1 (and then gets a
``bool_domain`` at inference). ``NaN`` and ``None`` count as missing, as TFDV counts
nulls after pandas is converted to Arrow.

The standard histogram has 10 equal-width buckets between the finite minimum and
maximum, a single point bucket when they are equal, and ``(-inf, -inf)`` / ``(inf, inf)``
buckets for infinities. Its counts are derived as TFDV derives them, from 1,000
quantiles (see :mod:`~mlops_atlas.validation.histograms`), not counted directly: an
integer on an inner edge belongs to the bucket on its left, and that is what makes the
drift comparator's Jensen-Shannon divergence on integer features agree with TFDV's.
The quantiles histogram (10 equal-mass buckets) and the median come from the same
quantiles.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from mlops_atlas.errors import AtlasError
from mlops_atlas.validation.histograms import NUM_HISTOGRAM_BUCKETS, Histogram, tfdv_histograms

__all__ = [
    "NUM_HISTOGRAM_BUCKETS",
    "DatasetStatistics",
    "FeatureStatistics",
    "Histogram",
    "StatisticsError",
    "compute_statistics",
]


class StatisticsError(AtlasError, ValueError):
    """A column cannot be summarised (mixed value types); the message names the column."""


@dataclass(frozen=True)
class FeatureStatistics:
    """Statistics of one column.

    Attributes:
        name: Column name.
        type: ``"INT"``, ``"FLOAT"`` or ``"STRING"`` (TFDV's statistics types).
        num_present: Rows with a value.
        num_missing: Rows with ``NaN``/``None``.
        min: Smallest value (numeric columns; ``-inf`` if present), else ``None``.
        max: Largest value (numeric columns), else ``None``.
        mean: Mean of the finite values (numeric), else ``None``.
        std: Population standard deviation of the finite values (numeric), else ``None``.
        num_zeros: Values equal to 0 (numeric).
        num_nan: ``NaN`` cells of a FLOAT column (they are also counted as missing).
        num_pos_inf: ``+inf`` values (FLOAT).
        num_neg_inf: ``-inf`` values (FLOAT).
        histogram: The standard 10-bucket histogram (numeric), else ``None``.
        quantiles: The 10-bucket quantiles histogram (numeric), else ``None``.
        median: The median, as TFDV reads it off its quantiles (numeric), else ``None``.
        unique: Distinct values (STRING), else ``None``.
        value_counts: Value → count for STRING columns, most frequent first.
    """

    name: str
    type: str
    num_present: int
    num_missing: int
    min: float | None = None
    max: float | None = None
    mean: float | None = None
    std: float | None = None
    num_zeros: int = 0
    num_nan: int = 0
    num_pos_inf: int = 0
    num_neg_inf: int = 0
    histogram: Histogram | None = None
    quantiles: Histogram | None = None
    median: float | None = None
    unique: int | None = None
    value_counts: dict[str, int] = field(default_factory=dict)

    @property
    def is_numeric(self) -> bool:
        """Whether the column is INT or FLOAT."""
        return self.type in ("INT", "FLOAT")


@dataclass(frozen=True)
class DatasetStatistics:
    """Statistics of a whole table.

    Attributes:
        num_examples: Number of rows.
        features: Statistics by column name, in column order.
    """

    num_examples: int
    features: dict[str, FeatureStatistics]

    def __getitem__(self, name: str) -> FeatureStatistics:
        return self.features[name]

    def __contains__(self, name: object) -> bool:
        return name in self.features


def compute_statistics(frame: pd.DataFrame) -> DatasetStatistics:
    """Summarise every column of ``frame`` (vectorised; no loop over rows).

    Args:
        frame: The data, one row per example.

    Returns:
        The dataset's statistics.

    Raises:
        StatisticsError: If a column mixes strings with numbers or other objects.

    Examples:
        >>> stats = compute_statistics(pd.DataFrame({"x": [1, 0, 3], "c": ["a", "b", None]}))
        >>> stats["x"].type, stats["x"].num_zeros, stats["c"].num_missing, stats["c"].value_counts
        ('INT', 1, 1, {'a': 1, 'b': 1})
    """
    features = {str(name): _column_statistics(str(name), frame[name]) for name in frame.columns}
    return DatasetStatistics(num_examples=len(frame), features=features)


def _column_statistics(name: str, column: pd.Series) -> FeatureStatistics:
    dtype = column.dtype
    if pd.api.types.is_bool_dtype(dtype):
        column = column.astype("Int8" if column.hasnans else "int8")
        dtype = column.dtype
    if pd.api.types.is_integer_dtype(dtype):
        return _numeric(name, "INT", column)
    if pd.api.types.is_float_dtype(dtype):
        return _numeric(name, "FLOAT", column)
    if pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_datetime64_any_dtype(dtype):
        raise StatisticsError(
            f"column '{name}' has unsupported type {dtype}; convert it to numbers or text"
        )
    return _categorical(name, column)


def _numeric(name: str, kind: str, column: pd.Series) -> FeatureStatistics:
    missing = column.isna().to_numpy()
    num_missing = int(missing.sum())
    values = column.to_numpy(dtype="float64", na_value=np.nan)
    num_nan = num_missing if kind == "FLOAT" else 0
    present = values[~missing] if num_missing else values
    if present.size == 0:
        return FeatureStatistics(name, kind, 0, num_missing, num_nan=num_nan)
    finite_mask = np.isfinite(present)
    finite = present if finite_mask.all() else present[finite_mask]
    pos_inf = int(np.count_nonzero(present == np.inf))
    neg_inf = int(np.count_nonzero(present == -np.inf))
    mean = float(finite.mean()) if finite.size else float("nan")
    std = float(finite.std()) if finite.size else float("nan")
    return FeatureStatistics(
        name,
        kind,
        num_present=int(present.size),
        num_missing=num_missing,
        min=float(present.min()),
        max=float(present.max()),
        mean=mean,
        std=std,
        num_zeros=int(np.count_nonzero(present == 0)),
        num_nan=num_nan,
        num_pos_inf=pos_inf,
        num_neg_inf=neg_inf,
        **_histograms(present, finite, pos_inf),
    )


def _histograms(present: np.ndarray, finite: np.ndarray, pos_inf: int) -> dict[str, object]:
    values, counts = np.unique(present, return_counts=True)
    finite_min = float(finite.min()) if finite.size else np.inf
    finite_max = float(finite.max()) if finite.size else -np.inf
    standard, quantiles, median = tfdv_histograms(
        values, counts.astype(np.float64), finite_min, finite_max, float(pos_inf)
    )
    return {"histogram": standard, "quantiles": quantiles, "median": median}


def _categorical(name: str, column: pd.Series) -> FeatureStatistics:
    missing = column.isna()
    num_missing = int(missing.sum())
    present = column[~missing] if num_missing else column
    if present.dtype == object and len(present):
        kinds = present.map(type).value_counts()
        if len(kinds) > 1 or kinds.index[0] is not str:
            found = ", ".join(sorted(kind.__name__ for kind in kinds.index))
            raise StatisticsError(
                f"column '{name}' mixes value types ({found}); make every value text or every value a number"
            )
    counts = present.value_counts(sort=False)
    ordered = sorted(
        zip(counts.index.astype(str), counts.to_numpy().tolist(), strict=True),
        key=lambda item: (-item[1], item[0]),
    )
    return FeatureStatistics(
        name,
        "STRING",
        num_present=len(present),
        num_missing=num_missing,
        unique=len(ordered),
        value_counts=dict(ordered),
    )
