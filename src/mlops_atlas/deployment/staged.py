"""Staged deployment: shadow, canary, then promotion or automatic rollback.

Shankar et al. (2022, §4.4.3) found organisations spreading a deployment across
stages and evaluating at each: a *shadow* stage, where the candidate scores live
traffic but its predictions are not shown to anyone, then small and growing
fractions of live traffic (a *canary*), then everyone. Versioning (§4.2, §4.5.2)
makes the way back cheap: the previous version stays registered.

This module runs those stages against the MLflow Model Registry
(`mlops_atlas.deployment.registry`): the candidate gets the ``challenger``
alias; shadow and canary load ``champion`` and ``challenger`` by alias, as a
serving system would; the canary is stopped at the first step whose live metric
falls below the guardrail (an SLO, §4.5.6), and the challenger alias is removed;
otherwise the candidate becomes ``champion``. Every decision is a tag on the
version.

Simplification, said once: the canary's labels are taken to arrive at the end of
each step. In most products they arrive late, or never (§5.1.2.2); the
label-free signals (disagreement, predicted positive rate) are reported beside
the metric for that reason.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score

from mlops_atlas.deployment import registry
from mlops_atlas.errors import AtlasError

__all__ = [
    "CanaryReport",
    "CanaryStep",
    "DeploymentError",
    "RolloutResult",
    "ShadowReport",
    "bootstrap_champion",
    "run_canary",
    "run_shadow",
    "staged_rollout",
]

Metric = Callable[[np.ndarray, np.ndarray], float]


class DeploymentError(AtlasError):
    """A rollout cannot start: no champion, an unknown version, or bad stage settings."""


@dataclass(frozen=True)
class ShadowReport:
    """The shadow stage: both models score the same live requests; only the champion is served.

    Attributes:
        requests: Requests scored by both models.
        disagreements: Requests on which the two predictions differ.
        champion_positive_rate: Share of positive predictions of the champion.
        challenger_positive_rate: The same for the challenger (no label needed).
    """

    requests: int
    disagreements: int
    champion_positive_rate: float
    challenger_positive_rate: float

    @property
    def disagreement_rate(self) -> float:
        """Share of requests on which the two models disagree."""
        return self.disagreements / self.requests


@dataclass(frozen=True)
class CanaryStep:
    """One step of a canary: a fraction of one batch of live traffic goes to the challenger.

    Attributes:
        fraction: Share of the batch routed to the challenger.
        challenger_requests: Requests the challenger served.
        champion_requests: Requests the champion served.
        challenger_metric: The live metric on the challenger's requests.
        champion_metric: The live metric on the champion's requests.
        challenger_positive_rate: Share of positive predictions served by the challenger.
        champion_positive_rate: The same for the champion.
        passed: ``challenger_metric >= guardrail``.
    """

    fraction: float
    challenger_requests: int
    champion_requests: int
    challenger_metric: float
    champion_metric: float
    challenger_positive_rate: float
    champion_positive_rate: float
    passed: bool


@dataclass(frozen=True)
class CanaryReport:
    """The canary stage, step by step; it stops at the first step that fails.

    Attributes:
        guardrail: The lowest acceptable live metric of the challenger.
        metric: The metric's name.
        planned: The fractions planned, in order.
        steps: The steps run (fewer than planned when one failed).
    """

    guardrail: float
    metric: str
    planned: tuple[float, ...]
    steps: tuple[CanaryStep, ...]

    @property
    def passed(self) -> bool:
        """True when every planned step ran and passed."""
        return len(self.steps) == len(self.planned) and all(step.passed for step in self.steps)

    @property
    def failed_step(self) -> CanaryStep | None:
        """The step that stopped the canary, if any."""
        return next((step for step in self.steps if not step.passed), None)

    def summary(self) -> str:
        """One line per step: fraction, requests, both metrics, verdict."""
        return "\n".join(
            f"{step.fraction:>5.0%} of traffic, {step.challenger_requests:>4} requests: "
            f"challenger {self.metric} {step.challenger_metric:.3f}, "
            f"champion {step.champion_metric:.3f} -> "
            f"{'pass' if step.passed else f'below the guardrail {self.guardrail:.2f}'}"
            for step in self.steps
        )


@dataclass(frozen=True)
class RolloutResult:
    """What a staged rollout did to the registry.

    Attributes:
        name: The registered model.
        version: The candidate version.
        previous_champion: The version that was champion when the rollout started.
        shadow: The shadow stage.
        canary: The canary stage.
        decision: ``"promoted"`` or ``"rolled_back"``.
        reason: Why, in one line.
        aliases: The registered model's aliases afterwards (alias -> version).
        tags: The candidate version's tags afterwards.
    """

    name: str
    version: str
    previous_champion: str
    shadow: ShadowReport
    canary: CanaryReport
    decision: str
    reason: str
    aliases: dict[str, str]
    tags: dict[str, str]

    def report(self) -> str:
        """The rollout in a few lines: shadow, canary steps, decision, aliases."""
        shadow = self.shadow
        lines = [
            f"version {self.version} as challenger, version {self.previous_champion} as champion",
            f"shadow: {shadow.requests} live requests scored by both, only the champion served;"
            f" disagreement {shadow.disagreement_rate:.1%}",
            f"        predicted default rate: champion {shadow.champion_positive_rate:.1%},"
            f" challenger {shadow.challenger_positive_rate:.1%}",
            f"canary (guardrail: live {self.canary.metric} >= {self.canary.guardrail:.2f}):",
            *(f"  {line}" for line in self.canary.summary().splitlines()),
            f"decision: {self.decision.replace('_', ' ')}: {self.reason}",
            "aliases now: " + ", ".join(f"{a} -> {v}" for a, v in self.aliases.items()),
        ]
        return "\n".join(lines)


def run_shadow(champion: Any, challenger: Any, requests: pd.DataFrame) -> ShadowReport:
    """Score the same requests with both models; nobody sees the challenger's answers.

    Args:
        champion: The model in production (anything with ``predict``).
        challenger: The candidate.
        requests: Live requests (labels, if present, are not used).

    Returns:
        How often, and how, the two disagree.
    """
    if requests.empty:
        raise DeploymentError("the shadow stage needs at least one request")
    served = np.asarray(champion.predict(requests))
    shadowed = np.asarray(challenger.predict(requests))
    return ShadowReport(
        requests=len(requests),
        disagreements=int((served != shadowed).sum()),
        champion_positive_rate=float(served.mean()),
        challenger_positive_rate=float(shadowed.mean()),
    )


def run_canary(
    champion: Any,
    challenger: Any,
    batches: Sequence[pd.DataFrame],
    fractions: Sequence[float],
    *,
    guardrail: float,
    label: str,
    seed: int,
    metric: Metric = accuracy_score,
    metric_name: str = "accuracy",
) -> CanaryReport:
    """Route a growing fraction of live traffic to the challenger; stop at the first failure.

    Step ``i`` routes each request of ``batches[i]`` to the challenger with
    probability ``fractions[i]`` (seeded), serves the rest with the champion, and
    measures both on their own requests once the labels are in.

    Args:
        champion: The model in production.
        challenger: The candidate.
        batches: One batch of live traffic per step, with the ``label`` column.
        fractions: The challenger's share at each step, each in (0, 1].
        guardrail: The lowest acceptable live metric of the challenger (e.g. an SLO).
        label: The label column.
        seed: Seed of the routing.
        metric: ``metric(y_true, y_pred)``, higher is better.
        metric_name: The metric's name, for reports and tags.

    Returns:
        The steps run and the verdict.

    Raises:
        DeploymentError: Fractions outside (0, 1], or fewer batches than fractions.
    """
    _check_plan(batches, fractions)
    rng = np.random.default_rng(seed)
    steps = []
    for fraction, batch in zip(fractions, batches, strict=False):
        routed = rng.random(len(batch)) < fraction
        truth = batch[label].to_numpy()
        new = np.asarray(challenger.predict(batch[routed]))
        old = np.asarray(champion.predict(batch[~routed]))
        if new.size == 0 or old.size == 0:
            raise DeploymentError(
                f"a canary step routed {new.size} requests to the challenger and {old.size} "
                "to the champion: use larger batches or another fraction"
            )
        value = float(metric(truth[routed], new))
        steps.append(
            CanaryStep(
                fraction=float(fraction),
                challenger_requests=int(new.size),
                champion_requests=int(old.size),
                challenger_metric=value,
                champion_metric=float(metric(truth[~routed], old)),
                challenger_positive_rate=float(new.mean()),
                champion_positive_rate=float(old.mean()),
                passed=value >= guardrail,
            )
        )
        if not steps[-1].passed:
            break
    return CanaryReport(guardrail, metric_name, tuple(float(f) for f in fractions), tuple(steps))


def _check_plan(batches: Sequence[pd.DataFrame], fractions: Sequence[float]) -> None:
    if not fractions or any(not 0 < fraction <= 1 for fraction in fractions):
        raise DeploymentError(f"canary fractions must each be in (0, 1], got {list(fractions)}")
    if len(batches) < len(fractions):
        raise DeploymentError(
            f"the canary has {len(fractions)} steps but only {len(batches)} batches of traffic"
        )


def bootstrap_champion(name: str, version: str, *, reason: str) -> None:
    """Make ``version`` the first champion of ``name`` (nothing to compare it with yet)."""
    from mlflow import MlflowClient

    MlflowClient().set_registered_model_alias(name, registry.CHAMPION, version)
    registry.tag_version(name, version, {"rollout.decision": "promoted", "rollout.reason": reason})


def _stages(
    name: str,
    version: str,
    previous: str,
    shadow_requests: pd.DataFrame,
    canary_batches: Sequence[pd.DataFrame],
    fractions: Sequence[float],
    guardrail: float,
    label: str,
    seed: int,
) -> tuple[ShadowReport, CanaryReport]:
    """Shadow then canary, loading both models by alias; each stage's results become tags."""
    champion = registry.load_model(name, registry.CHAMPION)
    challenger = registry.load_model(name, registry.CHALLENGER)
    shadow = run_shadow(champion, challenger, shadow_requests)
    registry.tag_version(
        name,
        version,
        {
            "shadow.requests": shadow.requests,
            "shadow.disagreement_rate": shadow.disagreement_rate,
            "shadow.champion_version": previous,
        },
    )
    canary = run_canary(
        champion,
        challenger,
        canary_batches,
        fractions,
        guardrail=guardrail,
        label=label,
        seed=seed,
    )
    registry.tag_version(
        name,
        version,
        {
            "canary.guardrail": guardrail,
            "canary.metric": canary.metric,
            "canary.steps": "; ".join(
                f"{step.fraction:.0%}: {step.challenger_metric:.3f} (n={step.challenger_requests})"
                for step in canary.steps
            ),
            f"canary.live_{canary.metric}": canary.steps[-1].challenger_metric,
        },
    )
    return shadow, canary


def staged_rollout(
    name: str,
    version: str,
    *,
    shadow_requests: pd.DataFrame,
    canary_batches: Sequence[pd.DataFrame],
    fractions: Sequence[float],
    guardrail: float,
    label: str,
    seed: int,
) -> RolloutResult:
    """Take ``version`` through shadow and canary; promote it, or roll it back automatically.

    The version gets the ``challenger`` alias; the stages load ``champion`` and
    ``challenger`` from the registry by alias. If every canary step keeps the
    live accuracy at or above ``guardrail``, the version becomes ``champion``
    (the previous champion stays registered, as the fallback); otherwise the
    ``challenger`` alias is removed and the champion never stopped serving.
    Tags on the version record each stage and the decision.

    Args:
        name: The registered model.
        version: The candidate version (already registered).
        shadow_requests: Live requests for the shadow stage.
        canary_batches: One batch of labelled live traffic per canary step.
        fractions: The challenger's share of traffic at each canary step.
        guardrail: The lowest acceptable live accuracy (the SLO).
        label: The label column of the canary batches.
        seed: Seed of the canary's routing.

    Returns:
        The stages' reports, the decision and the registry's state afterwards.

    Raises:
        DeploymentError: The model has no champion yet, or the stage settings are wrong.
    """
    from mlflow import MlflowClient

    client = MlflowClient()
    current = registry.aliases(name)
    if registry.CHAMPION not in current:
        raise DeploymentError(
            f"registered model {name!r} has no {registry.CHAMPION!r} alias: "
            "make a first version champion with bootstrap_champion()"
        )
    previous = current[registry.CHAMPION]
    _check_plan(canary_batches, fractions)  # before any alias moves
    client.set_registered_model_alias(name, registry.CHALLENGER, version)
    try:
        shadow, canary = _stages(
            name,
            version,
            previous,
            shadow_requests,
            canary_batches,
            fractions,
            guardrail,
            label,
            seed,
        )
    except Exception:
        # a rollout that breaks half-way leaves no challenger behind; the champion never moved
        client.delete_registered_model_alias(name, registry.CHALLENGER)
        registry.tag_version(name, version, {"rollout.decision": "aborted"})
        raise
    last = canary.steps[-1]
    if canary.passed:
        decision = "promoted"
        reason = (
            f"live {canary.metric} stayed at or above {guardrail:.2f} at every step "
            f"(last: {last.challenger_metric:.3f} on {last.fraction:.0%} of traffic)"
        )
        client.set_registered_model_alias(name, registry.CHAMPION, version)
        client.delete_registered_model_alias(name, registry.CHALLENGER)
        registry.tag_version(name, previous, {"rollout.superseded_by": version})
        registry.tag_version(name, version, {"rollout.previous_champion": previous})
    else:
        decision = "rolled_back"
        reason = (
            f"live {canary.metric} {last.challenger_metric:.3f} fell below the guardrail "
            f"{guardrail:.2f} on {last.fraction:.0%} of traffic; champion {previous} kept serving"
        )
        client.delete_registered_model_alias(name, registry.CHALLENGER)
    registry.tag_version(name, version, {"rollout.decision": decision, "rollout.reason": reason})
    return RolloutResult(
        name=name,
        version=version,
        previous_champion=previous,
        shadow=shadow,
        canary=canary,
        decision=decision,
        reason=reason,
        aliases=registry.aliases(name),
        tags=registry.version_tags(name, version),
    )
