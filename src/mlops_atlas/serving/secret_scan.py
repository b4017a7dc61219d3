"""Look for secrets in files that are about to be shipped: an image's build context, manifests.

A credential baked into an image or a manifest is readable by anyone who can pull the
image or read the cluster's objects, and it outlives a rotation. `scan_for_secrets`
flags the usual shapes: private keys, cloud and forge tokens, credentials in URLs,
assignments to names such as ``password`` or ``api_key`` with a literal value, and
Kubernetes ``env`` entries with such a name and a written-out value (``valueFrom`` a
Secret is the right way).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["PATTERNS", "SecretFinding", "scan_for_secrets", "scan_text"]

PATTERNS: dict[str, re.Pattern[str]] = {
    "private key": re.compile(r"-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----"),
    "AWS access key id": re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    "Slack token": re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}\b"),
    "credentials in a URL": re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s/:@]+:[^\s/@]+@"),
    "secret assigned to a name": re.compile(
        r"""(?ix)
        \b[\w.-]*(?:password|passwd|secret|token|api[_-]?key|access[_-]?key|credential)s?
        ["']?\s*[:=]\s*["']?
        (?!\$\{|<|changeme\b|none\b|null\b|false\b|true\b)   # placeholders and flags
        [^\s"',}]{8,}
        """
    ),
}
"""What a secret looks like on one line, by name."""

_ENV_VALUE = re.compile(
    r"""(?imx)
    ^[ \t-]*name:[ \t]*["']?[\w.-]*(?:password|passwd|secret|token|api[_-]?key|access[_-]?key)
    [\w.-]*["']?[ \t]*\n
    [ \t]*value:[ \t]*["']?(?!\$\{)[^\s"']{8,}
    """
)
"""A Kubernetes ``env`` entry whose name says secret and whose value is written out."""

_TEXT_SUFFIXES = {"", ".py", ".txt", ".yaml", ".yml", ".json", ".toml", ".cfg", ".ini", ".env"}


@dataclass(frozen=True)
class SecretFinding:
    """One place that looks like a secret.

    Attributes:
        path: The file.
        line: Line number (from 1).
        kind: Which pattern matched (a key of `PATTERNS`).
    """

    path: Path
    line: int
    kind: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: looks like a {self.kind}"


def scan_text(text: str, path: Path = Path("<text>")) -> list[SecretFinding]:
    """Every line of ``text`` that matches a secret pattern (the secret itself is not kept)."""
    findings = []
    for number, line in enumerate(text.splitlines(), 1):
        for kind, pattern in PATTERNS.items():
            if pattern.search(line):
                findings.append(SecretFinding(path, number, kind))
    for match in _ENV_VALUE.finditer(text):
        at = text.count("\n", 0, match.end()) + 1  # the line with the value
        findings.append(SecretFinding(path, at, "secret in a Kubernetes env value"))
    return sorted(findings, key=lambda finding: finding.line)


def scan_for_secrets(paths: Iterable[Path]) -> list[SecretFinding]:
    """Scan files, and the text files inside folders, for secret-like strings.

    Args:
        paths: Files or folders (searched recursively); binary files (a model's weights)
            and files that are not UTF-8 are skipped.

    Returns:
        Every finding, in path and line order; empty when nothing looks like a secret.
    """
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file())
        elif path.is_file():
            files.append(path)
    findings = []
    for file in files:
        if file.suffix.lower() not in _TEXT_SUFFIXES and file.name != "Dockerfile":
            continue
        try:
            text = file.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        findings += scan_text(text, file)
    return findings
