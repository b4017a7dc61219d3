"""Staged deployment: shadow, canary, then promotion or automatic rollback.

Illustrates Shankar et al. 2022, "Operationalizing Machine Learning: An Interview
Study" (``shankar2022operationalizing``), §4.4.3: a deployment spread across
stages and evaluated at each (a shadow stage, then growing fractions of live
traffic), with old versions kept as fallbacks (§4.5.2) and an SLO as the
guardrail (§4.5.6); see also Huyen 2022, "Designing Machine Learning Systems"
(``huyen2022designing``), ch. 9, on testing in production. Two candidates go
through the same stages in MLflow's Model Registry: one is promoted, the other,
which looked better offline, is rolled back automatically by the canary.

Run it: ``python examples/staged_deployment.py`` (seconds; the registry is the
MLflow store that ``MLFLOW_TRACKING_URI`` names, ``mlflow.db`` by default, and the
figure goes to ``outputs/staged_deployment/``).
"""

# %%
# A lender's model predicts which loan applications will default. Three versions
# are trained on the historical export: version 1 (the model in production),
# version 2 (adds a new signal, `x3`) and version 3 (adds `collections_contact`
# as well, a column the collections team fills in *after* a default: in the
# export it nearly gives the answer away, at decision time it is always 0).
# Each is registered as a new version of one registered model.
from sklearn.metrics import accuracy_score

from mlops_atlas.deployment import (
    LABEL,
    aliases,
    bootstrap_champion,
    make_applications,
    make_model,
    register_model,
    reset_registered_model,
)

SEED = 7
NAME = "staged-deployment-credit"
EXPERIMENT = "shankar2022-staged-deployment"
FEATURES = {
    "1": ["x1", "x2", "local_score"],
    "2": ["x1", "x2", "x3", "local_score"],
    "3": ["x1", "x2", "x3", "local_score", "collections_contact"],
}

history = make_applications(seed=SEED, rows=20_000)
train, validation = history.iloc[:15_000], history.iloc[15_000:]
reset_registered_model(NAME)  # the example owns this registered model: start from nothing
offline = {}
for expected, features in FEATURES.items():
    model = make_model(features).fit(train, train[LABEL])
    offline[expected] = accuracy_score(validation[LABEL], model.predict(validation))
    version = register_model(
        model,
        NAME,
        experiment=EXPERIMENT,
        params={"features": ",".join(features), "seed": SEED},
        metrics={"validation_accuracy": offline[expected]},
        run_name=f"train version {expected}",
    )
    assert version == expected, f"expected version {expected}, the registry made {version}"
    print(f"version {version}: {', '.join(features)}")
    print(f"           offline validation accuracy {offline[version]:.3f}")
bootstrap_champion(NAME, "1", reason="first version: nothing to compare it with")
print(f"\naliases: {aliases(NAME)}")

# %%
# The rollout policy. The guardrail is the service-level objective: live
# accuracy below it is an incident. The canary grows from 10% to 25% to 50% of
# each batch of live requests; the shadow stage sees 2,000 requests first.
from mlops_atlas.deployment import staged_rollout

GUARDRAIL = 0.70
FRACTIONS = (0.10, 0.25, 0.50)


def live_traffic(seed: int) -> dict:
    """Live requests for one rollout: a shadow batch and one batch per canary step."""
    live = make_applications(seed=seed, rows=2_000 * (1 + len(FRACTIONS)), serving=True)
    batches = [live.iloc[i : i + 2_000] for i in range(0, len(live), 2_000)]
    return {"shadow_requests": batches[0], "canary_batches": batches[1:]}


# %%
# Version 2 goes through shadow and canary. Its live accuracy stays above the
# guardrail at every step, so it becomes the champion; version 1 stays
# registered as the fallback.
promotion = staged_rollout(
    NAME,
    "2",
    **live_traffic(SEED + 1),
    fractions=FRACTIONS,
    guardrail=GUARDRAIL,
    label=LABEL,
    seed=SEED,
)
print(promotion.report())

# %%
# Version 3 is the best model offline by far. In the shadow stage it already
# disagrees with the champion on many requests; at the first canary step its
# live accuracy falls below the guardrail, and the rollout stops by itself: the
# challenger alias is removed, the champion never stopped serving.
rollback = staged_rollout(
    NAME,
    "3",
    **live_traffic(SEED + 2),
    fractions=FRACTIONS,
    guardrail=GUARDRAIL,
    label=LABEL,
    seed=SEED,
)
print(rollback.report())

# %%
# The registry keeps the record: each version's tags say what was decided and
# why. A revert is one alias move back to the `rollout.previous_champion`.
from mlops_atlas.deployment import version_tags

final_aliases = aliases(NAME)
print(f"aliases: {final_aliases}")
final_tags = {version: version_tags(NAME, version) for version in FEATURES}
for version, tags in final_tags.items():
    print(f"\nversion {version}")
    for key, value in tags.items():
        print(f"  {key} = {value}")

# %%
# A figure: the challenger's live accuracy at each canary step, against the
# champion's on the rest of the traffic and the guardrail.
import matplotlib.pyplot as plt

from mlops_atlas.outputs import output_dir, save_figure

figure, panels = plt.subplots(1, 2, figsize=(9, 3.8), sharey=True)
planned = [f"{fraction:.0%}" for fraction in FRACTIONS]
for axes, result in zip(panels, (promotion, rollback), strict=True):
    steps = result.canary.steps
    done = range(len(steps))
    axes.plot(done, [s.champion_metric for s in steps], "o-", label="champion (rest of traffic)")
    axes.plot(done, [s.challenger_metric for s in steps], "s-", label="challenger (canary)")
    axes.axhline(GUARDRAIL, color="#c0392b", linestyle="--", label=f"guardrail {GUARDRAIL:.2f}")
    for skipped in range(len(steps), len(planned)):
        axes.annotate("not run", (skipped, 0.55), ha="center", color="#555555")
    axes.set_xticks(range(len(planned)), planned)
    axes.set(
        title=f"version {result.version}: {result.decision.replace('_', ' ')}",
        xlabel="share of live traffic on the challenger",
        xlim=(-0.4, len(planned) - 0.6),
        ylim=(0.5, 0.9),
    )
panels[0].set_ylabel("live accuracy")
panels[0].legend(loc="lower left", fontsize=10)
figure.tight_layout()
saved = save_figure(figure, output_dir("staged_deployment"), "staged_deployment-canary")
print(f"figure: {saved.name}")

# %%
# Log the two rollouts as one run, beside the training runs.
from mlops_atlas.tracking import log_run

log_run(
    EXPERIMENT,
    params={"seed": SEED, "guardrail": GUARDRAIL, "fractions": FRACTIONS},
    metrics={
        "v2_disagreement_rate": promotion.shadow.disagreement_rate,
        "v2_promoted": float(promotion.decision == "promoted"),
        "v3_disagreement_rate": rollback.shadow.disagreement_rate,
        "v3_promoted": float(rollback.decision == "promoted"),
        "v3_live_accuracy": rollback.canary.steps[-1].challenger_metric,
    },
    figures={"staged_deployment-canary": figure},
    tables={"rollouts": promotion.report() + "\n\n" + rollback.report()},
    run_name="staged rollouts",
)
