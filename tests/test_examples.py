"""Every example runs as a user runs it, and shows what it claims."""

from __future__ import annotations

import ast
import json
import shutil
import threading
import time
from pathlib import Path

import pytest

from mlops_atlas import runner
from mlops_atlas.debt.cace import simulate_cace
from mlops_atlas.runner import EXAMPLES_DIR, ExampleError, available_examples, run_example

pytestmark = pytest.mark.examples


def test_every_example_has_a_page_and_a_reading() -> None:
    docs = EXAMPLES_DIR.parent / "docs" / "examples"
    for name in available_examples():
        assert (docs / f"{name}.md").is_file(), f"examples/{name}.py has no page"
        # read, not run: an example's cells may stand at module level
        source = (EXAMPLES_DIR / f"{name}.py").read_text(encoding="utf-8")
        docstring = ast.get_docstring(ast.parse(source)) or ""
        assert "Illustrates" in docstring, (
            f"examples/{name}.py must name the reading it illustrates"
        )


@pytest.fixture(scope="module")
def expected():
    """The CACE experiment with the example's knobs, computed here."""
    return simulate_cace(seed=0, n=20_000, x1_noise=1.0)


def test_cace_script_prints_the_measured_table(example_run, expected) -> None:
    run = example_run("cace")
    assert expected.table() in run.stdout
    assert f"prediction churn: {expected.churn:.1%}" in run.stdout
    assert [figure.name for figure in run.figures] == ["cace-weights.svg"]
    assert run.figures[0].read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_cace_leaves_its_result_and_logs_it_to_mlflow(example_run, expected) -> None:
    run = example_run("cace")
    result = run.namespace()["result"]
    assert result.relative_change["x2"] > 0.3
    assert result == expected

    import mlflow

    client = mlflow.MlflowClient(tracking_uri=run.tracking_uri)
    experiment = client.get_experiment_by_name("sculley2015-cace")
    (logged,) = client.search_runs([experiment.experiment_id])
    assert logged.data.params["x1_noise"] == "1.0"
    assert logged.data.metrics["churn"] == pytest.approx(result.churn)


# A tiny script with what could make two runs differ: set order (the hash seed), a random
# generator and a matplotlib SVG (ids, dates). Two real runs must agree byte for byte.
STABLE = """
import numpy as np
import matplotlib.pyplot as plt
from mlops_atlas.outputs import output_dir, save_figure

print(list({"data", "model", "serving", "monitoring", "features", "labels"}))
values = np.random.default_rng(0).normal(size=500)
print(f"mean {values.mean():.6f}")
figure, axes = plt.subplots(figsize=(3, 2))
axes.hist(values, bins=20, label="values")
axes.legend()
print(save_figure(figure, output_dir("stable"), "stable-histogram").name)
"""


def test_outputs_are_stable_between_runs(tmp_path: Path) -> None:
    (tmp_path / "stable.py").write_text(STABLE, encoding="utf-8")
    first = run_example("stable", tmp_path / "first", folder=tmp_path)
    second = run_example("stable", tmp_path / "second", folder=tmp_path)
    assert first.folder != second.folder  # two real runs, not one cached
    assert "stable-histogram.svg" in first.stdout
    assert first.stdout == second.stdout
    assert [f.name for f in first.figures] == ["stable-histogram.svg"]
    assert first.figures[0].read_bytes() == second.figures[0].read_bytes()


def test_runs_are_cached_by_content(example_run) -> None:
    run = example_run("cace")
    manifest = run.folder / "run.json"
    stamp = manifest.stat().st_mtime_ns
    again = example_run("cace")
    assert manifest.stat().st_mtime_ns == stamp
    assert again.stdout == run.stdout


def test_failing_and_missing_examples_are_named(tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text("raise SystemExit('the data file is missing')\n")
    with pytest.raises(
        ExampleError, match=r"(?s)example 'broken' failed .*the data file is missing"
    ):
        run_example("broken", tmp_path / "cache", folder=tmp_path)
    assert not list((tmp_path / "cache").glob("broken-*"))  # a failed run leaves no folder
    with pytest.raises(ExampleError, match=r"example 'ghost' not found.*known: broken"):
        run_example("ghost", tmp_path / "cache", folder=tmp_path)


def test_yaml_an_example_writes_is_kept_as_a_download(tmp_path: Path) -> None:
    (tmp_path / "writer.py").write_text(
        "from mlops_atlas.outputs import output_dir\n"
        "folder = output_dir('writer')\n"
        "(folder / 'pipeline.yaml').write_text('a: 1\\n')\n"
        "(folder / 'notes.txt').write_text('not offered')\n"
        "(folder / 'runs').mkdir()\n"
        "print('done')\n"
    )
    run = run_example("writer", tmp_path / "cache", folder=tmp_path)
    assert [path.name for path in run.downloads] == ["pipeline.yaml"]
    assert run.downloads[0].read_text() == "a: 1\n"
    assert run.figures == ()


def test_a_docstring_or_comment_edit_runs_no_example_again(tmp_path: Path) -> None:
    from mlops_atlas.runner import _code_fingerprint

    module = tmp_path / "m.py"
    module.write_text('"""Module."""\n\ndef f(x):\n    """Old words."""\n    return x + 1\n')
    before = _code_fingerprint(module, 1)
    module.write_text(
        '"""Module, reworded."""\n\ndef f(x):  # why\n    """New."""\n    return x + 1\n'
    )
    assert _code_fingerprint(module, 2) == before
    module.write_text('"""Module."""\n\ndef f(x):\n    """Old words."""\n    return x + 2\n')
    assert _code_fingerprint(module, 3) != before


def test_the_cache_keeps_the_three_most_recently_used_runs_of_an_example(
    tmp_path: Path,
) -> None:
    import os

    from mlops_atlas.runner import KEEP_RUNS, run_example

    examples, cache = tmp_path / "examples", tmp_path / "cache"
    examples.mkdir()
    (examples / "tiny_other.py").write_text("print('other')\n")
    other = run_example("tiny_other", cache, folder=examples)  # a name that starts the same

    def run(version: int) -> Path:
        (examples / "tiny.py").write_text(f"print({version})\n")
        return run_example("tiny", cache, folder=examples).folder

    first, second, third = run(1), run(2), run(3)
    os.utime(first, ns=(1, 1))  # the oldest by far...
    assert run(1) == first  # ...until it is used again
    fourth = run(4)  # one run too many: the least recently used goes
    assert KEEP_RUNS == 3
    kept = sorted(p for p in cache.iterdir() if p.is_dir())
    assert kept == sorted([other.folder, first, third, fourth])
    assert not second.exists()


def test_an_edited_import_is_read_again(tmp_path: Path) -> None:
    # the imports of each file are memoised for the examples that share it, by its stat
    import os

    from mlops_atlas.runner import _imports

    module = tmp_path / "m.py"
    module.write_text("from mlops_atlas import outputs\n")
    assert _imports(module) == {"mlops_atlas", "mlops_atlas.outputs"}
    module.write_text("import mlops_atlas.runner\n")
    os.utime(module, ns=(1, 1))  # even with an old modification time: the size differs
    assert _imports(module) == {"mlops_atlas.runner"}


def test_every_cache_folder_starts_its_runs_from_one_shared_mlflow_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty_store = runner.mlflow_store_template()  # the session's: made by MLflow itself
    monkeypatch.setenv(runner.STORE_TEMPLATES_ENV, str(tmp_path / "templates"))
    created: list[Path] = []

    def create(path: Path) -> None:  # stands in for MLflow's migrations, which take seconds
        created.append(path)
        time.sleep(0.2)  # long enough for the other threads to find no template yet
        shutil.copyfile(empty_store, path)

    monkeypatch.setattr(runner, "_create_store", create)
    # asked for at once, before there is one: made once, the others wait for it
    threads = [threading.Thread(target=runner.mlflow_store_template) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    (tmp_path / "tiny.py").write_text("print('hello')\n", encoding="utf-8")
    first = run_example("tiny", tmp_path / "cache-a", folder=tmp_path)
    second = run_example("tiny", tmp_path / "cache-b", folder=tmp_path)
    assert len(created) == 1
    (template,) = (tmp_path / "templates").glob("*.db")
    assert template.name.startswith("mlflow-")  # one per MLflow version
    assert not list((tmp_path / "templates").glob(".*.db"))  # no partial file left behind
    for run in (first, second):
        assert run.stdout == "hello\n"
        assert (run.folder / "mlflow.db").read_bytes() == template.read_bytes()
        assert not list(run.folder.parent.glob("*template*"))


def test_the_store_templates_live_in_the_project_cache_by_default(monkeypatch) -> None:
    from mlops_atlas.site.prepare import default_cache_dir

    monkeypatch.delenv(runner.STORE_TEMPLATES_ENV, raising=False)
    expected = default_cache_dir(EXAMPLES_DIR.parent) / "mlflow-templates"
    assert runner.store_templates_dir() == expected


def test_file_facts_are_kept_between_processes_and_follow_the_file(tmp_path: Path) -> None:
    """A build finds the library's code digests and imports without parsing it again."""
    module = tmp_path / "m.py"
    module.write_text("import json\n", encoding="utf-8")
    store = tmp_path / "facts.json"
    computed: list[str] = []

    def compute(value: str):
        return lambda: computed.append(value) or value

    first = runner._FileFacts()
    first.use(store)
    assert first.get(module, "code", compute("a")) == "a"
    first.save()
    second = runner._FileFacts()  # another process: reads the file
    second.use(store)
    assert second.get(module, "code", compute("b")) == "a"
    assert computed == ["a"]
    module.write_text("import json, os\n", encoding="utf-8")  # edited: size and time differ
    assert second.get(module, "code", compute("c")) == "c"
    assert second.get(module, "imports", compute(["x"])) == ["x"]
    second.save()
    status = module.stat()
    wrong_type = json.dumps({str(module): [status.st_mtime_ns, status.st_size, {"code": 3}]})
    for damaged in ("{not json", "[1]", wrong_type):
        store.write_text(damaged, encoding="utf-8")
        third = runner._FileFacts()
        third.use(store)
        assert third.get(module, "code", compute("d")) == "d"  # a wrong type is computed again
