"""Underutilized data dependencies: find them, remove them, lose nothing.

Illustrates Sculley et al. 2015, "Hidden Technical Debt in Machine Learning
Systems" (``sculley2015hidden``), §3 "Data Dependencies Cost More than Code
Dependencies", *Underutilized Data Dependencies*: legacy, bundled, ε- and
correlated features each cost upkeep and add (almost) nothing. Three useful
features sit next to one planted feature of each kind; leave-one-out
importance finds the ε and legacy features, group ablation the bundle, and
correlation the twin. Removing all of them costs nothing measurable.

Run it: ``python examples/underutilized_features.py`` (a few seconds; figures go
to ``outputs/underutilized_features/``, the run to MLflow).
"""

# %%
# The detectors live in the library; the example sets their limits.
from mlops_atlas.debt.underutilized import PLANTED, UnderutilizedResult, find_underutilized

SEED = 0
IMPORTANCE_FLOOR = 0.001  # log-loss rise below which a feature adds nothing measurable
CORRELATION_LIMIT = 0.9  # above this, two features are twins

result = find_underutilized(
    seed=SEED, importance_floor=IMPORTANCE_FLOOR, correlation_limit=CORRELATION_LIMIT
)

# %%
# Leave-one-feature-out: how much worse the validation log-loss gets without each feature.
print("leave-one-out importance (rise of validation log-loss)")
for name in result.names:
    print(f"  {name:<15}{result.loo_importance[name]:>+9.4f}")
for bundle, rise in result.bundle_importance.items():
    print(f"  {bundle + ' (group)':<15}{rise:>+9.4f}")
for first, second, correlation in result.correlated_pairs:
    print(f"  correlated: {first} ~ {second} (r = {correlation:.2f})")

# %%
# What each detector found, next to what was planted.
print()
print(f"{'kind':<12}{'found':<26}planted")
for kind, names in result.found.items():
    print(f"{kind:<12}{', '.join(names):<26}{PLANTED[kind]}")

# %%
# Removing everything found costs nothing measurable.
print()
print(
    f"validation accuracy: {result.accuracy_all:.4f} with all {len(result.names)} features, "
    f"{result.accuracy_pruned:.4f} without the {len(result.removed)} found"
)


# %%
# A figure: every feature's worth, marked by what the detectors decided.
from mlops_atlas.outputs import output_dir, save_figure

# One colour and one marker per kind (colour-blind-safe Okabe-Ito colours), so a kind
# reads without its colour too; "useful" is every feature the detectors kept.
KINDS = {
    "useful": ("#0072b2", "o"),
    "epsilon": ("#e69f00", "s"),
    "legacy": ("#009e73", "D"),
    "bundled": ("#cc79a7", "^"),
    "correlated": ("#d55e00", "v"),
}


def plot(result: UnderutilizedResult):
    """Leave-one-out importance per feature, marked by what the detectors decided.

    The features found are worth (almost) nothing, so bars for them would have no
    length: each feature is a marker instead, labelled with its value, on an axis
    that is linear near zero and logarithmic beyond (symlog), so that 0.0000 and
    0.0787 both show.
    """
    import matplotlib.pyplot as plt

    kind_of = {name: kind for kind, names in result.found.items() for name in names}
    figure, axis = plt.subplots(figsize=(8.5, 4.2))
    axis.set_xscale("symlog", linthresh=IMPORTANCE_FLOOR)
    axis.axvspan(-IMPORTANCE_FLOOR, IMPORTANCE_FLOOR, color="#eeeeee", zorder=0)
    axis.axvline(IMPORTANCE_FLOOR, color="black", linestyle="--", linewidth=0.8)
    shown = set()
    for row, name in enumerate(result.names):
        kind = kind_of.get(name, "useful")
        colour, marker = KINDS[kind]
        value = result.loo_importance[name]
        axis.hlines(row, 0, value, color=colour, linewidth=2)
        axis.plot(
            value, row, marker=marker, markersize=9, color=colour, linestyle="none",
            label=None if kind in shown else kind,
        )  # fmt: skip
        shown.add(kind)
        axis.annotate(  # the values in a column at the right: no marker hides one
            f"{value:+.4f}", (1.02, row), xycoords=("axes fraction", "data"),
            va="center", fontsize=9,
        )  # fmt: skip
    axis.set_yticks(range(len(result.names)), result.names)
    axis.invert_yaxis()
    axis.set_xlim(-IMPORTANCE_FLOOR / 2, max(result.loo_importance.values()) * 3)
    axis.set(
        title="Leave one feature out: what each feature is worth",
        xlabel="rise of validation log-loss (symlog scale; grey: below the importance floor)",
    )
    axis.legend(title="kind", fontsize=8, title_fontsize=8, loc="lower right")
    figure.tight_layout()
    return figure


figure = plot(result)
saved = save_figure(figure, output_dir("underutilized_features"), "underutilized-importance")
print(f"\nfigure: {saved.name}")

# %%
# Log the run to MLflow, as every example does.
from mlops_atlas.tracking import log_run

log_run(
    "sculley2015-underutilized",
    params={"seed": SEED, "importance_floor": IMPORTANCE_FLOOR},
    metrics={"accuracy_all": result.accuracy_all, "accuracy_pruned": result.accuracy_pruned},
    figures={"underutilized-importance": figure},
    run_name="underutilized-features",
)
