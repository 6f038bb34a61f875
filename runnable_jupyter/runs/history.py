"""RunHistory: the runs of the workspace as they stand, seen from this process.

A run this process drives is read from memory (under the manager's lock, so readers see a
consistent copy); any other run from its run log, where a log that still says `pending` or
`running` while no process owns the run tells that its process died: it reads as `interrupted`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING

from ..errors import PipelineNotFound, RunNotFound
from ..runlog.models import RunLog, RunSummary
from ..runlog.ownership import is_owned
from ..runlog.store import RunStore, check_run_id
from .listing import RunPage, page_of
from .locations import Locations
from .planning import UNFINISHED_RUN, mark_log_interrupted

if TYPE_CHECKING:
    from .active_run import RunExecution

__all__ = ["RunHistory"]

logger = logging.getLogger(__name__)


class RunHistory:
    def __init__(
        self,
        locations: Locations,
        lock: threading.RLock,
        active: Mapping[str, RunExecution],
    ) -> None:
        self.locations = locations
        self._lock = lock  # the manager's: `active` and the logs in it change under it
        self._active = active

    def get(self, run_id: str) -> RunLog:
        check_run_id(run_id)
        with self._lock:
            run = self._active.get(run_id)
            if run is not None:
                return run.log.model_copy(deep=True)
        runs_dir = self.locations.runs_dir_of(run_id)
        if runs_dir is None:
            raise RunNotFound(f"no run {run_id} in this workspace", {"run_id": run_id})
        return self.seen(RunStore(runs_dir), RunStore(runs_dir).load(run_id))

    def seen(self, store: RunStore, log: RunLog) -> RunLog:
        """A log read from disk as it stands: recorded as in progress, not run here, and with no
        live owner anywhere, its run was interrupted (its process died); a run whose steps run as
        separate processes (`orchestrated`) has no owner and reads as recorded."""
        if log.status in UNFINISHED_RUN and log.run_id not in self._active:
            if not log.orchestrated and not is_owned(store.run_dir(log.run_id)):
                mark_log_interrupted(log)
        return log

    def page(
        self,
        pipeline: str,
        limit: int | None = None,
        before: str | None = None,
        job: str | None = None,
    ) -> RunPage:
        """A page of the pipeline's runs, newest first (see `listing.page_of`), as they are now:
        read from the run index, with runs in progress from memory or their run logs; with
        `job`, only the runs of that job."""
        pipeline_path, rel = self.locations.pipeline(pipeline)
        runs_dir = self.locations.runs_dir(pipeline_path, rel)
        if not pipeline_path.is_file() and not runs_dir.is_dir():
            what = "is a folder, not a pipeline file" if pipeline_path.is_dir() else "not found"
            raise PipelineNotFound(f"pipeline {rel} {what} in the workspace", {"path": rel})
        store = RunStore(runs_dir)

        def as_seen(summary: RunSummary) -> RunSummary:
            with self._lock:
                self.locations.remember(summary.run_id, runs_dir)
                run = self._active.get(summary.run_id)
                if run is not None:
                    return RunSummary.of(run.log)
            if summary.status not in UNFINISHED_RUN:
                return summary
            try:  # in progress elsewhere, or its process died: the run log says which
                return RunSummary.of(self.seen(store, store.load(summary.run_id)))
            except (OSError, ValueError):
                return summary

        documents = store.summaries()
        if job is not None:
            documents = [doc for doc in documents if (doc.get("job") or {}).get("id") == job]
        return page_of(documents, limit, before, as_seen)

    def is_run_of(self, pipeline: str, run_id: str) -> bool:
        """Whether `run_id` is a run of `pipeline` (its run log is in the pipeline's runs)."""
        pipeline_path, rel = self.locations.pipeline(pipeline)
        return RunStore(self.locations.runs_dir(pipeline_path, rel)).exists(check_run_id(run_id))

    def mark_interrupted(self) -> list[str]:
        """Runs recorded as pending/running that no process drives (a crash): `interrupted`."""
        marked = []
        for runs_dir in self.locations.all_runs_dirs():
            store = RunStore(runs_dir)
            for summary in store.summaries():  # the index: only unfinished run logs are read
                if summary["status"] not in UNFINISHED_RUN:
                    continue
                with self._lock:
                    if summary["run_id"] in self._active:
                        continue
                    try:
                        log = store.load(summary["run_id"])
                    except (OSError, ValueError) as error:
                        logger.warning("cannot read run %s: %s", summary["run_id"], error)
                        continue
                    if log.status not in UNFINISHED_RUN or log.orchestrated:
                        continue  # finished meanwhile, or its steps' own processes record it
                    if is_owned(store.run_dir(log.run_id)):
                        continue  # another process (a CLI run, another server) drives it
                    mark_log_interrupted(log)
                    store.save(log)
                    self.locations.remember(log.run_id, runs_dir)
                marked.append(log.run_id)
        return marked
