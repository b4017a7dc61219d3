"""Technical debt in ML systems (Sculley et al. 2015), made observable.

- `mlops_atlas.debt.cace`: entanglement, "Changing Anything Changes Everything" (§2).
- `mlops_atlas.debt.cascade`: correction cascades (§2).
- `mlops_atlas.debt.underutilized`: legacy, bundled, ε- and correlated features (§3).
- `mlops_atlas.debt.feedback`: direct and hidden feedback loops (§4).
- `mlops_atlas.debt.thresholds`: fixed thresholds and prediction bias (§7).
- `mlops_atlas.debt.scanner`: a static scanner for the debt a repository's code shows
  (§2, §3, §5-§8), behind ``mlops-atlas debt scan``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlops_atlas.lazy import lazy_exports

if TYPE_CHECKING:  # imported on first use: ``debt scan`` needs none of them (nor numpy)
    from mlops_atlas.debt.cace import CaceResult, simulate_cace
    from mlops_atlas.debt.cascade import CascadeResult, simulate_cascade
    from mlops_atlas.debt.feedback import (
        DirectLoopResult,
        HiddenLoopResult,
        simulate_direct_loop,
        simulate_hidden_loop,
    )
    from mlops_atlas.debt.thresholds import BiasMonitor, ThresholdResult, simulate_fixed_threshold
    from mlops_atlas.debt.underutilized import UnderutilizedResult, find_underutilized

__all__ = [
    "BiasMonitor",
    "CaceResult",
    "CascadeResult",
    "DirectLoopResult",
    "HiddenLoopResult",
    "ThresholdResult",
    "UnderutilizedResult",
    "find_underutilized",
    "simulate_cace",
    "simulate_cascade",
    "simulate_direct_loop",
    "simulate_fixed_threshold",
    "simulate_hidden_loop",
]

_HOMES = {
    "BiasMonitor": "thresholds",
    "CaceResult": "cace",
    "CascadeResult": "cascade",
    "DirectLoopResult": "feedback",
    "HiddenLoopResult": "feedback",
    "ThresholdResult": "thresholds",
    "UnderutilizedResult": "underutilized",
    "find_underutilized": "underutilized",
    "simulate_cace": "cace",
    "simulate_cascade": "cascade",
    "simulate_direct_loop": "feedback",
    "simulate_fixed_threshold": "thresholds",
    "simulate_hidden_loop": "feedback",
}


__getattr__ = lazy_exports(__name__, _HOMES)
