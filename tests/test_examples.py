"""Every example runs as a user runs it, and shows what it claims."""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import pytest

from mlops_atlas.debt.cace import simulate_cace
from mlops_atlas.runner import EXAMPLES_DIR, ExampleError, available_examples, run_example

pytestmark = pytest.mark.examples


def load_example(name: str):
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES_DIR / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("example-cache")


@pytest.fixture(scope="module")
def cace_run(cache: Path):
    return run_example("cace", cache)


def test_cace_script_prints_the_measured_table(cace_run) -> None:
    run = cace_run
    expected = simulate_cace(seed=0, n=20_000, x1_noise=1.0)
    assert expected.table() in run.stdout
    assert f"prediction churn: {expected.churn:.1%}" in run.stdout
    assert [figure.name for figure in run.figures] == ["cace-weights.svg"]
    assert run.figures[0].read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_cace_main_returns_results_and_logs_to_mlflow(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("MLOPS_ATLAS_OUTPUT", str(tmp_path))
    result = load_example("cace").main()
    assert result.relative_change["x2"] > 0.3
    assert (tmp_path / "cace-weights.svg").is_file()

    import mlflow

    runs = mlflow.search_runs(experiment_names=["sculley2015-cace"], output_format="list")
    logged = runs[-1].data
    assert logged.params["x1_noise"] == "1.0"
    assert logged.metrics["churn"] == pytest.approx(result.churn)


def test_outputs_are_stable_between_runs(cace_run, tmp_path: Path) -> None:
    first = cace_run
    second = run_example("cace", tmp_path)
    assert first.stdout == second.stdout
    assert first.figures[0].read_bytes() == second.figures[0].read_bytes()


def test_runs_are_cached_by_content(cace_run, cache: Path) -> None:
    manifest = cace_run.figures[0].parent / "run.json"
    stamp = manifest.stat().st_mtime_ns
    run_example("cace", cache)
    assert manifest.stat().st_mtime_ns == stamp


def test_failing_and_missing_examples_are_named(tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text("raise SystemExit('the data file is missing')\n")
    with pytest.raises(
        ExampleError, match=r"(?s)example 'broken' failed .*the data file is missing"
    ):
        run_example("broken", tmp_path / "cache", folder=tmp_path)
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
