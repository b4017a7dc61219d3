"""Training/serving skew: a schema catches what a model would silently swallow.

Illustrates Baylor et al. 2017, "TFX: A TensorFlow-Based Production-Scale Machine
Learning Platform" (``baylor2017tfx``): data validation as a platform component,
with the schema as the contract between training and serving. We train a
scikit-learn model on a synthetic customer table, infer a schema from the
training statistics with TFDV's rules, then receive a serving batch with four
problems a real pipeline meets: a renamed column, a new category, missing
values and a shifted distribution. The validator names each one, measures the
skew between training and serving as TFDV does (L-infinity distance for
categories, approximate Jensen-Shannon divergence for numbers), and lets a
clean batch through.

Run it: ``python examples/train_serve_skew.py`` (a few seconds; the figure goes
to ``outputs/train_serve_skew/``, the run to MLflow).
"""

# %%
# A synthetic world: customers with an age, an income, a plan and a region;
# the label (churn) depends on all four.
import numpy as np
import pandas as pd

from mlops_atlas.validation import (
    compute_statistics,
    infer_schema,
    set_default_thresholds,
    set_environments,
    validate_statistics,
)

SEED = 0
ROWS = 5_000
CATEGORICAL_THRESHOLD = 0.1  # L-infinity, as in TFDV's tutorials
NUMERIC_THRESHOLD = 0.1  # approximate Jensen-Shannon divergence
PLANS = ["basic", "plus", "premium"]
REGIONS = ["north", "south", "east", "west"]


def make_customers(rng: np.random.Generator, rows: int, age_shift: float = 0.0) -> pd.DataFrame:
    """Customers and their churn label; ``age_shift`` moves the age distribution."""
    age = np.clip(rng.normal(38 + age_shift, 9, rows), 18, 90).round().astype(int)
    income = rng.lognormal(10.5, 0.4, rows).round(2)
    plan = rng.choice(PLANS, rows, p=[0.5, 0.3, 0.2])
    region = rng.choice(REGIONS, rows)
    score = -0.1 * (age - 38) - 1.5 * (plan == "premium") + 1.0 * (region == "south")
    churn = (rng.random(rows) < 1 / (1 + np.exp(-score))).astype(int)
    return pd.DataFrame(
        {"age": age, "income": income, "plan": plan, "region": region, "churn": churn}
    )


def train_model(training: pd.DataFrame):
    """A logistic regression on one-hot categories and scaled numbers."""
    from sklearn.compose import make_column_transformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    features = make_column_transformer(
        (StandardScaler(), ["age", "income"]),
        (OneHotEncoder(handle_unknown="ignore"), ["plan", "region"]),
    )
    model = make_pipeline(features, LogisticRegression())
    return model.fit(training.drop(columns="churn"), training["churn"])


def break_batch(batch: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """The four things that go wrong between training and serving."""
    broken = batch.rename(columns={"region": "Region"})  # 1. an upstream rename
    broken.loc[broken.index[:750], "plan"] = "enterprise"  # 2. a new category
    broken["income"] = broken["income"].mask(rng.random(len(broken)) < 0.08)  # 3. missing values
    return broken  # 4. the age shift comes from make_customers(age_shift=...)


# %%
# Train the model on 5,000 customers from that world.
rng = np.random.default_rng(SEED)
training = make_customers(rng, ROWS)
model = train_model(training)
print(
    f"model trained on {len(training)} rows; training accuracy {model.score(training.drop(columns='churn'), training['churn']):.3f}"
)

# %%
# The schema is inferred from the training statistics with TFDV's rules:
# types, presence, one value per example, the plan and region vocabularies.
# The label is expected in TRAINING only; skew thresholds are set for every
# categorical and numeric feature at once.
training_stats = compute_statistics(training)
schema = infer_schema(training_stats)
set_environments(schema, training_only=("churn",))
set_default_thresholds(
    schema, categorical=CATEGORICAL_THRESHOLD, numeric=NUMERIC_THRESHOLD, comparator="skew"
)

# %%
# A serving batch from an older population, with three more things wrong.
serving = break_batch(make_customers(rng, ROWS, age_shift=15).drop(columns="churn"), rng)
serving_stats = compute_statistics(serving)
anomalies = validate_statistics(serving_stats, schema, environment="SERVING")
print("\nserving batch against the schema (environment SERVING):")
print(anomalies.table())

# %%
# Skew: training statistics against serving statistics, as TFDV's
# validate_statistics(train_stats, schema, serving_statistics=...) does.
skew = validate_statistics(
    training_stats, schema, environment="TRAINING", serving_statistics=serving_stats
)
print("\ntraining vs serving (skew):")
print(skew.table())
print()
print(skew.measurement_table())
verdict = "BLOCK: do not serve this batch" if not (anomalies.ok and skew.ok) else "serve"
print(f"\ndecision: {verdict}")

# %%
# A clean batch from the training distribution passes, and the model serves it.
clean = make_customers(rng, ROWS)
clean_stats = compute_statistics(clean.drop(columns="churn"))
clean_anomalies = validate_statistics(clean_stats, schema, environment="SERVING")
clean_skew = validate_statistics(
    training_stats, schema, environment="TRAINING", serving_statistics=clean_stats
)
print(f"\nclean batch against the schema: {clean_anomalies.table()}")
print(f"clean batch, training vs serving: {clean_skew.table()}")
print(
    f"clean batch served; accuracy {model.score(clean.drop(columns='churn'), clean['churn']):.3f}"
)
largest = max(clean_skew.measurements, key=lambda m: m.value)
print(f"largest clean skew: {largest.feature} {largest.measure} {largest.value:.4f}")

# %%
# A figure of what drifted: age and plan, training against serving.
from mlops_atlas.outputs import output_dir, save_figure


def plot(training: pd.DataFrame, serving: pd.DataFrame):
    """Age histograms and plan frequencies, training against serving."""
    import matplotlib.pyplot as plt

    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
    bins = np.linspace(18, 90, 25)
    left.hist(training["age"], bins=bins, alpha=0.6, density=True, label="training")
    left.hist(serving["age"], bins=bins, alpha=0.6, density=True, label="serving")
    left.set(title="age: the serving population is older", xlabel="age", ylabel="density")
    left.legend(fontsize=8)

    plans = [*PLANS, "enterprise"]
    train_share = training["plan"].value_counts(normalize=True).reindex(plans, fill_value=0)
    serve_share = serving["plan"].value_counts(normalize=True).reindex(plans, fill_value=0)
    positions = np.arange(len(plans))
    right.bar(positions - 0.2, train_share, 0.4, label="training")
    right.bar(positions + 0.2, serve_share, 0.4, label="serving")
    right.set_xticks(positions, plans)
    right.set(title="plan: a category the schema does not know", ylabel="share of rows")
    right.legend(fontsize=8)
    figure.tight_layout()
    return figure


figure = plot(training, serving)
saved = save_figure(figure, output_dir("train_serve_skew"), "train_serve_skew-distributions")
print(f"\nfigure: {saved.name}")

# %%
# Log the run to MLflow.
from mlops_atlas.tracking import log_run

log_run(
    "baylor2017-train-serve-skew",
    params={
        "seed": SEED,
        "rows": ROWS,
        "categorical_threshold": CATEGORICAL_THRESHOLD,
        "numeric_threshold": NUMERIC_THRESHOLD,
    },
    metrics={
        "serving_anomalies": sum(len(v) for v in anomalies.anomalies.values()),
        **{f"skew_{m.feature}": m.value for m in skew.measurements},
    },
    figures={"train_serve_skew-distributions": figure},
    tables={"anomalies": anomalies.table(), "skew": skew.measurement_table()},
    run_name="train-serve-skew",
)
