"""Promotion between environments: train in development, then deploy only through the gates.

`run_pipeline` takes one change of the pipeline (its configuration) from
the first environment to the last. Each environment has its own registered
model; a version enters an environment only if every check the environment
requires passes on that environment's data, and it gets the environment's
``champion`` alias there. A refusal is a tag on the version that was refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score

from mlops_atlas.deployment import registry
from mlops_atlas.deployment.environments import Environment, PipelineConfig
from mlops_atlas.deployment.simulation import make_applications, make_model
from mlops_atlas.tracking import log_run

__all__ = [
    "CheckResult",
    "PipelineRun",
    "Promotion",
    "deployed_versions",
    "reset_environments",
    "run_pipeline",
]


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check.

    Attributes:
        name: The check's name.
        passed: Whether the model may go on.
        detail: What was measured, in one line.
    """

    name: str
    passed: bool
    detail: str


@dataclass(frozen=True)
class Promotion:
    """One attempt to deploy a model into an environment.

    Attributes:
        environment: The environment's name.
        source: The model URI the candidate came from.
        checks: The checks run, in order.
        version: The version deployed there (its ``champion``), or ``None`` if refused.
    """

    environment: str
    source: str
    checks: tuple[CheckResult, ...]
    version: str | None

    @property
    def passed(self) -> bool:
        """True when every check passed and the model was deployed."""
        return self.version is not None


@dataclass(frozen=True)
class PipelineRun:
    """One change taken through the environments, as far as the gates let it go.

    Attributes:
        change: A name for the change (like a commit message).
        features: The features it trains on.
        promotions: One per environment reached, in order.
        deployed: Each environment's champion version afterwards (``None``: nothing deployed).
    """

    change: str
    features: tuple[str, ...]
    promotions: tuple[Promotion, ...]
    deployed: dict[str, str | None]

    @property
    def reached(self) -> str:
        """The last environment the change was deployed to (``"nowhere"`` if none)."""
        passed = [p.environment for p in self.promotions if p.passed]
        return passed[-1] if passed else "nowhere"

    def report(self) -> str:
        """Each environment's checks and verdict, then what is deployed where."""
        lines = [f"change {self.change!r}: features {', '.join(self.features)}"]
        for promotion in self.promotions:
            verdict = f"deployed as version {promotion.version}" if promotion.passed else "REFUSED"
            lines.append(f"  {promotion.environment}: {verdict} (candidate {promotion.source})")
            lines += [
                f"    {'pass' if check.passed else 'FAIL'}  {check.name}: {check.detail}"
                for check in promotion.checks
            ]
        deployed = ", ".join(f"{env} -> {v or 'nothing'}" for env, v in self.deployed.items())
        lines.append(f"  champions now: {deployed}")
        return "\n".join(lines)


def reset_environments(config: PipelineConfig) -> None:
    """Delete every environment's registered model, so a run starts from nothing."""
    for environment in config.environments:
        registry.reset_registered_model(config.registered_model(environment))


def deployed_versions(config: PipelineConfig) -> dict[str, str | None]:
    """Each environment's ``champion`` version (``None`` where nothing is deployed)."""
    from mlflow import MlflowClient

    client = MlflowClient()
    result: dict[str, str | None] = {}
    for environment in config.environments:
        name = config.registered_model(environment)
        found = client.search_registered_models(filter_string=f"name = '{name}'")
        version = found[0].aliases.get(registry.CHAMPION) if found else None
        result[environment.name] = None if version is None else str(version)
    return result


@dataclass(frozen=True)
class _Evidence:
    """What the checks compare against: the data contract and the model in production."""

    contract: Any  # the schema inferred from the historical export
    production: Any  # the last environment's champion, or None


def _check(
    name: str, model: Any, data: pd.DataFrame, config: PipelineConfig, env: Environment, evidence
) -> CheckResult:
    """Run one check of `mlops_atlas.deployment.environments.CHECKS`."""
    from mlops_atlas.validation import bless, compute_statistics, slice_metrics, validate_statistics

    truth = data[config.label].to_numpy()
    if name == "schema":  # the TFX-style data contract (see the train_serve_skew example)
        result = validate_statistics(compute_statistics(data), evidence.contract)
        found = "; ".join(f"{f}: {', '.join(t)}" for f, t in result.types().items())
        return CheckResult(name, result.ok, "no anomalies" if result.ok else found)
    predictions = np.asarray(model.predict(data))
    if name == "beats_baseline":
        majority = max(truth.mean(), 1 - truth.mean())
        value = accuracy_score(truth, predictions)
        detail = f"accuracy {value:.3f} vs majority class {majority:.3f}"
        return CheckResult(name, value > majority, detail)
    if name == "blessing":  # the per-slice gate of the model_blessing example
        slices = data[config.slice]
        candidate = slice_metrics(truth, predictions, slices, accuracy_score)
        baseline = None
        if evidence.production is not None:
            served = evidence.production.predict(data)
            baseline = slice_metrics(truth, served, slices, accuracy_score)
        verdict = bless(candidate, baseline, tolerance=env.tolerance, metric="accuracy")
        return CheckResult(name, verdict.blessed, verdict.explain())
    # smoke: the model loaded from the registry answers a batch of live requests sensibly
    valid = predictions.shape == (len(data),) and set(np.unique(predictions)) <= {0, 1}
    detail = f"{len(predictions)} predictions, positive rate {predictions.mean():.3f}"
    return CheckResult(name, bool(valid), detail)


def _train(config: PipelineConfig, env: Environment, data: pd.DataFrame, change: str):
    """Fit on three quarters of the first environment's sample; register; keep a quarter."""
    cut = len(data) * 3 // 4
    train, held_out = data.iloc[:cut], data.iloc[cut:]
    model = make_model(config.features).fit(train, train[config.label])
    version = registry.register_model(
        model,
        config.registered_model(env),
        experiment=env.experiment,
        params={"change": change, "features": ",".join(config.features), "rows": cut},
        metrics={"train_accuracy": accuracy_score(train[config.label], model.predict(train))},
        tags={"change": change},
        run_name=f"{change}: train",
    )
    return model, held_out, version


def _gate(
    config: PipelineConfig,
    env: Environment,
    source: str,
    checks: tuple[CheckResult, ...],
    *,
    change: str,
    registered: str | None,
) -> Promotion:
    """Log the checks, then deploy ``source`` into ``env`` if they all pass, or tag the refusal.

    ``registered``: the version already in ``env``'s registered model (the first
    environment trains there); otherwise the source is copied in.
    """
    from mlflow import MlflowClient

    log_run(
        env.experiment,
        params={"change": change, "candidate": source},
        metrics={f"check_{check.name}": float(check.passed) for check in checks},
        tables={"checks": "\n".join(f"{c.name}: {c.detail}" for c in checks)},
        run_name=f"{change}: gates",
    )
    if not all(check.passed for check in checks):
        refused = "; ".join(f"{c.name}: {c.detail}" for c in checks if not c.passed)
        registry.tag_version(*_split(source), {f"promotion.{env.name}": f"refused: {refused}"})
        return Promotion(env.name, source, checks, None)
    client = MlflowClient()
    name = config.registered_model(env)
    version = registered or str(client.copy_model_version(source, name).version)
    client.set_registered_model_alias(name, registry.CHAMPION, version)
    summary = "; ".join(f"{c.name}: pass" for c in checks)
    registry.tag_version(
        name, version, {"change": change, "promotion.source": source, "promotion.checks": summary}
    )
    return Promotion(env.name, source, checks, version)


def run_pipeline(config: PipelineConfig, *, change: str) -> PipelineRun:
    """Train in the first environment, then promote through the others while the gates pass.

    In the first environment (development) the model is trained on three
    quarters of that environment's sample, registered, and checked on the
    remaining quarter. Each later environment loads the previous environment's
    champion from the registry, runs its own checks on its own data, and copies
    the version into its registered model only if all pass. Each environment's
    checks are logged as a run in its experiment; the versions carry them as tags.

    Args:
        config: The pipeline's settings (``features`` is the change's content).
        change: A name for the change, like a commit message.

    Returns:
        Where the change went and what each gate said.
    """
    from mlops_atlas.validation import compute_statistics, infer_schema

    # the data contract: a schema inferred once from the historical export
    contract = infer_schema(compute_statistics(make_applications(seed=0, rows=5_000)))
    production = None
    if deployed_versions(config)[config.environments[-1].name]:
        production = registry.load_model(
            config.registered_model(config.environments[-1]), registry.CHAMPION
        )
    evidence = _Evidence(contract, production)
    promotions: list[Promotion] = []
    source, registered = "", None
    for index, env in enumerate(config.environments):
        data = make_applications(seed=env.seed, rows=env.rows, serving=env.serving)
        if index == 0:
            model, data, registered = _train(config, env, data, change)
            source = registry.model_uri(config.registered_model(env), registered)
        else:
            model, registered = registry.load_model(*_split(source)), None
        checks = tuple(_check(c, model, data, config, env, evidence) for c in env.checks)
        promotion = _gate(config, env, source, checks, change=change, registered=registered)
        promotions.append(promotion)
        if not promotion.passed or promotion.version is None:
            break
        source = registry.model_uri(config.registered_model(env), promotion.version)
    return PipelineRun(change, config.features, tuple(promotions), deployed_versions(config))


def _split(uri: str) -> tuple[str, str]:
    """``models:/NAME/VERSION`` -> (NAME, VERSION)."""
    name, _, version = uri.removeprefix("models:/").rpartition("/")
    return name, version
