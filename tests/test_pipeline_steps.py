"""The TFX-shaped pipeline's parts, without running it: data steps, graph, submission."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlparse

import pandas as pd
import pytest
import yaml

from mlops_atlas.pipelines import compile_pipeline, read_pipeline_graph
from mlops_atlas.pipelines.data_steps import (
    PLANTED_ANOMALIES,
    PipelineInputError,
    analyze_transform,
    generate_examples,
    generate_schema,
    generate_statistics,
    load_diabetes_table,
    load_statistics,
    validate_examples,
)
from mlops_atlas.pipelines.graph import PipelineGraphError
from mlops_atlas.pipelines.model_steps import Evaluation, push_model
from mlops_atlas.pipelines.tfx import COMPONENT_TASKS, tfx_pipeline
from mlops_atlas.runner import EXAMPLES_DIR
from mlops_atlas.validation import compute_statistics

pytestmark = pytest.mark.xdist_group("pipeline_steps")  # the compiled-package fixture, once


def test_the_table_is_the_one_scikit_learn_ships() -> None:
    from sklearn.datasets import load_diabetes

    expected = load_diabetes(scaled=False, as_frame=True).frame
    pd.testing.assert_frame_equal(load_diabetes_table(), expected)


def run_data_steps(folder: Path, plant: str = "") -> dict:
    rows = generate_examples(folder / "examples", seed=0, plant_anomaly=plant)
    generate_statistics(folder / "examples", folder / "statistics")
    generate_schema(folder / "statistics", folder / "schema.pbtxt")
    results, blessed = validate_examples(
        folder / "statistics", folder / "schema.pbtxt", folder / "anomalies"
    )
    return {"rows": rows, "results": results, "blessed": blessed}


def test_clean_splits_pass_validation_and_are_deterministic(tmp_path: Path) -> None:
    first = run_data_steps(tmp_path / "a")
    run_data_steps(tmp_path / "b")
    assert first["rows"] == {"train": 295, "eval": 147}
    assert first["blessed"] == {"train": 1, "eval": 1}
    for split in ("train", "eval"):
        name = f"Split-{split}/data.csv"
        assert (tmp_path / "a/examples" / name).read_bytes() == (
            tmp_path / "b/examples" / name
        ).read_bytes()


@pytest.mark.parametrize(
    ("plant", "expected"),
    [
        ("bmi-missing", {"bmi": ["INVALID_FEATURE_SHAPE", "FEATURE_TYPE_LOW_FRACTION_PRESENT"]}),
        ("sex-as-text", {"sex": ["UNEXPECTED_DATA_TYPE"]}),
    ],
)
def test_each_planted_anomaly_is_caught_in_the_eval_split_only(
    tmp_path: Path, plant: str, expected: dict
) -> None:
    assert plant in PLANTED_ANOMALIES
    found = run_data_steps(tmp_path, plant)
    assert found["blessed"] == {"train": 1, "eval": 0}
    assert found["results"]["eval"].types() == expected
    report = json.loads((tmp_path / "anomalies/Split-eval/anomalies.json").read_text())
    assert [a["feature"] for a in report["anomalies"]] == [next(iter(expected))] * len(
        next(iter(expected.values()))
    )


def test_statistics_survive_the_artifact_file(tmp_path: Path) -> None:
    generate_examples(tmp_path / "examples", seed=3)
    generate_statistics(tmp_path / "examples", tmp_path / "statistics")
    frame = pd.read_csv(tmp_path / "examples/Split-train/data.csv")
    assert load_statistics(tmp_path / "statistics", "train") == compute_statistics(frame)


def test_bad_parameters_and_artifacts_are_named(tmp_path: Path) -> None:
    with pytest.raises(PipelineInputError, match=r"plant_anomaly: unknown 'typo' \(known: "):
        generate_examples(tmp_path, seed=0, plant_anomaly="typo")
    with pytest.raises(PipelineInputError, match="eval_fraction must be between 0 and 1"):
        generate_examples(tmp_path, seed=0, eval_fraction=1.5)
    with pytest.raises(PipelineInputError, match="no split 'train'"):
        analyze_transform(tmp_path / "nothing", tmp_path / "t.json")
    with pytest.raises(PipelineInputError, match="is not blessed: NOT_BLESSED: overall"):
        push_model(
            tmp_path,
            Evaluation(candidate={}, verdict="NOT_BLESSED: overall: worse"),
            model_name="m",
            tracking_uri="sqlite:///unused.db",
        )


def test_transform_constants_come_from_the_train_split_only(tmp_path: Path) -> None:
    generate_examples(tmp_path / "examples", seed=0, plant_anomaly="sex-as-text")
    constants = analyze_transform(tmp_path / "examples", tmp_path / "graph.json")
    train = pd.read_csv(tmp_path / "examples/Split-train/data.csv")
    assert constants["mean"]["bmi"] == pytest.approx(train["bmi"].mean())
    assert constants["variance"]["sex"] == pytest.approx(train["sex"].var(ddof=0))
    (tmp_path / "examples/Split-train/data.csv").write_text(
        train.assign(sex=train["sex"].map({1: "F", 2: "M"})).to_csv(index=False)
    )
    with pytest.raises(PipelineInputError, match=r"feature\(s\) sex are not numeric"):
        analyze_transform(tmp_path / "examples", tmp_path / "graph.json")


def test_evaluation_round_trips_through_json() -> None:
    evaluation = Evaluation(
        candidate={"overall": 0.7}, baseline={"overall": 0.75}, champion_version=3, tolerance=0.02
    )
    assert Evaluation.from_json(evaluation.to_json()) == evaluation


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return compile_pipeline(tfx_pipeline, tmp_path_factory.mktemp("ir") / "tfx.yaml")


def test_graph_reads_tasks_conditions_and_artifacts_from_the_yaml(package: Path) -> None:
    graph = read_pipeline_graph(package)
    assert graph.ordered_tasks() == list(COMPONENT_TASKS)
    assert {c.name: c.expression for c in graph.conditions.values()} == {
        "data-is-valid": "example-validator.Output == true",
        "model-is-blessed": "evaluator.Output == true",
    }
    assert graph.gates("trainer") == ["example-validator.Output == true"]
    assert graph.gates("example-validator") == []
    edges = {(e.producer, e.consumer, e.artifact) for e in graph.edges}
    # artifacts followed through the conditions to the task that made them
    assert ("example-gen", "evaluator", "examples") in edges
    assert ("trainer", "pusher", "model") in edges
    assert ("statistics-gen", "example-validator", "statistics") in edges
    assert len(edges) == 11


def test_a_file_that_is_not_a_pipeline_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.yaml"
    path.write_text("just: notes\n")
    with pytest.raises(PipelineGraphError, match=r"notes\.yaml: not a compiled Kubeflow pipeline"):
        read_pipeline_graph(path)
    with pytest.raises(PipelineGraphError, match=r"missing\.yaml"):
        read_pipeline_graph(tmp_path / "missing.yaml")


class FakePipelinesApi(BaseHTTPRequestHandler):
    """Just enough of the Kubeflow Pipelines v2beta1 REST API to accept one run."""

    requests: ClassVar[list[tuple[str, str, dict | None]]] = []

    def _reply(self, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        path = urlparse(self.path).path
        self.requests.append(("GET", path, None))
        if path.endswith("/healthz"):
            self._reply({"multi_user": False})
        else:  # the experiment list: none yet
            self._reply({"experiments": []})

    def do_POST(self) -> None:
        path = urlparse(self.path).path
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.requests.append(("POST", path, body))
        if path.endswith("/experiments"):
            self._reply({"experiment_id": "exp-1", "display_name": body["display_name"]})
        else:
            self._reply({"run_id": "run-42", "display_name": body["display_name"]})

    def log_message(self, *args) -> None:  # keep the test output clean
        return


@pytest.fixture
def fake_api() -> Iterator[str]:
    FakePipelinesApi.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakePipelinesApi)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def load_submit_script():
    path = EXAMPLES_DIR / "kubeflow" / "submit_tfx_pipeline.py"
    spec = importlib.util.spec_from_file_location("submit_tfx_pipeline", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_submit_script_sends_the_compiled_yaml_as_a_run(
    package: Path, fake_api: str, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("HOME", str(package.parent))  # no kfp context file from the user's home
    script = load_submit_script()
    with pytest.warns(FutureWarning, match="only works with Kubeflow Pipeline v2"):
        run_id = script.main(
            [str(package), "--host", fake_api, "--tracking-uri", "http://mlflow:5000"]
        )
    assert run_id == "run-42"
    assert "submitted run run-42" in capsys.readouterr().out
    posts = [(path, body) for method, path, body in FakePipelinesApi.requests if method == "POST"]
    assert [path for path, _ in posts] == ["/apis/v2beta1/experiments", "/apis/v2beta1/runs"]
    experiment, run = posts[0][1], posts[1][1]
    assert experiment["display_name"] == "mlops-atlas"
    assert run["experiment_id"] == "exp-1"
    assert run["display_name"] == "tfx-shaped-continuous-training"
    assert run["pipeline_spec"] == yaml.safe_load(package.read_text(encoding="utf-8"))
    assert run["runtime_config"]["parameters"] == {"tracking_uri": "http://mlflow:5000"}


def test_submit_script_refuses_a_missing_package(tmp_path: Path, capsys) -> None:
    with pytest.raises(SystemExit) as stopped:
        load_submit_script().main(
            [str(tmp_path / "none.yaml"), "--host", "http://127.0.0.1:9", "--tracking-uri", "x"]
        )
    assert stopped.value.code == 2
    assert "none.yaml: no such file" in capsys.readouterr().err


def test_statistics_file_holds_plain_json(tmp_path: Path) -> None:
    generate_examples(tmp_path / "examples", seed=0)
    stats = generate_statistics(tmp_path / "examples", tmp_path / "statistics")
    data = json.loads((tmp_path / "statistics/Split-eval/statistics.json").read_text())
    assert data == json.loads(json.dumps(dataclasses.asdict(stats["eval"])))
