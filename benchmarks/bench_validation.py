"""Throughput and memory of mlops_atlas.validation: in memory, in chunks, on files bigger than memory.

Three parts, each printing figures measured in one run (no assertion on time):

``frames [ROWS ...]`` (default 1,000,000 and 4,000,000 rows)
    End to end (statistics + schema inference + validation with drift against a
    previous batch) on a DataFrame already in memory, strings stored as Arrow strings
    (pandas 3's default) and as Python objects: the in-memory path
    (``compute_statistics``) against the chunked one (``stream_statistics``, 100,000
    rows a chunk). With ``--tfdv PYTHON``, the same steps timed with TFDV
    (``generate_statistics_from_dataframe``, ``infer_schema``, ``validate_statistics``)
    in another Python that has ``tensorflow-data-validation`` installed (TFDV 1.16 does
    not install beside pandas 3) on the same rows, regenerated there from the same seed.
``csv [GB]`` (default 2)
    Writes a CSV of about GB gigabytes (50 columns) under /tmp, runs
    ``mlops-atlas validate schema`` and ``validate check --baseline`` on it as
    subprocesses and prints wall time and peak RSS (``wait4``'s ``ru_maxrss``); deletes
    the files.
``capped [GB] [CAP_MB]`` (default 10 and 1024)
    Writes a CSV of GB gigabytes and runs ``validate check`` on it with its address
    space limited to CAP_MB (``RLIMIT_AS``, which bounds every mapping, so it is a
    stricter cap than one on RSS); the file is many times the cap. Deletes the files.

Run: ``python benchmarks/bench_validation.py frames`` (a few minutes on 2 cores; the
``csv`` and ``capped`` parts write and read several GB: run them on an idle disk).
"""

from __future__ import annotations

import argparse
import inspect
import os
import resource
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd

from mlops_atlas.validation import (
    compute_statistics,
    infer_schema,
    set_default_thresholds,
    stream_statistics,
    validate_statistics,
)

CLI = [sys.executable, "-m", "mlops_atlas.cli"]


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


def best_of(repeats: int, function, *args) -> tuple[float, float]:
    """The shortest wall time and the shortest CPU time (this process, all threads) of a few runs."""
    walls, cpus = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        function(*args)
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - start_cpu)
    return min(walls), min(cpus)


def end_to_end(statistics, batch: pd.DataFrame, training: pd.DataFrame):
    training_stats, batch_stats = statistics(training), statistics(batch)
    schema = set_default_thresholds(infer_schema(training_stats), categorical=0.1, numeric=0.1)
    return validate_statistics(batch_stats, schema, previous_statistics=training_stats)


TFDV_SCRIPT = (
    "import sys, time\nimport numpy as np, pandas as pd\n"
    + inspect.getsource(make_frame)  # the same rows, generated in the other Python
    + textwrap.dedent(
        """
        import tensorflow_data_validation as tfdv
        rows, as_object = int(sys.argv[1]), sys.argv[2] == "object"
        training, batch = make_frame(rows, 0), make_frame(rows, 1)
        if as_object:
            training = training.astype({"plan": object, "city": object})
            batch = batch.astype({"plan": object, "city": object})
        best = None
        for _ in range(2):
            start = time.perf_counter()
            t = tfdv.generate_statistics_from_dataframe(training)
            b = tfdv.generate_statistics_from_dataframe(batch)
            schema = tfdv.infer_schema(t)
            for f in schema.feature:
                if f.type == 1:  # BYTES
                    f.drift_comparator.infinity_norm.threshold = 0.1
                else:
                    f.drift_comparator.jensen_shannon_divergence.threshold = 0.1
            tfdv.validate_statistics(b, schema, previous_statistics=t)
            elapsed = time.perf_counter() - start
            best = elapsed if best is None else min(best, elapsed)
        print(best)
        """
    )
)


def frames(rows_list: list[int], tfdv_python: str | None) -> None:
    print(f"pid {os.getpid()}, load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print("end to end = statistics of two batches + schema + validation with drift; best of 3")
    print("(seconds: wall time; CPU s: this process's CPU time, steadier on a shared machine)")
    print(
        f"{'rows':>10} {'strings':<7} {'path':<22} {'seconds':>8} {'M rows/s':>9} {'ratio':>7}"
        f" {'CPU s':>7}"
    )
    for rows in rows_list:
        training, batch = make_frame(rows, 0), make_frame(rows, 1)
        for strings in ("arrow", "object"):
            if strings == "object":
                training = training.astype({"plan": object, "city": object})
                batch = batch.astype({"plan": object, "city": object})
            assert end_to_end(compute_statistics, batch, training).ok
            base, base_cpu = best_of(3, end_to_end, compute_statistics, batch, training)
            chunked, chunked_cpu = best_of(
                3, end_to_end, lambda f: stream_statistics(f, 100_000), batch, training
            )
            results: list[tuple[str, float, float | None]] = [
                ("in memory", base, base_cpu),
                ("chunked (100k rows)", chunked, chunked_cpu),
            ]
            if tfdv_python:
                out = subprocess.run(
                    [tfdv_python, "-c", TFDV_SCRIPT, str(rows), strings],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                results.append(("TFDV 1.16", float(out.stdout.strip().splitlines()[-1]), None))
            for name, seconds, cpu in results:
                print(
                    f"{rows:>10,} {strings:<7} {name:<22} {seconds:8.2f} "
                    f"{2 * rows / seconds / 1e6:9.2f} {seconds / base:7.2f}"
                    f" {'-' if cpu is None else f'{cpu:.2f}':>7}"
                )
            if tfdv_python:
                tfdv = results[2][1]
                flag = "met" if min(tfdv / base, tfdv / chunked) >= 10 else "NOT met"
                print(
                    f"{'':>10} {strings:<7} speed-up over TFDV: in memory {tfdv / base:.1f}x, "
                    f"chunked {tfdv / chunked:.1f}x (target >= 10x: {flag})"
                )


def write_csv(path: Path, gigabytes: float, seed: int) -> int:
    """A CSV of about ``gigabytes`` GB: 20 int, 15 float and 15 string columns."""
    rows_per_block, blocks = 100_000, []
    for block_seed in range(3):  # three distinct blocks, cycled: realistic, and quick to write
        rng = np.random.default_rng(seed * 10 + block_seed)
        columns = {f"i{i}": rng.poisson(3 + i, rows_per_block) for i in range(20)}
        columns |= {f"f{i}": rng.normal(i, 1 + i, rows_per_block).round(4) for i in range(15)}
        columns |= {
            f"s{i}": rng.choice([f"value_{i}_{k}" for k in range(5 + 4 * i)], rows_per_block)
            for i in range(15)
        }
        blocks.append(pd.DataFrame(columns).to_csv(index=False).split("\n", 1))
    header, target, rows = blocks[0][0], gigabytes * 1e9, 0
    with path.open("w") as handle:
        handle.write(header + "\n")
        while handle.tell() < target:
            handle.write(blocks[(rows // rows_per_block) % 3][1])
            rows += rows_per_block
    return rows


def run_measured(args: list[str], cap_bytes: int | None = None) -> tuple[float, float, int, str]:
    """Wall seconds, peak RSS in MB, exit status and stderr of a subprocess."""

    def limit() -> None:
        if cap_bytes:
            resource.setrlimit(resource.RLIMIT_AS, (cap_bytes, cap_bytes))

    start = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=err, preexec_fn=limit)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        message = err.read().decode(errors="replace").strip()
    return time.perf_counter() - start, usage.ru_maxrss / 1024, process.returncode, message


def csv_part(gigabytes: float) -> None:
    with tempfile.TemporaryDirectory(dir="/tmp") as folder:
        train, batch = Path(folder) / "train.csv", Path(folder) / "batch.csv"
        start = time.perf_counter()
        rows = write_csv(train, gigabytes, seed=0)
        write_csv(batch, gigabytes, seed=1)
        size = train.stat().st_size / 1e9
        print(
            f"two CSVs of {rows:,} rows x 50 columns, {size:.2f} GB each (written in "
            f"{time.perf_counter() - start:.0f} s); load average {os.getloadavg()[0]:.1f}"
        )
        schema = Path(folder) / "schema.pbtxt"
        for name, args in (
            ("validate schema", [*CLI, "validate", "schema", str(train), "-o", str(schema)]),
            (
                "validate check --baseline",
                [*CLI, "validate", "check", str(batch), "--schema", str(schema),
                 "--baseline", str(train), "--categorical-threshold", "0.1",
                 "--numeric-threshold", "0.1"],
            ),
        ):  # fmt: skip
            seconds, peak, status, message = run_measured(args)
            gb_read = size * (2 if "baseline" in name else 1)
            print(
                f"{name:<27} exit {status}  {seconds:6.1f} s  {gb_read * 1e3 / seconds:6.1f} MB/s"
                f"  peak RSS {peak:6.0f} MB  {message.splitlines()[-1] if message else ''}"
            )


def capped_part(gigabytes: float, cap_mb: int) -> None:
    with tempfile.TemporaryDirectory(dir="/tmp") as folder:
        big, schema = Path(folder) / "big.csv", Path(folder) / "schema.pbtxt"
        small = Path(folder) / "small.csv"
        write_csv(small, 0.05, seed=0)
        run_measured([*CLI, "validate", "schema", str(small), "-o", str(schema)])
        start = time.perf_counter()
        rows = write_csv(big, gigabytes, seed=1)
        size = big.stat().st_size / 1e9
        print(
            f"a CSV of {rows:,} rows x 50 columns, {size:.2f} GB (written in "
            f"{time.perf_counter() - start:.0f} s); address space capped at {cap_mb} MB "
            f"(the file is {size * 1e3 / cap_mb:.0f}x the cap); load average {os.getloadavg()[0]:.1f}"
        )
        args = [*CLI, "validate", "check", str(big), "--schema", str(schema),
                "--baseline", str(small), "--numeric-threshold", "0.1"]  # fmt: skip
        seconds, peak, status, message = run_measured(args, cap_mb << 20)
        print(
            f"validate check --baseline: exit {status} (1 = anomalies found, 2 = failed)  "
            f"{seconds:.1f} s  {size * 1e3 / seconds:.1f} MB/s  peak RSS {peak:.0f} MB"
        )
        if status == 2:
            print(message)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("part", choices=("frames", "csv", "capped"))
    parser.add_argument("numbers", nargs="*", type=float)
    parser.add_argument("--tfdv", metavar="PYTHON", help="a Python with TFDV installed")
    args = parser.parse_args()
    if args.part == "frames":
        frames([int(n) for n in args.numbers] or [1_000_000, 4_000_000], args.tfdv)
    elif args.part == "csv":
        csv_part(args.numbers[0] if args.numbers else 2.0)
    else:
        numbers = args.numbers or [10.0]
        capped_part(numbers[0], int(numbers[1]) if len(numbers) > 1 else 1024)


if __name__ == "__main__":
    main()
