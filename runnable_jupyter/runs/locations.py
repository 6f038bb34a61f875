"""Where a workspace keeps things: pipelines inside the root, each pipeline's runs folder and
catalog folder (next to it, or under the configured `runs_root` / `catalog_root`), and which
runs folder holds a run id (remembered once seen; the workspace is walked at most every
`RESCAN_S` seconds for an unknown one)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from ..catalog.store import catalog_dir_for
from ..errors import BadRequest
from ..paths import relative_to_root, resolve_inside
from ..pipeline.model import Pipeline
from ..runlog.store import RunStore, find_runs_dirs, runs_dir_for

RESCAN_S = 3.0


class Locations:
    def __init__(self, root: Path, runs_root: Path | None, catalog_root: Path | None) -> None:
        self.root = root
        self.runs_root = runs_root
        self.catalog_root = catalog_root
        self._lock = threading.Lock()
        self._runs_dirs: dict[str, Path] = {}  # run id -> its runs folder, for runs seen
        self._known: list[Path] = []  # every runs folder at the last scan ...
        self._scanned_at: float | None = None  # ... and when (time.monotonic())

    def pipeline(self, pipeline: str) -> tuple[Path, str]:
        """(resolved path, path relative to the root) of a pipeline named relative to the root."""
        if not isinstance(pipeline, str):
            raise BadRequest(f"the pipeline must be a path string, not {pipeline!r}")
        path = resolve_inside(self.root, pipeline)
        return path, relative_to_root(self.root, path)

    def runs_dir(self, pipeline_path: Path, rel: str) -> Path:
        if self.runs_root is not None:
            return self.runs_root / rel.replace("/", "__")
        return runs_dir_for(pipeline_path)

    def catalog_dir(self, pipeline_path: Path, rel: str, model: Pipeline) -> Path:
        if self.catalog_root is not None:
            return self.catalog_root / rel.replace("/", "__")
        return catalog_dir_for(pipeline_path, model).resolve()

    def all_runs_dirs(self) -> list[Path]:
        if self.runs_root is not None:
            if not self.runs_root.is_dir():
                return []
            return sorted(p for p in self.runs_root.iterdir() if p.is_dir())
        return find_runs_dirs(self.root)

    # --- which runs folder holds a run ------------------------------------------------------

    def remember(self, run_id: str, runs_dir: Path) -> None:
        with self._lock:
            self._runs_dirs[run_id] = runs_dir

    def remembered(self, run_id: str) -> Path | None:
        with self._lock:
            return self._runs_dirs.get(run_id)

    def runs_dir_of(self, run_id: str) -> Path | None:
        """The runs folder holding `run_id`: the one remembered, else the folders known from
        the last scan; the workspace is walked again only when that scan is older than
        `RESCAN_S`, so repeated unknown ids cost a few file checks, not a walk each."""
        remembered = self.remembered(run_id)
        if remembered is not None and RunStore(remembered).exists(run_id):
            return remembered
        with self._lock:
            known, scanned_at = list(self._known), self._scanned_at
        found = next((d for d in known if RunStore(d).exists(run_id)), None)
        fresh = scanned_at is not None and time.monotonic() - scanned_at < RESCAN_S
        if found is None and not fresh:
            known = self.all_runs_dirs()
            with self._lock:
                self._known, self._scanned_at = known, time.monotonic()
            found = next((d for d in known if RunStore(d).exists(run_id)), None)
        if found is not None:
            self.remember(run_id, found)
        return found
