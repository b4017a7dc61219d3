"""The assurance checks (Ashmore et al. 2021): each finds the problem planted for it, and
passes on data without it; the CLI's bad inputs give one line and exit 2."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import pandas as pd
import pytest

from mlops_atlas.assurance import (
    CHECKS,
    DESIDERATA,
    AssuranceInputError,
    MachineWorld,
    Status,
    assure,
    drop_range,
    prepare,
    read_table,
    thin_slice,
)
from mlops_atlas.cli import main


def labelled(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop(columns="true_failure")


@pytest.fixture(scope="module")
def operational() -> pd.DataFrame:
    return MachineWorld(seed=11).sample(500).drop(columns=["failure", "true_failure"])


@pytest.fixture(scope="module")
def clean() -> pd.DataFrame:
    return labelled(MachineWorld(seed=10).sample(1500)).drop(columns="gauge")


def test_every_desideratum_of_the_paper_is_listed_once_in_four_stages():
    names = [item.name for item in DESIDERATA]
    assert names == [
        "relevant", "complete", "balanced", "accurate",
        "performant", "robust", "reusable", "interpretable",
        "comprehensive", "contextually relevant", "comprehensible",
        "fit-for-purpose", "tolerable", "adaptable",
    ]  # fmt: skip
    for item in DESIDERATA:
        assert item.checkable != bool(item.why_not)
        assert all(check in CHECKS for check in item.checks)


def test_a_report_lists_uncheckable_desiderata_with_a_reason_not_a_score(clean):
    report = assure(clean, "failure", checks=None)
    people = [result for result in report.results if result.status is Status.NOT_CHECKABLE]
    assert {result.desideratum for result in people} == {
        "reusable", "comprehensive", "comprehensible", "adaptable",
    }  # fmt: skip
    assert all(result.measured is None and "no program" in result.finding for result in people)


def test_without_an_operational_sample_the_comparisons_are_not_applicable(clean):
    report = assure(clean, "failure")
    for check in (
        "relevant/operational-support",
        "complete/operational-coverage",
        "contextually-relevant/test-vs-operational",
    ):
        assert report.result(check).status is Status.NOT_APPLICABLE
    assert report.result("fit-for-purpose/latency").status is Status.NOT_APPLICABLE


def test_clean_data_passes_every_check(clean, operational):
    report = assure(clean, "failure", operational=operational)
    assert report.ok, report.to_table()


def test_coverage_finds_a_range_never_collected(clean, operational):
    gap = drop_range(clean, "temperature", above=75.0)
    result = assure(
        gap, "failure", operational=operational, checks=["complete/operational-coverage"]
    )
    found = result.result("complete/operational-coverage")
    assert found.failed
    assert found.culprit == "temperature"
    assert found.measured < 0.95
    low = float(found.finding.split("temperature ")[-1].split("–")[0])
    assert 74 < low < 80  # the uncovered interval starts where collection stopped


def test_slice_balance_finds_an_under_sampled_site(clean, operational):
    thin = thin_slice(clean, "site", "delta", keep=0.1)
    found = assure(thin, "failure", operational=operational, checks=["balanced/slices"]).result(
        "balanced/slices"
    )
    assert found.failed
    assert found.culprit == "site=delta"
    assert found.measured < 0.5


def test_label_noise_is_estimated_and_the_suspects_are_mostly_wrong_labels():
    world = MachineWorld(seed=12).sample(1500, label_noise=0.1).drop(columns="gauge")
    found = assure(labelled(world), "failure", checks=["accurate/label-noise"]).result(
        "accurate/label-noise"
    )
    assert found.failed
    assert 0.05 < found.measured <= 0.1
    suspects = list(found.rows)
    precision = (world.loc[suspects, "failure"] != world.loc[suspects, "true_failure"]).mean()
    assert precision > 0.8


def test_perturbation_names_the_brittle_gauge(operational):
    world = labelled(MachineWorld(seed=13).sample(1500))
    found = assure(world, "failure", checks=["robust/perturbation"]).result("robust/perturbation")
    assert found.failed
    assert found.culprit == "gauge"
    robust = assure(world.drop(columns="gauge"), "failure", checks=["robust/perturbation"])
    assert not robust.result("robust/perturbation").failed


def test_a_tiny_slice_cannot_show_a_tolerable_error_rate(clean):
    thin = thin_slice(clean, "site", "delta", keep=0.05)
    found = assure(thin, "failure", checks=["tolerable/slice-error-bound"]).result(
        "tolerable/slice-error-bound"
    )
    assert found.failed
    assert found.culprit == "site=delta"


def test_a_latency_budget_makes_fit_for_purpose_measurable(clean):
    from mlops_atlas.assurance import Thresholds

    generous = assure(
        clean,
        "failure",
        thresholds=Thresholds(latency_budget_ms=10_000),
        checks=["fit-for-purpose/latency"],
    )
    assert generous.result("fit-for-purpose/latency").status is Status.PASS
    assert generous.result("fit-for-purpose/latency").measured > 0


def test_json_and_markdown_carry_every_check(clean):
    report = assure(clean, "failure")
    data = json.loads(report.to_json())
    assert len(data["checks"]) == len(CHECKS) + 4
    assert data["ok"] is True
    assert report.to_markdown().count("\n| ") == len(CHECKS) + 4 + 1  # rows + header separator


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (pd.DataFrame({"x": range(50), "y": [1] * 50}), "one class ('1')"),
        (pd.DataFrame({"x": range(50), "y": [0, 1] * 25}), "no column 'label'"),
        (pd.DataFrame({"x": range(50), "y": [0.5 * i for i in range(50)]}), "fractional numbers"),
        (pd.DataFrame({"x": range(10), "y": [0, 1] * 5}), "10 rows"),
        (pd.DataFrame({"x": range(50), "y": ["a", "b"] * 24 + ["c", "d"]}), "class 'c'"),
    ],
)
def test_prepare_refuses_unusable_targets(frame, message):
    target = "label" if "no column" in message else "y"
    with pytest.raises(AssuranceInputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        prepare(frame, target)


def test_read_table_refuses_folders_empty_and_non_utf8_files(tmp_path):
    (tmp_path / "empty.csv").write_text("")
    (tmp_path / "latin.csv").write_bytes("a,b\n\xe9,1\n".encode("latin-1"))
    (tmp_path / "header.csv").write_text("a,b\n")
    for name, message in [
        (".", "is a folder"),
        ("empty.csv", "the file is empty"),
        ("latin.csv", "not UTF-8"),
        ("header.csv", "no rows"),
        ("missing.csv", "no such file"),
    ]:
        with pytest.raises(AssuranceInputError, match=message):
            read_table(tmp_path / name)


def test_cli_exits_1_on_a_failed_check_and_prints_a_report(tmp_path, capsys, operational):
    data = labelled(MachineWorld(seed=14).sample(600))
    data.to_csv(tmp_path / "machines.csv", index=False)
    operational.to_csv(tmp_path / "operation.csv", index=False)
    status = main(["assure", str(tmp_path / "machines.csv"), "--target", "failure",
                   "--operational", str(tmp_path / "operation.csv"), "--format", "json"])  # fmt: skip
    report = json.loads(capsys.readouterr().out)
    assert status == 1
    assert "robust/perturbation" in [
        check["check"] for check in report["checks"] if check["status"] == "fail"
    ]


def test_cli_bad_input_is_one_line_and_exit_2(tmp_path, capsys):
    frame = labelled(MachineWorld(seed=15).sample(100))
    frame.to_csv(tmp_path / "machines.csv", index=False)
    frame.assign(failure=frame["failure"].astype(str).where(frame.index != 3, "yes")).to_csv(
        tmp_path / "mixed.csv", index=False
    )
    for args, message in [
        (["machines.csv", "--target", "nope"], "no column 'nope'"),
        (["mixed.csv", "--target", "failure"], "line 5: 'yes' is not a number"),
        ([".", "--target", "failure"], "is a folder"),
        (
            [
                "machines.csv",
                "--target",
                "failure",
                "--operational",
                "machines.csv",
                "--latency-budget-ms",
                "-1",
            ],
            "positive",
        ),
    ]:
        status = main(
            [
                "assure",
                *[str(tmp_path / arg) if arg.endswith((".csv", ".")) else arg for arg in args],
            ]
        )
        err = capsys.readouterr().err
        assert status == 2
        assert err.count("\n") == 1, err
        assert message in err


@pytest.mark.examples
def test_assurance_case_finds_each_planted_problem_fixes_it_and_passes(example_run):
    run = example_run("assurance_case")
    result = run.namespace()
    initial, final = result["initial"], result["final"]
    planted = {
        "complete/operational-coverage": "temperature",
        "balanced/slices": "site=delta",
        "robust/perturbation": "gauge",
        "accurate/label-noise": "failure",
    }
    for check, culprit in planted.items():
        assert initial.result(check).failed
        assert initial.result(check).culprit == culprit
    # the rare site also leaves the test set unlike operation and its errors unbounded
    assert initial.result("contextually-relevant/test-vs-operational").culprit == "site"
    assert initial.result("tolerable/slice-error-bound").culprit == "site=delta"
    assert {result.check for result in initial.failed} == {
        *planted, "contextually-relevant/test-vs-operational", "tolerable/slice-error-bound",
    }  # fmt: skip
    for fixed in ("coverage_fixed", "slices_fixed", "robust_fixed"):
        assert result[fixed].ok
    assert not result["found"].failed  # the last round of re-labelling passes
    assert final.ok
    assert "gauge" not in result["data"].columns
    assert [figure.name for figure in run.figures] == ["assurance_case-verdicts.svg"]


def test_every_name_the_assurance_package_exports_resolves() -> None:
    # mlops_atlas.assurance imports its modules on first use (the site's diagrams need the
    # desiderata, not pandas): each name it lists must come from the module its table names.
    import mlops_atlas.assurance as assurance

    assert sorted(assurance._HOMES) == sorted(assurance.__all__)
    for name in assurance.__all__:
        value = getattr(assurance, name)
        module = importlib.import_module(f"mlops_atlas.assurance.{assurance._HOMES[name]}")
        assert value is getattr(module, name)


@pytest.mark.slow  # a new interpreter
def test_the_site_hooks_do_not_import_pandas() -> None:
    # every MkDocs build imports the hooks: the desiderata alone, not the checks' pandas
    code = "import sys, mlops_atlas.site.hooks; print('pandas' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
