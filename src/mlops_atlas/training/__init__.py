"""Training: baselines, parallel search, and keeping a model fresh (Huyen 2022, ch. 6 and 9).

- `mlops_atlas.training.baselines`: random, majority and rule baselines against
  real models, on metrics beyond accuracy (recall per region, calibration).
- `mlops_atlas.training.parallel`: the same grid search on one core and on all,
  timed, and the speed-up the cores allow.
- `mlops_atlas.training.continual`: never retraining, scheduled stateless
  retraining, stateful updates and a drift-triggered policy on one drifting stream.
- `mlops_atlas.training.charts`: their figures.
"""

from mlops_atlas.training.baselines import (
    FEATURES,
    REGIONS,
    BaselineReport,
    Evaluation,
    RuleBaseline,
    compare_models,
    evaluate,
    expected_calibration_error,
    make_churn_data,
    standard_models,
)
from mlops_atlas.training.continual import (
    EPOCHS,
    POLICIES,
    ContinualResult,
    PolicyRun,
    drifting_batch,
    simulate_continual_learning,
)
from mlops_atlas.training.parallel import (
    SearchTiming,
    available_cores,
    forest_search_space,
    ideal_speedup,
    timed_search,
)

__all__ = [
    "EPOCHS",
    "FEATURES",
    "POLICIES",
    "REGIONS",
    "BaselineReport",
    "ContinualResult",
    "Evaluation",
    "PolicyRun",
    "RuleBaseline",
    "SearchTiming",
    "available_cores",
    "compare_models",
    "drifting_batch",
    "evaluate",
    "expected_calibration_error",
    "forest_search_space",
    "ideal_speedup",
    "make_churn_data",
    "simulate_continual_learning",
    "standard_models",
    "timed_search",
]
