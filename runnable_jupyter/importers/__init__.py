"""Importing Elyra and Orchest pipelines: `convert` reads one and makes the `*.pipeline.json`
document with a report of what went where and what has no equivalent; `write` saves it.

    conversion = convert(Path("flow/etl.pipeline"), root=Path("."))
    print("\\n".join(conversion.report.lines()))
    write(conversion, force=False)      # refuses to overwrite an existing file

A file that cannot be converted (not JSON, not a pipeline, a cycle, nothing to run) raises
`ImportRefused` (one sentence); an existing output without `force` raises `OutputExists`.
Nothing is written before the whole conversion succeeded. The engine's rules apply to the
result: `problems` in the report are what validation says of it (e.g. a notebook missing).

Modules: `source` (reading, which tool, output names), `elyra`/`elyra_properties` and
`orchest` (the readers), `draft` (what readers make), `assembly` (the document), `kernels` and
`notebooks` (kernels, the Orchest SDK lines), `naming` (ids and names), `report`, `writing`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .assembly import assemble
from .elyra import read_elyra
from .kernels import check_forced, choose_kernels, installed_kernels
from .orchest import read_orchest
from .report import ImportReport
from .source import (
    ImportRefused,
    OutputExists,
    check_output_name,
    default_output,
    detect_format,
    pipeline_folder,
    read_source,
)
from .writing import write

__all__ = [
    "Conversion",
    "ImportRefused",
    "ImportReport",
    "OutputExists",
    "convert",
    "default_output",
    "write",
]


@dataclass
class Conversion:
    document: dict[str, Any]
    report: ImportReport
    output: Path  # absolute


def convert(
    source: Path,
    *,
    output: Path | None = None,
    kernel: str | None = None,
    root: Path | None = None,
    shown_source: str | None = None,
    shown_output: str | None = None,
    kernels: Mapping[str, str] | None = None,
) -> Conversion:
    """Convert the Elyra or Orchest pipeline `source` into a pipeline document for `output`
    (default: `NAME.pipeline.json` beside it). `root` is the workspace root: Elyra up to
    version 1 wrote paths relative to it, and the result is validated against it. `kernels`
    ({name: language}) defaults to the installed kernelspecs. Writes nothing."""
    source = Path(source).absolute()
    target = Path(output).absolute() if output is not None else default_output(source)
    shown = shown_source or str(source)
    shown_target = shown_output or str(target)
    check_output_name(target, shown_target)
    if target.resolve() == source.resolve():
        raise ImportRefused(f"the output {shown_target} is the file to import: choose another")
    data = read_source(source, shown)
    kind = detect_format(data, shown)
    report = ImportReport(source=shown, output=shown_target, format=kind, format_version="")
    folder = pipeline_folder(source)
    if kind == "elyra":
        draft = read_elyra(data, folder, root, shown, report)
    else:
        draft = read_orchest(data, folder, root, report)
    installed = dict(kernels) if kernels is not None else installed_kernels()
    if kernel is not None:
        check_forced(kernel, installed)
    choose_kernels(draft.nodes, installed, kernel, kind == "orchest", report)
    document = assemble(draft, target.parent, report, shown)
    report.problems = _problems(document, target.parent, root, installed)
    return Conversion(document, report, target)


def _problems(
    document: dict[str, Any], folder: Path, root: Path | None, installed: Mapping[str, str]
) -> list[str]:
    from ..pipeline.validation import validate_document

    base = folder if root is None else root
    inside = folder.resolve() == base.resolve() or base.resolve() in folder.resolve().parents
    problems = validate_document(
        document, folder, base if inside else folder, known_kernels=set(installed)
    )
    return [str(problem) for problem in problems]
