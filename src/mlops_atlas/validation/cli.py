"""``mlops-atlas validate``: infer a schema from a CSV or Parquet file, check a batch against it.

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
    check.set_defaults(run=_check)


def read_csv(path: Path) -> pd.DataFrame:
    """Read a CSV or Parquet file (see :func:`~mlops_atlas.validation.sources.read_table`).

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


def _first_non_number(column: pd.Series) -> tuple[int, str, str] | None:
    """Line, text and kind of the first cell that breaks a column of numbers.

    A column read as text although most of its cells are numbers has either a cell
    that is not a number (kind ``"text"``) or an integer too large for int64 (kind
    ``"big-int"``: pandas keeps such a column as text). Columns mostly of text are
    left alone: they are text columns.
    """
    present = column.dropna()
    if present.empty or pd.api.types.is_numeric_dtype(present):
        return None
    counts = present.astype(str).value_counts(sort=False)
    kinds = {value: _kind_of_text(value) for value in counts.index}
    numbers = sum(int(n) for value, n in counts.items() if kinds[value] != "text")
    if numbers * 2 < len(present):
        return None
    bad = {value for value, kind in kinds.items() if kind != "number"}
    if not bad:
        return None
    index = present.astype(str).isin(bad).idxmax()
    text = str(present[index])
    return int(index) + 2, text, kinds[text]  # line 1 is the header


def _describe_bad_cell(name: str, line: int, text: str, kind: str) -> str:
    if kind == "big-int":
        return (
            f"column '{name}', line {line}: {text.strip()} is an integer too large for int64 "
            f"({_INT64_RANGE})"
        )
    return f"column '{name}', line {line}: '{text}' is not a number"


def _finite_threshold(option: str, value: float | None) -> None:
    from mlops_atlas.errors import UsageError

    if value is not None and not (math.isfinite(value) and value >= 0):
        raise UsageError(f"{option} must be a finite number >= 0, not {value}")


def _statistics(path: Path, frame: pd.DataFrame):
    from mlops_atlas.errors import UsageError
    from mlops_atlas.validation import StatisticsError, compute_statistics

    try:
        return compute_statistics(frame)
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

    frame = read_csv(args.data)
    if frame.empty:
        raise UsageError(f"{args.data}: no rows to infer a schema from")
    for name in frame.columns:
        if frame[name].isna().all():
            raise UsageError(
                f"{args.data}: column '{name}' is empty (no value in any row); drop it or fill it in"
            )
        bad = _first_non_number(frame[name])
        if bad:
            fix = (
                "make the column text (every cell) or fix the cell"
                if bad[2] == "big-int"
                else "fix the cell"
            )
            raise UsageError(
                f"{args.data}: {_describe_bad_cell(name, *bad)}, unlike the column's other values; {fix}"
            )
    schema = infer_schema(_statistics(args.data, frame))
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
    frame = read_csv(args.data)
    if frame.empty:
        raise UsageError(f"{args.data}: no rows to validate")
    declared = {feature.name: feature.type for feature in schema.feature}
    for name in frame.columns:
        if frame[name].isna().all():
            print(
                f"note: {args.data}: column '{name}' is empty (no value in any row)",
                file=sys.stderr,
            )
        elif declared.get(name) in (schema_pb2.INT, schema_pb2.FLOAT):
            bad = _first_non_number(frame[name])
            if bad:
                kind = schema_pb2.FeatureType.Name(declared[name])
                print(
                    f"note: {args.data}: {_describe_bad_cell(name, *bad)} (the schema says {kind})",
                    file=sys.stderr,
                )
    previous = None
    if args.baseline is not None:
        baseline = read_csv(args.baseline)
        if baseline.empty:
            raise UsageError(
                f"{args.baseline}: the baseline has no rows, so there is nothing to measure drift against; give the previous batch's data"
            )
        previous = _statistics(args.baseline, baseline)
    try:
        result = validate_statistics(
            _statistics(args.data, frame),
            schema,
            environment=args.environment,
            previous_statistics=previous,
        )
    except SchemaError as error:
        raise UsageError(f"{args.schema}: {error}") from None
    drift: dict[str, dict[str, object]] = {}
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
