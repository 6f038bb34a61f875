"""What a catalog holds, for people: every entry's versions with their size, format, producer
(run and step), the runs that read them, and which one is current (`runnable-jupyter catalog`,
`GET catalog`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .store import CatalogStore
from .version_store import RunRecord


def catalog_entries(catalog_dir: Path, name: str | None = None) -> list[dict[str, Any]]:
    """Entries (all, or `name`), each with its versions oldest first."""
    store = CatalogStore(catalog_dir)
    current = store.current()
    records = RunRecord.all(store.versions)
    names = sorted(set(store.versions.names()) | set(current))
    if name is not None:
        names = [name] if name in names else []
    listing = []
    for entry in names:
        current_sha = (current.get(entry) or {}).get("sha256")
        versions = []
        for version in store.versions.versions(entry):
            sha256 = version["sha256"]
            versions.append(
                {
                    "sha256": sha256,
                    "size": version["size"],
                    "format": version["format"],
                    "file": version["file"],
                    "run_id": version.get("run_id"),
                    "step": version.get("step"),
                    "time": version.get("time"),
                    "current": sha256 == current_sha,
                    "written_by": sorted(
                        r.run_id for r in records if r.written.get(entry) == sha256
                    ),
                    "read_by": sorted(r.run_id for r in records if r.read.get(entry) == sha256),
                }
            )
        listing.append({"name": entry, "current": current_sha, "versions": versions})
    return listing


def run_catalog(catalog_dir: Path, run_id: str) -> dict[str, dict[str, str | None]] | None:
    """name -> the versions (sha256) the run pinned, read and wrote; None for an unknown run."""
    record = RunRecord.load(CatalogStore(catalog_dir).versions, run_id)
    if record is None:
        return None
    names = sorted(set(record.pinned) | set(record.read) | set(record.written))
    return {
        entry: {
            "pinned": record.pinned.get(entry),
            "read": record.read.get(entry),
            "written": record.written.get(entry),
        }
        for entry in names
    }
