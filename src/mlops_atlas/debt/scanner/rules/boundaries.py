"""§2 Complex models erode boundaries: correction cascades and undeclared consumers."""

from __future__ import annotations

import posixpath
from collections import defaultdict

from mlops_atlas.debt.scanner.facts import ProjectFacts
from mlops_atlas.debt.scanner.iocalls import IOEvent
from mlops_atlas.debt.scanner.rules.antipatterns import Targets
from mlops_atlas.debt.scanner.rules.base import Finding

__all__ = ["correction_cascades", "undeclared_consumers"]


def correction_cascades(facts: ProjectFacts) -> tuple[int, int, list[Finding], dict[str, object]]:
    """One model's predictions fed to another model's ``fit``.

    Checked: ``fit``-like calls. Flagged: those whose arguments hold the predictions of
    another object (in the same module, or read from a file another module wrote them to).
    """
    findings = []
    checked = 0
    for module in facts.production:
        for fit in module.flow.fits:
            checked += 1
            others = sorted(p for p in fit.producers if p != fit.receiver)
            if others:
                source = ", ".join(p if p.startswith("file ") else f"{p}.predict" for p in others)
                receiver = "a model" if fit.receiver == "?" else fit.receiver
                findings.append(
                    module.finding(
                        "correction-cascades",
                        fit.line,
                        f"{receiver} is fitted on predictions from {source}: a correction "
                        "cascade; improving the first model will change what the second learned",
                    )
                )
    return checked, len(findings), findings, {}


def undeclared_consumers(facts: ProjectFacts) -> tuple[int, int, list[Finding], dict[str, object]]:
    """Model outputs read by code outside the module that writes them, behind its back.

    A *model output* is a file or table a module writes predictions or a fitted model to.
    Checked: reads of a model output by another module. Flagged: those where the reader
    neither imports the writer (its interface) nor is declared with it in a pipeline file.
    """
    events = facts.io()
    outputs: dict[str, list[tuple[int, IOEvent]]] = defaultdict(list)
    for index, event in enumerate(events):
        if event.kind == "write" and (event.predictions or event.model):
            outputs[event.target].append((index, event))
    targets = Targets(outputs)
    modules = facts.modules
    checked = 0
    seen: set[tuple[str, int]] = set()
    suspects: list[tuple[IOEvent, IOEvent]] = []  # (read, writer) not imported by the reader
    for read in (e for e in events if e.kind == "read"):
        writers = sorted(
            (pair for target in targets.matching(read.target) for pair in outputs[target]),
            key=lambda pair: pair[0],
        )
        writers = [pair for pair in writers if pair[1].module != read.module]
        if not writers or (read.module, read.line) in seen:
            continue
        seen.add((read.module, read.line))
        checked += 1
        writer = writers[0][1]
        writer_name = modules[writer.module].name
        if not any(
            i == writer_name or i.startswith(writer_name + ".")
            for i in modules[read.module].imports
        ):
            suspects.append((read, writer))
    declared: set[int] = set()
    if suspects:

        def names(_: str, text: str) -> None:
            for index, (read, writer) in enumerate(suspects):
                if index not in declared and (
                    posixpath.basename(read.module) in text
                    and posixpath.basename(writer.target) in text
                ):
                    declared.add(index)

        facts.each_declaration(names)
    findings = []
    for index, (read, writer) in enumerate(suspects):
        if index in declared:
            continue
        what = "predictions" if writer.predictions else "a model"
        findings.append(
            modules[read.module].finding(
                "undeclared-consumers",
                read.line,
                f"reads {read.target}, {what} written by {writer.module}:{writer.line}, "
                "without its interface or a declared dependency",
            )
        )
    return checked, len(findings), findings, {}
