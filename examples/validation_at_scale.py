"""Validation at scale: the same statistics from chunks, files and a cluster.

Illustrates Breck et al. 2019, "Data Validation for Machine Learning"
(``breck2019data``), abstract: a validation system inside TFX that monitors several
petabytes of production data per day, which it can only do because statistics are
computed in pieces and merged. Here the validator's statistics are computed four
ways, in memory, from a CSV read 50,000 rows at a time, from Parquet and on Dask,
and give the same anomalies and drift values; reading in chunks keeps memory
bounded by the chunk, not by the file. An integer feature then shows the drift
comparator built on TFDV's quantile-derived histograms, and the floor its
divergence has even without drift.

Run it: ``python examples/validation_at_scale.py`` (a few seconds; the figure goes
to ``outputs/validation_at_scale/``).
"""

# %%
# Two batches of a table with an integer count, a skewed amount and two text
# columns: yesterday's and today's. Today the average number of orders rises from
# 2.0 to 2.6 and the share of "premium" grows: real drift in two features.
import tracemalloc

import numpy as np
import pandas as pd

from mlops_atlas.outputs import output_dir

SEED = 0
ROWS = 200_000
CHUNK_ROWS = 50_000
FOLDER = output_dir("validation_at_scale")


def make_batch(rng: np.random.Generator, orders: float, premium: float) -> pd.DataFrame:
    """One day's rows: orders (Poisson counts), amount, plan and city."""
    return pd.DataFrame(
        {
            "orders": rng.poisson(orders, ROWS),
            "amount": rng.lognormal(3.5, 0.6, ROWS).round(2),
            "plan": rng.choice(["basic", "plus", "premium"], ROWS, p=[0.6, 0.4 - premium, premium]),
            "city": rng.choice([f"city{i:02d}" for i in range(40)], ROWS),
        }
    )


rng = np.random.default_rng(SEED)
yesterday = make_batch(rng, orders=2.0, premium=0.10)
today = make_batch(rng, orders=2.6, premium=0.16)
paths = {}
for name, frame in (("yesterday", yesterday), ("today", today)):
    paths[name] = FOLDER / f"{name}.csv"
    frame.to_csv(paths[name], index=False)
    frame.to_parquet(FOLDER / f"{name}.parquet")
print(f"{ROWS:,} rows a day; yesterday.csv is {paths['yesterday'].stat().st_size / 1e6:.1f} MB")

# %%
# The statistics four ways. In memory: the whole CSV read, then summarised. In
# chunks: ``stream_statistics`` reads 50,000 rows at a time and merges each chunk's
# summary (counts, extremes, parallel moments, value counts, exact integer counts).
# From Parquet, batch by batch. On Dask: one summary per partition
# (``map_partitions``), merged up a tree. Each way validates today against
# yesterday with the same schema and thresholds.
import dask.dataframe as dd

from mlops_atlas.validation import (
    compute_statistics,
    infer_schema,
    set_default_thresholds,
    stream_statistics,
    validate_statistics,
)
from mlops_atlas.validation.distributed import dask_statistics
from mlops_atlas.validation.sources import read_table

ways = {
    "in memory": lambda day: compute_statistics(read_table(paths[day])),
    "CSV in chunks": lambda day: stream_statistics(paths[day], CHUNK_ROWS),
    "Parquet in chunks": lambda day: stream_statistics(FOLDER / f"{day}.parquet", CHUNK_ROWS),
    "Dask, 4 partitions": lambda day: dask_statistics(
        dd.from_pandas(read_table(paths[day]), npartitions=4)
    ),
}
results = {}
for way, statistics in ways.items():
    previous, current = statistics("yesterday"), statistics("today")
    schema = set_default_thresholds(infer_schema(previous), categorical=0.05, numeric=0.05)
    results[way] = validate_statistics(current, schema, previous_statistics=previous)
    values = {m.feature: round(m.value, 6) for m in results[way].measurements}
    print(f"{way:<19} anomalies {sorted(results[way].anomalies)}  drift {values}")
same_everywhere = all(
    r.types() == results["in memory"].types()
    and [round(m.value, 12) for m in r.measurements]
    == [round(m.value, 12) for m in results["in memory"].measurements]
    for r in results.values()
)
print(f"same anomalies and drift values every way: {same_everywhere}")

# %%
# Memory. Python's allocator tracer measures the peak while the statistics of
# yesterday's CSV are computed whole and in chunks. Reading whole, the peak
# follows the file; in chunks it follows the chunk (and would stay there for a
# file ten times larger).


def peak_megabytes(function) -> float:
    """Peak traced memory (MB) while ``function`` runs."""
    tracemalloc.start()
    function()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1e6


peak_whole = peak_megabytes(lambda: compute_statistics(read_table(paths["yesterday"])))
peak_chunked = peak_megabytes(lambda: stream_statistics(paths["yesterday"], CHUNK_ROWS))
print(
    f"peak memory, whole file: {peak_whole:.0f} MB; in chunks of {CHUNK_ROWS:,}: {peak_chunked:.0f} MB"
)

# %%
# Drift on the integer feature. TFDV compares numeric features with an
# approximate Jensen-Shannon divergence between 10-bucket histograms, and builds
# those histograms from 1,000 quantiles: an integer that falls on a bucket edge
# counts in the bucket on its left. The buckets span each day's own min and max,
# so a second day without drift whose largest count differs still has a
# divergence well above zero: the threshold must sit above that floor.
from mlops_atlas.validation import jensen_shannon_divergence

statistics_of = {
    "yesterday": stream_statistics(paths["yesterday"], CHUNK_ROWS),
    "today": stream_statistics(paths["today"], CHUNK_ROWS),
    "no-drift day": compute_statistics(make_batch(np.random.default_rng(7), 2.0, 0.10)),
}
no_drift = jensen_shannon_divergence(
    statistics_of["no-drift day"]["orders"], statistics_of["yesterday"]["orders"]
)
shifted = jensen_shannon_divergence(
    statistics_of["today"]["orders"], statistics_of["yesterday"]["orders"]
)
maxima = {day: int(stats["orders"].max) for day, stats in statistics_of.items()}
print(f"orders, largest count by day: {maxima}")
print(f"orders: JSD no drift {no_drift:.4f}, shifted mean {shifted:.4f} (threshold 0.05)")
for day in ("yesterday", "today"):
    buckets = statistics_of[day]["orders"].histogram.buckets
    print(
        f"{day:<10} "
        + " ".join(f"({low:g},{high:g}]:{count:,.0f}" for low, high, count in buckets[:6])
    )

# %%
# The two standard histograms of ``orders``, as the comparator aligns them.
import matplotlib.pyplot as plt

from mlops_atlas.outputs import save_figure

fig, ax = plt.subplots(figsize=(7, 3.2))
for day, colour in (("yesterday", "#4c72b0"), ("today", "#dd8452")):
    buckets = statistics_of[day]["orders"].histogram.buckets
    lows = [low for low, _, _ in buckets]
    widths = [high - low for low, high, _ in buckets]
    total = sum(count for _, _, count in buckets)
    ax.bar(lows, [c / total for _, _, c in buckets], widths, align="edge", alpha=0.55,
           color=colour, edgecolor=colour, label=day)  # fmt: skip
ax.set_xlabel("orders per customer (TFDV's standard histogram, 10 buckets)")
ax.set_ylabel("share of rows")
ax.set_title(f"JSD today vs yesterday = {shifted:.3f}")
ax.legend()
fig.tight_layout()
figure = save_figure(fig, FOLDER, "validation_at_scale-orders")
print(f"figure: {figure.name}")
