"""The Huyen examples show what their pages say they show."""

from __future__ import annotations

import pytest

from mlops_atlas.training import ideal_speedup

pytestmark = pytest.mark.examples


def is_svg(figure) -> bool:
    return figure.read_text(encoding="utf-8").lstrip().startswith("<?xml")


@pytest.fixture(scope="module")
def shifts(example_run) -> dict:
    return example_run("distribution_shifts").namespace()


def test_no_monitor_fires_without_a_shift(shifts) -> None:
    result = shifts["result"]
    for monitor in ("input drift", "prediction drift", "delayed labels"):
        assert result.detection("none", monitor) is None
        for shift in result.readings:
            assert result.false_alarms(shift, monitor) == 0


def test_input_drift_is_blind_to_pure_concept_drift(shifts) -> None:
    result = shifts["result"]
    assert result.detection("concept", "input drift") is None
    assert result.detection("concept", "prediction drift") is None  # scores are a function of X


def test_delayed_labels_catch_concept_drift_only_when_they_arrive(shifts) -> None:
    result = shifts["result"]
    assert result.delay == 3
    assert result.detection("concept", "delayed labels") == result.delay + 1
    shifted = result.accuracy["concept"][result.shift_at :]
    assert max(shifted) < result.reference_accuracy - 0.15  # the harm was there from batch 1


def test_input_drift_catches_covariate_and_label_shift_at_once(shifts) -> None:
    result = shifts["result"]
    assert result.detection("covariate", "input drift") == 1
    assert result.detection("label", "input drift") == 1
    worst = result.readings["covariate"]["input drift"][result.shift_at].where
    assert worst in {"income", "engagement", "channel"}


def test_covariate_shift_along_the_boundary_leaves_scores_and_accuracy_alone(shifts) -> None:
    result = shifts["result"]
    assert result.detection("covariate", "prediction drift") is None
    assert result.detection("covariate", "delayed labels") is None
    shifted = result.accuracy["covariate"][result.shift_at :]
    assert abs(sum(shifted) / len(shifted) - result.reference_accuracy) < 0.02


def test_label_shift_moves_predictions_and_costs_accuracy(shifts) -> None:
    result = shifts["result"]
    assert result.detection("label", "prediction drift") == 1
    assert result.detection("label", "delayed labels") == result.delay + 1
    shifted = result.accuracy["label"][result.shift_at :]
    assert sum(shifted) / len(shifted) < result.reference_accuracy - 0.04


def test_shifts_figure_is_written(example_run) -> None:
    (figure,) = example_run("distribution_shifts").figures
    assert figure.name == "distribution_shifts-monitors.svg"
    assert is_svg(figure)


@pytest.fixture(scope="module")
def continual(example_run) -> dict:
    return example_run("continual_learning").namespace()


def test_a_model_never_retrained_decays_on_the_drifting_stream(continual) -> None:
    never = continual["result"].runs["never"]
    assert never.accuracy[0] > 0.85
    assert sum(never.accuracy[-5:]) / 5 < 0.6
    assert never.total_rows == never.rows_processed[0]  # it never trained again


def test_scheduled_retraining_saws_between_retrains(continual) -> None:
    result = continual["result"]
    scheduled = result.runs["scheduled"]
    assert [i + 1 for i in scheduled.retrained_at] == [5, 10, 15, 20, 25, 30]
    after = [scheduled.accuracy[i + 1] for i in scheduled.retrained_at[:-1]]
    before = [scheduled.accuracy[i] for i in scheduled.retrained_at[:-1]]
    assert all(a > b for a, b in zip(after, before, strict=True))  # each retrain lifts it
    assert scheduled.mean_accuracy > result.runs["never"].mean_accuracy + 0.15


def test_stateful_training_tracks_the_drift_for_a_fraction_of_the_compute(continual) -> None:
    runs = continual["result"].runs
    stateful, scheduled = runs["stateful"], runs["scheduled"]
    assert stateful.mean_accuracy > scheduled.mean_accuracy
    assert min(stateful.accuracy) > 0.85
    assert stateful.total_rows < scheduled.total_rows / 3
    assert stateful.retrained_at == []


def test_the_drift_trigger_retrains_less_often_than_the_schedule(continual) -> None:
    runs = continual["result"].runs
    triggered, scheduled = runs["triggered"], runs["scheduled"]
    assert 0 < len(triggered.retrained_at) < len(scheduled.retrained_at)
    assert triggered.total_rows < scheduled.total_rows
    assert triggered.mean_accuracy > runs["never"].mean_accuracy + 0.15


def test_continual_figure_is_written(example_run) -> None:
    (figure,) = example_run("continual_learning").figures
    assert figure.name == "continual_learning-policies.svg"
    assert is_svg(figure)


@pytest.fixture(scope="module")
def baselines(example_run) -> dict:
    return example_run("baselines").namespace()


def test_accuracy_ranks_the_useless_majority_above_a_working_rule(baselines) -> None:
    scores = baselines["report"].evaluations
    majority, rule = scores["majority"], scores["rule"]
    assert majority.accuracy > rule.accuracy
    assert majority.recall == 0.0
    assert majority.roc_auc == 0.5
    assert rule.roc_auc > 0.55
    assert majority.ece < 0.01  # calibrated, and useless: calibration is not enough


def test_random_baseline_is_chance_and_badly_calibrated(baselines) -> None:
    random = baselines["report"].evaluations["random"]
    assert abs(random.roc_auc - 0.5) < 0.03
    assert random.ece > 0.15


def test_models_beat_every_baseline_on_ranking_and_brier(baselines) -> None:
    scores = baselines["report"].evaluations
    for model in ("linear", "forest"):
        for baseline in ("random", "majority", "rule"):
            assert scores[model].roc_auc > scores[baseline].roc_auc + 0.2
            assert scores[model].brier < scores[baseline].brier
    assert scores["forest"].recall > scores["linear"].recall


def test_the_rule_fails_in_the_region_where_its_signal_is_absent(baselines) -> None:
    rule = baselines["report"].evaluations["rule"]
    assert rule.worst_region[0] == "south"
    others = [v for k, v in rule.recall_by_region.items() if k != "south"]
    assert rule.worst_region[1] < min(others) - 0.1


def test_the_search_finds_the_same_winner_with_one_and_all_cores(baselines) -> None:
    namespace = baselines
    serial, cold, warm = namespace["serial"], namespace["cold"], namespace["warm"]
    assert serial.fits == 13
    assert serial.best_params == cold.best_params == warm.best_params
    assert (cold.n_jobs, warm.n_jobs) == (-1, -1)
    # the speed-up is a measurement for the page, never an assertion; its ceiling is arithmetic
    assert namespace["ideal"] == pytest.approx(ideal_speedup(13, namespace["cores"], serial=1))
    assert namespace["ideal"] <= namespace["cores"]


def test_calibration_figure_is_written(example_run) -> None:
    (figure,) = example_run("baselines").figures
    assert figure.name == "baselines-calibration.svg"
    assert is_svg(figure)
