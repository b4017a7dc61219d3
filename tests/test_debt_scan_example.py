"""The debt-scan example: every rule finds the debt planted in the sample project, and the
scan of this repository reads every file and leaves the samples out."""

from __future__ import annotations

import pytest

from mlops_atlas.debt.scanner import RULES, scan
from mlops_atlas.runner import EXAMPLES_DIR

pytestmark = pytest.mark.examples


@pytest.fixture(scope="module")
def reports(example_run) -> dict:
    return example_run("debt_scan").namespace()


def test_every_rule_finds_something_in_the_indebted_sample(reports) -> None:
    sample = reports["sample"]
    assert {r.rule for r in sample.rules if r.findings} == {rule.id for rule in RULES}
    assert sample.unreadable == []


def test_the_planted_debt_is_found_where_it_was_planted(reports) -> None:
    sample = reports["sample"]
    locations = {(f.rule, f.location) for r in sample.rules for f in r.findings}
    for planted in [
        ("correction-cascades", "train.py:23"),  # upsell fitted on churn_scores
        ("undeclared-consumers", "campaign.py:15"),  # reads data/scores.csv behind train.py
        ("unstable-data", "fetch_data.py:8"),  # .../exports/latest/customers.csv
        ("fixed-thresholds", "campaign.py:16"),  # scores > 0.7
        ("fixed-thresholds", "explore.ipynb:cell 3:1"),  # >= 0.9 in the notebook
        ("dead-codepaths", "prepare.py:19"),  # if USE_LEGACY_JOIN (always False)
        ("dead-codepaths", "prepare.py:21"),  # cfg.get("dedupe_by_email"), never set
        ("prototype", "campaign.py:6"),  # from scratch.helpers import ...
        ("configuration", "conf/params.yaml:6"),  # learning_rate, never read
        ("configuration", "campaign.py:18"),  # /home/ana/...
        ("process-hygiene", "train.py:13"),  # train_test_split without random_state
    ]:
        assert planted in locations
    chains = sample.rule("pipeline-jungle").details["chains"]
    assert ["fetch_data.py", "prepare.py", "train.py", "campaign.py"] in chains


def test_the_sample_census_counts_its_ml_lines(reports) -> None:
    census = reports["sample"].census
    # prepare.py 1 (fit_transform), train.py 6 (split, two constructors, two fits,
    # predict_proba), campaign.py 1 (predict_proba): 8 lines call ML code.
    assert census["ml_lines"] == 8


def test_this_repository_is_read_whole_and_without_the_samples(reports) -> None:
    # Scanned again, as the example scans it: its cached run saw the repository of its day.
    repository = scan(EXAMPLES_DIR.parent, exclude=reports["SAMPLES"])
    assert repository.unreadable == []
    files = {f.file for r in repository.rules for f in r.findings}
    assert not any(f.startswith(("examples/indebted_project", "tests/fixtures")) for f in files)
    # This repository has tests, CI and a lock file (requirements.lock) beside its ranges.
    checks = repository.rule("process-hygiene").details["checks"]
    assert checks == {"tests": True, "ci": True, "pinned": True, "seeds": True}
