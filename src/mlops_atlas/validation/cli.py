"""``mlops-atlas validate``: infer a schema from a CSV or Parquet file, check a batch against it.

Files are read in chunks of ``--chunk-rows`` rows, so memory does not grow with the
file (`mlops_atlas.validation.sources.stream_statistics`).

Exit status of ``validate check``: 0 when the batch is clean, 1 when there is an
anomaly (drift over its threshold included), 2 for unusable input.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["read_csv", "register"]


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``validate schema`` and ``validate check`` to the ``mlops-atlas`` command."""
    validate = subparsers.add_parser(
        "validate",
        help="TFX-style data validation: infer a schema, check a batch against it",
        epilog=(
            "examples:\n"
            "  mlops-atlas validate schema train.csv -o schema.pbtxt --label label\n"
            "  mlops-atlas validate check today.csv --schema schema.pbtxt --environment SERVING\n"
            "  mlops-atlas validate check today.csv --schema schema.pbtxt --baseline yesterday.csv \\\n"
            "      --categorical-threshold 0.1 --numeric-threshold 0.1 --json"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = validate.add_subparsers(dest="validate_command", required=True, metavar="ACTION")

    schema = commands.add_parser(
        "schema",
        help="infer a schema.pbtxt (TFDV text format) from training data",
        epilog="example:\n  mlops-atlas validate schema train.csv -o schema.pbtxt --label label --yaml",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    schema.add_argument(
        "data", type=Path, metavar="TRAIN.csv", help="training data (CSV with a header, or Parquet)"
    )
    schema.add_argument(
        "-o",
        "--output",
        type=Path,
        default=Path("schema.pbtxt"),
        help="schema file to write (default schema.pbtxt)",
    )
    schema.add_argument(
        "--label",
        action="append",
        default=[],
        metavar="COLUMN",
        help="a column present in TRAINING but not SERVING (repeatable); declares both environments",
    )
    schema.add_argument(
        "--yaml", action="store_true", help="also print a readable YAML view of the schema"
    )
    _chunk_option(schema)
    schema.set_defaults(run=_schema)

    check = commands.add_parser(
        "check",
        help="validate a CSV or Parquet file against a schema (and, with --baseline, measure drift)",
        epilog=(
            "examples:\n"
            "  mlops-atlas validate check serving.csv --schema schema.pbtxt --environment SERVING\n"
            "  mlops-atlas validate check today.csv --schema schema.pbtxt --baseline yesterday.csv \\\n"
            "      --categorical-threshold 0.1 --numeric-threshold 0.1 --json\n"
            "\nexit status: 0 clean, 1 anomalies, 2 unusable input"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument(
        "data", type=Path, metavar="DATA.csv", help="the batch to check (CSV or Parquet)"
    )
    check.add_argument("--schema", type=Path, required=True, help="schema.pbtxt (TFDV text format)")
    check.add_argument(
        "--baseline", type=Path, metavar="PREVIOUS.csv", help="previous batch, for drift"
    )
    check.add_argument(
        "--categorical-threshold",
        type=float,
        metavar="X",
        help="L-infinity drift threshold for every string feature",
    )
    check.add_argument(
        "--numeric-threshold",
        type=float,
        metavar="Y",
        help="Jensen-Shannon drift threshold for every numeric feature",
    )
    check.add_argument(
        "--environment", metavar="ENV", help="e.g. SERVING (must be declared in the schema)"
    )
    check.add_argument(
        "--json", action="store_true", help="print one JSON object instead of tables"
    )
    _chunk_option(check)
    check.set_defaults(run=_check)


def _chunk_option(parser: argparse.ArgumentParser) -> None:
    from mlops_atlas.validation.sources import DEFAULT_CHUNK_ROWS

    parser.add_argument(
        "--chunk-rows",
        type=int,
        default=DEFAULT_CHUNK_ROWS,
        metavar="N",
        help=f"rows read at a time; memory grows with N, not with the file (default {DEFAULT_CHUNK_ROWS:,})",
    )


def read_csv(path: Path) -> pd.DataFrame:
    """Read a whole CSV or Parquet file (see `mlops_atlas.validation.sources.read_table`).

    Raises:
        UsageError: One line naming the file when it cannot be read.
    """
    from mlops_atlas.validation.sources import read_table

    return read_table(path)


_INT_TEXT = re.compile(r"\s*[+-]?[0-9]+\s*")
_NUMBER_TEXT = re.compile(
    r"\s*[+-]?(?:[0-9]+\.?[0-9]*(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?|inf|infinity|nan)\s*",
    re.IGNORECASE,
)
_INT64_RANGE = "-9223372036854775808 to 9223372036854775807"


def _kind_of_text(text: str) -> str:
    """``"number"``, ``"big-int"`` (an integer outside int64) or ``"text"``."""
    if _INT_TEXT.fullmatch(text):
        return "number" if -(2**63) <= int(text) < 2**63 else "big-int"
    return "number" if _NUMBER_TEXT.fullmatch(text) else "text"


def _first_non_number(path: Path, chunk_rows: int, stats) -> tuple[str, str, str] | None:
    """Where, text and kind of the first cell that breaks a column of numbers.

    A column read as text although most of its cells are numbers has either a cell
    that is not a number (kind ``"text"``) or an integer too large for int64 (kind
    ``"big-int"``: pandas keeps such a column as text). Columns mostly of text are
    left alone: they are text columns. The distinct values come from the statistics;
    only when one is bad is the file read again to find its line.
    """
    from mlops_atlas.validation.sources import file_format, find_first

    if stats.type != "STRING" or not stats.num_present:
        return None
    kinds = {value: _kind_of_text(value) for value in stats.value_counts}
    numbers = sum(n for value, n in stats.value_counts.items() if kinds[value] != "text")
    bad = {value for value, kind in kinds.items() if kind != "number"}
    if numbers * 2 < stats.num_present or not bad:
        return None
    row = find_first(path, stats.name, bad, chunk_rows) or 0
    # A CSV's line 1 is its header; a Parquet file has rows, not lines.
    where = f"row {row + 1}" if file_format(path) == "parquet" else f"line {row + 2}"
    text = next(iter(bad)) if len(bad) == 1 else None
    if text is None:  # several bad values: name the one on that row
        text = _cell_text(path, stats.name, row, chunk_rows)
    return where, text, kinds[text]


def _cell_text(path: Path, column: str, row: int, chunk_rows: int) -> str:
    from mlops_atlas.validation.sources import iter_chunks

    offset = 0
    for chunk in iter_chunks(path, chunk_rows, frozenset({column})):
        if row < offset + len(chunk):
            return str(chunk[column].iloc[row - offset])
        offset += len(chunk)
    raise AssertionError(f"row {row} not found")  # find_first found it: a bug


def _describe_bad_cell(name: str, where: str, text: str, kind: str) -> str:
    if kind == "big-int":
        return (
            f"column '{name}', {where}: {text.strip()} is an integer too large for int64 "
            f"({_INT64_RANGE})"
        )
    return f"column '{name}', {where}: '{text}' is not a number"


def _finite_threshold(option: str, value: float | None) -> None:
    from mlops_atlas.errors import UsageError

    if value is not None and not (math.isfinite(value) and value >= 0):
        raise UsageError(f"{option} must be a finite number >= 0, not {value}")


def _statistics(path: Path, chunk_rows: int):
    """The file's statistics, chunk by chunk (memory bounded by ``chunk_rows``)."""
    from mlops_atlas.errors import UsageError
    from mlops_atlas.validation import StatisticsError
    from mlops_atlas.validation.sources import stream_statistics

    if chunk_rows < 1:
        raise UsageError(f"--chunk-rows must be at least 1, not {chunk_rows}")
    try:
        return stream_statistics(path, chunk_rows)
    except StatisticsError as error:
        raise UsageError(f"{path}: {error}") from None


def _schema(args: argparse.Namespace) -> int:
    from mlops_atlas.errors import UsageError
    from mlops_atlas.outputs import write_atomically
    from mlops_atlas.validation import (
        SchemaError,
        infer_schema,
        schema_to_text,
        schema_to_yaml,
        set_environments,
    )

    statistics = _statistics(args.data, args.chunk_rows)
    if statistics.num_examples == 0:
        raise UsageError(f"{args.data}: no rows to infer a schema from")
    for name, stats in statistics.features.items():
        if stats.num_present == 0:
            raise UsageError(
                f"{args.data}: column '{name}' is empty (no value in any row); drop it or fill it in"
            )
        bad = _first_non_number(args.data, args.chunk_rows, stats)
        if bad:
            fix = (
                "make the column text (every cell) or fix the cell"
                if bad[2] == "big-int"
                else "fix the cell"
            )
            raise UsageError(
                f"{args.data}: {_describe_bad_cell(name, *bad)}, unlike the column's other values; {fix}"
            )
    schema = infer_schema(statistics)
    if args.label:
        try:
            set_environments(schema, tuple(args.label))
        except SchemaError as error:
            raise UsageError(f"--label: {error}") from None
    write_atomically(args.output, schema_to_text(schema))
    if args.yaml:
        print(schema_to_yaml(schema), end="")
    print(
        f"{len(schema.feature)} features from {args.data} written to {args.output}", file=sys.stderr
    )
    return 0


def _check(args: argparse.Namespace) -> int:
    from tensorflow_metadata.proto.v0 import schema_pb2

    from mlops_atlas.errors import UsageError
    from mlops_atlas.validation import (
        SchemaError,
        load_schema,
        set_default_thresholds,
        validate_statistics,
    )

    thresholds = (args.categorical_threshold, args.numeric_threshold)
    if any(value is not None for value in thresholds) and args.baseline is None:
        raise UsageError(
            "--categorical-threshold/--numeric-threshold measure drift: add --baseline PREVIOUS.csv"
        )
    _finite_threshold("--categorical-threshold", args.categorical_threshold)
    _finite_threshold("--numeric-threshold", args.numeric_threshold)
    try:
        schema = load_schema(args.schema)
    except SchemaError as error:
        raise UsageError(str(error)) from None
    set_default_thresholds(
        schema, categorical=args.categorical_threshold, numeric=args.numeric_threshold
    )
    statistics = _statistics(args.data, args.chunk_rows)
    if statistics.num_examples == 0:
        raise UsageError(f"{args.data}: no rows to validate")
    declared = {feature.name: feature.type for feature in schema.feature}
    for name, stats in statistics.features.items():
        if stats.num_present == 0:
            print(
                f"note: {args.data}: column '{name}' is empty (no value in any row)",
                file=sys.stderr,
            )
        elif declared.get(name) in (schema_pb2.INT, schema_pb2.FLOAT):
            bad = _first_non_number(args.data, args.chunk_rows, stats)
            if bad:
                kind = schema_pb2.FeatureType.Name(declared[name])
                print(
                    f"note: {args.data}: {_describe_bad_cell(name, *bad)} (the schema says {kind})",
                    file=sys.stderr,
                )
    previous = None
    if args.baseline is not None:
        previous = _statistics(args.baseline, args.chunk_rows)
        if previous.num_examples == 0:
            raise UsageError(
                f"{args.baseline}: the baseline has no rows, so there is nothing to measure drift against; give the previous batch's data"
            )
    try:
        result = validate_statistics(
            statistics, schema, environment=args.environment, previous_statistics=previous
        )
    except SchemaError as error:
        raise UsageError(f"{args.schema}: {error}") from None
    drift: dict[str, dict[str, Any]] = {}
    for measurement in result.measurements:
        current = drift.get(measurement.feature)
        if current is None or (measurement.exceeded and current["value"] <= current["threshold"]):
            drift[measurement.feature] = {
                "measure": measurement.measure,
                "value": measurement.value,
                "threshold": measurement.threshold,
            }
    if args.json:
        print(json.dumps({"anomalies": result.types(), "drift": drift}, indent=2))
    else:
        print(result.table())
        if result.measurements:
            print()
            print(result.measurement_table())
    return 0 if result.ok else 1
