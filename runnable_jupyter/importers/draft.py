"""What a reader (Elyra, Orchest) makes of a source file before it becomes a pipeline document:
nodes with their source ids, labels, files, edges and mapped properties, in file order.

Readers fill this in and record in the report what they could not map; `assembly.py` turns it
into the new document (ids, edges through nodes that are not imported, relative paths).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def obj(value: Any) -> dict[str, Any]:
    """`value` when it is a JSON object, else an empty one (files in the wild vary)."""
    return value if isinstance(value, dict) else {}


def seq(value: Any) -> list[Any]:
    """`value` when it is a JSON array, else an empty one."""
    return value if isinstance(value, list) else []


NOTEBOOK, SCRIPT, CUSTOM, NO_FILE = "notebook", "script", "custom", "no file"


@dataclass
class Node:
    key: str  # the source's id (Elyra node id, Orchest step uuid)
    label: str  # what people called it (Elyra label, Orchest title)
    kind: str  # NOTEBOOK, SCRIPT, CUSTOM or NO_FILE: only notebooks become steps
    why_not: str = ""  # for the others: why, and what to do instead
    file_text: str | None = None  # the file as the source wrote it
    file: Path | None = None  # ... resolved, absolute
    parents: list[str] = field(default_factory=list)  # source ids, in the source's order
    position: tuple[float, float] | None = None
    env: dict[str, Any] = field(default_factory=dict)
    parameters: dict[str, Any] = field(default_factory=dict)
    catalog_get: list[str] = field(default_factory=list)
    catalog_put: list[str] = field(default_factory=list)
    dependencies: list[str] = field(default_factory=list)  # Elyra: files shipped with the node
    language: str | None = None  # the language the source runs it in (Orchest), if it says
    kernel: str | None = None  # the kernelspec chosen for it
    # (source, field inside the step such as "env/NB_USER", message): mapped properties, their
    # target known once the step has its index
    mapped: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def where(self) -> str:
        return f"node '{self.label}'" if self.label else f"node {self.key}"

    def map(self, what: str, target: str, message: str) -> None:
        self.mapped.append((f"{self.where} {what}", target, message))


@dataclass
class Draft:
    name: str = ""
    description: str = ""
    parameters: dict[str, Any] = field(default_factory=dict)
    env: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    nodes: list[Node] = field(default_factory=list)
    # Elyra: a node receives the files every upstream node lists in `outputs`
    outputs_reach_descendants: bool = False
    unit: str = "node"  # what the source calls a node ("node", "step"), for messages
