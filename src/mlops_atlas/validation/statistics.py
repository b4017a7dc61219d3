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
quantiles (see `mlops_atlas.validation.histograms`), not counted directly: an
integer on an inner edge belongs to the bucket on its left, and that is what makes the
drift comparator's Jensen-Shannon divergence on integer features agree with TFDV's.
The quantiles histogram (10 equal-mass buckets) and the median come from the same
quantiles.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import pandas as pd

from mlops_atlas.errors import AtlasError
from mlops_atlas.validation.histograms import NUM_HISTOGRAM_BUCKETS, Histogram

__all__ = [
    "NUM_HISTOGRAM_BUCKETS",
    "DatasetStatistics",
    "FeatureStatistics",
    "Histogram",
    "StatisticsError",
    "compute_statistics",
    "compute_statistics_chunked",
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

    This is `compute_statistics_chunked` with one chunk: the same code, so the
    in-memory and the chunked paths give the same statistics.

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
    from mlops_atlas.validation.mergeable import partial_statistics

    return partial_statistics(frame).finish()


def compute_statistics_chunked(
    chunks: Iterable[pd.DataFrame], threads: int | None = None
) -> DatasetStatistics:
    """Summarise a table given as consecutive chunks (DataFrames with the same columns).

    While one thread reads the next chunk (parsing a CSV, decoding Parquet), up to
    ``threads`` others (by default one per core) summarise the chunks already read;
    the summaries are merged in chunk order, so the result, and the first error
    raised, are those of one thread going through the chunks in turn. At most
    ``threads + 1`` chunks and the running summary are in memory at a time (see
    `mlops_atlas.validation.mergeable` for what the summary keeps).

    Args:
        chunks: The table's rows, chunk by chunk.
        threads: Chunks summarised at a time; ``1`` reads and summarises in turn.

    Returns:
        The statistics of all the rows, as `compute_statistics` of the whole table.

    Raises:
        StatisticsError: If there is no chunk, a column mixes types, or chunks differ
            in their columns.
        ColumnTypeConflictError: If a column is numbers in one chunk and text in another.

    Examples:
        >>> frame = pd.DataFrame({"x": range(10), "c": list("aabbbccccc")})
        >>> compute_statistics_chunked([frame[:4], frame[4:]]) == compute_statistics(frame)
        True
    """
    from mlops_atlas.validation.mergeable import (
        PartialStatistics,
        available_cores,
        partial_statistics,
    )

    total: PartialStatistics | None = None

    def add(partial: PartialStatistics) -> None:
        nonlocal total
        total = partial if total is None else total.merge(partial)

    workers = threads or available_cores()
    if workers < 2:
        for chunk in chunks:
            add(partial_statistics(chunk, threads=1))
    else:
        iterator = iter(chunks)
        with ThreadPoolExecutor(workers, thread_name_prefix="chunks") as pool:
            pending: deque[Future[PartialStatistics]] = deque()
            try:
                while True:
                    try:
                        chunk = next(iterator)
                    except StopIteration:
                        break
                    except Exception:  # reading failed: an earlier chunk's error comes first
                        while pending:
                            add(pending.popleft().result())
                        raise
                    pending.append(pool.submit(partial_statistics, chunk, 1))
                    del chunk  # the pending task holds it until it has run
                    while len(pending) > workers:
                        add(pending.popleft().result())
                while pending:
                    add(pending.popleft().result())
            except BaseException:  # an error or Ctrl-C: the chunks not started are dropped
                for future in pending:
                    future.cancel()
                raise
            finally:
                close = getattr(iterator, "close", None)
                if close is not None:  # a generator reading a file: close the file now
                    close()
    if total is None:
        raise StatisticsError("no data: the table has no chunk, not even a header")
    return total.finish()
