"""§2 Complex models erode boundaries: correction cascades and undeclared consumers."""

from __future__ import annotations

import posixpath

from mlops_atlas.debt.scanner.flow import same_file
from mlops_atlas.debt.scanner.rules.antipatterns import pipeline_declarations
from mlops_atlas.debt.scanner.rules.base import Context, Finding

__all__ = ["correction_cascades", "undeclared_consumers"]


def correction_cascades(ctx: Context) -> tuple[int, int, list[Finding], dict[str, object]]:
    """One model's predictions fed to another model's ``fit``.

    Checked: ``fit``-like calls. Flagged: those whose arguments hold the predictions of
    another object (in the same module, or read from a file another module wrote them to).
    """
    findings = []
    checked = 0
    for module in ctx.production:
        for fit in ctx.flows[module.path].fits:
            checked += 1
            others = sorted(p for p in fit.producers if p != fit.receiver)
            if others:
                source = ", ".join(p if p.startswith("file ") else f"{p}.predict" for p in others)
                receiver = "a model" if fit.receiver == "?" else fit.receiver
                findings.append(
                    ctx.finding(
                        "correction-cascades",
                        module,
                        fit.line,
                        f"{receiver} is fitted on predictions from {source}: a correction "
                        "cascade; improving the first model will change what the second learned",
                    )
                )
    return checked, len(findings), findings, {}


def undeclared_consumers(ctx: Context) -> tuple[int, int, list[Finding], dict[str, object]]:
    """Model outputs read by code outside the module that writes them, behind its back.

    A *model output* is a file or table a module writes predictions or a fitted model to.
    Checked: reads of a model output by another module. Flagged: those where the reader
    neither imports the writer (its interface) nor is declared with it in a pipeline file.
    """
    events = ctx.io()
    outputs = [e for e in events if e.kind == "write" and (e.predictions or e.model)]
    declarations = pipeline_declarations(ctx)
    modules = ctx.project.modules
    findings = []
    checked = 0
    seen: set[tuple[str, int]] = set()
    for read in (e for e in events if e.kind == "read"):
        writers = [
            w for w in outputs if w.module != read.module and same_file(read.target, w.target)
        ]
        if not writers or (read.module, read.line) in seen:
            continue
        seen.add((read.module, read.line))
        checked += 1
        reader = modules[read.module]
        writer = writers[0]
        writer_name = modules[writer.module].name
        imports_writer = any(
            i == writer_name or i.startswith(writer_name + ".") for i in reader.imports
        )
        in_pipeline = any(
            posixpath.basename(read.module) in text and posixpath.basename(writer.target) in text
            for text in declarations.values()
        )
        if imports_writer or in_pipeline:
            continue
        what = "predictions" if writer.predictions else "a model"
        findings.append(
            ctx.finding(
                "undeclared-consumers",
                reader,
                read.line,
                f"reads {read.target}, {what} written by {writer.module}:{writer.line}, "
                "without its interface or a declared dependency",
            )
        )
    return checked, len(findings), findings, {}
