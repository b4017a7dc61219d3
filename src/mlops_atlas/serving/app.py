"""The prediction service: a FastAPI app that serves one MLflow model, validated by its signature.

This module is self-contained on purpose (FastAPI, pydantic, pandas, PyYAML and skops, not
even MLflow, nothing from ``mlops_atlas``): the packaging step copies it into the container
image as ``app.py``, so the code tested here is the code the image runs. Start it with::

    MODEL_DIR=path/to/mlflow-model uvicorn mlops_atlas.serving.app:create_app --factory

Endpoints:

- ``GET /livez``: liveness, 200 while the process answers (even while the model loads);
- ``GET /readyz``: readiness, 200 once the model is loaded, verified and warmed up, else 503
  with the reason (a Kubernetes Service sends no traffic to a pod that is not ready);
- ``GET /metadata``: the model's provenance (MLflow run id, data hash) and input schema;
- ``POST /predict``: ``{"instances": [{...}, ...]}``, one row (online) or many (batched).

Bad input gets a 4xx answer whose body is one line, ``{"error": "..."}``, naming the field
and what was expected, never the value sent (inputs may be personal data): 400 malformed
JSON, 413 body or batch too large, 415 not JSON, 422 a missing field, a wrong type, an
unknown field or category. Anything else is 500 with a one-line body; the traceback goes
to the server's log only.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import ConfigDict, Field, ValidationError, create_model

__all__ = [
    "MAX_BODY_BYTES",
    "MAX_ROWS",
    "MODEL_DIR_ENV",
    "MODEL_SHA256_ENV",
    "PROVENANCE_FILE",
    "create_app",
    "model_digest",
    "preload",
    "request_model",
]

MODEL_DIR_ENV = "MODEL_DIR"
"""Environment variable naming the MLflow model folder to serve."""

MODEL_SHA256_ENV = "EXPECTED_MODEL_SHA256"
"""Environment variable with the model's expected digest: a different model is refused."""

PROVENANCE_FILE = "provenance.json"
"""File beside the model (in ``MODEL_DIR``) with the run id, data hash and model digest."""

MAX_ROWS = 1000
"""Most rows one request may carry."""

MAX_BODY_BYTES = 1_000_000
"""Largest request body accepted, in bytes."""

_TYPES: dict[str, Any] = {"long": int, "integer": int, "double": float, "float": float}
_TYPES.update({"string": str, "boolean": bool})

log = logging.getLogger("mlops_atlas.serving")


def model_digest(model_dir: Path) -> str:
    """SHA-256 over every file of a model folder (relative names and contents, sorted).

    Args:
        model_dir: An MLflow model folder.

    Returns:
        The hex digest; it changes if any file of the model changes.
    """
    digest = hashlib.sha256()
    for path in sorted(p for p in Path(model_dir).rglob("*") if p.is_file()):
        relative = path.relative_to(model_dir).as_posix()
        if relative == PROVENANCE_FILE:
            continue  # the record about the model is not part of the model
        digest.update(relative.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def request_model(columns: list[dict[str, Any]], categories: dict[str, list[str]]) -> type:
    """The pydantic model of a ``/predict`` body, built from the model's input schema.

    Args:
        columns: The MLflow signature's input columns (``name``, ``type``, ``required``).
        categories: Allowed values of categorical columns (from the model's metadata).

    Returns:
        A model with one field, ``instances``: 1 to ``MAX_ROWS`` rows, each with exactly the
        signature's columns, of exactly their types (strict: ``"3"`` is not a number).
    """
    fields: dict[str, Any] = {}
    for column in columns:
        kind: Any = _TYPES.get(column["type"])
        if kind is None:
            raise ValueError(f"column {column['name']!r}: unsupported type {column['type']!r}")
        if column["name"] in categories:
            kind = Literal[tuple(categories[column["name"]])]
        required = column.get("required", True)
        fields[column["name"]] = (kind, ...) if required else (kind | None, None)
    strict = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)
    row: Any = create_model("Row", __config__=strict, **fields)
    return create_model(
        "PredictRequest",
        __config__=ConfigDict(extra="forbid", strict=True),
        instances=(list[row], Field(min_length=1, max_length=MAX_ROWS)),
    )


def _one_line(error: ValidationError) -> tuple[int, str]:
    """Status and a one-line reason for a validation error: field, problem, never the value."""
    problems = error.errors(include_input=False, include_url=False)
    first = problems[0]
    if first["type"] == "json_invalid":
        return 400, f"malformed JSON: {first['msg'].removeprefix('Invalid JSON: ')}"
    where = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in first["loc"])
    where = where.lstrip(".") or "body"
    if first["type"] == "too_long" and first["loc"] == ("instances",):
        return 413, f"instances: at most {MAX_ROWS} rows per request"
    message = {"missing": "missing field", "extra_forbidden": "unknown field"}.get(
        first["type"], first["msg"]
    )
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return 422, f"{where}: {message}{more}"


class _State:
    """What the app knows about its model; filled in by the loading thread."""

    def __init__(self, model_dir: Path) -> None:
        self.model_dir = model_dir
        self.model: Any = None
        self.columns: list[str] = []
        self.schema: type | None = None
        self.provenance: dict[str, Any] = {}
        self.problem = "loading the model"
        self.ready = threading.Event()

    def load(self) -> None:
        """Verify, load and warm up the model; on failure keep the reason for /readyz."""
        try:
            expected = os.environ.get(MODEL_SHA256_ENV)
            if expected and model_digest(self.model_dir) != expected:
                raise RuntimeError(f"the model in {self.model_dir} is not the expected one")
            meta = _read_mlmodel(self.model_dir)
            columns = json.loads(meta["signature"]["inputs"])
            categories = (meta.get("metadata") or {}).get("categories", {})
            self.schema = request_model(columns, categories)
            self.columns = [column["name"] for column in columns]
            provenance = self.model_dir / PROVENANCE_FILE
            if provenance.is_file():
                self.provenance = json.loads(provenance.read_text(encoding="utf-8"))
            self.model = _load_skops(self.model_dir, meta)
            example = (meta.get("metadata") or {}).get("example")
            if example:  # the first prediction pays for lazy initialisation, not a user
                self.predict([example])
        except Exception as error:  # any failure: not ready, and the reason says why
            log.exception("the model could not be loaded")
            self.problem = f"model failed to load: {str(error).splitlines()[0][:200]}"
            return
        self.problem = ""
        self.ready.set()
        print(f"model ready in process {os.getpid()}", file=sys.stderr, flush=True)

    def predict(self, rows: list[dict[str, Any]]) -> dict[str, list]:
        """Class and probability of the positive class for each row."""
        import pandas as pd

        frame = pd.DataFrame(rows, columns=self.columns)
        probability = self.model.predict_proba(frame)[:, 1]
        return {
            "predictions": [int(p >= 0.5) for p in probability],
            "probabilities": [round(float(p), 6) for p in probability],
        }


def _load_skops(model_dir: Path, meta: dict[str, Any]) -> Any:
    """Load the scikit-learn model of an MLflow model folder saved in the skops format.

    MLflow 3 saves scikit-learn models with skops by default; skops loads only the types it
    trusts, where pickle would run whatever the file says. A pickled model is refused. The
    image then needs scikit-learn and skops, not MLflow.
    """
    import skops.io  # slow to import (it imports scikit-learn): only in the loading thread

    flavor = (meta.get("flavors") or {}).get("sklearn") or {}
    if flavor.get("serialization_format") != "skops":
        found = flavor.get("serialization_format", "no scikit-learn flavour")
        raise ValueError(f"only skops-format models are served (this one: {found})")
    path = model_dir / flavor["pickled_model"]
    return skops.io.load(path, trusted=flavor.get("skops_trusted_types"))


def _read_mlmodel(model_dir: Path) -> dict[str, Any]:
    import yaml

    path = model_dir / "MLmodel"
    if not path.is_file():
        raise FileNotFoundError(f"{path} does not exist: {MODEL_DIR_ENV} must name an MLflow model")
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def preload() -> None:
    """Import the libraries a prediction needs (seconds of work) before any worker exists.

    The launcher calls it before forking its workers, so that they share the imports
    instead of each paying for them (gunicorn's ``--preload``).
    """
    import pandas  # noqa: F401
    import skops.io  # noqa: F401  (it imports scikit-learn)


def create_app(model_dir: str | Path | None = None) -> FastAPI:
    """The prediction service for one model; the model loads in the background.

    Args:
        model_dir: The MLflow model folder; ``$MODEL_DIR`` when not given.

    Returns:
        The FastAPI application (``/livez``, ``/readyz``, ``/metadata``, ``/predict``).
    """
    folder = Path(model_dir or os.environ.get(MODEL_DIR_ENV) or "model")
    state = _State(folder)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # The process answers /livez at once; /readyz turns 200 when the model is ready.
        threading.Thread(target=state.load, name="load-model", daemon=True).start()
        yield

    app = FastAPI(title="Model service", docs_url=None, redoc_url=None, lifespan=lifespan)
    app.state.model_state = state

    @app.exception_handler(Exception)
    async def unexpected(_: Request, error: Exception) -> JSONResponse:
        log.error("unexpected error", exc_info=error)  # the traceback stays in the log
        return _error(500, "internal error: see the server log")

    @app.get("/livez")
    async def livez() -> dict[str, str]:
        return {"status": "alive"}

    @app.get("/readyz")
    async def readyz() -> JSONResponse:
        if not state.ready.is_set():
            return JSONResponse({"status": "not ready", "reason": state.problem}, 503)
        return JSONResponse({"status": "ready", "pid": os.getpid()})

    @app.get("/metadata")
    async def metadata() -> JSONResponse:
        if not state.ready.is_set():
            return _error(503, state.problem)
        return JSONResponse({"provenance": state.provenance, "inputs": state.columns})

    @app.post("/predict")
    async def predict(request: Request) -> JSONResponse:
        if not state.ready.is_set():
            return _error(503, state.problem)
        content_type = request.headers.get("content-type", "").split(";")[0].strip()
        if content_type != "application/json":
            return _error(415, "send JSON with 'Content-Type: application/json'")
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY_BYTES:
                return _error(413, f"body larger than {MAX_BODY_BYTES} bytes")
        try:
            parsed = state.schema.model_validate_json(bytes(body))  # type: ignore[union-attr]
        except ValidationError as error:
            return _error(*_one_line(error))
        started = time.perf_counter()
        # A tiny CPU-bound model: predicting inline is faster than a thread hop; the worker
        # processes, not threads, are the unit of parallelism.
        result = state.predict([row.model_dump() for row in parsed.instances])
        elapsed = f"{(time.perf_counter() - started) * 1000:.3f}"
        return JSONResponse(result, headers={"x-model-time-ms": elapsed})

    return app
