"""MLOps maturity: three teams, and this repository, assessed.

Illustrates Kreuzberger et al. 2022/2023, "Machine Learning Operations (MLOps): Overview,
Definition, and Architecture" (``kreuzberger2023machine``), with the maturity models that turn
its principles into levels: Google's MLOps levels 0-2 (``google2023mlops``), Microsoft's five
levels (``microsoft2025mlops``) and Breck et al.'s ML Test Score (``breck2017ml``). Three
fictional teams (notebooks and email; automated training; CI/CD of pipelines) fill in the same
answers file and land on Google levels 0, 1 and 2; the ML Test Score's minimum rule shows how
one neglected section sets the final score. Then this repository answers what its own files
can show.

Run it: ``python examples/maturity_teams.py`` (a few seconds; figures go to
``outputs/maturity_teams/``, the run to MLflow).
"""

# %%
# The answers live in YAML files next to this script, as a team would keep them.
from pathlib import Path

from mlops_atlas.maturity import Assessment, assess, load_answers, render, scan_repository

HERE = Path(__file__).resolve().parent
TEAMS = ("notebook_team", "training_team", "cicd_team")
REPOSITORY = HERE.parent  # this repository's root: examples/ sits in it

results: dict[str, Assessment] = {}
for name in TEAMS:
    team, answers = load_answers(HERE / "maturity" / f"{name}.yaml")
    results[name] = assess(answers, team=team)

# %%
# One line per team: the three models rarely agree on a single number, which is the point
# of keeping them apart. Microsoft's overall level is the minimum over its four dimensions.
print(
    f"{'team':<20} {'Google':>6} {'Microsoft':>9}  ML Test Score (data/model/infra/monitoring -> final)"
)
for result in results.values():
    s = result.ml_test_score
    sections = "/".join(f"{s[k]:g}" for k in ("data", "model", "infrastructure", "monitoring"))
    print(
        f"{result.team:<20} {result.google_level:>6} {result.microsoft_level:>9}  {sections} -> {s['final']:g}"
    )

# %%
# The minimum rule bites: the automated-training team's average section score is high,
# but its monitoring section is 1, so its ML Test Score is 1.
training = results["training_team"]
average = (
    sum(training.ml_test_score[k] for k in ("data", "model", "infrastructure", "monitoring")) / 4
)
print(
    f"\n{training.team}: average of sections {average:.2f}, final (minimum) {training.ml_test_score['final']:g}"
)
print(f"  Table V: {training.band}")

# %%
# The full report for that team, gaps ranked by what blocks the next level or score.
print()
print(render(training, "table", top=5), end="")

# %%
# This repository, answered only from its files: what is detected names the file that
# shows it; everything else is unanswered, for the maintainers to fill in.
detected = scan_repository(REPOSITORY)
results["this_repository"] = assess({}, team="MLOps Atlas (files only)", detected=detected)
repository = results["this_repository"]
print(
    f"\n{repository.team}: {len(detected)} answers detected, {len(repository.unanswered)} left to the team"
)
for item in detected:
    print(f"  {item.question:<36} {item.what:<20} {item.file}")

# %%
# Two figures: the ML Test Score radar and the coverage of Kreuzberger's P1-P9 and C1-C9.
from mlops_atlas.maturity.charts import coverage_chart, radar_chart
from mlops_atlas.outputs import output_dir, save_figure

radar = radar_chart([results[name] for name in TEAMS])
coverage = coverage_chart(list(results.values()))
for figure, what in ((radar, "ml-test-score"), (coverage, "coverage")):
    saved = save_figure(figure, output_dir("maturity_teams"), f"maturity_teams-{what}")
    print(f"figure: {saved.name}")

# %%
# Log the run to MLflow, as every example does.
from mlops_atlas.tracking import log_run

log_run(
    "kreuzberger2023-maturity",
    params={"teams": ",".join(TEAMS)},
    metrics={
        f"{name}_{metric}": value
        for name, result in results.items()
        for metric, value in (
            ("google_level", result.google_level),
            ("microsoft_level", result.microsoft_level),
            ("ml_test_score", result.ml_test_score["final"]),
        )
    },
    figures={"ml-test-score": radar, "coverage": coverage},
    tables={name: render(result, "markdown") for name, result in results.items()},
    run_name="maturity-teams",
)
