"""Serving: a real server on a free loopback port, its contract, its load test, its packaging.

The server tests start ``uvicorn`` on 127.0.0.1 and check that it is gone afterwards; no
test asserts a duration (timings are what the example prints, not what tests check).
"""

from __future__ import annotations

import copy
import json
import shutil
import sqlite3
import time
from dataclasses import replace
from pathlib import Path

import pytest

from mlops_atlas.serving import (
    DeploymentParams,
    ManifestError,
    ModelServer,
    Provenance,
    ServingError,
    bad_requests,
    export_model,
    kubernetes_manifests,
    linear_sql,
    load_manifests,
    log_model,
    make_customers,
    plot_load,
    probe_contract,
    request,
    scan_for_secrets,
    score_table,
    sweep,
    train_model,
    validate_manifest,
    validate_manifests,
    write_build_context,
)
from mlops_atlas.serving.app import model_digest
from mlops_atlas.serving.batch import UnsupportedModelError
from mlops_atlas.serving.loadtest import run_level

# one xdist worker for this module: its tests share one trained model and one server
pytestmark = [pytest.mark.xdist_group("serving"), pytest.mark.slow]  # servers, MLflow

FEATURES = ["tenure_months", "monthly_charges", "support_calls", "plan"]


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Provenance, Path]:
    """A model trained, logged to the private MLflow store and exported, as for the image."""
    folder = tmp_path_factory.mktemp("image")
    customers = make_customers(1500, seed=3)
    provenance = log_model(train_model(customers), customers, experiment="test-serving")
    return export_model(provenance, folder / "model"), folder


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return make_customers(50, seed=4)[FEATURES].to_dict("records")


@pytest.fixture(scope="module")
def server(exported):
    provenance, folder = exported
    with ModelServer(folder / "model", expected_sha256=provenance.model_sha256) as running:
        yield running
    assert running.process is not None
    assert running.process.poll() is not None
    assert not running.alive()


# ---- the service's contract ------------------------------------------------------------


def test_liveness_and_readiness_answer_once_the_model_is_loaded(server) -> None:
    assert request(server.port, "GET", "/livez").body == {"status": "alive"}
    ready = request(server.port, "GET", "/readyz")
    assert ready.status == 200
    assert ready.body["pid"] in server.worker_pids


def test_metadata_gives_the_models_provenance(server, exported) -> None:
    provenance, _ = exported
    body = request(server.port, "GET", "/metadata").body
    assert body["provenance"]["run_id"] == provenance.run_id
    assert body["provenance"]["data_sha256"] == provenance.data_sha256
    assert body["inputs"] == FEATURES


def test_valid_rows_get_one_prediction_each(server, rows) -> None:
    reply = request(server.port, "POST", "/predict", json.dumps({"instances": rows}).encode())
    assert reply.status == 200
    assert len(reply.body["predictions"]) == len(rows)
    assert all(0 <= p <= 1 for p in reply.body["probabilities"])


def test_bad_input_gets_a_4xx_with_a_one_line_reason_never_a_500(server, rows) -> None:
    probes = {probe.case: probe for probe in probe_contract(server.port, rows[0])}
    assert set(probes) == set(bad_requests(rows[0]))
    assert probes.pop("valid row").status == 200
    expected = {
        "malformed JSON": 400,
        "missing field": 422,
        "wrong type (text for a number)": 422,
        "number as a string": 422,
        "unknown field": 422,
        "unknown category": 422,
        "too many rows": 413,
        "not JSON": 415,
    }
    assert {case: probe.status for case, probe in probes.items()} == expected
    for probe in probes.values():
        assert "\n" not in probe.answer
        assert "Traceback" not in probe.answer
        assert "lots" not in probe.answer
        assert "12345678" not in probe.answer
    assert probes["missing field"].answer == "instances[0].tenure_months: missing field"
    assert probes["unknown field"].answer == "instances[0].national_id: unknown field"
    assert probes["unknown category"].answer.startswith("instances[0].plan: Input should be")


@pytest.mark.parametrize(
    ("body", "status", "reason"),
    [
        (b'{"instances": [1, 2]}', 422, "instances[0]: Input should be an object"),
        (b"[]", 422, "body: Input should be an object"),
        (b'{"instances": []}', 422, "instances: List should have at least 1 item"),
        (b"\xff\xfe", 400, "malformed JSON"),
        (
            b'{"instances": [{"tenure_months": 1, "monthly_charges": NaN,'
            b' "support_calls": 0, "plan": "basic"}]}',
            422,
            "instances[0].monthly_charges: Input should be a finite number",
        ),
        (
            b'{"instances": [{"tenure_months": true, "monthly_charges": 1.0,'
            b' "support_calls": 0, "plan": "basic"}]}',
            422,
            "instances[0].tenure_months: Input should be a valid integer",
        ),
    ],
)
def test_more_malformed_bodies_are_refused_with_a_reason(server, body, status, reason) -> None:
    reply = request(server.port, "POST", "/predict", body)
    assert reply.status == status
    assert reply.body["error"].startswith(reason)


def test_a_body_over_the_limit_is_refused_before_it_is_parsed(server) -> None:
    reply = request(server.port, "POST", "/predict", b"[" + b" " * 1_000_001 + b"]")
    assert (reply.status, reply.body["error"]) == (413, "body larger than 1000000 bytes")


# ---- the load test -----------------------------------------------------------------------


def test_load_test_measures_percentiles_and_throughput_and_draws_them(
    server, rows, tmp_path: Path
) -> None:
    results = sweep(
        server.port, rows, workers=1, concurrency=(1, 3), batch_size=10,
        max_requests=15, time_cap=5.0, warmup=2,
    )  # fmt: skip
    assert [(r.mode, r.concurrency) for r in results] == [
        ("online", 1), ("online", 3), ("batched", 1), ("batched", 3),
    ]  # fmt: skip
    for result in results:
        assert result.errors == 0
        assert 0 < result.requests <= 15
        assert result.p(50) <= result.p(95) <= result.p(99)
        assert result.rows_per_second == pytest.approx(
            result.requests_per_second * result.rows_per_request
        )
    assert {r.rows_per_request for r in results} == {1, 10}
    from mlops_atlas.outputs import save_figure

    figure = plot_load(results)
    assert len(figure.axes) == 2
    assert save_figure(figure, tmp_path, "load").stat().st_size > 0


def test_load_level_stops_at_the_count_or_at_the_time_cap(server, rows) -> None:
    body = json.dumps({"instances": rows[:1]}).encode()
    latencies, errors, _, stopped_by = run_level(
        server.port, body, concurrency=2, max_requests=5, time_cap=60.0
    )
    assert (len(latencies), errors, stopped_by) == (5, 0, "count")
    latencies, _, _, stopped_by = run_level(
        server.port, body, concurrency=2, max_requests=10**9, time_cap=0.3
    )
    assert stopped_by == "time"
    assert len(latencies) < 10**9


# ---- the server process ------------------------------------------------------------------


def test_a_changed_model_is_alive_but_never_ready_and_ctrl_c_stops_it(exported) -> None:
    provenance, folder = exported
    tampered = folder.parent / "tampered"
    shutil.copytree(folder / "model", tampered, dirs_exist_ok=True)
    (tampered / "requirements.txt").write_text("scikit-learn\n", encoding="utf-8")
    expected = provenance.model_sha256
    with pytest.raises(ServingError, match="not ready: model failed to load: the model in"):
        ModelServer(tampered, expected_sha256=expected).start()

    server = ModelServer(tampered, expected_sha256=expected, require_ready=False)
    seen: dict[str, int] = {}

    def look_then_press_ctrl_c() -> None:
        with server:
            seen["livez"] = request(server.port, "GET", "/livez").status
            not_ready = request(server.port, "GET", "/readyz")
            deadline = time.monotonic() + 60  # alive at once; the check of the model follows
            while not_ready.body.get("reason") == "loading the model":
                assert time.monotonic() < deadline, "the model was still loading after 60 s"
                time.sleep(0.05)
                not_ready = request(server.port, "GET", "/readyz")
            seen["readyz"] = not_ready.status
            seen["reason_names_the_model"] = "is not the expected one" in not_ready.body["reason"]
            seen["predict"] = request(server.port, "POST", "/predict", b"{}").status
            raise KeyboardInterrupt  # what Ctrl-C raises inside the block

    with pytest.raises(KeyboardInterrupt):
        look_then_press_ctrl_c()
    assert seen == {"livez": 200, "readyz": 503, "reason_names_the_model": True, "predict": 503}
    assert server.process is not None
    assert server.process.poll() is not None
    assert not server.alive()


def test_a_missing_model_folder_is_reported_not_hung(tmp_path: Path) -> None:
    with pytest.raises(ServingError, match=r"MLmodel does not exist"):
        ModelServer(tmp_path / "nothing").start()


def test_model_digest_changes_with_any_file(exported, tmp_path: Path) -> None:
    provenance, folder = exported
    copy_dir = shutil.copytree(folder / "model", tmp_path / "model")
    assert model_digest(copy_dir) == provenance.model_sha256
    (copy_dir / "MLmodel").write_text("changed", encoding="utf-8")
    assert model_digest(copy_dir) != provenance.model_sha256


# ---- batch prediction in the database ----------------------------------------------------


def test_sql_scoring_agrees_with_scikit_learn_on_every_row() -> None:
    pipeline = train_model(make_customers(800, seed=5))
    new = make_customers(3000, seed=6).drop(columns="churned")
    new.insert(0, "id", range(len(new)))
    database = sqlite3.connect(":memory:")
    new.to_sql("customers", database, index=False)
    assert score_table(database, pipeline, source="customers", target="scored") == len(new)
    sql = database.execute("SELECT log_odds, prediction FROM scored ORDER BY id").fetchall()
    expected = pipeline.decision_function(new[FEATURES])
    assert [p for _, p in sql] == list(pipeline.predict(new[FEATURES]))
    assert max(abs(a - b) for (a, _), b in zip(sql, expected, strict=True)) < 1e-9


def test_sql_export_refuses_a_model_it_cannot_write() -> None:
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler
    from sklearn.tree import DecisionTreeClassifier

    tree = Pipeline([("s", StandardScaler()), ("t", DecisionTreeClassifier())])
    with pytest.raises(UnsupportedModelError, match="ColumnTransformer then a LogisticRegression"):
        linear_sql(tree)


# ---- packaging: Dockerfile, manifests, secrets ----------------------------------------------


@pytest.fixture
def context(exported, tmp_path: Path) -> dict[str, Path]:
    provenance, folder = exported
    return write_build_context(tmp_path / "image", DeploymentParams(), provenance, folder / "model")


def test_build_context_has_pinned_requirements_and_the_tested_app(context) -> None:
    folder = context["dockerfile"].parent
    assert sorted(p.name for p in folder.iterdir()) == [
        "Dockerfile", "app.py", "kubernetes.yaml", "model", "requirements.txt",
    ]  # fmt: skip
    from mlops_atlas.serving import app

    assert context["app"].read_text() == Path(app.__file__).read_text()
    requirements = context["requirements"].read_text().splitlines()
    assert requirements
    assert all("==" in line for line in requirements)


def test_provenance_is_in_the_image_labels_and_the_manifest_annotations(context, exported) -> None:
    provenance, _ = exported
    dockerfile = context["dockerfile"].read_text()
    assert f'example.mlops-atlas.mlflow-run-id="{provenance.run_id}"' in dockerfile
    assert f'example.mlops-atlas.data-sha256="{provenance.data_sha256}"' in dockerfile
    deployment = load_manifests(context["manifests"])[0]
    for recorded in (
        deployment["metadata"]["annotations"],
        deployment["spec"]["template"]["metadata"]["annotations"],
    ):
        assert recorded["mlops-atlas.example/mlflow-run-id"] == provenance.run_id
        assert recorded["mlops-atlas.example/data-sha256"] == provenance.data_sha256
        assert recorded["mlops-atlas.example/model-sha256"] == provenance.model_sha256


def test_the_image_runs_as_a_numeric_non_root_user(context) -> None:
    instructions = [line.split()[0] for line in context["dockerfile"].read_text().splitlines()
                    if line and not line.startswith((" ", "#"))]  # fmt: skip
    assert instructions[0] == "FROM"
    assert instructions[-1] == "CMD"
    user = next(
        line for line in context["dockerfile"].read_text().splitlines() if line.startswith("USER")
    )
    assert user.split()[1].split(":")[0].isdigit()
    assert user.split()[1] != "0:0"


def test_generated_manifests_are_valid_kubernetes_objects(context) -> None:
    objects = validate_manifests(load_manifests(context["manifests"]))
    kinds = [type(o).__name__ for o in objects]
    assert kinds == ["V1Deployment", "V1Service", "V2HorizontalPodAutoscaler"]
    deployment = objects[0]
    container = deployment.spec.template.spec.containers[0]
    assert container.readiness_probe.http_get.path == "/readyz"
    assert container.liveness_probe.http_get.path == "/livez"
    assert container.resources.requests["cpu"]
    assert container.resources.limits["memory"]
    assert container.security_context.read_only_root_filesystem is True
    assert deployment.spec.template.spec.security_context.run_as_non_root is True
    assert deployment.spec.replicas is None  # the autoscaler owns the count
    assert objects[2].spec.min_replicas == 2


def test_manifests_follow_the_parameters(exported) -> None:
    provenance, _ = exported
    params = replace(DeploymentParams(), name="fraud", cpu_request="250m", max_replicas=9)
    deployment, service, autoscaler = kubernetes_manifests(params, provenance)
    assert deployment["spec"]["template"]["spec"]["containers"][0]["image"] == "fraud:0.1.0"
    assert service["spec"]["selector"] == {"app.kubernetes.io/name": "fraud"}
    assert autoscaler["spec"]["maxReplicas"] == 9
    validate_manifests([deployment, service, autoscaler])


@pytest.mark.parametrize(
    ("break_it", "message"),
    [
        (lambda d: d["spec"]["template"]["spec"]["containers"][0].update(
            readinesProbe={"httpGet": {"path": "/readyz", "port": "http"}}),
         r"containers\[0\]\.readinesProbe: unknown field"),
        (lambda d: d["spec"]["template"]["spec"]["containers"][0]["ports"][0].update(
            containerPort="8080"),
         r"containerPort: expected int, got str"),
        (lambda d: d["spec"]["template"]["spec"]["containers"][0].pop("name"),
         r"containers\[0\]: Invalid value for `name`, must not be `None`"),
        (lambda d: d["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"].update(
            memory="lots"),
         r"limits\.memory: 'lots' is not a Kubernetes quantity"),
        (lambda d: d["spec"]["template"]["spec"]["containers"][0]["resources"]["requests"].update(
            cpu="2"),
         r"cpu request 2 is above its limit 1"),
        (lambda d: d["spec"].update(replicas=True), r"spec\.replicas: expected int, got bool"),
        (lambda d: d.update(apiVersion="apps/v1beta1"), r"not a kind this checks"),
    ],
)  # fmt: skip
def test_a_broken_deployment_is_rejected_naming_the_field(exported, break_it, message) -> None:
    provenance, _ = exported
    deployment = copy.deepcopy(kubernetes_manifests(DeploymentParams(), provenance)[0])
    break_it(deployment)
    with pytest.raises(ManifestError, match=message):
        validate_manifest(deployment)


def test_objects_that_do_not_fit_together_are_rejected(exported) -> None:
    provenance, _ = exported
    deployment, service, autoscaler = kubernetes_manifests(DeploymentParams(), provenance)
    service["spec"]["selector"] = {"app": "other"}
    autoscaler["spec"]["scaleTargetRef"]["name"] = "missing"
    deployment["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGet"]["port"] = (
        "web"
    )
    with pytest.raises(ManifestError) as raised:
        validate_manifests([deployment, service, autoscaler])
    message = str(raised.value)
    assert "readinessProbe uses port 'web', not declared" in message
    assert "Service churn-model: its selector matches no Deployment's pods" in message
    assert "HorizontalPodAutoscaler churn-model: targets no Deployment of the set" in message


def test_a_manifests_file_that_is_not_yaml_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("kind: [Deployment\n", encoding="utf-8")
    with pytest.raises(ManifestError, match=r"broken\.yaml: not valid YAML"):
        load_manifests(path)


def test_no_secret_in_the_build_context_and_a_planted_one_is_found(context) -> None:
    folder = context["dockerfile"].parent
    assert scan_for_secrets([folder]) == []
    planted_key = "AKIA" + "IOSFODNN7" + "EXAMPLE"  # AWS's documentation example, split up
    dockerfile = context["dockerfile"]
    dockerfile.write_text(
        dockerfile.read_text() + f"ENV AWS_ACCESS_KEY_ID={planted_key}\n", encoding="utf-8"
    )
    manifests = context["manifests"]
    manifests.write_text(
        manifests.read_text().replace(
            "- name: HOME",
            "- name: DB_PASSWORD\n          value: hunter2hunter2\n        - name: HOME",
        ),
        encoding="utf-8",
    )
    findings = scan_for_secrets([folder])
    found = {(f.path.name, f.kind) for f in findings}
    assert ("Dockerfile", "AWS access key id") in found
    assert ("kubernetes.yaml", "secret in a Kubernetes env value") in found
    assert all(str(f).startswith(str(f.path)) for f in findings)


# ---- what MLflow's own model server does with the same inputs (the page compares) ----------


def test_mlflow_model_server_answers_as_the_page_says(exported, rows) -> None:
    """``mlflow models serve --env-manager local``: offline, 4xx, but not the contract wanted."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from mlops_atlas.serving import free_port

    _, folder = exported
    port = free_port()
    bin_dir = str(Path(sys.executable).parent)  # MLflow runs `exec uvicorn` from the PATH
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ.get('PATH', '')}"}
    env.update({"MLFLOW_DISABLE_TELEMETRY": "true", "DO_NOT_TRACK": "true"})
    command = [str(Path(bin_dir) / "mlflow"), "models", "serve", "-m", str(folder / "model")]
    command += ["--env-manager", "local", "-h", "127.0.0.1", "-p", str(port)]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and process.poll() is None:
            try:
                if request(port, "GET", "/ping", timeout=2).status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        assert request(port, "GET", "/health").status == 200

        def invoke(payload: bytes):
            return request(port, "POST", "/invocations", payload)

        row = rows[0]
        good = invoke(json.dumps({"dataframe_records": [row]}).encode())
        assert good.status == 200
        missing = invoke(json.dumps({"dataframe_records": [{"plan": "basic"}]}).encode())
        assert missing.status == 400
        assert "\n" in missing.body["message"]  # several lines...
        assert "basic" in missing.body["message"]  # ...that echo the data sent
        wrong = invoke(
            json.dumps({"dataframe_records": [{**row, "monthly_charges": "lots"}]}).encode()
        )
        assert wrong.status == 400
        assert "lots" in wrong.body["message"]
        assert invoke(b'{"dataframe_records": [').status == 400
        extra = invoke(json.dumps({"dataframe_records": [{**row, "national_id": "1"}]}).encode())
        assert extra.status == 200  # an unknown field is dropped without a word to the client
        fraction = invoke(
            json.dumps({"dataframe_records": [{**row, "tenure_months": 3.5}]}).encode()
        )
        assert fraction.status == 200  # 3.5 months accepted for an integer column
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=20)


def test_a_pickled_model_is_refused_before_it_is_read(tmp_path: Path) -> None:
    from mlops_atlas.serving.app import _load_skops

    meta = {"flavors": {"sklearn": {"serialization_format": "cloudpickle", "pickled_model": "x"}}}
    with pytest.raises(
        ValueError, match=r"only skops-format models are served \(this one: cloudpickle\)"
    ):
        _load_skops(tmp_path, meta)


def _gone(pid: int) -> bool:
    """True once a process has exited (a zombie waiting for its new parent counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] in {"Z", "X"}


def test_the_server_stops_itself_when_the_program_that_started_it_is_killed(
    tmp_path: Path,
) -> None:
    import subprocess
    import sys
    import textwrap
    import time

    script = tmp_path / "parent.py"
    script.write_text(
        textwrap.dedent(f"""
            import time
            from pathlib import Path
            from mlops_atlas.serving import ModelServer
            server = ModelServer(Path({str(tmp_path / "no-model")!r}), require_ready=False)
            server.start()
            print(server.port, server.process.pid, flush=True)
            time.sleep(600)
        """),
        encoding="utf-8",
    )
    with subprocess.Popen(
        [sys.executable, str(script)], stdout=subprocess.PIPE, text=True
    ) as parent:
        try:
            port, launcher = map(int, parent.stdout.readline().split())
            assert request(port, "GET", "/livez").status == 200
        finally:
            parent.kill()  # no cleanup runs in the parent: SIGKILL
            parent.wait(timeout=30)
    deadline = time.monotonic() + 60
    while not _gone(launcher) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _gone(launcher)


def test_two_workers_are_forked_from_one_launcher_and_each_answers(exported, rows) -> None:
    """The launcher imports the service once and forks its workers (gunicorn's --preload)."""
    provenance, folder = exported
    with ModelServer(
        folder / "model", workers=2, expected_sha256=provenance.model_sha256
    ) as running:
        launcher = running.process.pid
        workers = set(running.worker_pids)
        parents = {
            pid: int(
                next(
                    line.split()[1]
                    for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                    if line.startswith("PPid:")
                )
            )
            for pid in workers
        }
        answered = set()
        for _ in range(200):  # connections are spread by the kernel, not in turn
            answered.add(request(running.port, "GET", "/readyz").body["pid"])
            if answered == workers:
                break
    assert len(workers) == 2
    assert set(parents.values()) == {launcher}
    assert answered == workers
    assert not running.alive()


def test_connections_to_the_shared_socket_have_nagle_off() -> None:
    """asyncio turns Nagle off only on sockets that say they are TCP; else ~40 ms per answer."""
    import asyncio
    import socket

    from mlops_atlas.serving.launch import listening_socket

    listener = listening_socket("127.0.0.1", 0)
    accepted: list[int] = []

    async def main() -> None:
        def connected(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            sock = writer.get_extra_info("socket")
            accepted.append(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        server = await asyncio.start_server(connected, sock=listener)
        port = listener.getsockname()[1]
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        for _ in range(100):
            if accepted:
                break
            await asyncio.sleep(0.01)
        writer.close()
        server.close()

    asyncio.run(main())
    assert accepted == [1]
