"""Start the prediction service with uvicorn on loopback; stop it if its parent dies.

`mlops_atlas.serving.server.ModelServer` copies this file and ``app.py`` into a
folder of their own and runs ``python launch.py --port 8000 --workers 2``, which serves
``$MODEL_DIR``: the service runs as the standalone ``app.py`` it is in the container image
(without importing ``mlops_atlas``), and this file needs nothing but uvicorn. The image runs
uvicorn directly instead (see `mlops_atlas.serving.packaging`).
"""

from __future__ import annotations

import argparse
import os
import signal
import threading
import time

__all__ = ["main", "watch_parent"]


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


def main(argv: list[str] | None = None) -> None:
    """Parse ``--port`` and ``--workers`` and run uvicorn until stopped."""
    import uvicorn

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)
    parent = os.environ.get("MLOPS_ATLAS_PARENT_PID")
    if parent:
        watch_parent(int(parent))
    uvicorn.run(
        "app:create_app",  # app.py beside this file, as in the image
        factory=True,
        host="127.0.0.1",
        port=args.port,
        workers=args.workers,
        access_log=False,  # thousands of requests in a load test: the log would be the load
        log_level="warning",
    )


if __name__ == "__main__":
    main()
