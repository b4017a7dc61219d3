"""The serving example runs end to end and shows what its page says it shows."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

from mlops_atlas.runner import EXAMPLES_DIR

# one xdist worker runs the example once for all the tests of this module
pytestmark = [pytest.mark.examples, pytest.mark.xdist_group("model_serving_example")]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Path]:
    folder = tmp_path_factory.mktemp("model_serving")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MLOPS_ATLAS_OUTPUT", str(folder))
        namespace = runpy.run_path(str(EXAMPLES_DIR / "model_serving.py"), run_name="__main__")
    return namespace, folder


def test_every_bad_request_got_a_4xx_and_the_valid_one_a_prediction(run) -> None:
    contract = {probe.case: probe.status for probe in run[0]["contract"]}
    assert contract.pop("valid row") == 200
    assert contract
    assert all(400 <= status < 500 for status in contract.values())


def test_load_test_covers_both_modes_both_worker_counts_every_level(run) -> None:
    namespace = run[0]
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
    assert (run[1] / "model_serving-load.svg").is_file()


def test_both_servers_were_stopped_and_both_workers_took_part(run) -> None:
    namespace = run[0]
    assert [s.workers for s in namespace["servers"]] == [1, 2]
    for server in namespace["servers"]:
        assert server.process.poll() is not None
        assert not server.alive()
    assert len(namespace["cpu_per_worker"]) == 2


def test_batch_scoring_in_the_database_agrees_on_every_row(run) -> None:
    assert run[0]["agree"] == run[0]["scored"] == 20_000


def test_packaging_is_valid_clean_and_sized_from_the_measurement(run) -> None:
    namespace = run[0]
    kinds = [type(o).__name__ for o in namespace["objects"]]
    assert kinds == ["V1Deployment", "V1Service", "V2HorizontalPodAutoscaler"]
    assert namespace["findings"] == []
    request_mib = int(namespace["params"].memory_request.removesuffix("Mi"))
    assert request_mib % 64 == 0
    assert request_mib >= namespace["memory_mib"] * 1.25
    image = run[1] / "image"
    assert {"Dockerfile", "app.py", "kubernetes.yaml", "requirements.txt", "model"} <= {
        p.name for p in image.iterdir()
    }
    assert namespace["provenance"].run_id in (image / "Dockerfile").read_text()
