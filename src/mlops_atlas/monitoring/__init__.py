"""Data distribution shifts and the monitors that catch them (Huyen 2022, ch. 8).

- `mlops_atlas.monitoring.shifts`: one task, and covariate shift, label (prior)
  shift and concept drift applied to it.
- `mlops_atlas.monitoring.monitors`: input drift (with the
  `mlops_atlas.validation` comparators), prediction drift, and performance on
  labels that arrive late.
- `mlops_atlas.monitoring.stream`: the monitors side by side over shifting streams.
"""

from mlops_atlas.monitoring.monitors import (
    CALIBRATION_MARGIN,
    CATEGORICAL_THRESHOLD,
    NUMERIC_THRESHOLD,
    PERFORMANCE_TOLERANCE,
    Reading,
    calibrate_thresholds,
    column_drift,
    input_drift,
    performance_drop,
    prediction_drift,
)
from mlops_atlas.monitoring.shifts import (
    CHANNELS,
    FEATURES,
    LABEL,
    SHIFTS,
    ShiftError,
    conversion_probability,
    sample_conversions,
)
from mlops_atlas.monitoring.stream import (
    MONITORS,
    MonitoringResult,
    features_matrix,
    simulate_monitoring,
)

__all__ = [
    "CALIBRATION_MARGIN",
    "CATEGORICAL_THRESHOLD",
    "CHANNELS",
    "FEATURES",
    "LABEL",
    "MONITORS",
    "NUMERIC_THRESHOLD",
    "PERFORMANCE_TOLERANCE",
    "SHIFTS",
    "MonitoringResult",
    "Reading",
    "ShiftError",
    "calibrate_thresholds",
    "column_drift",
    "conversion_probability",
    "features_matrix",
    "input_drift",
    "performance_drop",
    "prediction_drift",
    "sample_conversions",
    "simulate_monitoring",
]
