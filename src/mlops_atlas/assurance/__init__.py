"""Assurance of the ML lifecycle (Ashmore, Calinescu, Paterson 2021) as executable checks.

Each desideratum of the survey that a program can measure becomes a named check
over a labelled dataset and a classifier, returning pass, fail or not applicable
with its evidence (the number measured, the bound, what to do). The desiderata no
program can judge are listed as such, with the reason, instead of a made-up score.

- `mlops_atlas.assurance.desiderata`: the four stages and their desiderata.
- `mlops_atlas.assurance.data`: reading a CSV, preparing columns, the reference model.
- `mlops_atlas.assurance.data_checks`: relevant, complete, balanced, accurate.
- `mlops_atlas.assurance.model_checks`: performant, robust, interpretable,
  contextually relevant, fit-for-purpose, tolerable.
- `mlops_atlas.assurance.report`: `assure` and the report it returns.
- `mlops_atlas.assurance.synthetic`: a seeded world to plant problems in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlops_atlas.lazy import lazy_exports

if TYPE_CHECKING:  # imported on first use: the diagrams need the desiderata, not pandas
    from mlops_atlas.assurance.data import (
        AssuranceInputError,
        Dataset,
        align_operational,
        prepare,
        read_table,
        reference_model,
    )
    from mlops_atlas.assurance.desiderata import DESIDERATA, STAGES, Desideratum, desideratum
    from mlops_atlas.assurance.report import CHECKS, AssuranceReport, assure
    from mlops_atlas.assurance.results import CheckResult, Status, Thresholds
    from mlops_atlas.assurance.synthetic import MachineWorld, drop_range, thin_slice

__all__ = [
    "CHECKS",
    "DESIDERATA",
    "STAGES",
    "AssuranceInputError",
    "AssuranceReport",
    "CheckResult",
    "Dataset",
    "Desideratum",
    "MachineWorld",
    "Status",
    "Thresholds",
    "align_operational",
    "assure",
    "desideratum",
    "drop_range",
    "prepare",
    "read_table",
    "reference_model",
    "thin_slice",
]

_HOMES = {
    "AssuranceInputError": "data",
    "Dataset": "data",
    "align_operational": "data",
    "prepare": "data",
    "read_table": "data",
    "reference_model": "data",
    "DESIDERATA": "desiderata",
    "STAGES": "desiderata",
    "Desideratum": "desiderata",
    "desideratum": "desiderata",
    "CHECKS": "report",
    "AssuranceReport": "report",
    "assure": "report",
    "CheckResult": "results",
    "Status": "results",
    "Thresholds": "results",
    "MachineWorld": "synthetic",
    "drop_range": "synthetic",
    "thin_slice": "synthetic",
}


__getattr__ = lazy_exports(__name__, _HOMES)
