"""``mlops-atlas validate``: schema inference and checks from the command line."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from mlops_atlas.cli import main
from mlops_atlas.validation import load_schema


@pytest.fixture
def files(tmp_path):
    rng = np.random.default_rng(0)
    n = 1000
    train = pd.DataFrame(
        {
            "age": rng.integers(18, 80, n),
            "income": rng.normal(50, 10, n).round(2),
            "city": rng.choice(["A", "B", "C"], n),
            "label": rng.integers(0, 2, n),
        }
    )
    serving = train.drop(columns="label").sample(frac=1, random_state=1)
    drifted = serving.assign(income=serving["income"] + 30, city="D")
    paths = {name: tmp_path / f"{name}.csv" for name in ("train", "serving", "drifted")}
    for name, frame in (("train", train), ("serving", serving), ("drifted", drifted)):
        frame.to_csv(paths[name], index=False)
    paths["schema"] = tmp_path / "schema.pbtxt"
    assert (
        main(
            [
                "validate",
                "schema",
                str(paths["train"]),
                "-o",
                str(paths["schema"]),
                "--label",
                "label",
            ]
        )
        == 0
    )
    return paths


def test_schema_command_writes_a_tfdv_schema(files) -> None:
    schema = load_schema(files["schema"])
    assert [feature.name for feature in schema.feature] == ["age", "income", "city", "label"]
    assert list(schema.default_environment) == ["TRAINING", "SERVING"]
    assert list(schema.feature[3].not_in_environment) == ["SERVING"]


def test_clean_serving_batch_exits_0(files, capsys) -> None:
    args = ["validate", "check", str(files["serving"]), "--schema", str(files["schema"])]
    assert main([*args, "--environment", "SERVING"]) == 0
    assert capsys.readouterr().out.strip() == "no anomalies"


def test_json_output_is_one_object_with_anomalies_and_drift(files, capsys) -> None:
    status = main(
        [
            "validate", "check", str(files["drifted"]), "--schema", str(files["schema"]),
            "--environment", "SERVING", "--baseline", str(files["serving"]),
            "--categorical-threshold", "0.1", "--numeric-threshold", "0.1", "--json",
        ]
    )  # fmt: skip
    assert status == 1
    report = json.loads(capsys.readouterr().out)
    assert set(report) == {"anomalies", "drift"}
    assert report["anomalies"]["city"] == [
        "ENUM_TYPE_UNEXPECTED_STRING_VALUES",
        "COMPARATOR_L_INFTY_HIGH",
    ]
    assert report["anomalies"]["income"] == ["COMPARATOR_JENSEN_SHANNON_DIVERGENCE_HIGH"]
    assert report["drift"]["city"] == {"measure": "L_INFTY", "value": 1.0, "threshold": 0.1}
    assert report["drift"]["income"]["measure"] == "JENSEN_SHANNON_DIVERGENCE"
    assert report["drift"]["income"]["value"] > 0.1
    assert report["drift"]["age"]["value"] == 0.0  # same ages, shuffled


def test_table_output_names_the_anomaly(files, capsys) -> None:
    status = main(
        [
            "validate",
            "check",
            str(files["drifted"]),
            "--schema",
            str(files["schema"]),
            "--environment",
            "SERVING",
        ]
    )
    assert status == 1
    out = capsys.readouterr().out
    assert "city     ENUM_TYPE_UNEXPECTED_STRING_VALUES  Unexpected string values" in out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("a,b\n1,x\n2,y\nfoo,z\n3,y\n", r"data\.csv: column 'a', line 4: 'foo' is not a number"),
        ("a,b\n1,\n2,\n", r"data\.csv: column 'b' is empty \(no value in any row\)"),
        ("a,b\n", r"data\.csv: no rows to infer a schema from"),
        ("", r"data\.csv: the file is empty"),
    ],
)
def test_bad_training_csv_is_one_line_status_2(tmp_path, capsys, content, message) -> None:
    data = tmp_path / "data.csv"
    data.write_text(content)
    assert main(["validate", "schema", str(data), "-o", str(tmp_path / "s.pbtxt")]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert re.search(message, err)
    assert not (tmp_path / "s.pbtxt").exists()


def test_bad_schema_and_environment_are_status_2(files, tmp_path, capsys) -> None:
    broken = tmp_path / "broken.pbtxt"
    broken.write_text("feature {\n  nam: 1\n}\n")
    assert main(["validate", "check", str(files["serving"]), "--schema", str(broken)]) == 2
    assert "broken.pbtxt:2: not a valid schema.pbtxt" in capsys.readouterr().err
    assert (
        main(
            [
                "validate",
                "check",
                str(files["serving"]),
                "--schema",
                str(files["schema"]),
                "--environment",
                "STAGING",
            ]
        )
        == 2
    )
    assert "Environment STAGING not found in the schema." in capsys.readouterr().err
    assert (
        main(
            [
                "validate",
                "check",
                str(files["serving"]),
                "--schema",
                str(files["schema"]),
                "--numeric-threshold",
                "0.1",
            ]
        )
        == 2
    )
    assert "add --baseline" in capsys.readouterr().err


def test_bad_cell_in_a_checked_csv_is_named_and_reported(files, tmp_path, capsys) -> None:
    frame = pd.read_csv(files["serving"]).astype({"age": str})
    frame.loc[6, "age"] = "forty"
    data = tmp_path / "bad.csv"
    frame.to_csv(data, index=False)
    status = main(
        [
            "validate",
            "check",
            str(data),
            "--schema",
            str(files["schema"]),
            "--environment",
            "SERVING",
            "--json",
        ]
    )
    assert status == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out)["anomalies"] == {"age": ["UNEXPECTED_DATA_TYPE"]}
    assert "column 'age', line 8: 'forty' is not a number (the schema says INT)" in captured.err


def test_help_has_examples(capsys) -> None:
    for command in (["validate"], ["validate", "schema"], ["validate", "check"]):
        with pytest.raises(SystemExit):
            main([*command, "--help"])
        assert "example" in capsys.readouterr().out


def test_small_chunks_give_the_same_report(files, capsys) -> None:
    args = [
        "validate", "check", str(files["drifted"]), "--schema", str(files["schema"]),
        "--environment", "SERVING", "--baseline", str(files["serving"]),
        "--categorical-threshold", "0.1", "--numeric-threshold", "0.1", "--json",
    ]  # fmt: skip
    assert main(args) == 1
    default = json.loads(capsys.readouterr().out)
    assert main([*args, "--chunk-rows", "37"]) == 1
    assert json.loads(capsys.readouterr().out) == default
    assert main([*args, "--chunk-rows", "0"]) == 2
    assert "--chunk-rows must be at least 1" in capsys.readouterr().err


def test_bad_cell_in_a_late_chunk_is_found_at_its_line(tmp_path, capsys) -> None:
    data = tmp_path / "late.csv"
    data.write_text("a\n" + "".join(f"{i}\n" for i in range(100)) + "oops\n1\n")
    assert (
        main(["validate", "schema", str(data), "--chunk-rows", "10", "-o", str(tmp_path / "s")])
        == 2
    )
    assert "column 'a', line 102: 'oops' is not a number" in capsys.readouterr().err
