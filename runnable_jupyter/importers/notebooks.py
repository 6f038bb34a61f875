"""What the importer reads in a step's notebook (read only: the importer never edits one): its
kernelspec and language, and the lines that import the Orchest SDK, for which the report gives
the one-line change to `runnable_jupyter.compat.orchest`. Plain JSON, no nbformat.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .draft import obj

MAX_NOTEBOOK_BYTES = 100 * 1024 * 1024
SDK_IMPORT = re.compile(r"^\s*(import\s+orchest\b|from\s+orchest(\.\w+)*\s+import\b)")
SHIM = "runnable_jupyter.compat"


@dataclass
class NotebookInfo:
    kernel_name: str | None = None
    language: str | None = None
    sdk_imports: list[tuple[int, str]] = field(default_factory=list)  # (cell number, line)


def read_notebook(path: Path) -> NotebookInfo | None:
    """None when the notebook is missing or unreadable (validation names it)."""
    try:
        if path.stat().st_size > MAX_NOTEBOOK_BYTES:
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    metadata = obj(data.get("metadata"))
    spec = obj(metadata.get("kernelspec"))
    info = obj(metadata.get("language_info"))
    language = spec.get("language") or info.get("name")
    name = spec.get("name")
    result = NotebookInfo(
        kernel_name=name if isinstance(name, str) and name else None,
        language=language.lower() if isinstance(language, str) and language else None,
    )
    cells = data["cells"] if isinstance(data.get("cells"), list) else []
    for number, cell in enumerate(cells, 1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        for line in _source(cell.get("source")).splitlines():
            if SDK_IMPORT.match(line):
                result.sdk_imports.append((number, line.strip()))
    return result


def _source(source: Any) -> str:
    if isinstance(source, list):
        return "".join(part for part in source if isinstance(part, str))
    return source if isinstance(source, str) else ""


def shim_line(line: str) -> str | None:
    """The replacement for an Orchest SDK import line; None when it can stay as it is once the
    stand-in is imported (`import orchest.parameters as op` after `import orchest`)."""
    match = re.fullmatch(r"import\s+orchest(\s+as\s+\w+)?", line)
    if match:
        return f"from {SHIM} import orchest{match.group(1) or ''}"
    match = re.fullmatch(r"from\s+orchest\s+import\s+(.+)", line)
    if match:
        return f"from {SHIM}.orchest import {match.group(1)}"
    match = re.fullmatch(r"from\s+orchest\.(parameters|transfer)\s+import\s+(.+)", line)
    if match:
        return f"from {SHIM}.orchest import {match.group(2)}"
    return None
