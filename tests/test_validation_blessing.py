"""The model-validation gate: bless only a candidate no slice makes worse."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mlops_atlas.validation import bless, slice_metrics


def test_better_overall_but_worse_on_a_slice_is_refused() -> None:
    baseline = {"overall": 0.80, "region=north": 0.80, "region=south": 0.80}
    candidate = {"overall": 0.85, "region=north": 0.95, "region=south": 0.70}
    result = bless(candidate, baseline, tolerance=0.02, metric="accuracy")
    assert not result.blessed
    assert result.failed_slices == ["region=south"]
    assert "region=south: accuracy 0.7000 vs baseline 0.8000: worse by 0.1000" in result.explain()


def test_small_loss_within_tolerance_is_blessed() -> None:
    assert bless({"overall": 0.795}, {"overall": 0.80}, tolerance=0.01).blessed
    assert not bless(
        {"overall": 0.79}, {"overall": 0.80}, tolerance=0.01
    ).blessed  # strict, as TFMA


def test_lower_is_better_metrics() -> None:
    assert bless({"overall": 0.30}, {"overall": 0.35}, higher_is_better=False).blessed
    assert not bless({"overall": 0.40}, {"overall": 0.35}, higher_is_better=False).blessed


def test_missing_slice_fails_and_no_baseline_rubber_stamps() -> None:
    result = bless({"overall": 0.9}, {"overall": 0.8, "region=west": 0.8})
    assert result.failures[0].slice == "region=west"
    assert result.failures[0].message == "Metric not found."
    stamped = bless({"overall": 0.1}, None)
    assert stamped.blessed
    assert "rubber stamped" in stamped.note


def test_slice_metrics_overall_and_per_value() -> None:
    truth = np.array([1, 1, 0, 0])
    predicted = np.array([1, 0, 0, 0])
    region = pd.Series(["a", "b", "a", "b"], name="region")
    metrics = slice_metrics(truth, predicted, region, lambda t, p: float(np.mean(t == p)))
    assert metrics == {"overall": pytest.approx(0.75), "region=a": 1.0, "region=b": 0.5}
