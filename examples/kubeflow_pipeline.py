"""A continuous-training pipeline in Kubeflow Pipelines, compiled and run locally.

Illustrates the automated ML workflow that Kreuzberger et al. describe
(``kreuzberger2023machine``) and TFX's idea of a model that is pushed only
when it passes validation (``baylor2017tfx``), with the tool of UBA's classes
5-7, Kubeflow Pipelines (``kubeflow``). Four components (make data, train,
evaluate, push) form a DAG; the push runs only if the evaluation clears a
threshold. The pipeline compiles to the IR YAML a user uploads to a Kubeflow
cluster, and runs here with ``kfp.local``: no cluster, no Docker, no network.

Run it: ``python examples/kubeflow_pipeline.py`` (about 15 s: each of the
seven tasks starts its own Python process, as a cluster starts a container;
the compiled pipeline goes to ``outputs/kubeflow_pipeline/pipeline.yaml``).
"""

# %%
# Components are self-contained functions: their imports live inside them,
# because each runs in its own process (a container, on a cluster). They use
# only numpy, which they declare; kfp installs it in the container. Locally it
# is already installed, so nothing is downloaded.
from kfp import dsl
from kfp.dsl import Dataset, Input, Metrics, Model, Output

IMAGE = "python:3.11"  # the image each component runs in on a cluster
NEEDS = ["numpy>=1.26"]


@dsl.component(base_image=IMAGE, packages_to_install=NEEDS)
def make_dataset(seed: int, label_noise: float, data: Output[Dataset]) -> None:
    """Synthetic tabular data: two informative features; some labels flipped."""
    import numpy as np

    rng = np.random.default_rng(seed)
    x = rng.standard_normal((4000, 2))
    y = (x[:, 0] + 0.5 * x[:, 1] > 0).astype(float)
    flip = rng.random(len(y)) < label_noise
    y[flip] = 1 - y[flip]
    with open(data.path, "wb") as handle:
        np.save(handle, np.column_stack([x, y]))


@dsl.component(base_image=IMAGE, packages_to_install=NEEDS)
def train(data: Input[Dataset], model: Output[Model]) -> None:
    """Logistic regression by Newton's method on the first three quarters of the rows."""
    import numpy as np

    with open(data.path, "rb") as handle:
        table = np.load(handle)
    rows = table[: len(table) * 3 // 4]
    x = np.column_stack([np.ones(len(rows)), rows[:, :2]])
    y = rows[:, 2]
    weights = np.zeros(3)
    for _ in range(25):
        p = 1 / (1 + np.exp(-x @ weights))
        hessian = x.T @ (x * (p * (1 - p))[:, None]) + 1e-6 * np.eye(3)
        weights -= np.linalg.solve(hessian, x.T @ (p - y))
    with open(model.path, "wb") as handle:
        np.save(handle, weights)


@dsl.component(base_image=IMAGE, packages_to_install=NEEDS)
def evaluate(data: Input[Dataset], model: Input[Model], metrics: Output[Metrics]) -> float:
    """Accuracy on the last quarter of the rows (never seen by train)."""
    import numpy as np

    with open(data.path, "rb") as handle:
        table = np.load(handle)
    with open(model.path, "rb") as handle:
        weights = np.load(handle)
    held_out = table[len(table) * 3 // 4 :]
    x = np.column_stack([np.ones(len(held_out)), held_out[:, :2]])
    accuracy = float(np.mean((x @ weights > 0) == (held_out[:, 2] == 1)))
    metrics.log_metric("accuracy", accuracy)
    return accuracy


@dsl.component(base_image=IMAGE)
def push(model: Input[Model], accuracy: float) -> str:
    """Stand-in for a deployment: record which model was pushed and why."""
    return f"pushed the model of this run (accuracy {accuracy:.3f})"


@dsl.pipeline(name="continuous-training")
def continuous_training(
    seed: int = 0, label_noise: float = 0.05, min_accuracy: float = 0.85
) -> float:
    """Data -> train -> evaluate -> push, where push waits for a passing evaluation."""
    data = make_dataset(seed=seed, label_noise=label_noise)
    model = train(data=data.outputs["data"])
    scored = evaluate(data=data.outputs["data"], model=model.outputs["model"])
    with dsl.If(scored.outputs["Output"] >= min_accuracy, name="accuracy-gate"):
        push(model=model.outputs["model"], accuracy=scored.outputs["Output"])
    return scored.outputs["Output"]


# %%
# Compile, then run twice: clean labels pass the gate, noisy labels do not.
from pathlib import Path

from mlops_atlas.outputs import output_dir
from mlops_atlas.pipelines import compile_pipeline, pipeline_dag, run_locally, tasks_run

folder = output_dir("kubeflow_pipeline")
compiled = compile_pipeline(continuous_training, folder / "pipeline.yaml")
dag = pipeline_dag(compiled)
print(f"compiled {compiled.name}: the IR YAML to upload to a Kubeflow cluster")
for task, needs in dag.items():
    print(f"  {task:<14} after {', '.join(needs) or '(start)'}")

runs = {}
for label, noise in (("clean labels", 0.05), ("noisy labels", 0.30)):
    root = Path(folder) / "runs" / label.replace(" ", "-")
    task = run_locally(
        continuous_training,
        pipeline_root=root,
        arguments={"seed": 0, "label_noise": noise, "min_accuracy": 0.85},
    )
    ran = tasks_run(root)
    runs[label] = {"label_noise": noise, "accuracy": task.output, "tasks": ran}
    verdict = "pushed" if "push" in ran else "not pushed: the gate held the model back"
    print(f"\n{label} (noise {noise:.2f}): accuracy {task.output:.3f} -> {verdict}")
    print(f"  tasks that ran: {', '.join(ran)}")

# %%
# Log both runs to MLflow, as every example does.
from mlops_atlas.tracking import log_run

for label, run in runs.items():
    log_run(
        "kubeflow-continuous-training",
        params={"label_noise": run["label_noise"], "min_accuracy": 0.85},
        metrics={"accuracy": run["accuracy"], "pushed": float("push" in run["tasks"])},
        run_name=label,
    )
