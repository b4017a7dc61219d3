"""Serving a model over HTTP, measured: online and batched requests, one and two workers.

Illustrates Huyen 2022, "Designing Machine Learning Systems" (``huyen2022designing``),
ch. 7: online prediction behind an API next to batch prediction, on a real server; and
Kreuzberger et al. 2023, "Machine Learning Operations (MLOps): Overview, Definition, and
Architecture" (``kreuzberger2023machine``), §5: the model serving component (C8), packaged in
a container behind a REST API. A scikit-learn model is logged to MLflow with its signature,
served by FastAPI and uvicorn on 127.0.0.1, probed with bad input, load-tested (a fixed
request count and a time cap), scored in batch inside a database, and packaged for a
cluster: a Dockerfile and Kubernetes manifests, generated from one set of parameters,
validated against the Kubernetes API schema and scanned for secrets. Nothing here builds an
image or runs a cluster.

Run it: ``python examples/model_serving.py`` (about half a minute; files go to
``outputs/model_serving/``, the runs to MLflow). Every server it starts is stopped, also on
an error or Ctrl-C.
"""

# %%
# Train a small model on synthetic customers and log it to MLflow with its signature (the
# column names and types the service will enforce), pinned requirements and the data's hash.
from mlops_atlas.serving import log_model, make_customers, train_model

SEED = 0
customers = make_customers(6000, seed=SEED)
train, holdout = customers.iloc[:5000], customers.iloc[5000:]
pipeline = train_model(train)
FEATURES = ["tenure_months", "monthly_charges", "support_calls", "plan"]
accuracy = float((pipeline.predict(holdout[FEATURES]) == holdout["churned"]).mean())
provenance = log_model(
    pipeline, train, experiment="model-serving", metrics={"holdout_accuracy": accuracy}
)
print(f"holdout accuracy: {accuracy:.3f} (churn rate {holdout['churned'].mean():.2f})")
print(f"MLflow run: {provenance.run_id}\nmodel: {provenance.model_uri}")
print(f"training data sha256: {provenance.data_sha256[:16]}... ({provenance.rows} rows)")

# %%
# Export the logged model into the folder that becomes the container image's build context.
# Its digest goes into provenance.json beside it; the service refuses any other model.
from mlops_atlas.outputs import output_dir
from mlops_atlas.serving import export_model

IMAGE = output_dir("model_serving") / "image"
provenance = export_model(provenance, IMAGE / "model")
print(f"model folder: {sorted(p.name for p in (IMAGE / 'model').iterdir())}")
print(f"model sha256: {provenance.model_sha256[:16]}...")

# %%
# Serve it with one uvicorn worker on a free port of 127.0.0.1, and probe its contract:
# each bad request must get a 4xx answer with a one-line reason, never a 500.
# Then load-test it: single-row (online) requests, and batched requests of 100 rows.
from mlops_atlas.serving import ModelServer, probe_contract, request, sweep

CLIENTS = (1, 4, 16)  # concurrent clients, each with a keep-alive connection
BATCH = 100  # rows per batched request
REQUESTS, TIME_CAP = 300, 0.4  # per level: at most 300 requests, at most 0.4 s
rows = holdout[FEATURES].to_dict("records")
row = rows[0]

servers = []
with ModelServer(IMAGE / "model", workers=1, expected_sha256=provenance.model_sha256) as server:
    servers.append(server)
    print(f"1 worker ready on {server.url} in {server.started_in:.1f} s")
    for path in ("/livez", "/readyz"):
        print(f"GET {path} -> {request(server.port, 'GET', path).status}")
    contract = probe_contract(server.port, row)
    results = sweep(server.port, rows, workers=1, concurrency=CLIENTS, batch_size=BATCH,
                    max_requests=REQUESTS, time_cap=TIME_CAP)  # fmt: skip
    memory_mib = max(server.memory_mib().values())
print(f"\n{'request':<32}{'status':>6}  answer")
for probe in contract:
    print(f"{probe.case:<32}{probe.status:>6}  {probe.answer}")

# %%
# The same load against two worker processes: the machine has two cores, shared with the
# load generator itself.
with ModelServer(IMAGE / "model", workers=2, expected_sha256=provenance.model_sha256) as server:
    servers.append(server)
    print(f"2 workers ready on {server.url} in {server.started_in:.1f} s")
    before = server.cpu_seconds()
    results += sweep(server.port, rows, workers=2, concurrency=CLIENTS, batch_size=BATCH,
                     max_requests=REQUESTS, time_cap=TIME_CAP)  # fmt: skip
    cpu_per_worker = [round(server.cpu_seconds()[pid] - before[pid], 2) for pid in before]
print(f"CPU seconds used by each worker during the test: {cpu_per_worker}")
print(f"servers stopped: {all(not s.alive() for s in servers)}")

# %%
# Latency percentiles and throughput, level by level, and a figure of latency against load.
from mlops_atlas.outputs import save_figure
from mlops_atlas.serving import plot_load, table

print(table(results))
figure = plot_load(results)
print(f"figure: {save_figure(figure, output_dir('model_serving'), 'model_serving-load').name}")

# %%
# Batch prediction, inside the database: the same model as one SQL expression scores a
# table of new customers where they are stored, and agrees with scikit-learn on every row.
import sqlite3
import time

from mlops_atlas.serving import score_table

new = make_customers(20_000, seed=SEED + 1).drop(columns="churned")
new.insert(0, "id", range(len(new)))
database = sqlite3.connect(":memory:")
new.to_sql("customers", database, index=False)
started = time.perf_counter()
scored = score_table(database, pipeline, source="customers", target="predictions")
batch_seconds = time.perf_counter() - started
in_database = [p for (p,) in database.execute("SELECT prediction FROM predictions ORDER BY id")]
agree = sum(int(a == b) for a, b in zip(in_database, pipeline.predict(new[FEATURES]), strict=True))
print(f"{scored} rows scored in SQLite in {batch_seconds * 1000:.0f} ms "
      f"({scored / batch_seconds:,.0f} rows/s); same class as scikit-learn: {agree}/{scored}")  # fmt: skip

# %%
# Package for a cluster from one set of parameters. The memory request comes from the
# worker's measured memory (plus a quarter, rounded up to 64 MiB); the limit is twice it.
import math

from mlops_atlas.serving import DeploymentParams, write_build_context

request_mib = 64 * math.ceil(memory_mib * 1.25 / 64)
params = DeploymentParams(memory_request=f"{request_mib}Mi", memory_limit=f"{2 * request_mib}Mi")
files = write_build_context(IMAGE, params, provenance, IMAGE / "model")
print(f"one worker uses {memory_mib:.0f} MiB: request {params.memory_request}, "
      f"limit {params.memory_limit}")  # fmt: skip
print(f"build context {IMAGE.name}/: {sorted(p.name for p in IMAGE.iterdir())}\n")
print(files["dockerfile"].read_text(encoding="utf-8"))

# %%
# Validate the manifests against the Kubernetes API's schema (the official Python client's
# models: unknown fields, types, required fields, quantities) and across objects.
from mlops_atlas.serving import load_manifests, validate_manifests

manifests = load_manifests(files["manifests"])
objects = validate_manifests(manifests)
print("valid:", ", ".join(f"{type(o).__name__} {o.metadata.name}" for o in objects), "\n")
print(files["manifests"].read_text(encoding="utf-8"))

# %%
# No secrets in what would ship: the build context (model included) and the manifests.
from mlops_atlas.serving import scan_for_secrets

findings = scan_for_secrets([IMAGE])
print(f"secret scan of {IMAGE.name}/: {len(findings)} finding(s)")

# %%
# Log the measurements with the figure to MLflow, next to the model's run.
from mlops_atlas.tracking import log_run

best = {f"{r.mode}_{r.workers}w_{r.concurrency}c": r for r in results}
log_run(
    "model-serving",
    params={"clients": str(CLIENTS), "batch": BATCH, "requests": REQUESTS, "time_cap": TIME_CAP},
    metrics={
        **{f"p95_ms_{key}": r.p(95) for key, r in best.items()},
        **{f"rows_per_s_{key}": r.rows_per_second for key, r in best.items()},
        "memory_mib": memory_mib,
    },
    figures={"model_serving-load": figure},
    run_name=f"load-test-of-{provenance.run_id[:8]}",
)
