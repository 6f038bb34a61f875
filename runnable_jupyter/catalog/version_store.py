"""Immutable versions of catalog entries: content-addressed objects and one record per version.

Layout under the catalog folder (hidden, next to the human-visible current files):

    .versions/objects/ab/abcdef...       the content, named by its sha256 (stored once)
    .versions/entries/NAME/SHA256.json   a version of entry NAME: its format, file name, size,
                                         and the run and step that first produced it
    .versions/runs/RUN_ID.json           the versions one run pinned, read and wrote

Every file is written to a temporary file in its folder first and then renamed, so a reader
never sees half of one, and two writers of the same content end with one object. Nothing here
is ever modified in place; `collect_garbage` deletes what nothing refers to any more.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any

from ..clock import utcnow
from ..files import HASH_CHUNK, sha256_of_file

VERSIONS_DIR = ".versions"


class VersionStore:
    """The versions of one catalog folder."""

    def __init__(self, catalog_dir: Path) -> None:
        self.root = Path(catalog_dir) / VERSIONS_DIR
        self.objects = self.root / "objects"
        self.entries = self.root / "entries"

    # -- objects -----------------------------------------------------------------------------

    def object_path(self, sha256: str) -> Path:
        return self.objects / sha256[:2] / sha256

    def has(self, sha256: str) -> bool:
        return self.object_path(sha256).is_file()

    def add(self, write: Callable[[IO[bytes]], object]) -> tuple[str, int]:
        """Store what `write` writes; (sha256, size). Content already stored is kept once."""
        self.objects.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=self.objects, prefix=".incoming.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                write(handle)  # the real file: writers like numpy and pyarrow want one
                handle.flush()
                os.fsync(handle.fileno())
            sha256, size = sha256_of_file(Path(temp)), os.path.getsize(temp)
            target = self.object_path(sha256)
            if target.is_file():
                os.unlink(temp)  # the same content is already there
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(temp, target)
            return sha256, size
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise

    def add_file(self, source: Path) -> tuple[str, int]:
        """Store a copy of the file `source`; (sha256, size)."""

        def copy(out: IO[bytes]) -> None:
            with open(source, "rb") as handle:
                while chunk := handle.read(HASH_CHUNK):
                    out.write(chunk)

        return self.add(copy)

    # -- version records ---------------------------------------------------------------------

    def record(
        self,
        name: str,
        sha256: str,
        size: int,
        fmt: str,
        file: str,
        *,
        run_id: str | None,
        step: str | None,
        extra: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """The version record of (name, sha256), written unless it exists (first producer)."""
        existing = self.version(name, sha256)
        if existing is not None and existing.get("format") == fmt and existing.get("file") == file:
            return existing
        record = {
            "name": name,
            "sha256": sha256,
            "size": size,
            "format": fmt,
            "file": file,
            "run_id": run_id,
            "step": step,
            "time": utcnow().isoformat(),
            **(extra or {}),
        }
        target = self._record_path(name, sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(record, handle, indent=1)
        os.replace(temp, target)
        return record

    def version(self, name: str, sha256: str) -> dict[str, Any] | None:
        try:
            record: dict[str, Any] = json.loads(
                self._record_path(name, sha256).read_text(encoding="utf-8")
            )
        except (OSError, ValueError):
            return None
        return record if self.has(sha256) else None

    def versions(self, name: str) -> list[dict[str, Any]]:
        """Every stored version of `name`, oldest first."""
        folder = self.entries / name
        found = []
        for path in folder.glob("*.json") if folder.is_dir() else []:
            record = self.version(name, path.stem)
            if record is not None:
                found.append(record)
        return sorted(found, key=lambda record: str(record.get("time", "")))

    def names(self) -> list[str]:
        """Every entry with a stored version."""
        if not self.entries.is_dir():
            return []
        folders = {path.parent for path in self.entries.rglob("*.json")}
        return sorted(folder.relative_to(self.entries).as_posix() for folder in folders)

    def _record_path(self, name: str, sha256: str) -> Path:
        return self.entries / name / f"{sha256}.json"

    # -- garbage collection ------------------------------------------------------------------

    def collect_garbage(self, keep: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
        """Delete every version not in `keep` ((name, sha256) pairs) and the objects no kept
        version uses; the (name, sha256) of each version deleted."""
        kept = set(keep)
        kept_objects = {sha256 for _name, sha256 in kept}
        deleted = []
        for path in self.entries.rglob("*.json") if self.entries.is_dir() else []:
            name = path.parent.relative_to(self.entries).as_posix()
            if (name, path.stem) not in kept:
                path.unlink(missing_ok=True)
                deleted.append((name, path.stem))
        for path in self.objects.glob("*/*") if self.objects.is_dir() else []:
            if path.name not in kept_objects and not path.name.startswith("."):
                path.unlink(missing_ok=True)
        return deleted


class RunRecord:
    """The versions one run pinned at its start, read and wrote (`.versions/runs/RUN_ID.json`),
    kept while the run is: `get(name, run=...)` and garbage collection read them."""

    def __init__(
        self,
        run_id: str,
        pinned: dict[str, str],
        read: dict[str, str] | None = None,
        written: dict[str, str] | None = None,
    ) -> None:
        self.run_id = run_id
        self.pinned = dict(pinned)  # name -> sha256
        self.read = dict(read or {})
        self.written = dict(written or {})

    def version_of(self, name: str) -> str | None:
        return self.written.get(name) or self.read.get(name) or self.pinned.get(name)

    def names(self) -> list[str]:
        return sorted(set(self.written) | set(self.read))

    def versions_used(self) -> set[tuple[str, str]]:
        return {pair for part in (self.pinned, self.read, self.written) for pair in part.items()}

    @staticmethod
    def path(store: VersionStore, run_id: str) -> Path:
        return store.root / "runs" / f"{run_id}.json"

    @classmethod
    def load(cls, store: VersionStore, run_id: str) -> RunRecord | None:
        try:
            document = json.loads(cls.path(store, run_id).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return cls(run_id, document["pinned"], document["read"], document["written"])

    @classmethod
    def all(cls, store: VersionStore) -> list[RunRecord]:
        folder = store.root / "runs"
        records = [cls.load(store, path.stem) for path in folder.glob("*.json")]
        return [record for record in records if record is not None]

    def save(self, store: VersionStore) -> None:
        document = {"pinned": self.pinned, "read": self.read, "written": self.written}
        target = self.path(store, self.run_id)
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(document, handle, indent=1)
        os.replace(temp, target)

    @classmethod
    def forget(cls, store: VersionStore, run_id: str) -> None:
        cls.path(store, run_id).unlink(missing_ok=True)
