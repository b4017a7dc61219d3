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


def main() -> UnderutilizedResult:
    """Run the detectors, print what they find, save the figure, log the run."""
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

    from mlops_atlas.outputs import output_dir, save_figure
    from mlops_atlas.tracking import log_run

    figure = plot(result)
    save_figure(figure, output_dir("underutilized_features"), "underutilized-importance")
    log_run(
        "sculley2015-underutilized",
        params={"seed": SEED, "importance_floor": IMPORTANCE_FLOOR},
        metrics={"accuracy_all": result.accuracy_all, "accuracy_pruned": result.accuracy_pruned},
        figures={"underutilized-importance": figure},
        run_name="underutilized-features",
    )
    return result


def plot(result: UnderutilizedResult):
    """Leave-one-out importance per feature, coloured by what the detectors decided."""
    import matplotlib.pyplot as plt

    kind_of = {name: kind for kind, names in result.found.items() for name in names}
    colours = {
        "epsilon": "#dd8452",
        "legacy": "#937860",
        "bundled": "#8172b3",
        "correlated": "#c44e52",
    }
    figure, axis = plt.subplots(figsize=(8, 3.6))
    values = [result.loo_importance[name] for name in result.names]
    axis.barh(
        result.names,
        values,
        color=[colours.get(kind_of.get(n, ""), "#4c72b0") for n in result.names],
    )
    axis.axvline(
        IMPORTANCE_FLOOR, color="black", linestyle="--", linewidth=0.8, label="importance floor"
    )
    axis.invert_yaxis()
    axis.set(
        title="Leave one feature out: what each feature is worth",
        xlabel="rise of validation log-loss",
    )
    for kind, colour in colours.items():
        axis.barh([], [], color=colour, label=kind)
    axis.legend(fontsize=8, loc="lower right")
    figure.tight_layout()
    return figure


if __name__ == "__main__":
    main()
