"""TFX-style data validation: statistics, TFDV's inference rules, anomalies, comparators."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from tensorflow_metadata.proto.v0 import schema_pb2

from mlops_atlas.validation import (
    Histogram,
    SchemaError,
    StatisticsError,
    align_histograms,
    compute_statistics,
    get_feature,
    infer_schema,
    jensen_shannon_divergence,
    l_infinity_distance,
    load_schema,
    save_schema,
    schema_to_yaml,
    set_default_thresholds,
    set_environments,
    validate_statistics,
)


def schema_of(frame: pd.DataFrame) -> schema_pb2.Schema:
    return infer_schema(compute_statistics(frame))


def check(frame: pd.DataFrame, schema: schema_pb2.Schema, **kwargs):
    return validate_statistics(compute_statistics(frame), schema, **kwargs)


# ---------------------------------------------------------------- statistics


def test_statistics_count_missing_values_including_nan_and_none() -> None:
    frame = pd.DataFrame({"x": [1.0, np.nan, 3.0, 0.0], "c": ["a", None, "a", "b"]})
    stats = compute_statistics(frame)
    assert (stats["x"].num_present, stats["x"].num_missing, stats["x"].num_zeros) == (3, 1, 1)
    assert stats["x"].mean == pytest.approx(4 / 3)
    assert stats["c"].num_missing == 1
    assert stats["c"].value_counts == {"a": 2, "b": 1}
    assert stats["c"].unique == 2


def test_histogram_has_ten_equal_buckets_between_finite_min_and_max() -> None:
    values = np.array([0.0, 1.0, 2.0, 10.0, np.inf, -np.inf, np.inf])
    histogram = compute_statistics(pd.DataFrame({"v": values}))["v"].histogram
    regular = [b for b in histogram.buckets if math.isfinite(b[0])]
    assert len(regular) == 10
    assert regular[0][0] == 0.0
    assert regular[-1][1] == 10.0
    assert all(high - low == pytest.approx(1.0) for low, high, _ in regular)
    assert histogram.buckets[0] == (-np.inf, -np.inf, 1.0)
    assert histogram.buckets[-1] == (np.inf, np.inf, 2.0)
    assert histogram.total == pytest.approx(7)


def test_constant_column_gets_one_point_bucket() -> None:
    histogram = compute_statistics(pd.DataFrame({"v": [5, 5, 5]}))["v"].histogram
    ((low, high, count),) = histogram.buckets  # TFDV sums 1,000 quantile buckets: ~3
    assert (low, high, count) == (5.0, 5.0, pytest.approx(3.0))


def test_booleans_are_ints_as_tf_example_stores_them() -> None:
    stats = compute_statistics(pd.DataFrame({"b": [True, False, True]}))
    assert stats["b"].type == "INT"
    assert get_feature(infer_schema(stats), "b").HasField("bool_domain")


def test_mixed_types_in_one_column_are_named_in_one_line() -> None:
    with pytest.raises(StatisticsError, match=r"^column 'mixed' mixes value types \(int, str\)"):
        compute_statistics(pd.DataFrame({"mixed": ["a", 1, "b"]}))


# ---------------------------------------------------------------- inference


def test_inference_follows_tfdv_rules() -> None:
    frame = pd.DataFrame(
        {
            "age": [30, 40, 50, 60],
            "income": [1.5, None, 2.5, 3.0],
            "member": [0, 1, 1, 0],
            "zeros": [0, 0, 0, 0],
            "city": ["Paris", "Berlin", "Tokyo", "Paris"],
            "flag": ["true", "false", "true", "true"],
            "code": ["01", "22", "3", "01"],
        }
    )
    schema = schema_of(frame)
    age, income, member, zeros, city, flag, code = schema.feature
    assert age.type == schema_pb2.INT
    assert (age.presence.min_count, age.presence.min_fraction) == (1, 1.0)
    assert [dim.size for dim in age.shape.dim] == [1]
    assert not age.HasField("value_count")
    # some missing: no min_fraction, value_count instead of shape
    assert income.type == schema_pb2.FLOAT
    assert not income.presence.HasField("min_fraction")
    assert not income.HasField("shape")
    assert (income.value_count.min, income.value_count.max) == (1, 1)
    assert member.HasField("bool_domain")
    assert zeros.WhichOneof("domain_info") is None  # max must be 1
    assert city.type == schema_pb2.BYTES
    assert city.domain == "city"
    assert list(schema.string_domain[0].value) == ["Berlin", "Paris", "Tokyo"]
    assert (flag.bool_domain.true_value, flag.bool_domain.false_value) == ("true", "false")
    assert code.HasField("int_domain")
    # no numeric ranges, ever
    for feature in schema.feature:
        assert not feature.int_domain.HasField("min")
        assert not feature.int_domain.HasField("max")
        assert not feature.HasField("float_domain")


@pytest.mark.parametrize(("distinct", "has_domain"), [(100, True), (101, False)])
def test_string_domain_only_up_to_100_values(distinct: int, has_domain: bool) -> None:
    frame = pd.DataFrame({"s": [f"v{i:03d}" for i in range(distinct)]})
    schema = schema_of(frame)
    assert bool(schema.feature[0].domain) is has_domain
    assert len(schema.string_domain) == int(has_domain)


def test_empty_table_cannot_be_inferred_from() -> None:
    with pytest.raises(SchemaError, match="no rows"):
        schema_of(pd.DataFrame({"a": pd.Series([], dtype=float)}))


# ---------------------------------------------------------------- schema files


def test_schema_round_trips_through_pbtxt_and_yaml(tmp_path) -> None:
    schema = schema_of(pd.DataFrame({"a": [1, 2], "c": ["x", "y"]}))
    set_default_thresholds(schema, categorical=0.1, numeric=0.2)
    path = tmp_path / "schema.pbtxt"
    save_schema(schema, path)
    assert load_schema(path) == schema
    assert "drift_comparator {\n    infinity_norm {\n      threshold: 0.1" in path.read_text()
    assert "name: c" in schema_to_yaml(schema)


TFDV_WRITTEN = """feature {
  name: "payment_type"
  value_count {
    min: 1
    max: 1
  }
  type: BYTES
  domain: "payment_type"
  presence {
    min_fraction: 1.0
    min_count: 1
  }
}
feature {
  name: "trip_start_hour"
  type: INT
  presence {
    min_count: 0
  }
}
string_domain {
  name: "payment_type"
  value: "Cash"
  value: "Credit Card"
}
# generate_legacy_feature_spec: false
"""


def test_reads_a_schema_tfdv_wrote_and_validates_against_it(tmp_path) -> None:
    path = tmp_path / "schema.pbtxt"
    path.write_text(TFDV_WRITTEN)
    schema = load_schema(path)
    frame = pd.DataFrame({"payment_type": ["Cash"] * 199 + ["Prcard"], "trip_start_hour": 3})
    result = check(frame, schema)
    (anomaly,) = result.anomalies["payment_type"]
    assert anomaly.type == "ENUM_TYPE_UNEXPECTED_STRING_VALUES"
    assert anomaly.description == "Examples contain values missing from the schema: Prcard (<1%). "


def test_unparseable_schema_names_file_and_line(tmp_path) -> None:
    path = tmp_path / "broken.pbtxt"
    path.write_text('feature {\n  name: "a"\n  colour: 3\n}\n')
    with pytest.raises(SchemaError, match=r"broken\.pbtxt:3: not a valid schema\.pbtxt: .*colour"):
        load_schema(path)


# ---------------------------------------------------------------- anomalies

TRAIN = pd.DataFrame(
    {
        "age": [20, 30, 40, 50] * 25,
        "city": ["A", "B", "C", "A"] * 25,
        "score": [0.1, 0.2, 0.3, 0.4] * 25,
    }
)


def test_clean_batch_has_no_anomaly() -> None:
    result = check(TRAIN.sample(frac=1, random_state=0), schema_of(TRAIN))
    assert result.ok
    assert result.table() == "no anomalies"


def test_new_and_missing_columns() -> None:
    batch = TRAIN.rename(columns={"city": "town"})
    result = check(batch, schema_of(TRAIN))
    assert result.types() == {"town": ["SCHEMA_NEW_COLUMN"], "city": ["SCHEMA_MISSING_COLUMN"]}
    assert result.anomalies["city"][0].description == "Column is completely missing"
    assert result.anomalies["town"][0].short_description == "New column"


def test_missing_values_break_shape_and_presence() -> None:
    batch = TRAIN.copy()
    batch.loc[:9, "score"] = np.nan
    result = check(batch, schema_of(TRAIN))
    assert result.types()["score"] == ["INVALID_FEATURE_SHAPE", "FEATURE_TYPE_LOW_FRACTION_PRESENT"]
    assert result.anomalies["score"][1].description == (
        "The feature was present in fewer examples than expected: "
        "minimum fraction = 1.000000, actual = 0.900000"
    )


def test_column_with_no_value_is_not_present() -> None:
    batch = TRAIN.assign(score=np.nan)
    assert check(batch, schema_of(TRAIN)).types()["score"] == ["FEATURE_TYPE_NOT_PRESENT"]


def test_unexpected_type_and_string_values() -> None:
    batch = TRAIN.assign(age=TRAIN["age"].astype(str), city=["A"] * 97 + ["Z"] * 3)
    result = check(batch, schema_of(TRAIN))
    assert result.anomalies["age"][0].description == "Expected data of type: INT but got STRING"
    assert result.anomalies["city"][0].description == (
        "Examples contain values missing from the schema: Z (~3%). "
    )


def test_ranges_the_user_adds_are_checked_with_tfdv_messages() -> None:
    schema = schema_of(TRAIN)
    get_feature(schema, "age").int_domain.max = 45
    get_feature(schema, "age").int_domain.min = 25
    score = get_feature(schema, "score").float_domain
    score.max, score.disallow_nan, score.disallow_inf = 0.35, True, True
    batch = TRAIN.astype({"score": float}).copy()
    batch.loc[0, "score"] = np.inf
    result = check(batch, schema)
    assert result.types()["age"] == ["INT_TYPE_BIG_INT", "INT_TYPE_SMALL_INT"]
    assert result.anomalies["age"][0].description == "Unexpectedly large value: 50."
    assert result.anomalies["age"][1].description == "Unexpectedly small value: 20."
    assert result.types()["score"] == ["FLOAT_TYPE_BIG_FLOAT", "FLOAT_TYPE_HAS_INF"]
    assert result.anomalies["score"][0].description == (
        "Unexpectedly high value: inf>0.35(upto six significant digits)"
    )


def test_nan_is_flagged_when_the_domain_disallows_it() -> None:
    schema = schema_of(TRAIN)
    get_feature(schema, "score").float_domain.disallow_nan = True
    batch = TRAIN.copy()
    batch.loc[3, "score"] = np.nan
    assert "FLOAT_TYPE_HAS_NAN" in check(batch, schema).types()["score"]


def test_label_is_expected_in_training_but_not_serving() -> None:
    training = TRAIN.assign(label=[0, 1] * 50)
    schema = set_environments(schema_of(training), training_only=("label",))
    assert check(TRAIN, schema, environment="SERVING").ok
    assert check(TRAIN, schema, environment="TRAINING").types() == {
        "label": ["SCHEMA_MISSING_COLUMN"]
    }
    leaked = check(training, schema, environment="SERVING")
    assert leaked.anomalies["label"][0].description == (
        "New column label found in data but not in the environment SERVING in the schema."
    )


def test_unknown_environment_is_refused() -> None:
    with pytest.raises(
        SchemaError, match=r"^Environment SERVING not found in the schema\. Declared: none; "
    ):
        check(TRAIN, schema_of(TRAIN), environment="SERVING")


def test_empty_batch_is_data_missing() -> None:
    result = check(TRAIN.iloc[:0], schema_of(TRAIN))
    assert result.data_missing
    assert not result.ok


# ---------------------------------------------------------------- comparators


def test_l_infinity_names_the_value_with_the_largest_difference() -> None:
    distance, value = l_infinity_distance({"a": 6, "b": 2, "c": 2}, {"a": 2, "b": 4, "c": 4})
    assert (distance, value) == (pytest.approx(0.4), "a")
    assert l_infinity_distance({"a": 1}, {"b": 1}) == (1.0, "b")  # ties: last value wins


def test_jensen_shannon_on_hand_computed_histograms() -> None:
    half_half = Histogram(((0.0, 1.0, 1.0), (1.0, 2.0, 1.0)))
    all_low = Histogram(((0.0, 1.0, 2.0), (1.0, 2.0, 0.0)))
    expected = 0.5 * (0.5 * math.log2(0.5 / 0.75) + 0.5 * math.log2(0.5 / 0.25)) + 0.5 * math.log2(
        1 / 0.75
    )
    p, q = align_histograms(half_half, all_low)
    assert p.tolist() == [1.0, 1.0]
    assert q.tolist() == [2.0, 0.0]
    stats = compute_statistics(pd.DataFrame({"x": [0.0, 2.0]}))["x"]
    shifted = compute_statistics(pd.DataFrame({"x": [10.0, 12.0]}))["x"]
    assert jensen_shannon_divergence(stats, shifted) == 1.0
    assert jensen_shannon_divergence(stats, stats) == 0.0
    from mlops_atlas.validation.drift import _jsd

    assert _jsd(p, q) == pytest.approx(expected)


def test_alignment_spreads_counts_uniformly_and_keeps_infinities_apart() -> None:
    wide = Histogram(((0.0, 2.0, 4.0), (np.inf, np.inf, 1.0)))
    narrow = Histogram(((0.0, 1.0, 1.0), (1.0, 2.0, 3.0), (np.inf, np.inf, 1.0)))
    p, q = align_histograms(wide, narrow)
    assert p.tolist() == [2.0, 2.0, 1.0, 0.0]
    assert q.tolist() == [1.0, 3.0, 0.0, 1.0]


def test_comparators_run_only_where_a_threshold_is_set_and_report_every_value() -> None:
    schema = schema_of(TRAIN)
    previous = compute_statistics(TRAIN)
    assert check(TRAIN, schema, previous_statistics=previous).measurements == []
    set_default_thresholds(schema, categorical=0.05, numeric=0.5)
    batch = TRAIN.assign(city=["A"] * 60 + ["B"] * 20 + ["C"] * 20)
    result = check(batch, schema, previous_statistics=previous)
    by_feature = {m.feature: m for m in result.measurements}
    assert by_feature["city"].measure == "L_INFTY"
    assert by_feature["city"].value == pytest.approx(0.1)  # A: 0.60 now vs 0.50 before
    assert by_feature["city"].worst_value == "A"
    assert by_feature["age"].value == 0.0
    assert not by_feature["age"].exceeded
    assert result.types() == {"city": ["COMPARATOR_L_INFTY_HIGH"]}
    assert result.anomalies["city"][0].short_description == (
        "High Linfty distance between current and previous"
    )


def test_skew_compares_training_with_serving() -> None:
    schema = set_default_thresholds(schema_of(TRAIN), numeric=0.01, comparator="skew")
    serving = compute_statistics(TRAIN.assign(score=TRAIN["score"] + 1.0).drop(columns="age"))
    result = check(TRAIN, schema, serving_statistics=serving)
    assert result.types() == {
        "age": ["COMPARATOR_CONTROL_DATA_MISSING"],
        "score": ["COMPARATOR_JENSEN_SHANNON_DIVERGENCE_HIGH"],
    }
    assert result.anomalies["age"][0].description == "serving data is missing."
    assert (
        "between training and serving is 1 (up to six" in result.anomalies["score"][0].description
    )


def test_infinite_mass_never_overlaps_as_in_tfdv() -> None:
    # TFDV's AlignHistograms puts each side's infinities in its own bucket, so even
    # identical data with infinities has a positive divergence.
    stats = compute_statistics(pd.DataFrame({"x": [1.0, 2.0, np.inf]}))["x"]
    assert jensen_shannon_divergence(stats, stats) == pytest.approx(1 / 3)
