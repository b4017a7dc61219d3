"""Run the prediction service as a real server process on loopback, and always stop it.

`ModelServer` starts uvicorn (`mlops_atlas.serving.launch`) in a process
group of its own on a free port of 127.0.0.1, waits until every worker is ready, and
stops the whole group when its ``with`` block ends: normally, on an exception or on
Ctrl-C. If the Python process that started it dies without cleaning up, the server
notices within a second and stops itself.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from mlops_atlas.errors import AtlasError
from mlops_atlas.serving import app as service_app
from mlops_atlas.serving import launch
from mlops_atlas.serving.app import MODEL_DIR_ENV, MODEL_SHA256_ENV

__all__ = ["HOST", "SERVER_ENV", "ModelServer", "Reply", "ServingError", "free_port", "request"]

HOST = "127.0.0.1"
"""The only address the example's servers listen on."""

SERVER_ENV = {
    # One thread per worker process: processes are the unit of parallelism, and numeric
    # libraries that each start a thread per core would fight over the same cores.
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}
"""Environment of every server process (the image sets the same variables)."""


_READY = re.compile(r"model ready in process (\d+)")


class ServingError(AtlasError):
    """The server could not start, did not become ready, or did not stop."""


@dataclass(frozen=True)
class Reply:
    """One HTTP answer.

    Attributes:
        status: The HTTP status code.
        body: The decoded JSON body (or ``{"text": ...}`` when it is not JSON).
        headers: Response headers, names in lower case.
    """

    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def request(
    port: int,
    method: str,
    path: str,
    body: bytes | None = None,
    *,
    content_type: str = "application/json",
    timeout: float = 5.0,
) -> Reply:
    """Send one request to the server on ``127.0.0.1:port`` (a new connection).

    Args:
        port: The server's port.
        method: ``GET`` or ``POST``.
        path: E.g. ``/predict``.
        body: Raw body bytes (sent as is, so malformed JSON can be sent too).
        content_type: The Content-Type header for a body.
        timeout: Seconds before giving up on the connection or the answer.

    Returns:
        Status, JSON body and headers.
    """
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        headers = {"Content-Type": content_type} if body is not None else {}
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        raw = response.read()
        try:
            parsed = json.loads(raw) if raw else {}
        except json.JSONDecodeError:
            parsed = {"text": raw.decode("utf-8", "replace")}
        return Reply(response.status, parsed, {k.lower(): v for k, v in response.getheaders()})
    finally:
        connection.close()


class ModelServer:
    """The prediction service for one model folder, as a uvicorn server process.

    Use it as a context manager; the server runs inside the ``with`` block only::

        with ModelServer(model_dir, workers=2) as server:
            reply = request(server.port, "GET", "/readyz")

    Args:
        model_dir: The exported MLflow model folder.
        workers: Worker processes (uvicorn ``--workers``).
        expected_sha256: The model's digest; the service refuses a different model.
        startup_timeout: Seconds to wait for every worker to be ready.
        require_ready: Wait for the model to be ready (the default); ``False`` waits only
            until the process answers ``/livez`` (to look at a service that is not ready).
    """

    def __init__(
        self,
        model_dir: Path,
        *,
        workers: int = 1,
        expected_sha256: str | None = None,
        startup_timeout: float = 120.0,
        require_ready: bool = True,
    ) -> None:
        self.model_dir = Path(model_dir)
        self.workers = workers
        self.expected_sha256 = expected_sha256
        self.startup_timeout = startup_timeout
        self.require_ready = require_ready
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self.worker_pids: set[int] = set()
        self.started_in: float = 0.0
        self._log: Path | None = None
        self._folder: Path | None = None
        self._stopped = False

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://{HOST}:{self.port}"

    def __enter__(self) -> ModelServer:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> None:
        """Start the server on a free port and wait until every worker answers ready.

        Raises:
            ServingError: The process exited, or was not ready within the timeout; the
                message ends with the last lines of its log.
        """
        started = time.perf_counter()
        for attempt in range(3):  # a port found free can be taken before the server binds it
            self.port = free_port()
            self._spawn()
            try:
                self._wait_ready()
                break
            except BaseException as error:  # ServingError, or Ctrl-C while waiting
                log = self.log_tail()
                self.stop()
                if not isinstance(error, ServingError):
                    raise
                if "address already in use" not in log or attempt == 2:
                    raise
        self.started_in = time.perf_counter() - started

    def _spawn(self) -> None:
        self._stopped = False
        # The service runs from copies of app.py and launch.py in a folder of their own, as
        # the standalone file the image runs: no import of mlops_atlas in any worker.
        self._folder = Path(tempfile.mkdtemp(prefix="model-server-"))
        for module in (service_app, launch):
            shutil.copy2(str(module.__file__), self._folder / Path(str(module.__file__)).name)
        self._log = self._folder / "server.log"
        env = {
            **os.environ,
            **SERVER_ENV,
            MODEL_DIR_ENV: str(self.model_dir.resolve()),
            "MLOPS_ATLAS_PARENT_PID": str(os.getpid()),
        }
        if self.expected_sha256:
            env[MODEL_SHA256_ENV] = self.expected_sha256
        command = [sys.executable, str(self._folder / "launch.py")]
        command += ["--port", str(self.port), "--workers", str(self.workers)]
        # A file opened for appending, not a pipe: a full pipe would block the server.
        with self._log.open("ab") as log:
            self.process = subprocess.Popen(
                command,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,  # its own process group: Ctrl-C reaches us, we stop it
            )

    def _wait_ready(self) -> None:
        """Wait until every worker has said it is ready and the service answers ready.

        Each worker writes "model ready in process PID" to the log when its model is
        loaded: connections are not spread evenly over workers, so asking ``/readyz``
        alone could take long to hear from each of them.
        """
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise ServingError(f"the server exited at start:\n{self.log_tail()}")
            self.worker_pids = {int(pid) for pid in _READY.findall(self._log_text())}
            with contextlib.suppress(OSError, http.client.HTTPException):
                if not self.require_ready:
                    if request(self.port, "GET", "/livez", timeout=2.0).status == 200:
                        return
                else:
                    ready = request(self.port, "GET", "/readyz", timeout=2.0)
                    reason = str(ready.body.get("reason", ""))
                    if ready.status == 503 and reason.startswith("model failed"):
                        raise ServingError(f"the service is alive but not ready: {reason}")
                    if ready.status == 200 and len(self.worker_pids) >= self.workers:
                        return
            time.sleep(0.05)
        reason = f"after {self.startup_timeout:.0f} s, {len(self.worker_pids)} of "
        raise ServingError(f"{reason}{self.workers} workers ready:\n{self.log_tail()}")

    def _log_text(self) -> str:
        if self._log is None or not self._log.exists():
            return ""
        return self._log.read_text(encoding="utf-8", errors="replace")

    def cpu_seconds(self) -> dict[int, float]:
        """CPU time (user + system, seconds) each worker has used so far, by process id.

        Read from ``/proc`` (Linux): it shows whether every worker took a share of a load.
        """
        ticks = os.sysconf("SC_CLK_TCK")
        used = {}
        for pid in sorted(self.worker_pids):
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            used[pid] = (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
        return used

    def memory_mib(self) -> dict[int, float]:
        """Resident memory of each worker (MiB), by process id, read from ``/proc`` (Linux)."""
        used = {}
        for pid in sorted(self.worker_pids):
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmRSS:"):
                    used[pid] = int(line.split()[1]) / 1024  # kB
        return used

    def log_tail(self, lines: int = 8) -> str:
        """The last lines the server wrote (its log is kept in a temporary file)."""
        return "\n".join(self._log_text().strip().splitlines()[-lines:])

    def alive(self) -> bool:
        """True while any process of the server's group exists."""
        if self.process is None:
            return False
        try:
            os.killpg(self.process.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:  # exists, owned by someone else: cannot be ours, but exists
            return True
        return True

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the server's whole process group: SIGTERM, then SIGKILL after ``timeout``.

        Raises:
            ServingError: A process of the group still exists after SIGKILL.
        """
        process = self.process
        if process is None or self._stopped:
            return
        self._stopped = True
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=timeout)
        deadline = time.monotonic() + timeout
        while self.alive() and time.monotonic() < deadline:  # workers exit after their parent
            time.sleep(0.05)
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            time.sleep(0.2)
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
            self._folder = None
            self._log = None
        if self.alive():
            raise ServingError(f"server process group {process.pid} is still running")
