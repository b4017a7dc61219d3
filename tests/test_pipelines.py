"""The Kubeflow example: a real kfp pipeline that compiles to IR YAML and gates the push on accuracy."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from mlops_atlas.pipelines import pipeline_dag

pytestmark = pytest.mark.examples


@pytest.fixture(scope="module")
def result(example_run) -> dict:
    """What examples/kubeflow_pipeline.py left: its DAG, its two runs, its compiled YAML."""
    run = example_run("kubeflow_pipeline")
    namespace = run.namespace()
    (compiled,) = run.downloads
    return {"dag": namespace["dag"], "runs": namespace["runs"], "compiled": compiled}


def test_compiled_dag_orders_the_tasks(result) -> None:
    assert result["dag"] == {
        "evaluate": ["make-dataset", "train"],
        "make-dataset": [],
        "push": ["evaluate", "train"],
        "train": ["make-dataset"],
    }


def test_compiled_yaml_is_a_kubeflow_pipeline_a_cluster_can_run(result) -> None:
    spec = yaml.safe_load(Path(result["compiled"]).read_text())
    assert spec["pipelineInfo"]["name"] == "continuous-training"
    images = {
        executor["container"]["image"] for executor in spec["deploymentSpec"]["executors"].values()
    }
    assert images == {"python:3.11"}
    commands = " ".join(
        " ".join(e["container"]["command"]) for e in spec["deploymentSpec"]["executors"].values()
    )
    assert "numpy>=1.26" in commands  # the components declare what they import
    assert spec["root"]["inputDefinitions"]["parameters"]["min_accuracy"]["defaultValue"] == 0.85


def test_clean_model_is_pushed_and_noisy_one_is_held_back(result) -> None:
    clean, noisy = result["runs"]["clean labels"], result["runs"]["noisy labels"]
    assert clean["accuracy"] > 0.9
    assert "push" in clean["tasks"]
    assert noisy["accuracy"] < 0.85
    assert noisy["tasks"] == ["evaluate", "make-dataset", "train"]


def test_dag_of_a_conditional_pipeline_reads_nested_tasks(tmp_path: Path) -> None:
    ir = {
        "components": {"comp-condition-1": {"dag": {"tasks": {"push": {"dependentTasks": ["b"]}}}}},
        "root": {
            "dag": {
                "tasks": {
                    "a": {},
                    "b": {"dependentTasks": ["a"]},
                    "condition-1": {
                        "componentRef": {"name": "comp-condition-1"},
                        "dependentTasks": ["b"],
                    },
                }
            }
        },
    }
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(ir))
    assert pipeline_dag(path) == {"a": [], "b": ["a"], "push": ["b"]}
