"""Kubeflow Pipelines, the course's way, and a TFX-shaped pipeline built with it.

- `mlops_atlas.pipelines.local`: compile a pipeline to Kubeflow's IR YAML, run it
  with ``kfp.local`` (no cluster, no Docker), read its DAG.
- `mlops_atlas.pipelines.tfx`: ExampleGen → StatisticsGen → SchemaGen →
  ExampleValidator → Transform → Trainer → Evaluator → Pusher as kfp components.
- `mlops_atlas.pipelines.data_steps` and `mlops_atlas.pipelines.model_steps`:
  the work each of those components does, as plain functions.
- `mlops_atlas.pipelines.graph`: a compiled pipeline's graph, read from its IR
  YAML and drawn.
"""

from mlops_atlas.pipelines.graph import (
    PipelineGraph,
    PipelineGraphError,
    pipeline_graph_svg,
    read_pipeline_graph,
)
from mlops_atlas.pipelines.local import compile_pipeline, pipeline_dag, run_locally, tasks_run

__all__ = [
    "PipelineGraph",
    "PipelineGraphError",
    "compile_pipeline",
    "pipeline_dag",
    "pipeline_graph_svg",
    "read_pipeline_graph",
    "run_locally",
    "tasks_run",
]
