"""Throughput of mlops_atlas.validation end to end: statistics, schema inference, validation.

One million rows with numeric and string columns, as a pandas DataFrame already in
memory (reading the CSV is not timed). Prints rows per second for each step and for
the whole, using one core (numpy and pandas run these operations single-threaded).

Run: ``python benchmarks/bench_validation.py [ROWS]``.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

from mlops_atlas.validation import (
    compute_statistics,
    infer_schema,
    set_default_thresholds,
    validate_statistics,
)


def make_frame(rows: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "age": rng.integers(18, 90, rows),
            "income": rng.lognormal(10, 0.5, rows),
            "score": rng.normal(size=rows),
            "member": rng.integers(0, 2, rows),
            "plan": rng.choice(["basic", "plus", "premium"], rows),
            "city": rng.choice([f"city{i:02d}" for i in range(60)], rows),
        }
    )


def best_of(repeats: int, function, *args):
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = function(*args)
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    training, batch = make_frame(rows, 0), make_frame(rows, 1)
    print(f"{rows:,} rows x {training.shape[1]} columns (4 numeric, 2 string); best of 3")

    t_stats, training_stats = best_of(3, compute_statistics, training)
    t_infer, schema = best_of(3, infer_schema, training_stats)
    set_default_thresholds(schema, categorical=0.1, numeric=0.1)
    _, batch_stats = best_of(3, compute_statistics, batch)

    def validate():
        return validate_statistics(batch_stats, schema, previous_statistics=training_stats)

    t_validate, result = best_of(3, validate)
    assert result.ok, result.table()

    def end_to_end():
        stats = compute_statistics(batch)
        return validate_statistics(stats, infer_schema(stats), previous_statistics=training_stats)

    t_total, _ = best_of(3, end_to_end)
    # Strings as Python objects (pandas < 3, or read with dtype=object) are slower to count.
    batch = batch.astype({"plan": object, "city": object})
    t_object, _ = best_of(3, end_to_end)
    for name, seconds in (
        ("statistics", t_stats),
        ("schema inference", t_infer),
        ("validation + drift", t_validate),
        ("end to end", t_total),
        ("end to end, object", t_object),
    ):
        print(f"{name:<20} {seconds * 1000:8.1f} ms  {rows / seconds / 1e6:8.2f} M rows/s")


if __name__ == "__main__":
    main()
