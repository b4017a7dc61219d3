"""The TFX-shaped pipeline example: compiled for Kubeflow, run twice with kfp.local and TensorFlow."""

from __future__ import annotations

import html
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from mlops_atlas.pipelines import pipeline_graph_svg, read_pipeline_graph
from mlops_atlas.pipelines.tfx import COMPONENT_TASKS, PIPELINE_IMAGE

pytestmark = pytest.mark.examples


@pytest.fixture(scope="module")
def example(example_run) -> dict:
    """The example's values, its compiled YAML and graph, and the MLflow store it logged to."""
    run = example_run("tfx_pipeline")
    namespace = run.namespace()
    (package,) = run.downloads
    (figure,) = run.figures
    values = ("clean", "anomalous", "graph", "TRACKING_URI", "MODEL_NAME", "SEED")
    return {
        **{name: namespace[name] for name in values},
        "PACKAGE": package,
        "figure": figure,
        "STORE": run.tracking_uri,
    }


def test_compiled_yaml_loads_with_kfp_and_has_every_component(example) -> None:
    from kfp import components

    package = example["PACKAGE"]
    loaded = components.load_component_from_file(str(package))
    assert loaded.name == "tfx-shaped-continuous-training"
    spec = yaml.safe_load(package.read_text(encoding="utf-8"))
    assert {name.removeprefix("comp-") for name in spec["components"]} >= set(COMPONENT_TASKS)
    executors = spec["deploymentSpec"]["executors"].values()
    assert {executor["container"]["image"] for executor in executors} == {PIPELINE_IMAGE}
    commands = " ".join(" ".join(executor["container"]["command"]) for executor in executors)
    assert "pip install" not in commands  # the image holds everything; nothing installs at start
    parameters = spec["root"]["inputDefinitions"]["parameters"]
    assert "tracking_uri" in parameters
    assert parameters["plant_anomaly"]["defaultValue"] == ""


def test_anomaly_run_stops_before_the_trainer(example) -> None:
    anomalous = example["anomalous"]
    assert anomalous.tasks == ["example-gen", "statistics-gen", "schema-gen", "example-validator"]
    assert anomalous.stopped_before_training
    assert anomalous.anomalies == {
        "eval": {"bmi": ["INVALID_FEATURE_SHAPE", "FEATURE_TYPE_LOW_FRACTION_PRESENT"]}
    }
    assert anomalous.evaluation is None
    assert anomalous.pushed_version is None


def test_clean_run_trains_blesses_and_pushes(example) -> None:
    clean = example["clean"]
    assert clean.tasks == list(COMPONENT_TASKS)
    assert clean.rows == {"eval": 147, "train": 295}
    assert clean.anomalies == {}
    evaluation = clean.evaluation
    assert set(evaluation.candidate) == {
        "overall",
        "sex=1",
        "sex=2",
        "age_band=below_50",
        "age_band=50_plus",
    }
    assert 0.65 < evaluation.candidate["overall"] < 0.85  # a real, if small, model
    assert evaluation.champion_version is None  # a new store: TFX rubber-stamps the first model
    assert evaluation.blessed
    assert clean.pushed_version == 1


def test_clean_run_registers_a_version_with_its_evaluation(example) -> None:
    import mlflow

    uri = example["STORE"]
    assert example["TRACKING_URI"] == uri  # the Evaluator and Pusher tasks used the run's store
    client = mlflow.MlflowClient(tracking_uri=uri, registry_uri=uri)
    version = client.get_model_version_by_alias("diabetes-progression", "champion")
    assert int(version.version) == 1
    assert version.tags["verdict"].startswith("BLESSED")
    assert float(version.tags["accuracy_overall"]) == pytest.approx(
        example["clean"].evaluation.candidate["overall"], abs=1e-4
    )
    local = Path(client.download_artifacts(version.run_id, "evaluation/evaluation.json"))
    attached = json.loads(local.read_text(encoding="utf-8"))
    assert attached["candidate"] == example["clean"].evaluation.candidate
    model_files = {Path(a.path).name for a in client.list_artifacts(version.run_id, "model")}
    assert {"MLmodel", "data"} <= model_files
    mlmodel = Path(client.download_artifacts(version.run_id, "model/MLmodel")).read_text()
    assert "keras:" in mlmodel  # MLflow's Keras flavor: loadable with mlflow.keras.load_model


def test_evaluator_compares_a_candidate_with_the_champion(example, tmp_path: Path) -> None:
    # The pushed model against itself as champion: every slice unchanged, blessed. Run in a
    # subprocess, as the pipeline runs it: TensorFlow stays out of the test process.
    import mlflow

    from mlops_atlas.pipelines.data_steps import generate_examples

    client = mlflow.MlflowClient(tracking_uri=example["STORE"], registry_uri=example["STORE"])
    champion = client.get_model_version_by_alias(example["MODEL_NAME"], "champion")
    model = Path(client.download_artifacts(champion.run_id, "model", str(tmp_path)))
    examples = tmp_path / "examples"  # ExampleGen's split again, with the example's seed
    rows = generate_examples(examples, seed=example["SEED"])
    assert rows == example["clean"].rows
    store = tmp_path / "mlflow.db"  # a copy: the cached run's store is only read
    shutil.copyfile(example["STORE"].removeprefix("sqlite:///"), store)
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from mlops_atlas.pipelines.model_steps import evaluate_model\n"
        "result = evaluate_model(Path(sys.argv[1]), Path(sys.argv[2]),"
        " model_name='diabetes-progression', tolerance=0.02, tracking_uri=sys.argv[3])\n"
        "print(result.to_json())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(examples), str(model), f"sqlite:///{store}"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    evaluation = json.loads(done.stdout)
    assert evaluation["champion_version"] == 1
    assert evaluation["baseline"] == evaluation["candidate"]
    # the model and the data of the example's clean run: its Evaluator's numbers again
    assert evaluation["candidate"] == pytest.approx(example["clean"].evaluation.candidate)
    assert evaluation["blessed"] is True
    assert evaluation["verdict"] == "BLESSED"


def test_graph_is_drawn_from_the_compiled_yaml(example, tmp_path: Path) -> None:
    graph = example["graph"]
    assert graph.ordered_tasks() == list(COMPONENT_TASKS)
    assert graph.gates("pusher") == [
        "example-validator.Output == true",
        "evaluator.Output == true",
    ]
    svg = html.unescape(example["figure"].read_text(encoding="utf-8"))  # Graphviz writes &#45;
    for task in COMPONENT_TASKS:
        assert f">{task}</text>" in svg
    # Change the YAML, not the Python: the drawing follows the file.
    edited = tmp_path / "edited.yaml"
    edited.write_text(
        example["PACKAGE"].read_text(encoding="utf-8").replace("pusher", "deployer"),
        encoding="utf-8",
    )
    redrawn = html.unescape(pipeline_graph_svg(edited, tmp_path / "edited.svg").read_text())
    assert ">deployer</text>" in redrawn
    assert ">pusher</text>" not in redrawn
    assert "deployer" in read_pipeline_graph(edited).tasks
