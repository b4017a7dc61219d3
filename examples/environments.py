"""Environments: one pipeline for development, test and production, promoted by gates.

Illustrates Shankar et al. 2022, "Operationalizing Machine Learning: An Interview
Study" (``shankar2022operationalizing``), §5.1.1: a separate development
environment validates ideas before production and must stay close to it; §4.3.4:
changes are made in configuration files; §4.4.2: a standardised validation
decides promotion. For UBA's class 3 ("organización de entornos: desarrollo,
testeo y producción"): one pipeline, configured once per environment (its own
MLflow experiment, registered model and data), and a model moves from one
environment to the next only when the next one's checks pass. The checks are
the earlier examples' gates: the TFX-style schema and the per-slice blessing.

Run it: ``python examples/environments.py`` (seconds; the runs and registered
models go to the MLflow store that ``MLFLOW_TRACKING_URI`` names, ``mlflow.db``
by default).
"""

# %%
# The configuration: one file for the whole pipeline. Each environment names
# its MLflow experiment, how much data it works with, and the checks a model
# must pass to be deployed there. Each has its own registered model, whose
# `champion` alias is the version deployed in that environment.
from pathlib import Path

from mlops_atlas.deployment import load_pipeline_config, reset_environments

config = load_pipeline_config(Path(__file__).parent / "environments" / "pipeline.yaml")
print(f"{'environment':<13}{'experiment':<20}{'registered model':<28}{'rows':>7}  checks")
for environment in config.environments:
    print(
        f"{environment.name:<13}{environment.experiment:<20}"
        f"{config.registered_model(environment):<28}{environment.rows:>7}  "
        f"{', '.join(environment.checks)}"
    )
reset_environments(config)  # the example owns these registered models: start from nothing

# %%
# The first change: the pipeline as the file describes it. Trained in dev on
# 3,000 rows, it passes dev's checks. Nothing is in production yet, so the
# blessing in test has no model to compare with and lets it through (as TFX
# does: "rubber stamped"); prod's smoke test loads it from the registry and
# serves a batch of live requests.
from mlops_atlas.deployment import run_pipeline, with_features

first = run_pipeline(config, change="first release")
print(first.report())

# %%
# The second change edits the features: add the new signal `x3`, and drop
# `local_score`, which only the southern branch collects. On dev's sample the
# model is better than the baseline and the schema is unchanged, so dev accepts
# it. Test measures every region on 10,000 held-out rows against the model in
# production and refuses it: better overall, much worse in the south.
second = run_pipeline(with_features(config, ["x1", "x2", "x3"]), change="add x3, drop local_score")
print(second.report())

# %%
# The third change keeps `local_score` and adds `x3`. It passes every gate and
# replaces the first release in production.
third = run_pipeline(
    with_features(config, ["x1", "x2", "x3", "local_score"]), change="add x3, keep local_score"
)
print(third.report())

# %%
# Where things stand: each environment's champion, and the refusal recorded on
# the version that test turned away.
from mlops_atlas.deployment import deployed_versions, version_tags

deployed = deployed_versions(config)
print(f"champions: {deployed}")
refused_source = second.promotions[-1].source
refused_tags = version_tags(*refused_source.removeprefix("models:/").rsplit("/", 1))
print(f"\ntags of {refused_source}:")
for key, value in refused_tags.items():
    print(f"  {key} = {value}")
