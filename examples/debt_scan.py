"""A debt scanner: Sculley et al.'s categories found in code, on a sample project and on this one.

Illustrates Sculley et al. 2015, "Hidden Technical Debt in Machine Learning Systems"
(``sculley2015hidden``): the debt of §2, §3 and §5-§8 that shows in a repository's code,
found by parsing (never running) it. First a small, deliberately indebted churn project
kept next to this script (``indebted_project/``), then this repository itself.

Run it: ``python examples/debt_scan.py`` (about a second; figures go to
``outputs/debt_scan/``, the run to MLflow). The same scan from the shell:
``mlops-atlas debt scan examples/indebted_project``.
"""

# %%
# The scanner lives in the library; the example says what to scan, and scans the sample.
from pathlib import Path

from mlops_atlas.debt.scanner import render, scan

HERE = Path(__file__).resolve().parent
SAMPLE = HERE / "indebted_project"
REPOSITORY = HERE.parent  # this repository: examples/ sits in its root
# Deliberate samples are not this repository's own debt: leave them out of its scan.
SAMPLES = ["examples/indebted_project", "tests/fixtures"]

sample = scan(SAMPLE)

# %%
# The full report for the sample: every rule finds the debt planted for it.
# Paths are shown relative to the folder scanned, so the output is the same anywhere.
sample.root = "examples/indebted_project"
print(render(sample, "table"), end="")

# %%
# This repository, scored the same way. Only the section scores and the census here;
# `mlops-atlas debt scan . --exclude examples/indebted_project --exclude tests/fixtures`
# lists every finding.
repository = scan(REPOSITORY, exclude=SAMPLES)
repository.root = "this repository"
census = repository.census
print(
    f"\nThis repository: {repository.python_files} Python files, {repository.code_lines} code "
    f"lines, {repository.findings} findings, {len(repository.unreadable)} files unreadable"
)
print(
    f"  ML code: {census['ml_lines']} of {census['ml_lines'] + census['other_lines']} "  # type: ignore[operator]
    f"production lines ({census['ml_share']:.1%})"
)
for section in repository.sections:
    score = "n/a" if section.score is None else section.score
    print(f"  §{section.section} {section.title:<52} {score:>4}")

# %%
# Two figures: Figure 1's proportion measured on both projects, and their section scores.
from mlops_atlas.debt.scanner.charts import census_chart, section_chart
from mlops_atlas.outputs import output_dir, save_figure

reports = {"indebted sample": sample, "this repository": repository}
census_figure = census_chart(reports)
sections_figure = section_chart(reports)
for figure, what in ((census_figure, "figure1-census"), (sections_figure, "sections")):
    saved = save_figure(figure, output_dir("debt_scan"), f"debt_scan-{what}")
    print(f"figure: {saved.name}")

# %%
# Log the run to MLflow, as every example does: one metric per section and project.
from mlops_atlas.tracking import log_run

log_run(
    "sculley2015-debt-scan",
    params={"sample": "examples/indebted_project", "excluded": ",".join(SAMPLES)},
    metrics={
        f"{name}_s{section.section}": float(section.score)
        for name, report in (("sample", sample), ("repository", repository))
        for section in report.sections
        if section.score is not None
    },
    figures={"figure1-census": census_figure, "sections": sections_figure},
    tables={"sample": render(sample, "markdown"), "repository": render(repository, "markdown")},
    run_name="debt-scan",
)
