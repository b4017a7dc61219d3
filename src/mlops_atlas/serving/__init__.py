"""Serving a model, measured (UBA clase 4; TC5044 scalability, security and compliance).

- `mlops_atlas.serving.model`: synthetic customers, a scikit-learn pipeline logged to
  MLflow with its signature, and its provenance (run id, data and model hashes);
- `mlops_atlas.serving.app`: the FastAPI service (liveness, readiness, validation
  against the signature, one-line 4xx reasons), self-contained so the image runs this file;
- `mlops_atlas.serving.server`: the service as a uvicorn process on loopback, always
  stopped; `mlops_atlas.serving.contract` probes its answers to bad input;
- `mlops_atlas.serving.loadtest`: a bounded load test (request count and time cap);
- `mlops_atlas.serving.batch`: batch prediction inside the database (SQL);
- `mlops_atlas.serving.packaging`, `mlops_atlas.serving.k8s`,
  `mlops_atlas.serving.secret_scan`: Dockerfile and Kubernetes manifests from one set of
  parameters, validated against the Kubernetes API schema, scanned for secrets.
"""

from mlops_atlas.serving.batch import UnsupportedModelError, linear_sql, score_table
from mlops_atlas.serving.contract import Probe, bad_requests, probe_contract
from mlops_atlas.serving.k8s import (
    ManifestError,
    check_consistency,
    load_manifests,
    validate_manifest,
    validate_manifests,
)
from mlops_atlas.serving.loadtest import LevelResult, percentile, plot_load, sweep, table
from mlops_atlas.serving.model import (
    Provenance,
    data_sha256,
    export_model,
    log_model,
    make_customers,
    train_model,
)
from mlops_atlas.serving.packaging import (
    DeploymentParams,
    dockerfile,
    kubernetes_manifests,
    write_build_context,
)
from mlops_atlas.serving.secret_scan import SecretFinding, scan_for_secrets
from mlops_atlas.serving.server import ModelServer, Reply, ServingError, free_port, request

__all__ = [
    "DeploymentParams",
    "LevelResult",
    "ManifestError",
    "ModelServer",
    "Probe",
    "Provenance",
    "Reply",
    "SecretFinding",
    "ServingError",
    "UnsupportedModelError",
    "bad_requests",
    "check_consistency",
    "data_sha256",
    "dockerfile",
    "export_model",
    "free_port",
    "kubernetes_manifests",
    "linear_sql",
    "load_manifests",
    "log_model",
    "make_customers",
    "percentile",
    "plot_load",
    "probe_contract",
    "request",
    "scan_for_secrets",
    "score_table",
    "sweep",
    "table",
    "train_model",
    "validate_manifest",
    "validate_manifests",
    "write_build_context",
]
