"""``mlops-atlas validate`` on careless or hostile input (issue 11): one line, exit 2, no file."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest
from tensorflow_metadata.proto.v0 import schema_pb2

from mlops_atlas.cli import main
from mlops_atlas.validation import (
    SchemaError,
    compute_statistics,
    infer_schema,
    load_schema,
    save_schema,
    set_default_thresholds,
    validate_statistics,
)
from mlops_atlas.validation.sources import file_format, header_problems, read_table

TRAIN = "age,city\n30,A\n41,B\n25,A\n"


@pytest.fixture
def schema_path(tmp_path):
    train = tmp_path / "train.csv"
    train.write_text(TRAIN)
    path = tmp_path / "schema.pbtxt"
    assert main(["validate", "schema", str(train), "-o", str(path)]) == 0
    return path


def _one_error_line(capsys) -> str:
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    return err


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("age,age,city", r"columns 1 and 2 are both named 'age'"),
        ("age,,city", r"column 2 has no name"),
        ("a,b,a,a", r"columns 1, 3 and 4 are all named 'a'"),
        (" ,age,city", r"column 1 has no name"),
    ],
)
def test_repeated_or_empty_column_names_are_named_by_position(
    tmp_path, capsys, header, message
) -> None:
    data = tmp_path / "data.csv"
    data.write_text(header + "\n" + "1,2,3" + (",4" if header.count(",") == 3 else "") + "\n")
    output = tmp_path / "s.pbtxt"
    assert main(["validate", "schema", str(data), "-o", str(output)]) == 2
    assert re.search(message, _one_error_line(capsys))
    assert not output.exists()


def test_repeated_names_in_a_parquet_file_are_refused_too(tmp_path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = tmp_path / "dup.parquet"
    pq.write_table(pa.table([[1, 2], [3, 4]], names=["x", "x"]), path)
    with pytest.raises(Exception, match=r"columns 1 and 2 are both named 'x'"):
        read_table(path)


def test_header_problems_lists_every_problem() -> None:
    assert header_problems(["a", "b"]) == []
    assert header_problems(["a", "", "a", ""]) == [
        "columns 1 and 3 are both named 'a'",
        "column 2 has no name",
        "column 4 has no name",
    ]


def test_integer_too_large_for_int64_is_called_that(tmp_path, schema_path, capsys) -> None:
    data = tmp_path / "big.csv"
    data.write_text("age,city\n30,A\n99999999999999999999999,B\n25,A\n")
    output = tmp_path / "s.pbtxt"
    assert main(["validate", "schema", str(data), "-o", str(output)]) == 2
    err = _one_error_line(capsys)
    assert "line 3: 99999999999999999999999 is an integer too large for int64" in err
    assert "not a number" not in err
    assert not output.exists()
    assert main(["validate", "check", str(data), "--schema", str(schema_path)]) == 1
    err = capsys.readouterr().err
    assert "integer too large for int64" in err
    assert "(the schema says INT)" in err


def test_a_real_non_number_is_still_reported_at_its_line(tmp_path, capsys) -> None:
    data = tmp_path / "bad.csv"
    data.write_text("age,city\n30,A\n31,B\nabc,A\n33,A\n")
    assert main(["validate", "schema", str(data), "-o", str(tmp_path / "s.pbtxt")]) == 2
    assert "column 'age', line 4: 'abc' is not a number" in _one_error_line(capsys)


@pytest.mark.parametrize("value", ["nan", "NaN", "inf", "-inf", "-0.5"])
@pytest.mark.parametrize("option", ["--numeric-threshold", "--categorical-threshold"])
def test_threshold_must_be_finite_and_not_negative(
    tmp_path, schema_path, capsys, option, value
) -> None:
    data = tmp_path / "train.csv"
    args = ["validate", "check", str(data), "--schema", str(schema_path)]
    assert main([*args, "--baseline", str(data), f"{option}={value}"]) == 2
    assert f"{option} must be a finite number >= 0" in _one_error_line(capsys)


def test_nan_threshold_in_the_library_or_a_schema_file_is_refused(tmp_path) -> None:
    frame = pd.DataFrame({"x": [1, 2, 3], "c": ["a", "b", "a"]})
    stats = compute_statistics(frame)
    with pytest.raises(SchemaError, match="finite number"):
        set_default_thresholds(infer_schema(stats), numeric=math.nan)
    schema = infer_schema(stats)
    schema.feature[0].drift_comparator.jensen_shannon_divergence.threshold = math.nan
    path = tmp_path / "nan.pbtxt"
    save_schema(schema, path)
    with pytest.raises(SchemaError, match=r"feature 'x': the drift_comparator threshold is nan"):
        validate_statistics(stats, load_schema(path), previous_statistics=stats)


def test_header_only_baseline_is_an_error_not_a_silent_pass(tmp_path, schema_path, capsys) -> None:
    empty = tmp_path / "previous.csv"
    empty.write_text("age,city\n")
    data = tmp_path / "train.csv"
    args = ["validate", "check", str(data), "--schema", str(schema_path)]
    assert main([*args, "--baseline", str(empty), "--numeric-threshold", "0.1"]) == 2
    assert "previous.csv: the baseline has no rows" in _one_error_line(capsys)


def test_dangling_string_domain_suggests_defining_it(tmp_path, schema_path, capsys) -> None:
    text = schema_path.read_text()
    assert 'domain: "city"' in text
    broken = tmp_path / "dangling.pbtxt"
    broken.write_text(text.replace('domain: "city"', 'domain: "town"'))
    line = broken.read_text().splitlines().index('  domain: "town"') + 1
    args = ["validate", "check", str(tmp_path / "train.csv"), "--schema", str(broken)]
    assert main(args) == 2
    err = _one_error_line(capsys)
    assert f"dangling.pbtxt:{line}: feature 'city' has domain: \"town\"" in err
    assert 'add string_domain { name: "town"' in err
    assert "--label" not in err  # the old message suggested declaring an environment


def test_dangling_domain_built_in_code_is_refused_by_validate() -> None:
    stats = compute_statistics(pd.DataFrame({"c": ["a", "b"]}))
    schema = schema_pb2.Schema()
    schema.feature.add(name="c", type=schema_pb2.BYTES, domain="nowhere")
    with pytest.raises(SchemaError, match="defines no string_domain named 'nowhere'"):
        validate_statistics(stats, schema)


def test_unknown_environment_names_the_declared_ones(tmp_path, schema_path, capsys) -> None:
    args = ["validate", "check", str(tmp_path / "train.csv"), "--schema", str(schema_path)]
    assert main([*args, "--environment", "STAGING"]) == 2
    err = _one_error_line(capsys)
    assert "Environment STAGING not found in the schema. Declared: none" in err


def test_parquet_is_read_as_parquet_with_the_same_statistics_as_csv(tmp_path, capsys) -> None:
    csv_path = tmp_path / "train.csv"
    csv_path.write_text("age,city,score\n30,A,1.5\n,B,2.5\n25,,\n")
    frame = read_table(csv_path)
    parquet = tmp_path / "train.parquet"
    frame.to_parquet(parquet)
    assert file_format(parquet) == "parquet"
    assert compute_statistics(read_table(parquet)) == compute_statistics(frame)
    output = tmp_path / "s.pbtxt"
    assert main(["validate", "schema", str(parquet), "-o", str(output)]) == 0
    assert [f.name for f in load_schema(output).feature] == ["age", "city", "score"]
    renamed = tmp_path / "named-like-a.csv"
    renamed.write_bytes(parquet.read_bytes())  # the magic bytes decide, not the name
    assert main(["validate", "check", str(renamed), "--schema", str(output)]) == 0


def test_binary_files_are_not_a_csv(tmp_path, schema_path, capsys) -> None:
    binary = tmp_path / "image.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert main(["validate", "check", str(binary), "--schema", str(schema_path)]) == 2
    assert "image.csv: not a CSV: it looks like a binary file" in _one_error_line(capsys)
    fake = tmp_path / "data.parquet"
    fake.write_text(TRAIN)
    assert main(["validate", "check", str(fake), "--schema", str(schema_path)]) == 2
    assert "data.parquet: not a Parquet file" in _one_error_line(capsys)
    truncated = tmp_path / "broken.parquet"
    truncated.write_bytes(b"PAR1" + b"\x00" * 20)
    assert main(["validate", "check", str(truncated), "--schema", str(schema_path)]) == 2
    assert "broken.parquet: cannot read the Parquet file" in _one_error_line(capsys)
    assert main(["validate", "check", str(tmp_path), "--schema", str(schema_path)]) == 2
    assert "is a folder" in _one_error_line(capsys)
