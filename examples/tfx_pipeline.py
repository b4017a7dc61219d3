"""A TFX-shaped pipeline on Kubeflow, with TensorFlow: clean data pushed, bad data stopped.

Illustrates Baylor et al. 2017, "TFX: A TensorFlow-Based Production-Scale Machine
Learning Platform" (``baylor2017tfx``), Figure 1: data analysis, validation and
transformation, a trainer, model evaluation and validation, then serving, as one
pipeline whose two checks are gates. It is built with the course's tools
(clases 5-7): Kubeflow Pipelines (``kubeflow``) for the pipeline, TensorFlow for
the model, and the names of TFX's standard components (``tfx``): ExampleGen,
StatisticsGen, SchemaGen, ExampleValidator, Transform, Trainer, Evaluator, Pusher.

The pipeline compiles to the IR YAML a Kubeflow cluster runs, and runs here with
``kfp.local``: every task in its own Python process, no cluster, no Docker, no
network. It runs twice: on clean data the model is trained, blessed and
registered in MLflow's registry; with a planted anomaly the data check stops
the run before anything is trained.

Run it: ``python examples/tfx_pipeline.py`` (a minute or more: the Trainer and the
Evaluator each start TensorFlow in a fresh process; see the page for where the
time goes). The compiled pipeline and its graph go to ``outputs/tfx_pipeline/``;
the model to MLflow (``mlflow.db`` unless ``MLFLOW_TRACKING_URI`` says otherwise).
"""

# %%
# Compile the pipeline to Kubeflow's IR YAML: the file a cluster runs. Its graph
# (tasks, the artifacts they pass, the two conditions) is read back from that
# YAML and drawn from it.
from mlops_atlas.outputs import output_dir
from mlops_atlas.pipelines import compile_pipeline, pipeline_graph_svg, read_pipeline_graph
from mlops_atlas.pipelines.tfx import tfx_pipeline

FOLDER = output_dir("tfx_pipeline")
PACKAGE = compile_pipeline(tfx_pipeline, FOLDER / "tfx_pipeline.yaml")
graph = read_pipeline_graph(PACKAGE)
print(f"compiled {graph.name} to {PACKAGE.name}: {len(graph.tasks)} tasks")
for task in graph.ordered_tasks():
    inputs = sorted({f"{e.producer}.{e.artifact}" for e in graph.edges if e.consumer == task})
    print(f"  {task:<18} reads {', '.join(inputs) or '-'}")
    if graph.gates(task):
        print(f"  {'':<18} runs only if {' and '.join(graph.gates(task))}")
figure = pipeline_graph_svg(PACKAGE, FOLDER / "tfx_pipeline-graph.svg")

# %%
# Run 1, clean data. The tasks run one after the other, each in a fresh Python
# process; the Evaluator compares the candidate with the registry's champion
# (none in a new MLflow store: TFX then "rubber-stamps" the first model).
from mlops_atlas.pipelines.tfx import run_tfx_pipeline, tracking_uri_for_tasks

SEED = 0
MODEL_NAME = "diabetes-progression"
TRACKING_URI = tracking_uri_for_tasks()
arguments = {"tracking_uri": TRACKING_URI, "seed": SEED, "model_name": MODEL_NAME}
clean = run_tfx_pipeline(FOLDER / "runs" / "clean", arguments)
print(f"\nrun 1, clean data: {' -> '.join(clean.tasks)}")
print(
    f"  rows: train {clean.rows['train']}, eval {clean.rows['eval']}; anomalies: {clean.anomalies or 'none'}"
)
evaluation = clean.evaluation
print(f"  {'slice':<18}{'candidate':>10}{'champion':>10}")
for name, value in evaluation.candidate.items():
    baseline = evaluation.baseline.get(name)
    shown = f"{baseline:>10.3f}" if baseline is not None else f"{'-':>10}"
    print(f"  {name:<18}{value:>10.3f}{shown}")
print(f"  Evaluator: {evaluation.verdict}")
print(f"  Pusher: registered {MODEL_NAME} version {clean.pushed_version} as the champion")

# %%
# What the registry now holds: the version, its tags (the verdict and the
# accuracy of every slice) and the run it came from, with the evaluation attached.
import mlflow

client = mlflow.MlflowClient(tracking_uri=TRACKING_URI, registry_uri=TRACKING_URI)
registered = client.get_model_version_by_alias(MODEL_NAME, "champion")
attached = [a.path for a in client.list_artifacts(registered.run_id, "evaluation")]
print(f"\nregistry: {MODEL_NAME} version {registered.version}, alias champion")
print(f"  tags: verdict = {registered.tags['verdict']}")
print(f"  run {registered.run_id[:8]}... holds the model and {', '.join(attached)}")

# %%
# Run 2, a planted anomaly: in the eval split (the newest data, in a real
# pipeline) every fifth row has no bmi. The schema, inferred from the train
# split, says bmi is always present; ExampleValidator reports it, and the
# condition around the model half of the pipeline is false.
PLANT = "bmi-missing"
anomalous = run_tfx_pipeline(FOLDER / "runs" / "anomaly", {**arguments, "plant_anomaly": PLANT})
print(f"\nrun 2, planted anomaly ({PLANT}): {' -> '.join(anomalous.tasks)}")
for split, features in anomalous.anomalies.items():
    for feature, types in features.items():
        print(f"  {split} split, {feature}: {', '.join(types)}")
skipped = [task for task in clean.tasks if task not in anomalous.tasks]
print(f"  stopped before training: {anomalous.stopped_before_training}")
print(f"  not run: {', '.join(skipped)}")

# %%
# Log both runs to MLflow, as every example does.
from mlops_atlas.tracking import log_run

for label, run in (("clean data", clean), ("planted anomaly", anomalous)):
    log_run(
        "tfx-shaped-pipeline",
        params={"seed": SEED, "plant_anomaly": "" if run is clean else PLANT},
        metrics={
            "tasks_run": len(run.tasks),
            "pushed": float(run.pushed_version is not None),
            **({"accuracy": run.evaluation.candidate["overall"]} if run.evaluation else {}),
        },
        run_name=label,
    )
