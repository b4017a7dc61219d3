"""Statistics in chunks, from files, Arrow and Dask, equal to the in-memory path (issue 19)."""

from __future__ import annotations

import math
import tracemalloc

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from mlops_atlas.validation import (
    StatisticsError,
    compute_statistics,
    infer_schema,
    set_default_thresholds,
    validate_statistics,
)
from mlops_atlas.validation.histograms import quantiles_and_cumulative_weights
from mlops_atlas.validation.mergeable import NumericPartial, partial_statistics
from mlops_atlas.validation.sketch import (
    EXACT_DISTINCT_LIMIT,
    SKETCH_MANTISSA_BITS,
    count_keys,
    merge_keys,
    sketch_keys,
    sketch_values,
)
from mlops_atlas.validation.sources import read_table, stream_statistics


def make_frame(rows: int, seed: int, shift: float = 0.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "age": rng.integers(18, 90, rows),
            "visits": rng.poisson(2.0 + shift, rows),
            "user_id": rng.integers(0, 10**9, rows),  # > 10,000 distinct: the sketch
            "income": rng.lognormal(10 + shift, 0.5, rows),
            "score": rng.normal(shift, 1, rows),
            "member": rng.integers(0, 2, rows).astype(bool),
            "plan": rng.choice(["basic", "plus", "premium"], rows),
            "city": rng.choice([f"city{i:02d}" for i in range(60)], rows),
        }
    )
    frame["score"] = frame["score"].astype("Float64")
    frame.loc[rng.random(rows) < 0.05, "score"] = pd.NA
    frame.loc[rng.random(rows) < 0.03, "plan"] = None
    frame.loc[:2, "income"] = [np.inf, -np.inf, np.inf]
    return frame


def assert_same_statistics(chunked, whole) -> None:
    assert chunked.num_examples == whole.num_examples
    assert list(chunked.features) == list(whole.features)
    for name, expected in whole.features.items():
        got = chunked[name]
        for attribute in ("type", "num_present", "num_missing", "num_zeros", "min", "max"):
            assert getattr(got, attribute) == getattr(expected, attribute), (name, attribute)
        for attribute in ("num_pos_inf", "num_neg_inf", "num_nan", "unique", "value_counts"):
            assert getattr(got, attribute) == getattr(expected, attribute), (name, attribute)
        if expected.is_numeric and expected.num_present:
            # Chan's parallel update equals one pass up to rounding.
            assert got.mean == pytest.approx(expected.mean, rel=1e-12)
            assert got.std == pytest.approx(expected.std, rel=1e-9)
            assert got.median == expected.median
            assert got.histogram == expected.histogram  # from the same exact sketch counts
            assert got.quantiles == expected.quantiles


@pytest.fixture(scope="module")
def frames():
    return make_frame(30_000, seed=0), make_frame(20_000, seed=1, shift=0.3)


def test_chunks_of_a_frame_give_the_in_memory_statistics(frames) -> None:
    frame, _ = frames
    whole = compute_statistics(frame)
    assert whole["user_id"].unique is None
    assert whole["age"].type == "INT"
    for chunk_rows in (997, 10_000, 100_000):
        assert_same_statistics(stream_statistics(frame, chunk_rows), whole)


def test_merging_is_associative_and_commutative(frames) -> None:
    frame, _ = frames
    a, b, c = (partial_statistics(frame.iloc[i : i + 10_000]) for i in (0, 10_000, 20_000))
    left, right = a.merge(b).merge(c).finish(), c.merge(a.merge(b)).finish()
    assert_same_statistics(left, right)
    assert_same_statistics(left, compute_statistics(frame))


def test_csv_parquet_and_arrow_in_chunks_match_the_whole_file(frames, tmp_path) -> None:
    frame, _ = frames
    csv_path, parquet_path = tmp_path / "train.csv", tmp_path / "train.parquet"
    frame.to_csv(csv_path, index=False)
    whole = compute_statistics(read_table(csv_path))
    assert whole["score"].type == "FLOAT"
    assert whole["member"].type == "INT"
    assert_same_statistics(stream_statistics(csv_path, chunk_rows=4_096), whole)
    read_table(csv_path).to_parquet(parquet_path, row_group_size=5_000)
    assert_same_statistics(stream_statistics(parquet_path, chunk_rows=3_000), whole)
    table = pa.Table.from_pandas(read_table(csv_path), preserve_index=False)
    assert_same_statistics(stream_statistics(table, chunk_rows=7_000), whole)
    assert_same_statistics(
        stream_statistics(pa.RecordBatchReader.from_batches(table.schema, table.to_batches(2_500))),
        whole,
    )


def test_same_anomalies_and_drift_values_as_in_memory(frames, tmp_path) -> None:
    train, batch = frames
    paths = {}
    for name, frame in (("train", train), ("batch", batch)):
        paths[name] = tmp_path / f"{name}.csv"
        frame.to_csv(paths[name], index=False)

    def run(statistics):
        training, current = statistics(paths["train"]), statistics(paths["batch"])
        schema = set_default_thresholds(infer_schema(training), categorical=0.01, numeric=0.01)
        return validate_statistics(current, schema, previous_statistics=training)

    whole = run(lambda path: compute_statistics(read_table(path)))
    chunked = run(lambda path: stream_statistics(path, chunk_rows=3_333))
    assert chunked.types() == whole.types()
    assert "COMPARATOR_JENSEN_SHANNON_DIVERGENCE_HIGH" in whole.types()["income"]
    assert [(m.feature, m.measure) for m in chunked.measurements] == [
        (m.feature, m.measure) for m in whole.measurements
    ]
    for got, expected in zip(chunked.measurements, whole.measurements, strict=True):
        assert got.value == pytest.approx(expected.value, rel=1e-12, abs=1e-15)


def test_a_column_that_turns_to_text_later_is_read_as_text_as_a_whole_read_would(tmp_path) -> None:
    path = tmp_path / "late.csv"
    path.write_text("code,n\n" + "".join(f"{i},{i}\n" for i in range(50)) + "A7,50\n")
    whole = compute_statistics(read_table(path))
    assert whole["code"].type == "STRING"
    assert_same_statistics(stream_statistics(path, chunk_rows=10), whole)


def test_an_int_column_with_a_float_later_becomes_float(tmp_path) -> None:
    path = tmp_path / "late.csv"
    path.write_text("x\n" + "".join(f"{i}\n" for i in range(30)) + "2.5\n")
    whole = compute_statistics(read_table(path))
    assert whole["x"].type == "FLOAT"
    assert_same_statistics(stream_statistics(path, chunk_rows=7), whole)


def test_quantiles_from_the_sketch_are_within_the_documented_error() -> None:
    values = np.random.default_rng(5).lognormal(3, 2, 200_000)
    stats = compute_statistics(pd.DataFrame({"v": values}))["v"]
    exact, counts = np.unique(values, return_counts=True)
    boundaries, _ = quantiles_and_cumulative_weights(exact, counts.astype(float), 10)
    sketched = [stats.quantiles.buckets[0][0]] + [high for _, high, _ in stats.quantiles.buckets]
    bound = 2.0**-SKETCH_MANTISSA_BITS
    errors = np.abs(np.array(sketched) - boundaries) / np.abs(boundaries)
    assert errors.max() <= bound
    assert errors.max() > 0  # the lognormal values are not kept exactly: this is a real bound
    assert abs(stats.median - np.median(values)) <= bound * np.median(values) + 1e-12


def test_counting_keys_of_both_signs_gives_what_a_sort_gives() -> None:
    rng = np.random.default_rng(4)
    normal = rng.normal(size=50_000)
    cases = [
        sketch_keys(normal),  # two million keys apart, a few thousand magnitudes
        sketch_keys(np.r_[normal, 0.0, -0.0, 5e-324]),  # with zeros: too wide, sorted
        sketch_keys(-np.abs(normal)),
        rng.integers(-3_000_000, 3_000_000, 10_000),
        np.array([-(2**63), 2**62, 5, 5]),
        np.array([-1_200_000, 1_200_000, -1_100_000, 5, -5, 3, 3]),
    ]
    for keys in cases:
        got_keys, got_counts = count_keys(keys)
        expected_keys, expected_counts = np.unique(keys, return_counts=True)
        assert got_keys.tolist() == expected_keys.tolist()
        assert got_counts.tolist() == expected_counts.tolist()
        assert got_keys.dtype == got_counts.dtype == np.int64


def test_merging_two_summaries_adds_the_counts_of_equal_keys() -> None:
    rng = np.random.default_rng(3)
    cases = [
        (np.unique(rng.integers(-span, span, a_size)), np.unique(rng.integers(-span, span, b_size)))
        for a_size, b_size, span in ((50, 50, 60), (0, 7, 10), (30, 0, 40), (900, 40, 10**12))
    ]
    cases.append((np.arange(-3, 9), np.arange(-3, 9)))  # the same keys: counts added, no sort
    for a_keys, b_keys in cases:
        a_counts, b_counts = rng.integers(1, 9, a_keys.size), rng.integers(1, 9, b_keys.size)
        keys, counts = merge_keys(a_keys, a_counts, b_keys, b_counts)
        expected = pd.concat([pd.Series(a_counts, a_keys), pd.Series(b_counts, b_keys)])
        expected = expected.groupby(level=0).sum()
        assert keys.tolist() == expected.index.tolist()
        assert counts.tolist() == expected.tolist()
        assert counts.dtype == np.int64


@pytest.mark.parametrize(
    ("dtype", "low", "high"),
    [
        ("int64", -(10**6), 10**6),  # more distinct values than the exact limit: sketched
        ("int64", 18, 90),
        ("int8", -100, 100),
        ("uint16", 0, 60_000),
        ("Int64", -500, 500),
        ("UInt8", 0, 255),
    ],
)
def test_integers_are_summarised_as_their_float64_copy_is(dtype, low, high) -> None:
    rng = np.random.default_rng(5)
    column = pd.Series(rng.integers(low, high, 30_000)).astype(dtype)
    if dtype[0] in "IU":  # nullable: some missing
        column[rng.random(column.size) < 0.1] = pd.NA
    direct = NumericPartial.of("INT", False, column)
    via_floats = NumericPartial.of("INT", False, column.astype("Float64"))  # the float path
    for name, value in vars(direct).items():
        expected = getattr(via_floats, name)
        if isinstance(value, np.ndarray):
            assert value.tolist() == expected.tolist(), name
            assert value.dtype == expected.dtype, name
        else:
            assert value == expected, name  # the mean and m2 too, to the last bit
    assert direct.exact == (column.nunique() <= EXACT_DISTINCT_LIMIT)


def test_integer_columns_are_exact_up_to_the_distinct_limit() -> None:
    values = np.arange(100_000, 100_000 + EXACT_DISTINCT_LIMIT)
    stats = compute_statistics(pd.DataFrame({"v": values}))["v"]
    assert stats.median == 105_000.0  # TFDV's median: the middle one of 1,001 boundaries
    # the sketch would have truncated it to a multiple of 64 (17 significant bits)
    assert sketch_values(sketch_keys(np.array([105_000.0])))[0] == 104_960.0
    assert [low for low, _, _ in stats.quantiles.buckets][:3] == [100_000.0, 101_000.0, 102_000.0]


def test_memory_is_bounded_by_the_chunk_not_the_file(tmp_path) -> None:
    peaks = []
    for rows in (20_000, 80_000):
        path = tmp_path / f"{rows}.csv"
        make_frame(rows, seed=2).to_csv(path, index=False)
        tracemalloc.start()
        stream_statistics(path, chunk_rows=4_000)
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    # Four times the rows; the peak grows only with the sketch of the 10**9-wide ids.
    assert peaks[1] < 1.5 * peaks[0], peaks


def test_mixed_object_column_is_still_named() -> None:
    frame = pd.DataFrame({"c": pd.Series(["a", 1, "b", 2.5], dtype=object)})
    with pytest.raises(StatisticsError, match=r"column 'c' mixes value types \(float, int, str\)"):
        compute_statistics(frame)


def tricky_text(rows: int, seed: int) -> pd.DataFrame:
    """Text as Python objects: empty, blank, unicode, NUL, long, a numpy str, every kind of missing."""
    rng = np.random.default_rng(seed)
    words = np.array(
        ["", " ", "a", "A", "é", "日本語", "😀", "a\x00b", "x" * 300, np.str_("np")], dtype=object
    )
    cells = words[rng.integers(0, len(words), rows)]
    for missing, share in ((None, 0.05), (np.nan, 0.05), (pd.NA, 0.02), (np.float32("nan"), 0.01)):
        cells[rng.random(rows) < share] = missing
    ids = np.array([f"id{i}" for i in rng.integers(0, rows, rows)], dtype=object)
    return pd.DataFrame(
        {"text": cells, "ids": ids, "none": np.full(rows, None), "nan": np.full(rows, np.nan)},
        dtype=object,
    )


@pytest.mark.parametrize("block", [None, 1_000])  # object cells factorized in blocks: same
def test_object_arrow_and_python_text_give_the_same_statistics(block, monkeypatch) -> None:
    from mlops_atlas.validation import compute_statistics_chunked, mergeable

    if block:
        monkeypatch.setattr(mergeable, "_OBJECT_BLOCK", block)
    objects = tricky_text(20_000, seed=0)
    assert {str(dtype) for dtype in objects.dtypes} == {"object"}
    arrow = objects.astype("string[pyarrow]")
    whole = compute_statistics(arrow)
    assert whole["text"].value_counts[""] > 0
    assert whole["text"].unique == 10
    assert whole["text"].num_missing > 0
    assert whole["none"].num_missing == 20_000
    assert_same_statistics(compute_statistics(objects), whole)
    assert_same_statistics(stream_statistics(objects, 997), whole)
    both = compute_statistics_chunked([objects.iloc[:7_000], arrow.iloc[7_000:]])
    assert_same_statistics(both, whole)
    # pandas' own value_counts, as for any other text dtype
    assert_same_statistics(compute_statistics(objects.astype(pd.StringDtype("python"))), whole)
    if int(pd.__version__.split(".")[0]) >= 3:  # "str": Arrow text with NaN for missing
        assert_same_statistics(compute_statistics(objects.astype("str")), whole)


@pytest.mark.parametrize(
    ("cells", "named"),
    [
        (["a", 1, None], "int, str"),
        ([None, "a", True], "bool, str"),
        (["a", b"a"], "bytes, str"),
        (["a", ["a"]], "list, str"),  # unhashable
        (["a", pd.NaT], "str"),  # NaT is not missing text (pandas' dropna drops it from the names)
    ],
)
def test_objects_that_are_not_text_are_refused_in_any_chunk(cells, named, monkeypatch) -> None:
    from mlops_atlas.validation import mergeable

    frame = pd.DataFrame({"c": pd.Series(["z"] * 5 + cells, dtype=object)})
    for statistics in (compute_statistics, lambda f: stream_statistics(f, 5)):
        with pytest.raises(StatisticsError, match=rf"column 'c' mixes value types \({named}\)"):
            statistics(frame)
    monkeypatch.setattr(mergeable, "_OBJECT_BLOCK", 2)  # the odd cell in a later block
    with pytest.raises(StatisticsError, match=rf"column 'c' mixes value types \({named}\)"):
        compute_statistics(frame)


def test_columns_on_threads_give_what_one_thread_gives(monkeypatch) -> None:
    from mlops_atlas.validation import mergeable

    frame = pd.concat([make_frame(30_000, seed=4), tricky_text(30_000, seed=4)], axis=1)
    frame["flag"] = frame["age"] > 50
    frame["nullable"] = frame["age"].astype("Int64").mask(frame["age"] < 20)
    assert len(frame) * frame.shape[1] >= mergeable.PARALLEL_CELLS  # the threaded path
    one = partial_statistics(frame, threads=1).finish()
    threaded = partial_statistics(frame, threads=2).finish()
    assert list(threaded.features) == list(frame.columns)
    assert threaded == one
    assert threaded["text"].value_counts == one["text"].value_counts


def test_of_two_bad_columns_on_threads_the_first_is_named(monkeypatch) -> None:
    from mlops_atlas.validation import mergeable

    monkeypatch.setattr(mergeable, "PARALLEL_CELLS", 0)
    frame = pd.DataFrame(
        {
            "fine": ["a"] * 4,
            "first": pd.Series(["a", 1, "b", "c"], dtype=object),
            "when": pd.to_datetime(["2026-01-01"] * 4),
            "second": pd.Series(["a", b"x", "b", "c"], dtype=object),
        }
    )
    for _ in range(5):  # whichever thread finishes first
        with pytest.raises(StatisticsError, match="column 'first' mixes value types"):
            partial_statistics(frame, threads=4)
    with pytest.raises(StatisticsError, match="column 'when' has unsupported type"):
        partial_statistics(frame.drop(columns="first"), threads=4)


def test_text_factorized_without_pandas_string_table_is_the_same(monkeypatch) -> None:
    """The direct hash table is a shortcut; pandas' public factorize gives the same."""
    from mlops_atlas.validation import mergeable

    objects = tricky_text(5_000, seed=2)
    direct = compute_statistics(objects)
    monkeypatch.setattr(mergeable, "_StringHashTable", None)
    assert_same_statistics(compute_statistics(objects), direct)
    with pytest.raises(StatisticsError, match=r"column 'c' mixes value types \(int, str\)"):
        compute_statistics(pd.DataFrame({"c": pd.Series(["a", 1, None], dtype=object)}))


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_chunks_on_threads_fail_as_one_thread_would(threads) -> None:
    """Chunks are summarised ahead of the reader; errors still come in chunk order."""
    from mlops_atlas.validation import compute_statistics_chunked

    good = pd.DataFrame({"c": ["a", "b"], "x": [1, 2]})
    bad = pd.DataFrame({"c": pd.Series(["a", 1], dtype=object), "x": [1, 2]})
    closed = []

    def chunks(*parts, then=None):
        try:
            yield from parts
            if then is not None:
                raise then
        finally:
            closed.append(True)

    frame = pd.concat([good] * 5, ignore_index=True)
    assert compute_statistics_chunked(chunks(*[good] * 5), threads) == compute_statistics(frame)
    with pytest.raises(StatisticsError, match="column 'c' mixes value types"):
        compute_statistics_chunked(chunks(good, bad, good, then=OSError("disk")), threads)
    with pytest.raises(OSError, match="disk"):
        compute_statistics_chunked(chunks(good, good, then=OSError("disk")), threads)
    with pytest.raises(StatisticsError, match="column 'c' mixes value types"):
        compute_statistics_chunked(chunks(good, bad, *[good] * 20), threads)
    assert len(closed) == 4  # the reader is closed when the summary stops early too


def test_chunks_with_different_columns_are_refused() -> None:
    from mlops_atlas.validation import compute_statistics_chunked

    with pytest.raises(StatisticsError, match="different columns"):
        compute_statistics_chunked([pd.DataFrame({"a": [1]}), pd.DataFrame({"b": [1]})])


def test_empty_frame_and_all_missing_columns(tmp_path) -> None:
    frame = pd.DataFrame({"x": pd.Series([pd.NA] * 5, dtype="Int64"), "y": [1.0] * 5})
    assert_same_statistics(stream_statistics(frame, 2), compute_statistics(frame))
    empty = stream_statistics(frame.iloc[:0], 2)
    assert empty.num_examples == 0
    assert empty["y"].num_present == 0
    assert math.isnan(compute_statistics(pd.DataFrame({"z": [np.inf]}))["z"].mean)


@pytest.mark.slow  # a Dask cluster of two worker processes
def test_dask_on_a_two_worker_local_cluster_matches_one_process(frames) -> None:
    dd = pytest.importorskip("dask.dataframe", reason="dask[dataframe] is a declared dependency")
    from distributed import Client, LocalCluster

    from mlops_atlas.validation.distributed import dask_statistics

    frame, _ = frames
    whole = compute_statistics(frame)
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,
    ):
        assert len(client.scheduler_info()["workers"]) == 2
        stats = dask_statistics(dd.from_pandas(frame, npartitions=7), split_every=2)
    assert_same_statistics(stats, whole)
