"""Deployment as Shankar et al. (2022) and Huyen (2022, ch. 9) describe it, on MLflow's registry.

- `mlops_atlas.deployment.registry`: register versions, move the ``champion`` and
  ``challenger`` aliases, record each decision as tags.
- `mlops_atlas.deployment.staged`: shadow, canary, promotion or automatic rollback.
- `mlops_atlas.deployment.environments`: one pipeline configured for development,
  test and production (a YAML file);
- `mlops_atlas.deployment.promotion`: promotion between them, gated by checks.
- `mlops_atlas.deployment.simulation`: the small lending world the examples use.
"""

from mlops_atlas.deployment.environments import (
    CHECKS,
    ConfigError,
    Environment,
    PipelineConfig,
    load_pipeline_config,
    with_features,
)
from mlops_atlas.deployment.promotion import (
    CheckResult,
    PipelineRun,
    Promotion,
    deployed_versions,
    reset_environments,
    run_pipeline,
)
from mlops_atlas.deployment.registry import (
    CHALLENGER,
    CHAMPION,
    aliases,
    load_model,
    model_uri,
    register_model,
    reset_registered_model,
    tag_version,
    version_tags,
)
from mlops_atlas.deployment.simulation import LABEL, LEAKY_FEATURE, make_applications, make_model
from mlops_atlas.deployment.staged import (
    CanaryReport,
    CanaryStep,
    DeploymentError,
    RolloutResult,
    ShadowReport,
    bootstrap_champion,
    run_canary,
    run_shadow,
    staged_rollout,
)

__all__ = [
    "CHALLENGER",
    "CHAMPION",
    "CHECKS",
    "LABEL",
    "LEAKY_FEATURE",
    "CanaryReport",
    "CanaryStep",
    "CheckResult",
    "ConfigError",
    "DeploymentError",
    "Environment",
    "PipelineConfig",
    "PipelineRun",
    "Promotion",
    "RolloutResult",
    "ShadowReport",
    "aliases",
    "bootstrap_champion",
    "deployed_versions",
    "load_model",
    "load_pipeline_config",
    "make_applications",
    "make_model",
    "model_uri",
    "register_model",
    "reset_environments",
    "reset_registered_model",
    "run_canary",
    "run_pipeline",
    "run_shadow",
    "staged_rollout",
    "tag_version",
    "version_tags",
    "with_features",
]
