"""Schema inference with TFDV's ``infer_schema`` rules, and schema files TFDV can read.

The schema is TFDV's own message, ``tensorflow_metadata.proto.v0.schema_pb2.Schema``,
saved in protobuf text format (``schema.pbtxt``), so ``tfdv.load_schema_text`` reads
what `save_schema` writes and `load_schema` reads what TFDV writes.

Inference (``Schema::Updater::CreateColumn`` with ``infer_feature_shape=True`` and
``max_string_domain_size=100``), per column:

- ``type``: INT, FLOAT or BYTES (for strings);
- ``presence``: ``min_count: 1`` when the column has a value; ``min_fraction: 1.0``
  only when nothing is missing;
- ``shape { dim { size: 1 } }`` when nothing is missing, else
  ``value_count { min: 1 max: 1 }``;
- ``bool_domain {}`` for an INT column with min >= 0 and max == 1; for a string column
  of one or two values from TFDV's true/false sets, ``bool_domain`` with
  ``true_value``/``false_value``;
- ``int_domain {}`` (no bounds) for a string column whose values all parse as integers;
- otherwise, for a string column with 1 to 100 distinct values, a top-level
  ``string_domain`` named after the column holding every value (sorted), and
  ``domain: "<name>"`` on the feature.

**No numeric ranges are inferred**: TFDV never writes ``min``/``max`` for INT or FLOAT
features. Add bounds yourself (``int_domain { min: 0 max: 120 }`` or
``float_domain { min: 0.0 }``) when the range is part of the contract.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from google.protobuf import json_format, text_format
from tensorflow_metadata.proto.v0 import schema_pb2

from mlops_atlas.errors import AtlasError
from mlops_atlas.validation.statistics import DatasetStatistics, FeatureStatistics

__all__ = [
    "MAX_STRING_DOMAIN_SIZE",
    "SchemaError",
    "check_references",
    "get_feature",
    "infer_schema",
    "load_schema",
    "save_schema",
    "schema_to_text",
    "schema_to_yaml",
    "set_default_thresholds",
    "set_environments",
]

MAX_STRING_DOMAIN_SIZE = 100
"""TFDV's ``infer_schema(max_string_domain_size=100)`` default."""

_TRUE_STRINGS = {"TRUE", "true", "SET", "set", "1", ""}
_FALSE_STRINGS = {"FALSE", "false", "CLEAR", "clear", "0"}
_INT_PATTERN = re.compile(r"\s*[+-]?[0-9]+\s*")


class SchemaError(AtlasError, ValueError):
    """A schema that cannot be used: unparseable file, unknown feature, no data to infer from."""


def infer_schema(
    statistics: DatasetStatistics, max_string_domain_size: int = MAX_STRING_DOMAIN_SIZE
) -> schema_pb2.Schema:
    """Infer a schema from statistics, with TFDV's rules (see the module docstring).

    Args:
        statistics: Statistics of the training data.
        max_string_domain_size: Largest number of distinct strings kept as a domain.

    Returns:
        The schema.

    Raises:
        SchemaError: If the data has no rows.

    Examples:
        >>> import pandas as pd
        >>> from mlops_atlas.validation.statistics import compute_statistics
        >>> stats = compute_statistics(pd.DataFrame({"member": [0, 1, 1], "city": ["b", "a", "b"]}))
        >>> schema = infer_schema(stats)
        >>> schema.feature[0].HasField("bool_domain"), list(schema.string_domain[0].value)
        (True, ['a', 'b'])
    """
    if statistics.num_examples == 0:
        raise SchemaError("cannot infer a schema from a table with no rows")
    schema = schema_pb2.Schema()
    for stats in statistics.features.values():
        if stats.num_present == 0 and stats.num_missing == 0:
            continue
        _create_feature(schema, stats, max_string_domain_size)
    return schema


def _create_feature(
    schema: schema_pb2.Schema, stats: FeatureStatistics, enum_threshold: int
) -> None:
    feature = schema.feature.add(name=stats.name)
    feature.type = schema_pb2.BYTES if stats.type == "STRING" else getattr(schema_pb2, stats.type)
    feature.presence.min_count = 0 if stats.num_present < 1 else 1
    if stats.num_present <= 0:
        return
    if stats.num_missing == 0:
        feature.presence.min_fraction = 1.0
        feature.shape.dim.add(size=1)
    else:
        feature.value_count.min = 1
        feature.value_count.max = 1
    if stats.type == "INT":
        if stats.min is not None and stats.min >= 0.0 and stats.max == 1.0:
            feature.bool_domain.SetInParent()
        return
    if stats.type != "STRING":
        return
    values = sorted(stats.value_counts)
    bool_domain = _string_bool_domain(values)
    if bool_domain is not None:
        feature.bool_domain.CopyFrom(bool_domain)
    elif values and all(parses_as_int64(value) for value in values):
        feature.int_domain.SetInParent()
    elif 1 <= len(values) <= enum_threshold:
        names = {domain.name for domain in schema.string_domain}
        name, index = stats.name, 2
        while name in names:
            name, index = f"{stats.name}{index}", index + 1
        schema.string_domain.add(name=name, value=values)
        feature.domain = name


def _string_bool_domain(values: list[str]) -> schema_pb2.BoolDomain | None:
    if not 1 <= len(values) <= 2:
        return None
    true = [value for value in values if value in _TRUE_STRINGS]
    false = [value for value in values if value in _FALSE_STRINGS]
    if len(true) > 1 or len(false) > 1 or len(true) + len(false) != len(values):
        return None
    domain = schema_pb2.BoolDomain()
    if true:
        domain.true_value = true[0]
    if false:
        domain.false_value = false[0]
    return domain


def parses_as_int64(text: str) -> bool:
    """Whether ``text`` is an int64 as ``absl::SimpleAtoi`` reads it (surrounding spaces allowed)."""
    if not _INT_PATTERN.fullmatch(text):
        return False
    return -(2**63) <= int(text) < 2**63


def dangling_domains(schema: schema_pb2.Schema) -> list[tuple[str, str]]:
    """``(feature, domain)`` for every feature whose ``domain:`` names no top-level ``string_domain``."""
    defined = {domain.name for domain in schema.string_domain}
    return [
        (feature.name, feature.domain)
        for feature in schema.feature
        if feature.WhichOneof("domain_info") == "domain" and feature.domain not in defined
    ]


def _dangling_message(feature: str, domain: str, defined: list[str]) -> str:
    known = f" (defined: {', '.join(defined)})" if defined else " (it defines none)"
    return (
        f"feature '{feature}' has domain: \"{domain}\", but the schema defines no "
        f"string_domain named '{domain}'{known}; add string_domain {{ name: \"{domain}\" "
        f'value: "..." }} at the top level of the schema, point the feature at a defined one, '
        "or delete the domain: line"
    )


def check_references(schema: schema_pb2.Schema) -> None:
    """Refuse a schema whose features name a ``string_domain`` it does not define.

    Raises:
        SchemaError: Naming the feature, the missing domain and the three ways to fix it.
    """
    dangling = dangling_domains(schema)
    if dangling:
        defined = [domain.name for domain in schema.string_domain]
        raise SchemaError(_dangling_message(*dangling[0], defined))


def get_feature(schema: schema_pb2.Schema, name: str) -> schema_pb2.Feature:
    """The schema's feature called ``name``.

    Raises:
        SchemaError: If the schema has no such feature.
    """
    for feature in schema.feature:
        if feature.name == name:
            return feature
    known = ", ".join(feature.name for feature in schema.feature)
    raise SchemaError(f"the schema has no feature '{name}' (features: {known})")


def set_default_thresholds(
    schema: schema_pb2.Schema,
    *,
    categorical: float | None = None,
    numeric: float | None = None,
    comparator: str = "drift",
) -> schema_pb2.Schema:
    """Set one comparator threshold on every categorical and every numeric feature.

    Categorical (BYTES) features get ``infinity_norm { threshold }``; numeric (INT,
    FLOAT) features get ``jensen_shannon_divergence { threshold }``. A comparator
    runs only on features where its threshold is set. For skew, features declared
    ``not_in_environment: "SERVING"`` (labels) are left alone: serving data lacks them.

    Args:
        schema: The schema to change (in place, and returned).
        categorical: L-infinity threshold for BYTES features, or ``None`` to leave them.
        numeric: Jensen-Shannon threshold for INT/FLOAT features, or ``None``.
        comparator: ``"drift"`` (vs the previous batch) or ``"skew"`` (vs serving data).

    Returns:
        The same schema.
    """
    if comparator not in ("drift", "skew"):
        raise SchemaError(f"comparator must be 'drift' or 'skew', not '{comparator}'")
    for value in (categorical, numeric):
        if value is not None and not (math.isfinite(value) and value >= 0):
            raise SchemaError(
                f"a drift or skew threshold must be a finite number >= 0, not {value}"
            )
    for feature in schema.feature:
        if comparator == "skew" and "SERVING" in feature.not_in_environment:
            continue  # a label: serving data never has it, so there is nothing to compare
        target = getattr(feature, f"{comparator}_comparator")
        if feature.type == schema_pb2.BYTES and categorical is not None:
            target.infinity_norm.threshold = categorical
        elif feature.type in (schema_pb2.INT, schema_pb2.FLOAT) and numeric is not None:
            target.jensen_shannon_divergence.threshold = numeric
    return schema


def set_environments(
    schema: schema_pb2.Schema, training_only: tuple[str, ...] = ()
) -> schema_pb2.Schema:
    """Declare TRAINING and SERVING environments; ``training_only`` features are not in SERVING.

    This is the TFDV idiom for a label: it is expected in training data and absent
    from serving requests.
    """
    for environment in ("TRAINING", "SERVING"):
        if environment not in schema.default_environment:
            schema.default_environment.append(environment)
    for name in training_only:
        feature = get_feature(schema, name)
        if "SERVING" not in feature.not_in_environment:
            feature.not_in_environment.append("SERVING")
    return schema


def schema_to_text(schema: schema_pb2.Schema) -> str:
    """The schema in protobuf text format, as TFDV's ``write_schema_text`` writes it."""
    return text_format.MessageToString(schema)


def save_schema(schema: schema_pb2.Schema, path: Path) -> None:
    """Write the schema to ``path`` in text format (nothing half-written on failure)."""
    from mlops_atlas.outputs import write_atomically

    write_atomically(Path(path), schema_to_text(schema))


def load_schema(path: Path) -> schema_pb2.Schema:
    """Read a ``schema.pbtxt`` written by this module or by TFDV.

    Raises:
        SchemaError: One line naming the file (and line) if it cannot be read or parsed.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise SchemaError(f"{path}: cannot read the schema ({error})") from None
    try:
        schema = text_format.Parse(text, schema_pb2.Schema())
    except text_format.ParseError as error:
        line = error.GetLine()
        where = f"{path}:{line}" if line else str(path)
        message = str(error).split(" : ", 1)[-1]
        raise SchemaError(
            f"{where}: not a valid schema.pbtxt: {message}; fix it or regenerate it with "
            "'mlops-atlas validate schema'"
        ) from None
    dangling = dangling_domains(schema)
    if dangling:
        feature, domain = dangling[0]
        pattern = re.compile(r'^\s*domain\s*:\s*"' + re.escape(domain) + '"', re.MULTILINE)
        match = pattern.search(text)
        where = f"{path}:{text.count(chr(10), 0, match.start()) + 1}" if match else str(path)
        defined = [d.name for d in schema.string_domain]
        raise SchemaError(f"{where}: {_dangling_message(feature, domain, defined)}")
    return schema


def schema_to_yaml(schema: schema_pb2.Schema) -> str:
    """A readable YAML view of the schema (for people; the ``.pbtxt`` stays the contract)."""
    import yaml

    data = json_format.MessageToDict(schema, preserving_proto_field_name=True)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
