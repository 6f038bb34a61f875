"""The job operations the CLI, the server and the scheduler share: create, list, read, change,
pause, resume, delete, run and cancel jobs, and the JSON view of a job they answer.

Every operation names a pipeline (relative to the workspace root) and a job name. A job is
validated against its pipeline before it is stored or run (a missing or invalid pipeline, a bad
grid, cron expression or time zone refuse the request and write nothing).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..clock import utcnow
from ..errors import BadRequest, JobInvalid, PipelineInvalid, PipelineNotFound
from ..pipeline.model import Pipeline
from ..pipeline.validation import load_pipeline
from ..runlog.models import new_run_id
from ..runs.manager import RunManager
from .grid import grid_names, grid_points, grid_size
from .model import CURRENT_VERSION, DEFAULT_MAX_GRID_SIZE, Job
from .runner import JobRunExecution, JobRunner
from .schedule import next_due
from .state import JobRunRecord, JobState
from .store import JobStore
from .validation import check_job_name, migrate_job, parse_job

# What a change (`update`) may set: every field of the file but its version.
CHANGEABLE = frozenset(Job.model_fields) - {"version"}


def iso(moment: datetime | None) -> str | None:
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z") if moment else None


def this_process() -> str:
    return f"{os.getpid()}@{socket.gethostname()}"


@dataclass(frozen=True)
class LoadedJob:
    pipeline: str  # relative to the root
    name: str
    store: JobStore
    job: Job


class JobService:
    def __init__(
        self,
        manager: RunManager,
        runner: JobRunner | None = None,
        max_grid: int = DEFAULT_MAX_GRID_SIZE,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.manager = manager
        self.runner = runner or JobRunner(manager)
        self.max_grid = max_grid
        self.clock = clock

    @property
    def root(self) -> Path:
        return self.manager.root

    # --- reading ----------------------------------------------------------------------------

    def _pipeline(self, pipeline: str, *, strict: bool = True) -> tuple[Path, str, Pipeline | None]:
        """The pipeline's path, relative name and model (None when invalid and not `strict`)."""
        path, rel = self.manager.locations.pipeline(pipeline)
        if not strict and not path.is_file():
            what = "is a folder, not a pipeline file" if path.is_dir() else "not found"
            raise PipelineNotFound(f"pipeline {rel} {what} in the workspace", {"path": rel})
        try:
            return path, rel, load_pipeline(path, self.root)
        except PipelineInvalid:
            if strict:
                raise
            return path, rel, None

    def load(self, pipeline: str, name: str, *, strict: bool = True) -> LoadedJob:
        """The job `name` of `pipeline`, validated (against the pipeline when `strict`)."""
        check_job_name(name)
        path, rel, model = self._pipeline(pipeline, strict=strict)
        store = JobStore(path)
        job = parse_job(name, store.read_document(name), model, self.max_grid)
        return LoadedJob(rel, name, store, job)

    def list(self, pipeline: str) -> dict[str, Any]:
        """The pipeline's jobs (views), and the job files that are not valid with why."""
        path, rel, model = self._pipeline(pipeline, strict=False)
        store = JobStore(path)
        jobs, invalid = [], []
        for name in store.names():
            try:
                job = parse_job(name, store.read_document(name), model, self.max_grid)
            except JobInvalid as error:
                file = store.relative_path(name, self.root)
                invalid.append({"id": name, "file": file, "problems": error.details})
                continue
            jobs.append(self.view(LoadedJob(rel, name, store, job)))
        return {"jobs": jobs, "invalid": invalid}

    def get(self, pipeline: str, name: str) -> dict[str, Any]:
        return self.view(self.load(pipeline, name, strict=False))

    def view(self, loaded: LoadedJob) -> dict[str, Any]:
        """The job as clients see it: its definition, grid, next run, recent job runs."""
        job, now = loaded.job, self.clock()
        state = loaded.store.states.read(loaded.name) or JobState(since=now)
        counts: dict[str, dict[str, int]] = {}
        for summary in self.manager.list_runs(loaded.pipeline, job=loaded.name).runs:
            if summary.job is not None:
                by_status = counts.setdefault(summary.job.job_run, {})
                by_status[summary.status.value] = by_status.get(summary.status.value, 0) + 1
        active = self.runner.active(loaded.pipeline, loaded.name)
        scheduled = job.schedule is not None and not job.paused
        return {
            "id": loaded.name,
            "pipeline": loaded.pipeline,
            "file": loaded.store.relative_path(loaded.name, self.root),
            "definition": job.model_dump(mode="json"),
            "grid_size": grid_size(job.grid),
            "grid_names": grid_names(job.grid),
            "paused": job.paused,
            "next_run": iso(next_due(job.schedule, now)) if scheduled and job.schedule else None,
            "since": iso(state.since),
            "last_due": iso(state.last_due),
            "last_skipped": state.last_skipped.model_dump(mode="json")
            if state.last_skipped
            else None,
            "job_runs": [
                record.model_dump(mode="json")
                | {
                    "in_progress": active is not None and active.id == record.id,
                    "counts": counts.get(record.id, {}),
                }
                for record in reversed(state.job_runs)
            ],
        }

    # --- changing ---------------------------------------------------------------------------

    def create(self, pipeline: str, name: str, document: Mapping[str, Any]) -> dict[str, Any]:
        """Validate and store a new job; its schedule counts from now."""
        check_job_name(name)
        path, rel, model = self._pipeline(pipeline)
        data = {"version": CURRENT_VERSION, **document}
        job = parse_job(name, data, model, self.max_grid)
        store = JobStore(path)
        store.save(name, job, create=True)
        now = self.clock()
        store.states.update(name, lambda state: _restart(state, now, forget=True))
        return self.view(LoadedJob(rel, name, store, job))

    def update(self, pipeline: str, name: str, changes: Mapping[str, Any]) -> dict[str, Any]:
        """Change some of the job's fields (null: back to the default); a new schedule, and
        resuming, count from now (missed due times of before are not made up for)."""
        unknown = sorted(set(changes) - CHANGEABLE)
        if unknown:
            raise BadRequest(
                f"a job has no field {unknown[0]!r} to change: change any of "
                f"{', '.join(sorted(CHANGEABLE))}",
                {"field": unknown[0]},
            )
        check_job_name(name)
        # Pausing and resuming need no valid pipeline (a broken pipeline's job can be paused).
        path, rel, model = self._pipeline(pipeline, strict=bool(set(changes) - {"paused"}))
        store = JobStore(path)
        before = migrate_job(store.read_document(name))
        previous = parse_job(name, before, None, self.max_grid)
        merged = {key: value for key, value in {**before, **changes}.items() if value is not None}
        job = parse_job(name, merged, model, self.max_grid)
        store.save(name, job)
        resumed = previous.paused and not job.paused
        if resumed or previous.schedule != job.schedule:
            now = self.clock()
            store.states.update(name, lambda state: _restart(state, now))
        return self.view(LoadedJob(rel, name, store, job))

    def pause(self, pipeline: str, name: str) -> dict[str, Any]:
        return self.update(pipeline, name, {"paused": True})

    def resume(self, pipeline: str, name: str) -> dict[str, Any]:
        return self.update(pipeline, name, {"paused": False})

    def delete(self, pipeline: str, name: str) -> dict[str, Any]:
        """Delete the job's file and state (its runs stay; a job run in progress goes on)."""
        check_job_name(name)
        path, rel = self.manager.locations.pipeline(pipeline)
        JobStore(path).delete(name)
        return {"id": name, "pipeline": rel}

    # --- running ----------------------------------------------------------------------------

    def run(
        self,
        pipeline: str,
        name: str,
        *,
        trigger: str = "manual",
        due: datetime | None = None,
        missed: bool = False,
        loaded: LoadedJob | None = None,
    ) -> JobRunExecution:
        """Start a job run: one run per grid point, the first one before this returns."""
        loaded = loaded or self.load(pipeline, name)
        now = self.clock()
        points = list(grid_points(loaded.job.grid))
        execution = self.runner.start(
            loaded.pipeline, name, loaded.job, new_run_id(now), points, due
        )
        record = JobRunRecord(
            id=execution.id,
            trigger=trigger,
            due=due,
            missed=missed,
            start=now,
            points=len(points),
            host=this_process(),
        )
        loaded.store.states.update(name, lambda state: state.add_job_run(record))
        return execution

    def cancel(self, pipeline: str, name: str) -> dict[str, Any]:
        """Cancel the job's job run in progress in this process (its runs are cancelled)."""
        loaded = self.load(pipeline, name, strict=False)
        execution = self.runner.cancel(loaded.pipeline, name)
        if execution is None:
            return {"id": name, "job_run": None, "run_ids": []}
        return {"id": name, "job_run": execution.id, "run_ids": list(execution.in_flight)}


def _restart(state: JobState, now: datetime, forget: bool = False) -> None:
    """The schedule counts from `now`; `forget`: a new job, nothing of an earlier one kept."""
    state.since = now
    if forget:
        state.last_due, state.last_skipped, state.job_runs = None, None, []
