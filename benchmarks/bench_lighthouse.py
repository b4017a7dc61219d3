"""Lighthouse on the built site: the home page, a reading and an example page.

Builds the site (strict) into a temporary folder, or takes ``--site DIR``, serves it
from 127.0.0.1 on a free port with Python's ``http.server`` (no compression, as the
target asks), and runs Lighthouse's default mobile audit (simulated slow 4G and a
slowed CPU) ``--runs`` times per page. Prints each run's scores and metrics, then each
page's lowest scores against the targets: performance at least 90, accessibility and
best practices 100.

Lighthouse is not a project dependency (it is a Node program); install it once, for
instance ``npm install --prefix ~/.cache/atlas-lighthouse lighthouse@12``, and pass
``--lighthouse ~/.cache/atlas-lighthouse/node_modules/.bin/lighthouse``. Chromium comes
from ``/usr/bin/chromium`` (``CHROME_PATH`` to change it).

Run: ``.venv/bin/python benchmarks/bench_lighthouse.py --lighthouse PATH`` (about 20 s
per audit; a minute or two for the build).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = ["", "readings/sculley2015hidden/", "examples/cace/"]
TARGETS = {"performance": 0.90, "accessibility": 1.0, "best-practices": 1.0}
METRICS = {
    "FCP": "first-contentful-paint",
    "LCP": "largest-contentful-paint",
    "TBT": "total-blocking-time",
    "CLS": "cumulative-layout-shift",
}


class QuietHandler(SimpleHTTPRequestHandler):
    """Serves the site's files without a log line per request."""

    def log_message(self, format: str, *args: object) -> None:
        """Log nothing."""


def audit(lighthouse: str, url: str, chrome: str) -> dict:
    """One Lighthouse report of ``url``, as JSON."""
    result = subprocess.run(
        [
            lighthouse,
            url,
            "--quiet",
            "--output=json",
            "--output-path=stdout",
            "--chrome-flags=--headless=new --no-sandbox",
            f"--only-categories={','.join(TARGETS)}",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "CHROME_PATH": chrome},
        check=False,
        timeout=300,
    )
    if result.returncode != 0:
        sys.exit(f"lighthouse failed on {url}: {result.stderr.strip()[-1000:]}")
    return json.loads(result.stdout)


def main() -> None:
    """Serve the site, audit each page, print the runs and the targets."""
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog="example: .venv/bin/python benchmarks/bench_lighthouse.py "
        "--lighthouse ~/.cache/atlas-lighthouse/node_modules/.bin/lighthouse --runs 3",
    )
    parser.add_argument("--lighthouse", default=shutil.which("lighthouse"), help="its CLI")
    parser.add_argument("--runs", type=int, default=3, help="audits per page (default 3)")
    parser.add_argument("--site", type=Path, help="a built site (default: build one)")
    args = parser.parse_args()
    if not args.lighthouse or not Path(args.lighthouse).expanduser().exists():
        sys.exit(
            "Lighthouse not found: 'npm install --prefix ~/.cache/atlas-lighthouse lighthouse@12', "
            "then --lighthouse ~/.cache/atlas-lighthouse/node_modules/.bin/lighthouse"
        )
    chrome = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
    with tempfile.TemporaryDirectory() as folder:
        site = args.site
        if site is None:
            site = Path(folder) / "site"
            print("… building the site (strict)", flush=True)
            subprocess.run(
                [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)],
                cwd=ROOT,
                env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
                check=True,
            )
        handler = functools.partial(QuietHandler, directory=str(site))
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        print(f"Lighthouse, default mobile audit, {base} served without compression")
        print(f"{'page':<30} {'run':>3} {'perf':>5} {'a11y':>5} {'bp':>5}  metrics")
        lowest: dict[str, dict[str, float]] = {}
        try:
            for page in PAGES:
                for run in range(1, args.runs + 1):
                    report = audit(args.lighthouse, base + page, chrome)
                    scores = {name: report["categories"][name]["score"] for name in TARGETS}
                    metrics = "  ".join(
                        f"{short} {report['audits'][key]['displayValue']}"
                        for short, key in METRICS.items()
                    )
                    print(
                        f"{'/' + page:<30} {run:>3} {scores['performance'] * 100:5.0f} "
                        f"{scores['accessibility'] * 100:5.0f} "
                        f"{scores['best-practices'] * 100:5.0f}  {metrics}",
                        flush=True,
                    )
                    mine = lowest.setdefault(page, scores)
                    for name, score in scores.items():
                        mine[name] = min(mine[name], score)
        finally:
            server.shutdown()
    print("\nlowest of the runs, against the targets (performance >= 90, the others 100):")
    for page, scores in lowest.items():
        met = all(scores[name] >= target for name, target in TARGETS.items())
        shown = ", ".join(f"{name} {score * 100:.0f}" for name, score in scores.items())
        print(f"  /{page:<29} {shown}: {'met' if met else 'NOT met'}")


if __name__ == "__main__":
    main()
