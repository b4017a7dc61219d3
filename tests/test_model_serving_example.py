"""The serving example runs end to end and shows what its page says it shows."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.examples


@pytest.fixture(scope="module")
def run(example_run):
    return example_run("model_serving")


@pytest.fixture(scope="module")
def namespace(run) -> dict:
    return run.namespace()


def test_every_bad_request_got_a_4xx_and_the_valid_one_a_prediction(namespace) -> None:
    contract = {probe.case: probe.status for probe in namespace["contract"]}
    assert contract.pop("valid row") == 200
    assert contract
    assert all(400 <= status < 500 for status in contract.values())


def test_load_test_covers_both_modes_both_worker_counts_every_level(run, namespace) -> None:
    levels = {(r.workers, r.mode, r.concurrency) for r in namespace["results"]}
    clients = namespace["CLIENTS"]
    expected = {(w, m, c) for w in (1, 2) for m in ("online", "batched") for c in clients}
    assert levels == expected
    for result in namespace["results"]:
        assert result.errors == 0
        assert 0 < result.requests <= namespace["REQUESTS"]
        assert result.p(50) <= result.p(95) <= result.p(99)
    batched = {r.rows_per_request for r in namespace["results"] if r.mode == "batched"}
    assert batched == {namespace["BATCH"]}
    assert [figure.name for figure in run.figures] == ["model_serving-load.svg"]


def test_both_servers_were_stopped_and_both_workers_took_part(run, namespace) -> None:
    # the servers themselves (processes) are not kept; the example checks and prints it
    assert "1 worker ready on http://127.0.0.1:" in run.stdout
    assert "2 workers ready on http://127.0.0.1:" in run.stdout
    assert "servers stopped: True" in run.stdout  # no process of either server's group is left
    assert len(namespace["cpu_per_worker"]) == 2


def test_batch_scoring_in_the_database_agrees_on_every_row(namespace) -> None:
    assert namespace["agree"] == namespace["scored"] == 20_000


def test_packaging_is_valid_clean_and_sized_from_the_measurement(run, namespace) -> None:
    kinds = [type(o).__name__ for o in namespace["objects"]]
    assert kinds == ["V1Deployment", "V1Service", "V2HorizontalPodAutoscaler"]
    assert namespace["findings"] == []
    request_mib = int(namespace["params"].memory_request.removesuffix("Mi"))
    assert request_mib % 64 == 0
    assert request_mib >= namespace["memory_mib"] * 1.25
    # the build context's listing and its Dockerfile, as the example printed them
    (listing,) = [line for line in run.stdout.splitlines() if line.startswith("build context")]
    for name in ("Dockerfile", "app.py", "kubernetes.yaml", "requirements.txt", "model"):
        assert f"'{name}'" in listing
    dockerfile = next(c.stdout for c in run.cells if c.stdout.startswith("one worker uses"))
    assert namespace["provenance"].run_id in dockerfile
