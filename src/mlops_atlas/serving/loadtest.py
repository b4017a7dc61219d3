"""A bounded load test on loopback: closed-loop clients, fixed request count and a time cap.

Each level runs ``concurrency`` client threads, each with one keep-alive connection, that
send requests back to back until the level has sent ``max_requests`` requests or
``time_cap`` seconds have passed, whichever comes first: the test always stops by itself.
Latencies are measured by the client, from sending a request to reading its whole answer.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mlops_atlas.serving.server import HOST

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["LevelResult", "percentile", "plot_load", "run_level", "sweep", "table"]


@dataclass(frozen=True)
class LevelResult:
    """What one load level measured.

    Attributes:
        workers: Server worker processes.
        mode: ``"online"`` (one row per request) or ``"batched"`` (several rows).
        rows_per_request: Rows in each request.
        concurrency: Client connections sending at once.
        requests: Requests answered with 200.
        errors: Requests that failed (non-200 answer or a connection error).
        seconds: Wall time of the level.
        stopped_by: ``"count"`` (all requests sent) or ``"time"`` (the cap was hit).
        latencies_ms: Latency of each successful request, in milliseconds, in order.
    """

    workers: int
    mode: str
    rows_per_request: int
    concurrency: int
    requests: int
    errors: int
    seconds: float
    stopped_by: str
    latencies_ms: tuple[float, ...]

    def p(self, q: float) -> float:
        """The ``q``-th percentile of latency (ms); NaN when nothing succeeded."""
        return percentile(self.latencies_ms, q)

    @property
    def requests_per_second(self) -> float:
        """Successful requests per second of wall time."""
        return self.requests / self.seconds if self.seconds > 0 else 0.0

    @property
    def rows_per_second(self) -> float:
        """Rows predicted per second of wall time."""
        return self.requests_per_second * self.rows_per_request


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) with linear interpolation, as numpy computes it.

    Examples:
        >>> percentile([1.0, 2.0, 3.0, 4.0], 50)
        2.5
        >>> percentile([5.0], 99)
        5.0
    """
    if not values:
        return float("nan")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def run_level(
    port: int,
    body: bytes,
    *,
    concurrency: int,
    max_requests: int,
    time_cap: float,
    path: str = "/predict",
    timeout: float = 10.0,
) -> tuple[list[float], int, float, str]:
    """Send at most ``max_requests`` requests from ``concurrency`` threads for at most ``time_cap`` s.

    Args:
        port: The server's port on 127.0.0.1.
        body: The JSON body every request sends.
        concurrency: Client threads, each with one keep-alive connection.
        max_requests: Requests to send in all (the fixed count).
        time_cap: Seconds after which no new request is sent (the cap).
        path: The endpoint.
        timeout: Seconds a single request may take before it counts as an error.

    Returns:
        Latencies of the successful requests (ms), the number of errors, the wall time
        and what stopped the level (``"count"`` or ``"time"``).
    """
    lock = threading.Lock()
    sent = 0
    latencies: list[float] = []
    errors = 0
    deadline = time.monotonic() + time_cap
    headers = {"Content-Type": "application/json"}

    def client() -> None:
        nonlocal sent, errors
        connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
        try:
            while True:
                with lock:
                    if sent >= max_requests or time.monotonic() >= deadline:
                        return
                    sent += 1
                started = time.perf_counter()
                try:
                    connection.request("POST", path, body=body, headers=headers)
                    response = connection.getresponse()
                    response.read()
                    ok = response.status == 200
                except (OSError, http.client.HTTPException):
                    ok = False
                    connection.close()  # reconnects on the next request
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    if ok:
                        latencies.append(elapsed)
                    else:
                        errors += 1
        finally:
            connection.close()

    threads = [threading.Thread(target=client, daemon=True) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(time_cap + timeout + 5)  # every request has its own timeout: this ends
    seconds = time.perf_counter() - started
    stopped_by = "count" if sent >= max_requests else "time"
    return latencies, errors, seconds, stopped_by


def sweep(
    port: int,
    rows: Sequence[dict[str, Any]],
    *,
    workers: int,
    concurrency: Iterable[int],
    batch_size: int,
    max_requests: int,
    time_cap: float,
    warmup: int = 20,
) -> list[LevelResult]:
    """Online (one row per request) and batched requests at each concurrency level.

    Args:
        port: The server's port on 127.0.0.1.
        rows: Valid input rows; requests cycle through them.
        workers: The server's worker processes (recorded in the results).
        concurrency: Client connection counts to try, e.g. ``(1, 2, 4, 8)``.
        batch_size: Rows per batched request.
        max_requests: Request count per level.
        time_cap: Seconds per level.
        warmup: Unmeasured requests per mode before the first level.

    Returns:
        One result per mode and level, online first.
    """
    results = []
    for mode, size in (("online", 1), ("batched", batch_size)):
        body = json.dumps({"instances": [rows[i % len(rows)] for i in range(size)]}).encode()
        run_level(port, body, concurrency=2, max_requests=warmup, time_cap=time_cap)
        for level in concurrency:
            latencies, errors, seconds, stopped_by = run_level(
                port, body, concurrency=level, max_requests=max_requests, time_cap=time_cap
            )
            results.append(
                LevelResult(
                    workers=workers,
                    mode=mode,
                    rows_per_request=size,
                    concurrency=level,
                    requests=len(latencies),
                    errors=errors,
                    seconds=seconds,
                    stopped_by=stopped_by,
                    latencies_ms=tuple(latencies),
                )
            )
    return results


def table(results: Iterable[LevelResult]) -> str:
    """A text table: one line per level with percentiles, throughput and stop reason."""
    lines = [
        f"{'workers':>7} {'mode':<8} {'rows':>4} {'clients':>7} {'requests':>8} {'p50 ms':>7}"
        f" {'p95 ms':>7} {'p99 ms':>7} {'req/s':>7} {'rows/s':>8} {'stop':>5}"
    ]
    for r in results:
        lines.append(
            f"{r.workers:>7} {r.mode:<8} {r.rows_per_request:>4} {r.concurrency:>7}"
            f" {r.requests:>8} {r.p(50):>7.1f} {r.p(95):>7.1f} {r.p(99):>7.1f}"
            f" {r.requests_per_second:>7.0f} {r.rows_per_second:>8.0f} {r.stopped_by:>5}"
        )
    return "\n".join(lines)


def plot_load(results: Sequence[LevelResult]) -> Figure:
    """Latency (p50 and p95) and throughput against the number of concurrent clients.

    One line per (workers, mode): colour is the worker count, the line style the mode.
    """
    import matplotlib.pyplot as plt

    figure, (latency, throughput) = plt.subplots(1, 2, figsize=(10, 4.2))
    colours = {1: "#1f77b4", 2: "#d62728"}
    styles = {"online": "-", "batched": "--"}
    keys = sorted({(r.workers, r.mode) for r in results}, key=lambda k: (k[1] != "online", k[0]))
    for workers, mode in keys:
        levels = sorted((r for r in results if (r.workers, r.mode) == (workers, mode)),
                        key=lambda r: r.concurrency)  # fmt: skip
        x = [r.concurrency for r in levels]
        size = levels[0].rows_per_request
        label = f"{workers} worker{'s' if workers > 1 else ''}, {mode} ({size} row{'s' if size > 1 else ''})"
        style = {"color": colours.get(workers, "#555555"), "linestyle": styles[mode]}
        latency.plot(x, [r.p(95) for r in levels], marker="o", label=f"p95, {label}", **style)
        latency.plot(x, [r.p(50) for r in levels], marker=".", alpha=0.5, **style)
        throughput.plot(x, [r.rows_per_second for r in levels], marker="o", label=label, **style)
    latency.set(
        xlabel="concurrent clients (load)",
        ylabel="latency (ms, log scale)",
        yscale="log",
        title="Latency: p95 (large dots), p50 (small dots)",
    )
    throughput.set(
        xlabel="concurrent clients (load)",
        ylabel="rows predicted per second (log scale)",
        yscale="log",
        title="Throughput",
    )
    for axes in (latency, throughput):
        axes.set_xscale("log", base=2)
        axes.set_xticks(sorted({r.concurrency for r in results}))
        axes.get_xaxis().set_major_formatter("{x:.0f}")
        axes.grid(alpha=0.3)
    throughput.legend(fontsize=9, loc="best")
    figure.tight_layout()
    return figure
