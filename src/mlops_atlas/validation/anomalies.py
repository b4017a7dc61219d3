"""Validate a batch's statistics against a schema, reporting anomalies as TFDV does.

Anomaly type names are TFDV's (``tensorflow_metadata`` ``AnomalyInfo.Type``) and the
short and long descriptions are worded as TFDV's C++ validator words them. Checks run
in TFDV's order (``Schema::UpdateFeatureInternal``): not present, environment,
shape, presence, data type, domain, then the comparators, drift before skew.

Comparators run only where the schema sets a threshold (``drift_comparator`` against
``previous``, ``skew_comparator`` against ``serving``), and every measurement is
reported, over the threshold or not. An anomaly fires when the value is strictly
greater than the threshold.
"""

from __future__ import annotations

import math

from tensorflow_metadata.proto.v0 import schema_pb2

from mlops_atlas.validation.drift import jensen_shannon_divergence, l_infinity_distance
from mlops_atlas.validation.results import Measurement, ValidationResult
from mlops_atlas.validation.schema import SchemaError, check_references, parses_as_int64
from mlops_atlas.validation.statistics import DatasetStatistics, FeatureStatistics

__all__ = ["validate_statistics"]

_COLUMN_DROPPED = "Column dropped"
_OUT_OF_RANGE = "Out-of-range values"
_NON_BOOLEAN = "Non-boolean values"
_CONTEXT = {"drift": ("current", "previous"), "skew": ("training", "serving")}
"""(treatment, control) names TFDV uses in comparator messages."""


def validate_statistics(
    statistics: DatasetStatistics,
    schema: schema_pb2.Schema,
    *,
    environment: str | None = None,
    previous_statistics: DatasetStatistics | None = None,
    serving_statistics: DatasetStatistics | None = None,
) -> ValidationResult:
    """Check statistics against the schema, as ``tfdv.validate_statistics``.

    Args:
        statistics: The batch under test (for skew: the training data).
        schema: The contract.
        environment: E.g. ``"SERVING"``; must be one of the schema's ``default_environment``.
        previous_statistics: The previous batch, for ``drift_comparator`` thresholds.
        serving_statistics: Serving data, for ``skew_comparator`` thresholds.

    Returns:
        The anomalies and measurements.

    Raises:
        SchemaError: If ``environment`` is not declared in the schema.
    """
    if environment and environment not in schema.default_environment:
        declared = ", ".join(schema.default_environment) or "none"
        raise SchemaError(
            f"Environment {environment} not found in the schema. Declared: {declared}; "
            "declare TRAINING and SERVING with 'mlops-atlas validate schema --label ...' or choose a declared one."
        )
    check_references(schema)
    result = ValidationResult()
    if statistics.num_examples == 0:
        result.data_missing = True
        return result
    known = {feature.name for feature in schema.feature}
    for name in statistics.features:
        if name not in known:
            result.add(
                name,
                "SCHEMA_NEW_COLUMN",
                "New column",
                "New column (column in data but not in schema)",
            )
    domains = {domain.name: domain for domain in schema.string_domain}
    controls = {"drift": previous_statistics, "skew": serving_statistics}
    for feature in schema.feature:
        stats = statistics.features.get(feature.name)
        if stats is None:
            if _existence_required(schema, feature, environment):
                result.add(
                    feature.name,
                    "SCHEMA_MISSING_COLUMN",
                    _COLUMN_DROPPED,
                    "Column is completely missing",
                )
            continue
        _check_feature(
            result, schema, feature, stats, statistics.num_examples, environment, domains
        )
        if stats.num_present > 0:
            for comparison, control in controls.items():
                _compare(result, feature, stats, comparison, control)
    return result


def _in_environment(
    schema: schema_pb2.Schema, feature: schema_pb2.Feature, env: str | None
) -> bool:
    if not env:
        return True
    if env in feature.in_environment:
        return True
    if env in feature.not_in_environment:
        return False
    return env in schema.default_environment


def _existence_required(
    schema: schema_pb2.Schema, feature: schema_pb2.Feature, env: str | None
) -> bool:
    inactive = (
        schema_pb2.PLANNED,
        schema_pb2.ALPHA,
        schema_pb2.DEPRECATED,
        schema_pb2.DEBUG_ONLY,
        schema_pb2.DISABLED,
    )
    if feature.deprecated or feature.lifecycle_stage in inactive:
        return False
    if feature.presence.min_count <= 0 and feature.presence.min_fraction <= 0.0:
        return False
    return _in_environment(schema, feature, env)


def _check_feature(
    result: ValidationResult,
    schema: schema_pb2.Schema,
    feature: schema_pb2.Feature,
    stats: FeatureStatistics,
    num_examples: int,
    environment: str | None,
    domains: dict[str, schema_pb2.StringDomain],
) -> None:
    name = feature.name
    if stats.num_present == 0:
        if _existence_required(schema, feature, environment):
            result.add(
                name,
                "FEATURE_TYPE_NOT_PRESENT",
                _COLUMN_DROPPED,
                "The feature was not present in any examples.",
            )
        return
    if not _in_environment(schema, feature, environment):
        result.add(
            name,
            "SCHEMA_NEW_COLUMN",
            "Column missing in environment",
            f"New column {name} found in data but not in the environment {environment} in the schema.",
        )
    if feature.HasField("shape"):
        sizes = [dim.size for dim in feature.shape.dim]
        if stats.num_missing:
            result.add(
                name,
                "INVALID_FEATURE_SHAPE",
                "Feature shape dropped",
                "The feature has a shape, but it's not always present (if the feature is nested, then it should always be present at each nested level) or its value lengths vary.",
            )
        elif math.prod(sizes) != 1:
            result.add(
                name,
                "INVALID_FEATURE_SHAPE",
                "Feature shape dropped",
                "The feature has fixed value length 1 but it's not compatible with the specified shape.",
            )
    _check_presence(result, feature, stats, num_examples)
    expected = schema_pb2.FeatureType.Name(feature.type)
    actual = "BYTES" if stats.type == "STRING" else stats.type
    if feature.type != schema_pb2.TYPE_UNKNOWN and expected != actual:
        result.add(
            name,
            "UNEXPECTED_DATA_TYPE",
            "Unexpected data type",
            f"Expected data of type: {expected} but got {stats.type}",
        )
        return
    _check_domain(result, feature, stats, domains)


def _check_presence(
    result: ValidationResult,
    feature: schema_pb2.Feature,
    stats: FeatureStatistics,
    num_examples: int,
) -> None:
    presence = feature.presence
    if presence.min_count and stats.num_present < presence.min_count:
        result.add(
            feature.name,
            "FEATURE_TYPE_LOW_NUMBER_PRESENT",
            _COLUMN_DROPPED,
            "The feature was present in fewer examples than expected: minimum count = "
            f"{presence.min_count}, actual = {stats.num_present}",
        )
    fraction = stats.num_present / num_examples
    if fraction < presence.min_fraction:
        result.add(
            feature.name,
            "FEATURE_TYPE_LOW_FRACTION_PRESENT",
            _COLUMN_DROPPED,
            "The feature was present in fewer examples than expected: minimum fraction = "
            f"{presence.min_fraction:f}, actual = {fraction:f}",
        )
    elif presence.min_fraction == 1.0 and stats.num_missing:
        result.add(
            feature.name,
            "FEATURE_TYPE_LOW_FRACTION_PRESENT",
            _COLUMN_DROPPED,
            f"The feature was expected everywhere, but was missing in {stats.num_missing} examples.",
        )


def _six(value: float) -> str:
    return format(value, ".6g")


def _percent(count: int, total: int) -> str:
    if total <= 0:
        return "?"
    percent = 100 * count / total
    return "<1%" if percent < 1 else f"~{math.floor(percent)}%"


def _check_domain(
    result: ValidationResult,
    feature: schema_pb2.Feature,
    stats: FeatureStatistics,
    domains: dict[str, schema_pb2.StringDomain],
) -> None:
    name, kind = feature.name, feature.WhichOneof("domain_info")
    if kind in ("domain", "string_domain") and stats.type == "STRING":
        domain = feature.string_domain if kind == "string_domain" else domains[feature.domain]
        allowed = set(domain.value)
        unexpected = sorted(value for value in stats.value_counts if value not in allowed)
        if unexpected:
            listed = ", ".join(
                f"{value} ({_percent(stats.value_counts[value], stats.num_present)})"
                for value in unexpected
            )
            result.add(
                name,
                "ENUM_TYPE_UNEXPECTED_STRING_VALUES",
                "Unexpected string values",
                f"Examples contain values missing from the schema: {listed}. ",
            )
    elif kind == "bool_domain":
        _check_bool(result, feature, stats)
    elif kind == "int_domain" and stats.type == "INT":
        domain = feature.int_domain
        low, high = stats.min, stats.max  # None when no value is present
        if domain.HasField("max") and high is not None and high > domain.max:
            result.add(
                name,
                "INT_TYPE_BIG_INT",
                _OUT_OF_RANGE,
                f"Unexpectedly large value: {int(high)}.",
            )
        if domain.HasField("min") and low is not None and low < domain.min:
            result.add(
                name,
                "INT_TYPE_SMALL_INT",
                _OUT_OF_RANGE,
                f"Unexpectedly small value: {int(low)}.",
            )
    elif kind == "int_domain" and stats.type == "STRING":
        bad = next(
            (value for value in sorted(stats.value_counts) if not parses_as_int64(value)), None
        )
        if bad is not None:
            result.add(
                name,
                "INT_TYPE_NOT_INT_STRING",
                "Invalid values",
                f'String values that were not ints were found, such as "{bad}".',
            )
    elif kind == "float_domain" and stats.is_numeric:
        _check_float(result, feature.float_domain, name, stats)


def _check_bool(
    result: ValidationResult, feature: schema_pb2.Feature, stats: FeatureStatistics
) -> None:
    name = feature.name
    if stats.type == "INT":
        low, high = stats.min, stats.max  # None when no value is present
        if low is not None and low < 0:
            result.add(
                name,
                "BOOL_TYPE_SMALL_INT",
                _NON_BOOLEAN,
                f"Integers (such as {_six(low)}) not in {{0, 1}}: converting to an integer.",
            )
        if high is not None and high > 1:
            result.add(
                name,
                "BOOL_TYPE_BIG_INT",
                _NON_BOOLEAN,
                f"Integers (such as {_six(high)}) not in {{0, 1}}: converting to an integer.",
            )
    elif stats.type == "STRING":
        domain = feature.bool_domain
        allowed = [value for value in (domain.true_value, domain.false_value) if value]
        described = '{"' + '", "'.join(allowed) + '"}' if allowed else "{}"
        for value in sorted(stats.value_counts):
            if value not in allowed:
                result.add(
                    name,
                    "BOOL_TYPE_UNEXPECTED_STRING",
                    _NON_BOOLEAN,
                    f'Saw unexpected value "{value}" instead of {described}.',
                )
                break


def _check_float(
    result: ValidationResult, domain: schema_pb2.FloatDomain, name: str, stats: FeatureStatistics
) -> None:
    low, high = stats.min, stats.max  # None when no value is present
    if domain.HasField("max") and high is not None and high > domain.max:
        result.add(
            name,
            "FLOAT_TYPE_BIG_FLOAT",
            _OUT_OF_RANGE,
            f"Unexpectedly high value: {_six(high)}>{_six(domain.max)}(upto six significant digits)",
        )
    if domain.HasField("min") and low is not None and low < domain.min:
        result.add(
            name,
            "FLOAT_TYPE_SMALL_FLOAT",
            _OUT_OF_RANGE,
            f"Unexpectedly low values: {_six(low)}<{_six(domain.min)}(upto six significant digits)",
        )
    if domain.disallow_nan and stats.num_nan:
        result.add(name, "FLOAT_TYPE_HAS_NAN", "Invalid values", "Float feature has NaN values.")
    if domain.disallow_inf and (stats.num_pos_inf or stats.num_neg_inf):
        result.add(name, "FLOAT_TYPE_HAS_INF", "Invalid values", "Float feature has Inf values.")


def _compare(
    result: ValidationResult,
    feature: schema_pb2.Feature,
    stats: FeatureStatistics,
    comparison: str,
    control_statistics: DatasetStatistics | None,
) -> None:
    comparator = getattr(feature, f"{comparison}_comparator")
    linf = comparator.infinity_norm if comparator.infinity_norm.HasField("threshold") else None
    jsd = (
        comparator.jensen_shannon_divergence
        if comparator.jensen_shannon_divergence.HasField("threshold")
        else None
    )
    for measure in (linf, jsd):
        # "value > nan" is never true: a NaN threshold would switch the comparator off.
        if measure is not None and not (
            math.isfinite(measure.threshold) and measure.threshold >= 0
        ):
            raise SchemaError(
                f"feature '{feature.name}': the {comparison}_comparator threshold is "
                f"{measure.threshold}; a threshold must be a finite number >= 0"
            )
    if (linf is None and jsd is None) or control_statistics is None:
        return
    treatment_name, control_name = _CONTEXT[comparison]
    control = control_statistics.features.get(feature.name)
    if control is None:
        result.add(
            feature.name,
            "COMPARATOR_CONTROL_DATA_MISSING",
            f"{control_name} data missing",
            f"{control_name} data is missing.",
        )
        return
    between = f"between {treatment_name} and {control_name}"
    if linf is not None:
        distance, value = l_infinity_distance(stats.value_counts, control.value_counts)
        result.measurements.append(
            Measurement(feature.name, comparison, "L_INFTY", distance, linf.threshold, value)
        )
        if distance > linf.threshold:
            result.add(
                feature.name,
                "COMPARATOR_L_INFTY_HIGH",
                f"High Linfty distance {between}",
                f"The Linfty distance {between} is {_six(distance)} (up to six significant digits), above the threshold {_six(linf.threshold)}. The feature value with maximum difference is: {value}",
            )
    if jsd is not None:
        source = schema_pb2.HistogramSelection.Type.Name(jsd.source.type)
        divergence = jensen_shannon_divergence(stats, control, source)
        if divergence is None:
            return  # TFDV logs a warning and records nothing
        result.measurements.append(
            Measurement(
                feature.name, comparison, "JENSEN_SHANNON_DIVERGENCE", divergence, jsd.threshold
            )
        )
        if divergence > jsd.threshold:
            result.add(
                feature.name,
                "COMPARATOR_JENSEN_SHANNON_DIVERGENCE_HIGH",
                f"High approximate Jensen-Shannon divergence {between}",
                f"The approximate Jensen-Shannon divergence {between} is {_six(divergence)} (up to six significant digits), above the threshold {_six(jsd.threshold)}.",
            )
