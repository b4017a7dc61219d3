"""Statistics of a chunk that merge exactly with those of other chunks.

`partial_statistics` summarises one pandas DataFrame; `PartialStatistics.merge`
combines two summaries; `PartialStatistics.finish` turns the result into the
`mlops_atlas.validation.statistics.DatasetStatistics` that schemas, anomalies and
drift use. Merging is associative and commutative, so chunks of a file, partitions of
a Dask frame or batches of an Arrow stream give the same statistics in any grouping.

What each column keeps (its memory does not grow with the number of rows):

- counts (present, missing, zeros, infinities), exact;
- min and max, exact;
- mean and standard deviation of the finite values as count, mean and sum of squared
  deviations, merged with Chan et al.'s parallel update (equal to one pass up to
  floating-point rounding, ~1e-15 relative);
- an integer column's distinct values with their exact counts, as long as there are at
  most 10,000 of them (counts, ages, codes, years: what TFDV's summary also holds
  exactly);
- otherwise the values as a *log-linear sketch*: each finite value is truncated to its
  11 most significant bits (sign, exponent, 10 mantissa bits) and counted. Counts are
  exact, so ranks are exact; a value is known to within 2**-10 (0.098 %) of itself,
  and any value with 11 significant bits or fewer (integers up to 2,048, 0.5, 2.25)
  exactly. The sketch has at most 1,024 cells per power of two the data spans;
- string values with their exact counts (this grows with the number of *distinct*
  strings, not of rows).

The quantiles and histograms TFDV reports are derived from the sketch at the end
(`mlops_atlas.validation.histograms`). A quantile is therefore within 0.098 % of
the exact quantile, relative to its value (TFDV's own sketch, ``eps=0.01``, instead
bounds the error in rank: within 1 % of the rows).
"""

from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, NoReturn

import numpy as np
import pandas as pd

from mlops_atlas.errors import AtlasError

if TYPE_CHECKING:
    import pyarrow as pa

    from mlops_atlas.validation.statistics import DatasetStatistics, FeatureStatistics
from mlops_atlas.validation.histograms import tfdv_histograms
from mlops_atlas.validation.sketch import (
    EXACT_DISTINCT_LIMIT,
    count_keys,
    merge_keys,
    sketch_keys,
    sketch_values,
    to_sketch,
)

__all__ = [
    "ColumnTypeConflictError",
    "NumericPartial",
    "PartialStatistics",
    "StringPartial",
    "available_cores",
    "partial_statistics",
]


class ColumnTypeConflictError(AtlasError, ValueError):
    """A column is numeric in one chunk and text (or boolean) in another.

    Attributes:
        column: The column's name.
    """

    def __init__(self, column: str, first: str, second: str) -> None:
        super().__init__(
            f"column '{column}' holds {first} in one chunk and {second} in another; "
            "read it as text (dtype=str) or fix the cells that differ"
        )
        self.column = column


@dataclass(frozen=True)
class NumericPartial:
    """A numeric column's mergeable summary (see the module docstring)."""

    kind: str
    boolean: bool
    exact: bool = True
    num_present: int = 0
    num_missing: int = 0
    num_zeros: int = 0
    num_pos_inf: int = 0
    num_neg_inf: int = 0
    min: float = math.inf
    max: float = -math.inf
    finite_min: float = math.inf
    finite_max: float = -math.inf
    num_finite: int = 0
    mean: float = 0.0
    m2: float = 0.0
    keys: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    counts: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    @classmethod
    def of(cls, kind: str, boolean: bool, column: pd.Series) -> NumericPartial:
        """Summarise one chunk of a numeric (or boolean) column."""
        if kind == "INT" and not boolean:
            integers = _exact_integers(column)
            if integers is not None:
                return cls._of_integers(*integers)
        values = column.to_numpy(dtype="float64", na_value=np.nan)
        missing = np.isnan(values)
        num_missing = int(np.count_nonzero(missing))
        present = values[~missing] if num_missing else values
        if present.size == 0:
            return cls(kind, boolean, num_missing=num_missing)
        low, high = float(present.min()), float(present.max())
        if math.isfinite(low) and math.isfinite(high):  # the usual case: no infinity to count
            finite, pos_inf, neg_inf, finite_min, finite_max = present, 0, 0, low, high
        else:
            finite = present[np.isfinite(present)]
            pos_inf = int(np.count_nonzero(present == np.inf))
            neg_inf = int(np.count_nonzero(present == -np.inf))
            finite_min = float(finite.min()) if finite.size else math.inf
            finite_max = float(finite.max()) if finite.size else -math.inf
        exact = kind == "INT"
        if not finite.size:
            keys, counts = count_keys(finite.astype(np.int64))
        elif exact:
            keys, counts = count_keys(finite.astype(np.int64), int(finite_min), int(finite_max))
            if keys.size > EXACT_DISTINCT_LIMIT:
                exact, (keys, counts) = False, to_sketch(keys, counts)
        else:
            extremes = sketch_keys(np.array([finite_min, finite_max]))
            keys, counts = count_keys(sketch_keys(finite), int(extremes[0]), int(extremes[1]))
        mean = float(finite.mean()) if finite.size else 0.0
        return cls(
            kind,
            boolean,
            exact,
            num_present=int(present.size),
            num_missing=num_missing,
            num_zeros=int(np.count_nonzero(present == 0)),
            num_pos_inf=pos_inf,
            num_neg_inf=neg_inf,
            min=low,
            max=high,
            finite_min=finite_min,
            finite_max=finite_max,
            num_finite=int(finite.size),
            mean=mean,
            m2=_sum_of_squares(finite - mean) if finite.size else 0.0,
            keys=keys,
            counts=counts,
        )

    @classmethod
    def _of_integers(
        cls, present: np.ndarray, low: int, high: int, num_missing: int
    ) -> NumericPartial:
        """`of` for integers that float64 holds exactly, with every sum of them.

        The same summary as from their float64 copy, without making it: the values,
        extremes and keys are the same numbers, the float sum of such integers is their
        exact integer sum (so the mean is too), and ``present - mean`` converts each
        value to float64 as it subtracts.
        """
        keys, counts = count_keys(present.astype(np.int64, copy=False), low, high)
        exact = True
        if keys.size > EXACT_DISTINCT_LIMIT:
            exact, (keys, counts) = False, to_sketch(keys, counts)
        mean = float(int(present.sum())) / present.size
        return cls(
            "INT",
            False,
            exact,
            num_present=int(present.size),
            num_missing=num_missing,
            num_zeros=int(np.count_nonzero(present == 0)),
            min=float(low),
            max=float(high),
            finite_min=float(low),
            finite_max=float(high),
            num_finite=int(present.size),
            mean=mean,
            m2=_sum_of_squares(present - mean),
            keys=keys,
            counts=counts,
        )

    def merge(self, other: NumericPartial) -> NumericPartial:
        """Both chunks' summary (INT and FLOAT merge to FLOAT, as pandas reads such a column)."""
        n = self.num_finite + other.num_finite
        delta = other.mean - self.mean
        mean = self.mean + delta * other.num_finite / n if n else 0.0
        m2 = (
            self.m2
            + other.m2
            + (delta * delta * self.num_finite * other.num_finite / n if n else 0.0)
        )
        kind = "FLOAT" if "FLOAT" in (self.kind, other.kind) else "INT"
        exact = kind == "INT" and self.exact and other.exact
        parts = [(self.keys, self.counts, self.exact), (other.keys, other.counts, other.exact)]
        if exact:
            keys, counts = merge_keys(self.keys, self.counts, other.keys, other.counts)
            if keys.size > EXACT_DISTINCT_LIMIT:
                exact, (keys, counts) = False, to_sketch(keys, counts)
        else:
            (a_keys, a_counts), (b_keys, b_counts) = (
                (k, c) if not was_exact else to_sketch(k, c) for k, c, was_exact in parts
            )
            keys, counts = merge_keys(a_keys, a_counts, b_keys, b_counts)
        return NumericPartial(
            kind,
            self.boolean and other.boolean,
            exact,
            self.num_present + other.num_present,
            self.num_missing + other.num_missing,
            self.num_zeros + other.num_zeros,
            self.num_pos_inf + other.num_pos_inf,
            self.num_neg_inf + other.num_neg_inf,
            min(self.min, other.min),
            max(self.max, other.max),
            min(self.finite_min, other.finite_min),
            max(self.finite_max, other.finite_max),
            n,
            mean,
            m2,
            keys,
            counts,
        )

    def finish(self, name: str) -> FeatureStatistics:
        """The column's `mlops_atlas.validation.statistics.FeatureStatistics`."""
        from mlops_atlas.validation.statistics import FeatureStatistics

        num_nan = self.num_missing if self.kind == "FLOAT" else 0
        if self.num_present == 0:
            return FeatureStatistics(name, self.kind, 0, self.num_missing, num_nan=num_nan)
        if self.exact:
            values = self.keys.astype(np.float64)
        else:
            values = sketch_values(self.keys)
            if values.size:  # the extreme cells stand for the exact extremes, as in TFDV's summary
                values[0] = self.finite_min
                if values.size > 1:
                    values[-1] = self.finite_max
        weights = self.counts.astype(np.float64)
        if self.num_neg_inf:
            values, weights = np.r_[-np.inf, values], np.r_[self.num_neg_inf, weights]
        if self.num_pos_inf:
            values, weights = np.r_[values, np.inf], np.r_[weights, self.num_pos_inf]
        standard, quantiles, median = tfdv_histograms(
            values, weights, self.finite_min, self.finite_max, float(self.num_pos_inf)
        )
        finite = self.num_finite > 0
        return FeatureStatistics(
            name,
            self.kind,
            num_present=self.num_present,
            num_missing=self.num_missing,
            min=self.min,
            max=self.max,
            mean=self.mean if finite else math.nan,
            std=math.sqrt(max(self.m2, 0.0) / self.num_finite) if finite else math.nan,
            num_zeros=self.num_zeros,
            num_nan=num_nan,
            num_pos_inf=self.num_pos_inf,
            num_neg_inf=self.num_neg_inf,
            histogram=standard,
            quantiles=quantiles,
            median=median,
        )


def _sum_of_squares(deviations: np.ndarray) -> float:
    """``np.square(deviations).sum()``, squaring in place (``deviations`` is a temporary)."""
    return float(np.square(deviations, out=deviations).sum())


_EXACT_SUMS = 2**53
"""Integers whose count times largest magnitude is below this add up exactly in float64."""


def _exact_integers(column: pd.Series) -> tuple[np.ndarray, int, int, int] | None:
    """A numpy or nullable integer column's present values, extremes and missing count.

    ``None`` if the column is of another type, has no value, or its values or their
    sums could be rounded in float64 (then `NumericPartial.of` takes the float path).
    """
    if isinstance(column.dtype, np.dtype) and column.dtype.kind in "iu":
        present, num_missing = column.to_numpy(), 0
    elif isinstance(column.array, pd.arrays.IntegerArray):
        missing = column.isna().to_numpy()
        num_missing = int(np.count_nonzero(missing))
        present = column.to_numpy(dtype=column.dtype.numpy_dtype, na_value=0)
        if num_missing:
            present = present[~missing]
    else:
        return None
    if present.size == 0:
        return None
    low, high = int(present.min()), int(present.max())
    if max(-low, high) * present.size >= _EXACT_SUMS:
        return None
    return present, low, high, num_missing


@dataclass(frozen=True)
class StringPartial:
    """A text column's mergeable summary: counts and the count of every distinct value."""

    num_present: int = 0
    num_missing: int = 0
    counts: pd.Series = field(default_factory=lambda: pd.Series(dtype="int64"))
    kind: str = "STRING"
    boolean: bool = False

    @classmethod
    def of(cls, name: str, column: pd.Series) -> StringPartial:
        """Summarise one chunk of a text column (every value must be a string)."""
        if column.dtype == object:
            return cls._of_objects(name, column)
        if isinstance(column.array, pd.arrays.ArrowStringArray):  # pandas 3's str, string[pyarrow]
            return cls._of_arrow(column.array.__arrow_array__())
        # value_counts skips missing cells itself: no isna() pass.
        counts = column.value_counts(sort=False, dropna=True)
        counts.index = counts.index.astype(object)
        num_present = int(counts.sum())
        return cls(num_present, len(column) - num_present, counts.astype("int64"))

    @classmethod
    def _of_objects(cls, name: str, column: pd.Series) -> StringPartial:
        """`of` for Python objects: one hashing pass, and the type check on the distinct values.

        ``factorize`` hashes each cell once (as ``value_counts`` does, at half its cost)
        and gives missing cells (``None``, ``NaN``, ``pd.NA``, ``NaT``...) the code -1, as
        ``value_counts(dropna=True)`` drops them. The column holds the same value types
        as its distinct values plus its missing cells, so ``infer_dtype`` runs on those
        instead of on every cell; it still sees each missing cell, since it accepts
        ``None``/``NaN``/``pd.NA`` but not ``NaT`` beside text. (An object that is not a
        string but equals one, with the same hash, would be counted as that string here.)

        A long column is factorized `_OBJECT_BLOCK` cells at a time (the codes stay in
        cache) and the blocks' distinct values factorized again, first occurrences
        first, as one pass would order them; unless its first cells have many distinct
        values, as an id column does: then the column is one block, since merging
        blocks would hash most of its values twice.
        """
        values = column.to_numpy()
        if len(values) <= _OBJECT_BLOCK:
            parts = [_count_objects(name, column, values)]
        else:
            probe = _OBJECT_BLOCK // 8
            parts = [_count_objects(name, column, values[:probe])]
            if len(parts[0][0]) > probe // 16:  # many distinct values: all in one pass
                parts = [_count_objects(name, column, values)]
            else:
                parts += [
                    _count_objects(name, column, values[start : start + _OBJECT_BLOCK])
                    for start in range(probe, len(values), _OBJECT_BLOCK)
                ]
        if len(parts) == 1:
            uniques, tallies, missing = parts[0]
        else:
            codes, uniques = pd.factorize(np.concatenate([part[0] for part in parts]))
            tallies = np.zeros(len(uniques), dtype=np.int64)
            np.add.at(tallies, codes, np.concatenate([part[1] for part in parts]))
            missing = np.concatenate([part[2] for part in parts])
        kinds = np.concatenate([uniques, missing]) if len(missing) else uniques
        if len(values) and pd.api.types.infer_dtype(kinds, skipna=True) not in ("string", "empty"):
            _raise_mixed(name, column)
        counts = pd.Series(tallies, index=pd.Index(uniques, dtype=object))
        return cls(len(values) - len(missing), len(missing), counts)

    @classmethod
    def _of_arrow(cls, data: pa.ChunkedArray) -> StringPartial:
        """`of` for Arrow text: pyarrow's ``value_counts`` (what pandas calls) without the wrapping."""
        import pyarrow.compute as pc

        found = pc.value_counts(data)
        values, tallies = found.field("values"), found.field("counts")
        if data.null_count:
            valid = values.is_valid()
            values, tallies = values.filter(valid), tallies.filter(valid)
        counts = pd.Series(
            tallies.to_numpy().astype(np.int64, copy=False),
            index=pd.Index(values.to_numpy(zero_copy_only=False), dtype=object),
        )
        return cls(len(data) - data.null_count, data.null_count, counts)

    def merge(self, other: StringPartial) -> StringPartial:
        """Both chunks' summary."""
        if self.counts.empty or other.counts.empty:
            counts = other.counts if self.counts.empty else self.counts
        else:
            # Each side's values are distinct: other's are looked up among self's, then added.
            mine, theirs = self.counts.index.to_numpy(), other.counts.index.to_numpy()
            codes, values = pd.factorize(np.concatenate([mine, theirs]))
            tallies = np.zeros(len(values), dtype=np.int64)
            tallies[: len(mine)] = self.counts.to_numpy()
            tallies[codes[len(mine) :]] += other.counts.to_numpy()
            counts = pd.Series(tallies, index=pd.Index(values, dtype=object))
        return StringPartial(
            self.num_present + other.num_present, self.num_missing + other.num_missing, counts
        )

    def finish(self, name: str) -> FeatureStatistics:
        """The column's `mlops_atlas.validation.statistics.FeatureStatistics`."""
        from mlops_atlas.validation.statistics import FeatureStatistics

        ordered = sorted(
            zip(self.counts.index.astype(str), self.counts.to_numpy().tolist(), strict=True),
            key=lambda item: (-item[1], item[0]),
        )
        return FeatureStatistics(
            name,
            "STRING",
            num_present=self.num_present,
            num_missing=self.num_missing,
            unique=len(ordered),
            value_counts=dict(ordered),
        )


_OBJECT_BLOCK = 1 << 17
"""Cells of an object column factorized at a time (their codes take 1 MB)."""


def _count_objects(
    name: str, column: pd.Series, block: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A block's distinct values (first occurrences first), their counts and its missing cells."""
    try:
        codes, uniques = _factorize_text(block)
    except TypeError:  # an unhashable cell (a list, a dict...), so not only text
        _raise_mixed(name, column)
    tallies = np.bincount(codes + 1, minlength=len(uniques) + 1)
    missing = block[codes < 0] if tallies[0] else block[:0]
    return uniques, tallies[1:].astype(np.int64, copy=False), missing


def _factorize_text(block: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``pd.factorize(block)`` for cells that should all be text, a third faster.

    pandas' string hash table, called directly, skips ``factorize``'s pass that checks
    that every cell is a string: it gives every cell that is *not* a string the code
    -1, as if it were missing, and `_count_objects` returns those cells with the
    missing ones, whose types the caller checks. If that table is missing (it is not
    public API) or refuses the block, ``pd.factorize`` does the work.
    """
    if _StringHashTable is not None:
        try:
            uniques, codes = _StringHashTable(1024).factorize(block, na_sentinel=-1)
        except (TypeError, ValueError):
            pass
        else:
            return codes, uniques
    return pd.factorize(block)


try:
    from pandas._libs.hashtable import StringHashTable as _StringHashTable
except ImportError:  # pragma: no cover - a pandas that moved it
    _StringHashTable = None


def _raise_mixed(name: str, column: pd.Series) -> NoReturn:
    """Raise the error for a text column holding other objects, naming their types."""
    from mlops_atlas.validation.statistics import StatisticsError

    kinds = column.dropna().map(type).value_counts()
    found = ", ".join(sorted(kind.__name__ for kind in kinds.index))
    raise StatisticsError(
        f"column '{name}' mixes value types ({found}); make every value text or every value a number"
    )


ColumnPartial = NumericPartial | StringPartial


def _merge_columns(name: str, a: ColumnPartial, b: ColumnPartial) -> ColumnPartial:
    if a.num_present == 0 and a.kind != b.kind:  # an all-missing chunk says nothing of the type
        a = _empty_like(b, a.num_missing)
    elif b.num_present == 0 and a.kind != b.kind:
        b = _empty_like(a, b.num_missing)
    if a.num_present and b.num_present:
        if "STRING" in (a.kind, b.kind) and a.kind != b.kind:
            raise ColumnTypeConflictError(name, _described(a), _described(b))
        if a.boolean != b.boolean:
            raise ColumnTypeConflictError(name, _described(a), _described(b))
    if a.num_present == 0 and b.num_present:
        a = replace(a, boolean=b.boolean)
    elif b.num_present == 0 and a.num_present:
        b = replace(b, boolean=a.boolean)
    if isinstance(a, NumericPartial) and isinstance(b, NumericPartial):
        return a.merge(b)
    if isinstance(a, StringPartial) and isinstance(b, StringPartial):
        return a.merge(b)
    raise ColumnTypeConflictError(name, _described(a), _described(b))


def _empty_like(partial: ColumnPartial, num_missing: int) -> ColumnPartial:
    if partial.kind == "STRING":
        return StringPartial(num_missing=num_missing)
    assert isinstance(partial, NumericPartial)
    return NumericPartial(partial.kind, partial.boolean, partial.exact, num_missing=num_missing)


def _described(partial: ColumnPartial) -> str:
    if partial.kind == "STRING":
        return "text"
    return "booleans" if partial.boolean else "numbers"


@dataclass(frozen=True)
class PartialStatistics:
    """A table's mergeable summary: row count and one summary per column, in order."""

    num_examples: int
    columns: dict[str, ColumnPartial]

    def merge(self, other: PartialStatistics) -> PartialStatistics:
        """The summary of both tables' rows (same columns, in the same order).

        Raises:
            StatisticsError: If the tables have different columns.
            ColumnTypeConflictError: If a column is text in one and numbers in the other.
        """
        from mlops_atlas.validation.statistics import StatisticsError

        if list(self.columns) != list(other.columns):
            raise StatisticsError(
                f"the chunks have different columns ({', '.join(self.columns)} / "
                f"{', '.join(other.columns)}); every chunk must have the same header"
            )
        return PartialStatistics(
            self.num_examples + other.num_examples,
            {
                name: _merge_columns(name, partial, other.columns[name])
                for name, partial in self.columns.items()
            },
        )

    def finish(self) -> DatasetStatistics:
        """The `mlops_atlas.validation.statistics.DatasetStatistics`."""
        from mlops_atlas.validation.statistics import DatasetStatistics

        features = {name: partial.finish(name) for name, partial in self.columns.items()}
        return DatasetStatistics(num_examples=self.num_examples, features=features)


def partial_statistics(frame: pd.DataFrame, threads: int | None = None) -> PartialStatistics:
    """Summarise one chunk (a pandas DataFrame) so that it can be merged with others.

    Columns are summarised side by side on up to ``threads`` threads (by default one
    per core) when the frame has at least `PARALLEL_CELLS` cells: numpy, pyarrow and
    pandas' hash tables do most of their work without holding the GIL. Text columns,
    the slowest, start first. Each column is summarised on its own, so the result
    does not depend on the number of threads, and the error raised for bad columns is
    the first one's in column order.

    Args:
        frame: The chunk.
        threads: Columns summarised at a time; ``1`` summarises them one by one.

    Raises:
        StatisticsError: If a column mixes strings with other objects or has an
            unsupported type (dates: convert them to numbers or text).
    """
    columns = [(str(raw_name), frame[raw_name]) for raw_name in frame.columns]
    workers = min(threads or available_cores(), len(columns))
    if workers < 2 or len(frame) * len(columns) < PARALLEL_CELLS:
        return PartialStatistics(
            len(frame), {name: _column_partial(name, column) for name, column in columns}
        )
    text_first = sorted(range(len(columns)), key=lambda i: not _is_text(columns[i][1].dtype))
    with ThreadPoolExecutor(workers, thread_name_prefix="statistics") as pool:
        futures = {i: pool.submit(_column_partial, *columns[i]) for i in text_first}
        try:
            summaries = [futures[i].result() for i in range(len(columns))]
        except BaseException:
            for future in futures.values():
                future.cancel()
            raise
    return PartialStatistics(
        len(frame), {name: summary for (name, _), summary in zip(columns, summaries, strict=True)}
    )


PARALLEL_CELLS = 1 << 18
"""Cells from which `partial_statistics` summarises columns on several threads."""


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity, else the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def _is_text(dtype: object) -> bool:
    return not (
        pd.api.types.is_bool_dtype(dtype)
        or pd.api.types.is_numeric_dtype(dtype)
        or pd.api.types.is_datetime64_any_dtype(dtype)
    )


def _column_partial(name: str, column: pd.Series) -> ColumnPartial:
    """One column's summary, by its type."""
    from mlops_atlas.validation.statistics import StatisticsError

    dtype = column.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return NumericPartial.of("INT", True, column)
    if pd.api.types.is_integer_dtype(dtype):
        return NumericPartial.of("INT", False, column)
    if pd.api.types.is_float_dtype(dtype):
        return NumericPartial.of("FLOAT", False, column)
    if pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_datetime64_any_dtype(dtype):
        raise StatisticsError(
            f"column '{name}' has unsupported type {dtype}; convert it to numbers or text"
        )
    return StringPartial.of(name, column)
