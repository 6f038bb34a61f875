"""The conversion report: what of the source pipeline went where, and what has no equivalent.

Every property the readers meet lands in one of three lists, so nothing is dropped silently:
`mapped` (it became part of the new file, at `target`), `not_mapped` (no equivalent: a runtime
image, resources, Kubernetes settings, custom components, services...; `message` says what to
do instead) and `notes` (a change the reader made on the way, such as a renamed id or a path
found elsewhere). After conversion, `problems` holds what validating the new file found (a
notebook missing, a kernel not installed).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

SHOWN_VALUE_CHARS = 80


def shown(value: Any) -> str:
    """A value as a short, readable text (long values and data: URIs are cut)."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = " ".join(text.split())  # one line, even for multi-line comments
    if len(text) <= SHOWN_VALUE_CHARS:
        return text
    return f"{text[: SHOWN_VALUE_CHARS - 3]}..."


@dataclass(frozen=True)
class Item:
    source: str  # where in the source file, for people: "node 'Load data' env_vars"
    target: str | None  # JSON pointer into the new file, None when nothing was written
    message: str  # what happened, and what to do about it when something must be done


@dataclass
class ImportReport:
    source: str  # the source file, as the caller named it
    output: str  # the new pipeline file, as the caller named it
    format: str  # "elyra" or "orchest"
    format_version: str  # Elyra's app_data.version, Orchest's version ("none" when absent)
    steps: list[dict[str, str]] = field(default_factory=list)  # {"id", "from", "notebook"}
    mapped: list[Item] = field(default_factory=list)
    not_mapped: list[Item] = field(default_factory=list)
    notes: list[Item] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # validation of the new file

    def map(self, source: str, target: str, message: str) -> None:
        self.mapped.append(Item(source, target, message))

    def unmapped(self, source: str, message: str) -> None:
        self.not_mapped.append(Item(source, None, message))

    def note(self, source: str, message: str, target: str | None = None) -> None:
        self.notes.append(Item(source, target, message))

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "output": self.output,
            "format": self.format,
            "format_version": self.format_version,
            "steps": list(self.steps),
            "mapped": [asdict(item) for item in self.mapped],
            "not_mapped": [asdict(item) for item in self.not_mapped],
            "notes": [asdict(item) for item in self.notes],
            "problems": list(self.problems),
        }

    def lines(self) -> list[str]:
        """The report as plain text lines, for a terminal."""
        title = {"elyra": "Elyra", "orchest": "Orchest"}.get(self.format, self.format)
        out = [
            f"{self.source} ({title} pipeline, format {self.format_version}) -> {self.output}",
            f"{len(self.steps)} step(s):",
        ]
        out += [f"  {s['id']}  <- {s['from']}  ({s['notebook']})" for s in self.steps]
        sections = (
            ("mapped", self.mapped),
            ("no equivalent (not carried over)", self.not_mapped),
            ("notes", self.notes),
        )
        for title_text, items in sections:
            if items:
                out.append(f"{title_text}:")
                out += [_item_line(item) for item in items]
        if self.problems:
            out.append("problems validation found in the new file (fix them before running):")
            out += [f"  {problem}" for problem in self.problems]
        else:
            out.append("the new file is valid")
        return out


def _item_line(item: Item) -> str:
    where = f" -> {item.target}" if item.target else ""
    return f"  {item.source}{where}: {item.message}"
