"""What one step of a run reads from the catalog: entry name -> version record.

The run's manager writes a view file per step before submitting it (the versions pinned when the
run started, overlaid with what the step's upstream wrote in this run); the step's kernel and
declarative globs read through it (`RUNNABLE_JUPYTER_CATALOG_VIEW`), so what other runs write
meanwhile never reaches it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..files import atomic_write

VIEW_VERSION = 1


class CatalogView:
    def __init__(self, entries: dict[str, dict[str, Any]] | None = None) -> None:
        self.entries: dict[str, dict[str, Any]] = dict(entries or {})

    def get(self, name: str) -> dict[str, Any] | None:
        return self.entries.get(name)

    @classmethod
    def load(cls, path: Path) -> CatalogView:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(document["entries"])

    def save(self, path: Path) -> None:
        payload = json.dumps({"version": VIEW_VERSION, "entries": self.entries}, indent=1)
        atomic_write(Path(path), lambda out: out.write(payload.encode("utf-8")))
