"""Reading the data a user hands ``mlops-atlas validate``: CSV or Parquet, checked first.

The format is chosen by the file's first bytes (Parquet files start with ``PAR1``) or
its extension (``.parquet``, ``.pq``); anything else is read as CSV, unless it looks
binary (a NUL byte near the start), which is refused as "not a CSV" rather than read
as garbage. Compressed CSVs (``.gz``, ``.bz2``, ``.zip``, ``.xz``, ``.zst``) are read
as pandas reads them.

The header is checked before any data is read: pandas silently renames a repeated
column (``age``, ``age.1``) and an unnamed one (``Unnamed: 3``), which would then be
validated as columns nobody wrote; here they are errors naming the positions.

`stream_statistics` computes a table's statistics chunk by chunk, with memory
bounded by the chunk (``chunk_rows`` rows; for Parquet, by the larger of that and a row
group). It accepts a CSV or Parquet path, a pandas DataFrame, a pyarrow Table or
RecordBatchReader, or any frame with a ``to_arrow()`` method (Polars). A CSV is read
with the same pandas parser as `read_table`; pandas guesses each chunk's column
types separately, so when a column is numbers in one chunk and text in another (what
a whole-file read would keep as text) the file is read again with that column as text.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

import pandas as pd

from mlops_atlas.errors import UsageError

if TYPE_CHECKING:
    from mlops_atlas.validation.statistics import DatasetStatistics

TableSource: TypeAlias = str | Path | pd.DataFrame | Any
"""A CSV/Parquet path, a DataFrame, a pyarrow Table or RecordBatchReader, or a frame with ``to_arrow()``."""

__all__ = [
    "DEFAULT_CHUNK_ROWS",
    "TableSource",
    "file_format",
    "find_first",
    "header_problems",
    "iter_chunks",
    "read_table",
    "stream_statistics",
]

DEFAULT_CHUNK_ROWS = 100_000
"""Rows per chunk: about 50-150 MB for 50 columns of a typical CSV."""

_PARQUET_MAGIC = b"PAR1"
_PARQUET_SUFFIXES = {".parquet", ".pq"}
_COMPRESSED_SUFFIXES = {".gz", ".bz2", ".zip", ".xz", ".zst", ".tar"}
_SNIFF_BYTES = 8192


def file_format(path: Path) -> str:
    """``"parquet"`` or ``"csv"``, from the magic bytes or the extension.

    Raises:
        UsageError: If the file does not exist or is binary but not Parquet.
    """
    path = Path(path)
    try:
        with path.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a folder, not a CSV or Parquet file") from None
    except OSError as error:
        raise UsageError(f"{path}: cannot read the file ({error.strerror})") from None
    if head.startswith(_PARQUET_MAGIC):
        return "parquet"
    if path.suffix.lower() in _PARQUET_SUFFIXES:
        raise UsageError(
            f"{path}: not a Parquet file (it does not start with PAR1); is it a CSV with the wrong name?"
        )
    if path.suffix.lower() not in _COMPRESSED_SUFFIXES and b"\x00" in head:
        raise UsageError(
            f"{path}: not a CSV: it looks like a binary file; give a CSV with a header row or a Parquet file"
        )
    return "csv"


def header_problems(names: list[str]) -> list[str]:
    """What is wrong with a header: repeated names and empty names, by 1-based position.

    Examples:
        >>> header_problems(["age", "", "age", "city"])
        ["columns 1 and 3 are both named 'age'", 'column 2 has no name']
    """
    problems: list[str] = []
    positions: dict[str, list[int]] = {}
    for index, name in enumerate(names, start=1):
        positions.setdefault(name, []).append(index)
    for name, where in positions.items():
        if name.strip() and len(where) > 1:
            listed = ", ".join(str(i) for i in where[:-1]) + f" and {where[-1]}"
            both = "both" if len(where) == 2 else "all"
            problems.append(f"columns {listed} are {both} named '{name}'")
    problems += [
        f"column {index} has no name"
        for index, name in enumerate(names, start=1)
        if not name.strip()
    ]
    return problems


def _check_header(path: Path, names: list[str]) -> None:
    problems = header_problems(names)
    if problems:
        raise UsageError(
            f"{path}: the header is ambiguous: {'; '.join(problems)}; give every column a unique, non-empty name"
        )


def csv_header(path: Path) -> list[str]:
    """The names in a CSV's first row, as written (no renaming).

    Raises:
        UsageError: If the file has no header row or cannot be decoded.
    """
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            names = next(csv.reader(handle), None)
    except UnicodeDecodeError:
        raise UsageError(f"{path}: cannot read the CSV (it is not UTF-8 text)") from None
    except csv.Error as error:
        raise UsageError(f"{path}: cannot read the CSV header ({error})") from None
    if not names:
        raise UsageError(f"{path}: the file is empty (a CSV with a header row is expected)")
    return names


def parquet_header(path: Path) -> list[str]:
    """The column names of a Parquet file (from its footer, no data read)."""
    import pyarrow.parquet as pq

    try:
        return list(pq.read_schema(path).names)
    except Exception as error:  # pyarrow raises ArrowInvalid, OSError, ... on a broken file
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise UsageError(f"{path}: cannot read the Parquet file ({first})") from None


def read_table(path: Path) -> pd.DataFrame:
    """Read a whole CSV or Parquet file with nullable dtypes (an int column with gaps stays INT).

    Raises:
        UsageError: One line naming the file when it cannot be read, is binary, or has
            repeated or empty column names.
    """
    path = Path(path)
    if file_format(path) == "parquet":
        _check_header(path, parquet_header(path))
        import pyarrow.parquet as pq

        return pq.read_table(path).to_pandas(types_mapper=nullable_dtype)
    if path.suffix.lower() not in _COMPRESSED_SUFFIXES:
        _check_header(path, csv_header(path))
    try:
        return pd.read_csv(path, dtype_backend="numpy_nullable")
    except pd.errors.EmptyDataError:
        raise UsageError(
            f"{path}: the file is empty (a CSV with a header row is expected)"
        ) from None
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise UsageError(f"{path}: cannot read the CSV ({first})") from None


def nullable_dtype(arrow_type: Any) -> Any:
    """The pandas dtype a CSV read with ``dtype_backend="numpy_nullable"`` would give.

    Used as ``types_mapper`` so that Parquet and Arrow data get the same statistics
    types as CSV: an integer column with nulls stays ``Int64`` instead of float.
    """
    import pyarrow as pa

    if pa.types.is_integer(arrow_type):
        return pd.Int64Dtype()
    if pa.types.is_floating(arrow_type):
        return pd.Float64Dtype()
    if pa.types.is_boolean(arrow_type):
        return pd.BooleanDtype()
    if pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type):
        return pd.StringDtype()
    return None


def _csv_errors(path: Path):
    """Context that turns pandas' reading errors into one-line `UsageError`."""
    from contextlib import contextmanager

    @contextmanager
    def guard():
        try:
            yield
        except pd.errors.EmptyDataError:
            raise UsageError(
                f"{path}: the file is empty (a CSV with a header row is expected)"
            ) from None
        except (pd.errors.ParserError, UnicodeDecodeError) as error:
            first = str(error).strip().splitlines()[0] if str(error).strip() else "?"
            raise UsageError(f"{path}: cannot read the CSV ({first})") from None

    return guard()


def _csv_chunks(path: Path, chunk_rows: int, as_text: frozenset[str]):
    dtype = dict.fromkeys(as_text, "string") if as_text else None
    with _csv_errors(path):
        reader = pd.read_csv(
            path, dtype_backend="numpy_nullable", chunksize=chunk_rows, dtype=dtype
        )
        with reader:
            yield from reader


def _arrow_chunks(batches):
    for batch in batches:
        yield batch.to_pandas(types_mapper=nullable_dtype)


def iter_chunks(
    source: TableSource,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    as_text: frozenset[str] = frozenset(),
) -> Iterator[pd.DataFrame]:
    """The rows of ``source`` as pandas DataFrames of at most ``chunk_rows`` rows.

    Args:
        source: A CSV/Parquet path, a pandas DataFrame, a pyarrow Table or
            RecordBatchReader, or an object with ``to_arrow()`` (a Polars DataFrame).
        chunk_rows: Rows per chunk.
        as_text: CSV columns to read as text whatever they look like.

    Raises:
        UsageError: For a file that cannot be read (see `read_table`).
    """
    if chunk_rows < 1:
        raise UsageError(f"chunk_rows must be at least 1, not {chunk_rows}")
    if isinstance(source, pd.DataFrame):
        return (
            source.iloc[start : start + chunk_rows]
            for start in range(0, max(len(source), 1), chunk_rows)
        )
    if isinstance(source, (str, Path)):
        path = Path(source)
        if file_format(path) == "parquet":
            import pyarrow.parquet as pq

            _check_header(path, parquet_header(path))
            return _arrow_chunks(pq.ParquetFile(path).iter_batches(batch_size=chunk_rows))
        if path.suffix.lower() not in _COMPRESSED_SUFFIXES:
            _check_header(path, csv_header(path))
        return _csv_chunks(path, chunk_rows, as_text)
    import pyarrow as pa

    if hasattr(source, "to_arrow") and not isinstance(source, (pa.Table, pa.RecordBatchReader)):
        source = source.to_arrow()
    if isinstance(source, pa.Table):
        batches = source.to_batches(max_chunksize=chunk_rows)
        return _arrow_chunks(batches or [pa.RecordBatch.from_pylist([], schema=source.schema)])
    if isinstance(source, pa.RecordBatchReader):
        return _arrow_chunks(source)
    raise TypeError(f"cannot read statistics from a {type(source).__name__}")


def stream_statistics(
    source: TableSource, chunk_rows: int = DEFAULT_CHUNK_ROWS
) -> DatasetStatistics:
    """Statistics of ``source`` computed chunk by chunk (see `iter_chunks`).

    Returns the same statistics as
    `mlops_atlas.validation.statistics.compute_statistics` of the whole table read at once.

    Raises:
        UsageError: For a file that cannot be read.
        StatisticsError: If a column mixes value types.
    """
    from mlops_atlas.validation.mergeable import ColumnTypeConflictError
    from mlops_atlas.validation.statistics import compute_statistics_chunked

    as_text: frozenset[str] = frozenset()
    while True:
        try:
            return compute_statistics_chunked(iter_chunks(source, chunk_rows, as_text))
        except ColumnTypeConflictError as conflict:
            if not isinstance(source, (str, Path)) or conflict.column in as_text:
                raise
            as_text |= {conflict.column}  # read whole, pandas would have kept it as text


def find_first(
    source: Path, column: str, values: set[str], chunk_rows: int = DEFAULT_CHUNK_ROWS
) -> int | None:
    """0-based row of the first cell of ``column`` whose text is in ``values``, or ``None``."""
    offset = 0
    for chunk in iter_chunks(source, chunk_rows, frozenset({column})):
        cells = chunk[column].dropna().astype(str)
        hits = cells.index[cells.isin(values)]
        if len(hits):
            return offset + int(hits[0]) - int(chunk.index[0])
        offset += len(chunk)
    return None
