"""The same mergeable statistics computed on a Dask cluster.

Each partition of a ``dask.dataframe`` is summarised where it lives
(``map_partitions`` with `mlops_atlas.validation.mergeable.partial_statistics`),
then the summaries are merged pairwise up a tree (``split_every`` at a time), so no
worker ever holds more than a partition and a few summaries, and only the final
summary travels to the client. Because merging is associative, the result is the
statistics `mlops_atlas.validation.statistics.compute_statistics` gives on the
whole frame in one process.

It runs on whatever scheduler is active: threads by default, a
``distributed.LocalCluster`` for processes on this machine, or a remote cluster::

    from distributed import Client
    client = Client("tcp://scheduler.example.org:8786")  # the one line for a remote cluster
    stats = dask_statistics(dd.read_parquet("s3://bucket/batch/*.parquet"))

TFDV does the same with Apache Beam (``statistics/stats_impl.py``): its statistics
generators run as one ``beam.CombineFn`` applied with ``CombinePerKey`` (the key is
the data slice) and ``with_hot_key_fanout`` (at least 128 intermediate combiners), so
their accumulators, tfx-bsl's quantiles sketch among them, are merged up a tree on
whichever runner Beam is given.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import pandas as pd

from mlops_atlas.validation.mergeable import PartialStatistics, partial_statistics

if TYPE_CHECKING:
    import dask.dataframe as dd
    from dask.delayed import Delayed

    from mlops_atlas.validation.statistics import DatasetStatistics

__all__ = ["dask_partial_statistics", "dask_statistics"]


def _partition_summary(frame: pd.DataFrame) -> pd.Series:
    # One thread per partition: Dask already runs a partition on each of its threads.
    return pd.Series([partial_statistics(frame, threads=1)], dtype=object)


def _merge_all(*summaries: pd.Series | PartialStatistics) -> PartialStatistics:
    partials = [s.iloc[0] if isinstance(s, pd.Series) else s for s in summaries]
    return functools.reduce(PartialStatistics.merge, partials)


def dask_partial_statistics(frame: dd.DataFrame, split_every: int = 8) -> Delayed:
    """A ``dask.delayed`` that computes the frame's merged summary (not yet computed).

    Args:
        frame: A ``dask.dataframe.DataFrame``.
        split_every: Summaries merged together at each level of the tree.

    Returns:
        A delayed `mlops_atlas.validation.mergeable.PartialStatistics`.
    """
    import dask

    if split_every < 2:
        raise ValueError(f"split_every must be at least 2, not {split_every}")
    summaries = frame.map_partitions(_partition_summary, meta=pd.Series(dtype=object))
    level = list(summaries.to_delayed())
    merge = dask.delayed(_merge_all, pure=True)
    while True:  # at least one level: a single partition's Series becomes a summary too
        level = [merge(*level[i : i + split_every]) for i in range(0, len(level), split_every)]
        if len(level) == 1:
            return level[0]


def dask_statistics(frame: dd.DataFrame, split_every: int = 8) -> DatasetStatistics:
    """Statistics of a ``dask.dataframe.DataFrame``, computed on the active Dask scheduler.

    Args:
        frame: The data, partitioned.
        split_every: Summaries merged together at each level of the reduction tree.

    Returns:
        The `mlops_atlas.validation.statistics.DatasetStatistics`.

    Examples:
        >>> import dask.dataframe as dd
        >>> from mlops_atlas.validation import compute_statistics
        >>> frame = pd.DataFrame({"x": range(100), "c": ["a", "b"] * 50})
        >>> stats = dask_statistics(dd.from_pandas(frame, npartitions=4))
        >>> stats == compute_statistics(frame)
        True
    """
    return dask_partial_statistics(frame, split_every).compute().finish()
