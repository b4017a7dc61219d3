"""Reading the data a user hands ``mlops-atlas validate``: CSV or Parquet, checked first.

The format is chosen by the file's first bytes (Parquet files start with ``PAR1``) or
its extension (``.parquet``, ``.pq``); anything else is read as CSV, unless it looks
binary (a NUL byte near the start), which is refused as "not a CSV" rather than read
as garbage. Compressed CSVs (``.gz``, ``.bz2``, ``.zip``, ``.xz``, ``.zst``) are read
as pandas reads them.

The header is checked before any data is read: pandas silently renames a repeated
column (``age``, ``age.1``) and an unnamed one (``Unnamed: 3``), which would then be
validated as columns nobody wrote; here they are errors naming the positions.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from mlops_atlas.errors import UsageError

__all__ = ["file_format", "header_problems", "read_table"]

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


def nullable_dtype(arrow_type) -> object:
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
