"""Job runs: one run per grid point, a bounded number of them in progress at once.

`JobRunner.start` starts a job run's first run before it returns (so a pipeline that cannot
run is refused to the caller), then a thread starts the others as earlier ones end: at most
`limit` of a job run's runs are in progress (the job's `max_parallel_runs`, else the run
manager's `max_parallel`, else the number of CPUs), so a grid of 1,000 points never starts
1,000 runs at once; they all share the executor's pool. Each run records its job, job run and
grid point in its run log. Cancelling a job run starts no more of its runs and cancels those in
progress. A job has at most one job run in progress per process.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..errors import RunInProgress, RunnableError, ServiceUnavailable
from ..runlog.models import JobLink, RunStatus
from ..runs.manager import RunManager
from .grid import run_parameters
from .model import Job

WAIT_S = 5.0  # the dispatcher re-checks at least this often (a cancel also wakes it)
RETRY_S = 1.0  # after a refusal by max_runs_per_pipeline with none of its own runs going
STOP_WAIT_S = 30.0

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobRunKey:
    pipeline: str  # relative to the workspace root
    job: str


@dataclass
class JobRunExecution:
    """A job run in progress in this process (and once it ended, until forgotten)."""

    key: JobRunKey
    id: str
    job: Job
    points: list[dict[str, Any]]
    limit: int
    due: datetime | None
    runs: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (run id, point)
    in_flight: list[str] = field(default_factory=list)
    error: str | None = None  # why it stopped starting runs
    cancelled: threading.Event = field(default_factory=threading.Event)
    done: threading.Event = field(default_factory=threading.Event)
    # Held while a run starts and while a cancel is set: a run starts before a cancel (and is
    # cancelled by it) or not at all.
    starting: threading.Lock = field(default_factory=threading.Lock)

    @property
    def pending(self) -> int:
        """Grid points whose run is not started (yet)."""
        return len(self.points) - len(self.runs)


class JobRunner:
    """Starts and drives the job runs of one `RunManager`."""

    def __init__(
        self,
        manager: RunManager,
        on_end: Callable[[JobRunExecution], None] | None = None,
    ) -> None:
        self.manager = manager
        self.on_end = on_end
        self._lock = threading.Lock()
        self._active: dict[JobRunKey, JobRunExecution] = {}
        self._threads: list[threading.Thread] = []
        self._closed = False

    def default_limit(self) -> int:
        limit = self.manager.max_parallel or os.cpu_count() or 1
        if self.manager.max_runs_per_pipeline is not None:
            limit = min(limit, self.manager.max_runs_per_pipeline)
        return limit

    def active(self, pipeline: str, job: str) -> JobRunExecution | None:
        with self._lock:
            return self._active.get(JobRunKey(pipeline, job))

    def start(
        self,
        pipeline: str,
        name: str,
        job: Job,
        job_run_id: str,
        points: Sequence[dict[str, Any]],
        due: datetime | None = None,
    ) -> JobRunExecution:
        """Start the job run: its first run now (its errors are raised), the others after."""
        key = JobRunKey(pipeline, name)
        limit = job.max_parallel_runs or self.default_limit()
        execution = JobRunExecution(key, job_run_id, job, list(points), limit, due)
        with self._lock:
            self._refuse(key)
            self._active[key] = execution
        try:
            self._start_next(execution)
        except RunInProgress:
            pass  # the pipeline has max_runs_per_pipeline runs going: the dispatcher waits
        except BaseException:
            with self._lock:
                self._active.pop(key, None)
            raise
        thread = threading.Thread(
            target=self._dispatch, args=(execution,), name=f"job-{name}-{job_run_id}", daemon=True
        )
        with self._lock:
            self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()
        return execution

    def cancel(self, pipeline: str, name: str) -> JobRunExecution | None:
        """Cancel the job's job run in progress here: no more runs, those going cancelled."""
        execution = self.active(pipeline, name)
        if execution is not None:
            self._cancel(execution)
        return execution

    def shutdown(self) -> None:
        """Cancel every job run and wait (bounded) for their threads."""
        with self._lock:
            self._closed = True
            executions, threads = list(self._active.values()), list(self._threads)
        for execution in executions:
            self._cancel(execution)
        for thread in threads:
            thread.join(STOP_WAIT_S)

    # --- the dispatcher -------------------------------------------------------------------

    def _refuse(self, key: JobRunKey) -> None:
        if self._closed:
            raise ServiceUnavailable("runnable-jupyter is shutting down and starts no job run")
        going = self._active.get(key)
        if going is not None:
            raise RunInProgress(
                f"job {key.job} of {key.pipeline} already has job run {going.id} in progress "
                f"({len(going.runs)} of {len(going.points)} runs started): wait for it or "
                "cancel it",
                {"job_id": key.job, "job_run": going.id},
            )

    def _cancel(self, execution: JobRunExecution) -> None:
        with execution.starting:
            execution.cancelled.set()
        for run_id in list(execution.in_flight):
            try:
                self.manager.cancel(run_id)
            except RunnableError:  # ended meanwhile
                pass

    def _start_next(self, execution: JobRunExecution) -> None:
        with execution.starting:
            if not execution.cancelled.is_set():  # cancelled since the dispatcher looked
                self._start_run(execution)

    def _start_run(self, execution: JobRunExecution) -> None:
        point = execution.points[len(execution.runs)]
        job = execution.job
        log = self.manager.start(
            execution.key.pipeline,
            steps=job.steps,
            mode=job.mode,
            parameters=run_parameters(job.parameters, point),
            skip_unchanged=job.skip_unchanged,
            job=JobLink(
                id=execution.key.job, job_run=execution.id, grid_point=point, due=execution.due
            ),
        )
        execution.runs.append((log.run_id, point))
        if log.status not in (RunStatus.pending, RunStatus.running):
            return  # ended at once (every step cached or mocked)
        execution.in_flight.append(log.run_id)

    def _dispatch(self, execution: JobRunExecution) -> None:
        try:
            while execution.pending and not execution.cancelled.is_set():
                self._settle(execution, 0)
                if len(execution.in_flight) >= execution.limit:
                    self._settle(execution, WAIT_S)
                    continue
                try:
                    self._start_next(execution)
                except RunInProgress:  # the manager's max_runs_per_pipeline: wait for a slot
                    if execution.in_flight:
                        self._settle(execution, WAIT_S)
                    else:
                        execution.cancelled.wait(RETRY_S)
                except RunnableError as error:
                    execution.error = error.message
                    logger.warning("job run %s stopped: %s", execution.id, error.message)
                    break
            while execution.in_flight:
                self._settle(execution, WAIT_S)
        except Exception as error:  # a bug must not leave the job run marked in progress
            execution.error = f"{type(error).__name__}: {error}"
            logger.exception("job run %s failed", execution.id)
        finally:
            self._finish(execution)

    def _settle(self, execution: JobRunExecution, timeout: float) -> None:
        """Forget the runs that ended; with `timeout`, first wait for one of them to end."""
        if not execution.in_flight:
            return
        ended = self.manager.wait_any(execution.in_flight, timeout if timeout > 0 else 0)
        execution.in_flight = [r for r in execution.in_flight if r not in ended]

    def _finish(self, execution: JobRunExecution) -> None:
        with self._lock:
            if self._active.get(execution.key) is execution:
                del self._active[execution.key]
        execution.done.set()
        if self.on_end is not None:
            try:
                self.on_end(execution)
            except Exception:
                logger.exception("job run end listener failed on %s", execution.id)
