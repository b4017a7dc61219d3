"""Assurance case: four planted data problems, each found by its check, fixed and checked again.

Illustrates Ashmore et al. 2021, "Assuring the Machine Learning Lifecycle:
Desiderata, Methods, and Challenges" (``ashmore2021assuring``), §4-§7: the
desiderata of each lifecycle stage as executable checks that return evidence
(the number measured, the bound, what to do), and the desiderata no program can
judge listed as such. A team's failure data has a temperature range never
collected, a plant barely sampled, noisy labels and a gauge recorded more
precisely than the field can measure it; the report finds each, the team fixes
each, and the report is run again.

Run it: ``python examples/assurance_case.py`` (seconds; the figure goes to
``outputs/assurance_case/``, the run to MLflow).
"""

# %%
# The world: machines whose failures follow known rules (temperature, vibration,
# load, the plant they run in). The team's data was collected over one winter,
# so no machine ran above 75 °C; mostly in three plants, so `delta` is rare;
# labelled in a hurry, so one label in ten is wrong; and with lab gauges, whose
# tiny offset on failing bearings a field gauge cannot see. A sample of inputs
# from operation (no labels) shows what the model will meet. The column
# `true_failure` is the truth, unknown to the team: the example keeps it only to
# play the annotator who re-labels rows, and `team_view` hides it from the checks.
import pandas as pd

from mlops_atlas.assurance import MachineWorld, assure, drop_range, thin_slice

SEED = 0
world = MachineWorld(seed=SEED)
data = world.sample(3000, label_noise=0.10)
data = drop_range(data, "temperature", above=75.0)
data = thin_slice(data, "site", "delta", keep=0.08, seed=SEED)
operational = MachineWorld(seed=SEED + 1).sample(600).drop(columns=["failure", "true_failure"])


def team_view(frame: pd.DataFrame) -> pd.DataFrame:
    """The data as the team has it: everything but the truth."""
    return frame.drop(columns="true_failure")


print(f"{len(data)} labelled rows, {len(operational)} operational rows")
print(f"wrong labels (unknown to the team): {(data['failure'] != data['true_failure']).mean():.3f}")

# %%
# The first report: every desideratum of the four stages, checked where a program
# can, with the number measured and its bound.
initial = assure(team_view(data), "failure", operational=operational, seed=SEED)
print(initial.to_table())

# %%
# Fix 1, *complete*: the coverage check names the temperatures operation reaches
# and the data does not. The team collects labelled summer data in that range
# (labelled as hurriedly as before) and runs the check again.
found = initial.result("complete/operational-coverage")
print(f"found: {found.finding}")
summer = world.sample(320, temperature=(75.0, 120.0), label_noise=0.10)
data = pd.concat([data, summer], ignore_index=True)
coverage_fixed = assure(team_view(data), "failure", operational=operational, checks=[found.check])
print(
    f"after: {coverage_fixed.result(found.check).status}, {coverage_fixed.result(found.check).finding}"
)

# %%
# Fix 2, *balanced*: the slice check names the plant the data under-represents
# against operation. The team collects labelled rows from `delta`.
found = initial.result("balanced/slices")
print(f"found: {found.finding}")
delta = world.sample(560, site="delta", label_noise=0.10)
data = pd.concat([data, delta], ignore_index=True)
slices_fixed = assure(team_view(data), "failure", operational=operational, checks=[found.check])
print(
    f"after: {slices_fixed.result(found.check).status}, {slices_fixed.result(found.check).finding}"
)

# %%
# Fix 3, *robust*: a little noise on the inputs costs the model accuracy, and the
# check names the feature it leans on. Field gauges cannot see the lab offset,
# so the team drops `gauge` and checks again.
found = initial.result("robust/perturbation")
print(f"found: {found.finding}")
data = data.drop(columns=found.culprit)
robust_fixed = assure(team_view(data), "failure", seed=SEED, checks=[found.check])
print(
    f"after: {robust_fixed.result(found.check).status}, {robust_fixed.result(found.check).finding}"
)

# %%
# Fix 4, *accurate*: cross-validated predictions contradict some labels with
# confidence. The check lists those rows, most suspect first; an annotator
# (here, the truth) re-labels exactly those rows, and the check runs again,
# until it passes. Rows it never flags keep their label, right or wrong: the
# check's estimate is a floor on the noise, not a count of it.
for round_number in (1, 2, 3):
    found = assure(team_view(data), "failure", seed=SEED, checks=["accurate/label-noise"]).result(
        "accurate/label-noise"
    )
    print(f"round {round_number}: {found.status}, {found.finding}")
    if not found.failed:
        break
    flagged = list(found.rows)
    really_wrong = (data.loc[flagged, "failure"] != data.loc[flagged, "true_failure"]).mean()
    print(f"  re-labelling the {len(flagged)} flagged rows; {really_wrong:.0%} of them were wrong")
    data.loc[flagged, "failure"] = data.loc[flagged, "true_failure"]
print(
    f"wrong labels left (unknown to the team): {(data['failure'] != data['true_failure']).mean():.3f}"
)

# %%
# The whole report again, on the fixed data. The desiderata that need people
# stay on the list: a program passing its checks is not an assurance case.
final = assure(team_view(data), "failure", operational=operational, seed=SEED)
print(final.to_table())
failed_before = [result.check for result in initial.failed]
failed_after = [result.check for result in final.failed]
print(f"\nfailed before: {', '.join(failed_before)}")
print(f"failed after: {', '.join(failed_after) or 'none'}")

# %%
# A figure of both reports, and the run in MLflow (each check's measure before
# and after, and both reports as text).
from mlops_atlas.assurance.charts import plot_verdicts
from mlops_atlas.outputs import output_dir, save_figure
from mlops_atlas.tracking import log_run

figure = plot_verdicts({"planted problems": initial, "after the fixes": final})
print(
    f"figure: {save_figure(figure, output_dir('assurance_case'), 'assurance_case-verdicts').name}"
)
log_run(
    "ashmore2021-assurance-case",
    params={"seed": SEED, "labelled_rows": len(data), "operational_rows": len(operational)},
    metrics={
        f"{stage}_{result.check.replace('/', '_')}": result.measured
        for stage, report in (("before", initial), ("after", final))
        for result in report.results
        if result.measured is not None
    },
    figures={"assurance_case-verdicts": figure},
    tables={"report-before": initial.to_table(), "report-after": final.to_table()},
    run_name="assurance-case",
)
