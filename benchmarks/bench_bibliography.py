"""Loading a .bib grows linearly with its size: entries per second at 2,000 and 20,000 entries.

Generates entries shaped like the project's (an article with five authors, a DOI,
pages, keywords, course classes), writes them to a temporary file and times
:func:`mlops_atlas.bibliography.load_bibliography` (read, scan, pybtex parse,
checks) and :func:`mlops_atlas.bibliography.export_files` (every site download).
Prints entries per second and the ratio of the time per entry between the two
sizes: near 1 means linear (the old duplicate-key scan made it grow with the size).
Times are CPU seconds of this process (``time.process_time``): on a shared machine
they do not count the time other programs held the processor.

Run: ``python benchmarks/bench_bibliography.py [SMALL LARGE]``.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from mlops_atlas.bibliography import export_files, load_bibliography

TOPICS = ("drift", "monitoring", "pipelines", "testing", "technical-debt", "mlops")


def make_bib(entries: int) -> str:
    parts = []
    for n in range(entries):
        authors = " and ".join(f"Author{n % 97}-{k}, First{k} M." for k in range(5))
        parts.append(
            f"@article{{entry{n}bench,\n"
            f"  author = {{{authors}}},\n"
            f"  title = {{A {{Study}} of Production Machine Learning, Part {n}}},\n"
            f"  journal = {{Journal of Benchmarks}},\n"
            f"  volume = {{{n % 60}}},\n"
            f"  pages = {{{n % 900}--{n % 900 + 12}}},\n"
            f"  year = {{{2000 + n % 25}}},\n"
            f"  doi = {{10.1000/bench.{n}}},\n"
            f"  keywords = {{{TOPICS[n % 6]}, {TOPICS[(n + 1) % 6]}}},\n"
            f"  uba-classes = {{{n % 8 + 1}}}\n"
            "}\n"
        )
    return "\n".join(parts)


def timed(function, *args):
    start = time.process_time()
    result = function(*args)
    return time.process_time() - start, result


def main() -> None:
    sizes = [int(arg) for arg in sys.argv[1:3]] or [2_000, 20_000]
    per_entry = {}
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            path = Path(folder) / f"bench-{size}.bib"
            path.write_text(make_bib(size), encoding="utf-8")
            megabytes = path.stat().st_size / 1e6
            load_time, bibliography = timed(load_bibliography, path)
            export_time, files = timed(export_files, bibliography)
            per_entry[size] = load_time / size
            print(
                f"{size:>7,} entries ({megabytes:5.1f} MB): load {load_time:6.2f} s CPU "
                f"= {size / load_time:7,.0f} entries/s; "
                f"export {len(files):,} downloads {export_time:6.2f} s"
            )
    if len(per_entry) == 2:
        small, large = sorted(per_entry)
        ratio = per_entry[large] / per_entry[small]
        print(f"time per entry at {large:,} / at {small:,}: {ratio:.2f} (1.00 = linear)")


if __name__ == "__main__":
    main()
