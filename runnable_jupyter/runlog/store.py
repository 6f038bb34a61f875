"""Persisting run logs: one folder per run, holding `run.json` and the run's step outputs.

`run.json` is rewritten on every status change, always atomically (a temporary file in the same
folder, then `os.replace`), so a reader never sees half a document even if the writer crashes.
Each save also keeps the pipeline's run index (`index.RunIndex`) current, which listings read.
"""

from __future__ import annotations

import logging
import re
import shutil
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import BadRequest, RunNotFound
from ..files import atomic_write, walk_folders
from ..pipeline.model import pipeline_stem
from .index import RUN_LOG_NAME, RunIndex
from .models import RUN_ID_PATTERN, RunLog, RunStatus

RUNS_SUFFIX = ".runs"

_RUN_ID = re.compile(RUN_ID_PATTERN)
# One lock for every store: several stores may point at the same folder (one per request).
_SAVE_LOCK = threading.Lock()
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
logger = logging.getLogger(__name__)


def runs_dir_for(pipeline_path: Path) -> Path:
    """`WS/sub/etl.pipeline.json` -> `WS/sub/etl.runs`."""
    return pipeline_path.parent / f"{pipeline_stem(pipeline_path)}{RUNS_SUFFIX}"


def check_run_id(run_id: str) -> str:
    """Refuse anything that is not a run id before it is used as a folder name."""
    if not isinstance(run_id, str) or not _RUN_ID.fullmatch(run_id):
        text = str(run_id)
        shown = text if len(text) <= 40 else text[:37] + "..."  # a long one is not echoed whole
        raise BadRequest(
            f"'{shown}' is not a run id: run ids look like 20261122T101500-3fa9c1",
            {"run_id": shown},
        )
    return run_id


RUNS_GITIGNORE = b"# Written by runnable-jupyter: run folders are outputs, not sources.\n*\n"


class RunStore:
    """The run logs of one pipeline, in `runs_dir/RUN_ID/run.json`."""

    def __init__(self, runs_dir: Path) -> None:
        self.runs_dir = Path(runs_dir)
        self.index = RunIndex(self.runs_dir)
        self._gitignore_checked = False

    def run_dir(self, run_id: str) -> Path:
        return self.runs_dir / check_run_id(run_id)

    def run_log_path(self, run_id: str) -> Path:
        return self.run_dir(run_id) / RUN_LOG_NAME

    def save(self, log: RunLog) -> Path:
        """Write the run log atomically, creating the run's folder when needed."""
        target = self.run_log_path(log.run_id)
        text = log.model_dump_json(indent=2)
        data = text.encode("utf-8")
        # Whatever the order, a crash in between must leave the index saying "in progress" (which
        # listings check against the run log), never a finished status the run log lacks.
        index_first = log.status in (RunStatus.pending, RunStatus.running)
        with _SAVE_LOCK:
            # Folders and files first: the index records the runs folder as it then stands.
            target.parent.mkdir(parents=True, exist_ok=True)
            if not self._gitignore_checked:  # once per store, not on every (progress) save
                ignore = self.runs_dir / ".gitignore"
                if not ignore.exists():  # executed notebooks must not land in git by accident
                    atomic_write(ignore, lambda stream: stream.write(RUNS_GITIGNORE))
                self._gitignore_checked = True
            if index_first:
                self.index.record(log)
            atomic_write(target, lambda stream: stream.write(data))
            if not index_first:
                self.index.record(log)
        return target

    def load(self, run_id: str) -> RunLog:
        path = self.run_log_path(run_id)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise RunNotFound(
                f"run {run_id} not found in {self.runs_dir}", {"run_id": run_id}
            ) from None
        return RunLog.model_validate_json(text)

    def exists(self, run_id: str) -> bool:
        return self.run_log_path(run_id).is_file()

    def summaries(self) -> list[dict[str, Any]]:
        """Every run's `RunSummary` as JSON, newest first, from the run index (no run log is
        read; validate only what is used: a page of 50 out of 10,000)."""
        return self.index.summaries()

    def delete(self, run_ids: list[str]) -> None:
        """Remove these runs' folders (run log, executed notebooks, logs) and index entries."""
        for run_id in run_ids:
            shutil.rmtree(self.run_dir(run_id), ignore_errors=True)
        self.index.forget(run_ids)

    def list(self) -> list[RunLog]:
        """Every readable run log, newest first (reads them all: listings use `summaries`)."""
        if not self.runs_dir.is_dir():
            return []
        logs = []
        for entry in self.runs_dir.iterdir():
            if not _RUN_ID.fullmatch(entry.name) or not (entry / RUN_LOG_NAME).is_file():
                continue
            try:
                logs.append(self.load(entry.name))
            except (OSError, ValueError, ValidationError) as error:
                # A foreign or damaged file must not hide the other runs.
                logger.warning("skipping unreadable run log %s: %s", entry, error)
        # Run ids sort by their creation second; the start time orders runs within one second.
        return sorted(logs, key=lambda log: (log.run_id[:15], log.start or _EPOCH), reverse=True)


def find_runs_dirs(root: Path, max_dirs: int = 20_000) -> list[Path]:
    """Every `*.runs` folder under `root`, skipping hidden folders and environments.

    Bounded by `max_dirs` folders visited, so a huge workspace cannot stall the caller.
    """
    found: list[Path] = []
    for current, subdirs, _files in walk_folders(root, max_dirs, "runs"):
        found.extend(current / name for name in subdirs if name.endswith(RUNS_SUFFIX))
        subdirs[:] = [name for name in subdirs if not name.endswith(RUNS_SUFFIX)]
    return found
