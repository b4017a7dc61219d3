"""Start the prediction service with uvicorn on loopback; stop it if its parent dies.

`mlops_atlas.serving.server.ModelServer` copies this file and ``app.py`` into a
folder of their own and runs ``python launch.py --port 8000 --workers 2``, which serves
``$MODEL_DIR``: the service runs as the standalone ``app.py`` it is in the container image
(without importing ``mlops_atlas``); this file needs only uvicorn and that ``app.py``. The
image runs uvicorn directly instead (see `mlops_atlas.serving.packaging`).

The workers are forked from a launcher that has already imported the service's
libraries (`serve`), as gunicorn's ``--preload`` does: two workers start in the time of
one instead of importing pandas and scikit-learn side by side on the same cores.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import sys
import threading
import time

__all__ = ["listening_socket", "main", "serve", "watch_parent"]

HOST = "127.0.0.1"


def watch_parent(parent: int, interval: float = 0.5) -> threading.Thread:
    """Stop this process group (SIGTERM) when ``parent`` is no longer this process's parent.

    Args:
        parent: The process id of the program that started the server.
        interval: Seconds between checks.

    Returns:
        The daemon thread doing the watching.
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval)
        os.killpg(os.getpgrp(), signal.SIGTERM)  # uvicorn shuts its workers down on SIGTERM

    thread = threading.Thread(target=watch, name="watch-parent", daemon=True)
    thread.start()
    return thread


def listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket listening on ``host:port``, for the workers to share.

    Made with the protocol named (``IPPROTO_TCP``), not left at 0: asyncio turns Nagle's
    algorithm off (``TCP_NODELAY``) only on connections whose socket says it is TCP, and
    without that every answer written in two parts waits about 40 ms for the client's
    delayed acknowledgement.

    Raises:
        OSError: The address cannot be bound (already in use, not local).
    """
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, port))
        listener.listen(2048)
    except OSError:
        listener.close()
        raise
    return listener


def serve(port: int, workers: int, host: str = HOST) -> None:
    """Import the service once, bind one socket, and fork ``workers`` uvicorn servers on it.

    Each worker is a uvicorn server on the shared listening socket (the kernel hands each
    connection to one of them) and loads the model itself, saying "model ready in process
    PID" when it has. The launcher waits for its workers; SIGTERM or SIGINT is passed on to
    them, and a worker whose launcher dies stops its whole process group.

    Args:
        port: The TCP port to listen on.
        workers: Worker processes to fork.
        host: The address to bind (loopback).
    """
    import importlib

    import uvicorn

    importlib.import_module("app").preload()  # the service module beside this file
    try:
        listener = listening_socket(host, port)
    except OSError as error:
        reason = (error.strerror or str(error)).lower()
        print(f"launch.py: cannot listen on {host}:{port}: {reason}", file=sys.stderr, flush=True)
        raise SystemExit(1) from None
    launcher = os.getpid()
    children = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:  # a worker
            watch_parent(launcher)
            config = uvicorn.Config(
                "app:create_app",
                factory=True,
                access_log=False,  # thousands of requests in a load test: the log would be the load
                log_level="warning",
            )
            uvicorn.Server(config).run(sockets=[listener])
            os._exit(0)
        children.append(pid)
    listener.close()

    def pass_on(signum: int, _frame: object) -> None:
        for child in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGTERM)

    signal.signal(signal.SIGTERM, pass_on)
    signal.signal(signal.SIGINT, pass_on)
    for child in children:
        os.waitpid(child, 0)
    # Nothing to clean up: skip the interpreter's teardown of pandas and scikit-learn (a second).
    sys.stderr.flush()
    os._exit(0)


def main(argv: list[str] | None = None) -> None:
    """Parse ``--port`` and ``--workers`` and serve until stopped."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)
    parent = os.environ.get("MLOPS_ATLAS_PARENT_PID")
    if parent:
        watch_parent(int(parent))
    serve(args.port, args.workers)


if __name__ == "__main__":
    main()
