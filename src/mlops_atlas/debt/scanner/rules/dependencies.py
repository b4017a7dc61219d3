"""§3 Data dependencies cost more than code dependencies: unstable data dependencies."""

from __future__ import annotations

import re

from mlops_atlas.debt.scanner.facts import ProjectFacts
from mlops_atlas.debt.scanner.rules.base import Finding

__all__ = ["unstable_data"]


_REMOTE = re.compile(
    r"^(https?|s3|gs|gcs|hdfs|ftp|abfss?|az|wasbs?|dbfs|models|runs|hf)://|^models:/", re.I
)
_PINNED = re.compile(
    r"([0-9a-f]{40}|[0-9a-f]{7,12}(?=/)|[?&](version|versionId|rev|revision|sha|ref)=|@sha256:|"
    r"/v\d+(\.\d+)*/|[_-]v\d+(\.\d+)*\b|/\d+$|/\d{4}-\d{2}-\d{2}/)",
    re.I,
)
_MOVING = re.compile(
    r"(?i)(^|[/_.-])(latest|current|newest|recent|head|master|main|staging|production)([/_.-]|$)"
)


def unstable_data(facts: ProjectFacts) -> tuple[int, int, list[Finding], dict[str, object]]:
    """Data read from a moving target: a URL with no version or hash, or a "latest" path.

    Checked: every read or fetch. Flagged: a remote location (``http(s)://``, ``s3://``,
    ``models:/``...) with no version, revision, commit hash or date in it and no
    ``version=``/``revision=``/``sha256=``-like argument; a path naming a moving version
    (``latest``, ``current``, ``main``, ``Production``...); ``fetch_openml`` or
    ``load_dataset`` without a version or revision (they default to a moving one).
    """
    findings = []
    checked = 0
    for event in facts.io():
        if event.kind not in {"read", "fetch"} or event.target.startswith("table:"):
            continue
        checked += 1
        module = facts.modules[event.module]
        target = event.target
        reason = None
        if _MOVING.search(target) and not event.pinned:
            reason = f"reads {target!r}, which names a moving version"
        elif event.kind == "fetch" and not event.pinned:
            short = event.call.rsplit(".", 1)[-1]
            if short in {"fetch_openml", "load_dataset"}:
                reason = f"{short}({target!r}) without a version: it follows whatever is current"
            elif _REMOTE.match(target) and not _PINNED.search(target):
                reason = f"fetches {target!r} with no version or hash: it can change under you"
        elif (
            event.kind == "read"
            and _REMOTE.match(target)
            and not _PINNED.search(target)
            and not event.pinned
        ):
            reason = f"reads {target!r} with no version or hash: it can change under you"
        if reason:
            findings.append(module.finding("unstable-data", event.line, reason))
    return checked, len(findings), findings, {}
