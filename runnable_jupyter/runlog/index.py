"""The run index of one pipeline: every run's summary in one file, so listings read one file.

`RUNS_DIR/.index/runs.json` maps run ids to `RunSummary` documents. `RunStore.save` updates it
in the same step as the run log whenever the summary changes (not on progress-only saves),
under a file lock shared by every process (CLI runs beside a server), and replaces it
atomically so readers never see half of it. Readers keep the parsed index in memory for as long
as the file is unchanged, so listing a pipeline with 10,000 runs costs two `stat` calls.

The run logs stay the truth: the index records the runs folder's modification time and link
count, and a folder changed behind its back (runs from older versions, a run folder deleted by
hand, a process that crashed between writing its run log and the index) is reconciled from the
run logs on the next read or write.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from filelock import FileLock
from pydantic import ValidationError

from ..files import atomic_write
from .models import RUN_ID_PATTERN, RunLog, RunSummary

INDEX_DIR = ".index"
INDEX_NAME = "runs.json"
INDEX_VERSION = 1
LOCK_TIMEOUT_S = 30.0
RUN_LOG_NAME = "run.json"
_RUN_ID = re.compile(RUN_ID_PATTERN)

logger = logging.getLogger(__name__)


@dataclass
class _Cached:
    file_key: tuple[int, int, int]  # (inode, size, mtime_ns) of the index file when read
    folder_key: list[int]  # (mtime_ns, link count) of the runs folder the index matches
    runs: dict[str, dict[str, Any]]  # run id -> summary as JSON
    ordered: list[str] | None = field(default=None)  # run ids newest first, computed on demand


# Indexes read by this process, by runs folder: a server lists the same pipelines again and again.
_CACHE: dict[Path, _Cached] = {}
_CACHE_LOCK = threading.Lock()


def _sort_key(summary: dict[str, Any]) -> tuple[str, str]:
    # Run ids sort by their creation second; the start time orders runs within one second.
    return (summary["run_id"][:15], summary.get("start") or "")


class RunIndex:
    """The index of `runs_dir`: read `summaries()`, update with `record(log)`."""

    def __init__(self, runs_dir: Path) -> None:
        self.runs_dir = Path(runs_dir)
        self.path = self.runs_dir / INDEX_DIR / INDEX_NAME
        self._lock = FileLock(str(self.runs_dir / INDEX_DIR / "lock"), timeout=LOCK_TIMEOUT_S)

    # --- reading ----------------------------------------------------------------------------

    def summaries(self) -> list[dict[str, Any]]:
        """Every run's summary as JSON, newest first. Do not modify the dicts."""
        if not self.runs_dir.is_dir():
            return []
        cached = self._current()
        if cached.ordered is None:
            cached.ordered = sorted(
                cached.runs, key=lambda run_id: _sort_key(cached.runs[run_id]), reverse=True
            )
        return [cached.runs[run_id] for run_id in cached.ordered]

    def _current(self) -> _Cached:
        """The index as it stands on disk, reconciled with the runs folder when they differ."""
        cached = self._read()
        if cached is not None and cached.folder_key == self._folder_key():
            return cached
        with self._locked():
            cached = self._read()
            if cached is None or cached.folder_key != self._folder_key():
                cached = self._reconcile(cached)
                self._write(cached)
        return cached

    def _read(self) -> _Cached | None:
        """The index file, parsed (from memory when the file is unchanged); None if unusable."""
        try:
            stat = self.path.stat()
        except OSError:
            return None
        key = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
        with _CACHE_LOCK:
            cached = _CACHE.get(self.runs_dir)
        if cached is not None and cached.file_key == key:
            return cached
        try:
            document = json.loads(self.path.read_bytes())
            if document.get("version") != INDEX_VERSION:
                return None
            cached = _Cached(key, list(document["folder"]), dict(document["runs"]))
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
            logger.warning("rebuilding the unreadable run index %s: %s", self.path, error)
            return None
        with _CACHE_LOCK:
            _CACHE[self.runs_dir] = cached
        return cached

    def _folder_key(self) -> list[int]:
        try:
            stat = self.runs_dir.stat()
        except OSError:
            return [0, 0]
        # The link count (2 + subfolders on most file systems) catches two changes within one
        # tick of a coarse modification time.
        return [stat.st_mtime_ns, stat.st_nlink]

    def _reconcile(self, cached: _Cached | None) -> _Cached:
        """The index matching the run folders now there: summaries kept for runs it knew, read
        from the run logs of runs it did not."""
        known = cached.runs if cached is not None else {}
        runs: dict[str, dict[str, Any]] = {}
        folder_key = self._folder_key()  # before listing: a change meanwhile shows next time
        try:
            names = [entry.name for entry in os.scandir(self.runs_dir) if entry.is_dir()]
        except OSError:
            names = []
        for name in names:
            if not _RUN_ID.fullmatch(name):
                continue
            if name in known:
                runs[name] = known[name]
                continue
            summary = self._summary_from_run_log(name)
            if summary is not None:
                runs[name] = summary
        return _Cached((0, 0, 0), folder_key, runs)

    def _summary_from_run_log(self, run_id: str) -> dict[str, Any] | None:
        path = self.runs_dir / run_id / RUN_LOG_NAME
        try:
            log = RunLog.model_validate_json(path.read_bytes())
        except FileNotFoundError:
            return None  # a run folder whose log is not written yet
        except (OSError, ValueError, ValidationError) as error:
            # A foreign or damaged file must not hide the other runs.
            logger.warning("skipping unreadable run log %s: %s", path, error)
            return None
        return RunSummary.of(log).model_dump(mode="json")

    # --- writing ----------------------------------------------------------------------------

    def record(self, log: RunLog) -> None:
        """Make the index hold `log`'s summary (written only when the summary changed)."""
        summary = RunSummary.of(log).model_dump(mode="json")
        cached = self._read()
        if (
            cached is not None
            and cached.runs.get(log.run_id) == summary
            and cached.folder_key == self._folder_key()
        ):
            return
        with self._locked():
            cached = self._read()
            if cached is None or cached.folder_key != self._folder_key():
                cached = self._reconcile(cached)
            cached.runs[log.run_id] = summary
            cached.ordered = None
            self._write(cached)

    def forget(self, run_ids: list[str]) -> None:
        """Drop deleted runs from the index."""
        if not run_ids or not self.runs_dir.is_dir():
            return
        with self._locked():
            cached = self._read()
            cached = self._reconcile(cached)  # the folders are gone: reconciling drops them
            self._write(cached)

    def _locked(self) -> FileLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        return self._lock

    def _write(self, cached: _Cached) -> None:
        document = {"version": INDEX_VERSION, "folder": cached.folder_key, "runs": cached.runs}
        data = json.dumps(document, separators=(",", ":")).encode("utf-8")
        # Not fsynced: the index is rebuilt from the run logs whenever it is lost or stale.
        atomic_write(self.path, lambda stream: stream.write(data), durable=False)
        stat = self.path.stat()
        cached.file_key = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
        with _CACHE_LOCK:
            _CACHE[self.runs_dir] = cached
