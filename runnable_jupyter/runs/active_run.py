"""One run in progress: its state, and the thread that schedules its steps.

The run's thread settles pending steps (cancelled, upstream_failed), marks ready ones `cached`
when the run skips unchanged steps and `caching` finds an earlier execution to reuse, submits
the others to the executor up to the run's parallelism, and records every status change in the
run log (saved atomically) and as a `RunEvent`. Executor callbacks only post messages to the
run's inbox, so this thread is the only writer of the log while the run is active; it changes
the log under the manager's lock, so readers always see a consistent copy.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import CancelledError, Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..clock import utcnow
from ..executors.interface import Executor, StepProgress, StepResult
from ..pipeline.model import Pipeline
from ..runlog.models import Attempt, CachedFrom, RunLog, RunStatus, StepStatus
from ..runlog.store import RunStore
from .caching import ReuseFinder, step_fingerprint
from .catalog_views import pin_current_versions, save_run_record, step_view
from .events import RunEvent, progress_event, run_event, step_event
from .stand_ins import record_mocked
from .step_env import resolved_env
from .step_jobs import next_attempt
from .step_outcomes import apply_result, record_cached, record_failure

__all__ = ["RunContext", "RunExecution"]

logger = logging.getLogger(__name__)

CANCEL_GRACE_S = 30.0  # a cancelled step whose executor never answers is given up after this
PROGRESS_SAVE_INTERVAL_S = 1.0  # cell progress is saved at most this often (events: always)
DONE_FOR_DEPENDENTS = frozenset(
    {StepStatus.succeeded, StepStatus.cached, StepStatus.mocked, StepStatus.not_selected}
)
BLOCKING_FAILURES = frozenset({StepStatus.failed, StepStatus.upstream_failed})


# -- what the run's inbox receives (from executor callbacks, `request_cancel` and the thread)


Reuse = tuple[CachedFrom, Attempt]  # an earlier execution standing in for a step, and its attempt


@dataclass(frozen=True)
class _ProgressArrived:
    progress: StepProgress


@dataclass(frozen=True)
class _StepDone:
    step_id: str
    future: Future[StepResult]


@dataclass(frozen=True)
class _CancelRequested:
    pass


@dataclass(frozen=True)
class _GiveUpOnExecutor:
    """Cancelled long ago and the executor never answered: record what we know."""


_Message = _ProgressArrived | _StepDone | _CancelRequested | _GiveUpOnExecutor


@dataclass(frozen=True)
class RunContext:
    """What the runs of one `RunManager` share with it."""

    root: Path
    lock: Any  # the manager's RLock: guards every run log in progress
    executor: Callable[[], Executor]  # starts the executor on first use
    emit: Callable[[RunEvent], None]  # never raises
    release: Callable[[RunExecution], None]  # the run ended: the manager forgets it
    skip_tags: list[str] | None  # None: the pipeline's settings.skip_tags
    default_timeout_s: float | None
    default_output_limit_mb: float | None  # None: no limit; a pipeline's setting wins


class RunExecution:
    """A run in progress. `start()` runs it in a background thread; `done` is set at the end."""

    def __init__(
        self,
        context: RunContext,
        log: RunLog,
        store: RunStore,
        pipeline: Pipeline,
        pipeline_path: Path,
        max_parallel: int,
        order: list[str],
        deps: dict[str, list[str]],
    ) -> None:
        self.context = context
        self.log = log
        self.store = store
        self.pipeline = pipeline
        self.pipeline_path = pipeline_path
        self.key = str(pipeline_path)  # resolved pipeline path: runs in progress per pipeline
        self.max_parallel = max_parallel
        self.order = order  # steps of this attempt, topological
        self.deps = deps
        self.inbox: queue.Queue[_Message] = queue.Queue()
        self.running: dict[str, Future[StepResult]] = {}
        self.cancel_requested = False
        self.cancel_time: float | None = None
        self.done = threading.Event()
        self.last_save = 0.0
        self._lock = context.lock
        self._decisions: dict[str, tuple[str, Reuse | None]] = {}  # step id -> not reused
        self._reuse = ReuseFinder(store.runs_dir, log.run_id, Path(log.catalog_dir))

    def start(self) -> None:
        thread = threading.Thread(target=self._drive, name=f"run-{self.log.run_id}", daemon=True)
        thread.start()

    def request_cancel(self) -> None:
        """Pending steps are cancelled, running ones stopped (async). Caller holds the lock."""
        if not self.cancel_requested:
            self.cancel_requested = True
            self.cancel_time = time.monotonic()
            self.inbox.put(_CancelRequested())

    # --- the run's thread -------------------------------------------------------------------

    def _drive(self) -> None:
        log = self.log
        try:
            self.context.executor()  # may start worker processes: not under the state lock
            if log.catalog_pins is None:  # a new run (a retry keeps its run's pins)
                pins = pin_current_versions(Path(log.catalog_dir))
                with self._lock:
                    log.catalog_pins = pins
                save_run_record(log)  # what it pinned is kept from now on
            with self._lock:
                now = utcnow()
                log.status = RunStatus.running
                log.start = log.start or now
                log.attempts[-1].start = now
                self._save()
            self.emit_run()
            while self._schedule():
                self._handle(self._next_message())
            self._finish()
        except Exception as error:  # a bug or a full disk must not leave the run "running"
            logger.exception("run %s stopped unexpectedly", log.run_id)
            self._finish(crashed=error)
        finally:
            self.context.release(self)
            self.done.set()

    def _schedule(self) -> bool:
        """Settle what can be settled, reuse or submit ready steps; False once nothing is left
        to wait on."""
        changed: list[str] = []
        while True:
            with self._lock:
                ready = self._settle_pending(changed)
            # Deciding may read the catalog (hashing changed files): not under the state lock.
            # This thread is the only writer of the log, so reading it here is safe.
            decisions = {step_id: self._decide(step_id) for step_id in ready}
            with self._lock:
                settled = self._start_ready(ready, decisions, changed)
                if settled:
                    continue  # what depends on a cached or refused step can be settled now
                busy = bool(self.running)
                if not busy:  # nothing runs, so nothing can become ready: never wait forever
                    records = self.log.steps
                    stuck = [s for s in self.order if records[s].status == StepStatus.pending]
                    for step_id in stuck:
                        records[step_id].status = StepStatus.cancelled
                    changed.extend(stuck)
                if changed:
                    self._save()
            break
        for step_id in changed:
            self.emit_step(step_id)
        return busy

    def _settle_pending(self, changed: list[str]) -> list[str]:
        """Cancel or fail pending steps that cannot run; the ones ready to run, in order."""
        records = self.log.steps
        ready = []
        for step_id in self.order:
            record = records[step_id]
            if record.status != StepStatus.pending:
                continue
            dep_statuses = [records[d].status for d in self.deps[step_id] if d in records]
            if self.cancel_requested or StepStatus.cancelled in dep_statuses:
                record.status = StepStatus.cancelled
            elif any(status in BLOCKING_FAILURES for status in dep_statuses):
                record.status = StepStatus.upstream_failed
            else:
                if all(s in DONE_FOR_DEPENDENTS for s in dep_statuses):
                    ready.append(step_id)
                continue
            changed.append(step_id)
        return ready

    def _start_ready(
        self,
        ready: list[str],
        decisions: dict[str, tuple[str, Reuse | None]],
        changed: list[str],
    ) -> bool:
        """Mark reusable steps cached, submit the others while slots are free; True if any
        step ended without running (cached, or refused by the executor). Caller holds the lock."""
        settled = False
        for step_id in ready:
            record = self.log.steps[step_id]
            if record.status != StepStatus.pending or self.cancel_requested:
                continue  # a cancel arrived meanwhile: the next pass settles it
            record.fingerprint, reuse = decisions[step_id]
            if step_id in self.log.mocks:
                record_mocked(record, self.context.root, self.log)
                settled = True
            elif reuse is not None:
                record_cached(record, *reuse)
                settled = True
            elif len(self.running) < self.max_parallel:
                submitted = self._submit(step_id)
                settled = settled or not submitted
            else:
                continue
            changed.append(step_id)
        return settled

    def _decide(self, step_id: str) -> tuple[str, Reuse | None]:
        """(the step's fingerprint, the earlier execution to reuse or None)."""
        known = self._decisions.get(step_id)
        if known is not None:
            return known
        record, step = self.log.steps[step_id], self.pipeline.step(step_id)
        fingerprint = step_fingerprint(
            source_sha256=record.source_sha256,
            parameters=record.parameters,
            kernel=record.kernel,
            skip_tags=self._skip_tags(),
            catalog_get=step.catalog.get,
            catalog_put=step.catalog.put,
            env=record.env,
        )
        reuse = None
        if self.log.skip_unchanged:
            view = step_view(self.log, step_id)
            reuse = self._reuse.find(step_id, fingerprint, self.log.steps, self.deps[step_id], view)
        if reuse is None:  # kept while the step waits for a free slot
            self._decisions[step_id] = (fingerprint, None)
        return fingerprint, reuse

    def _skip_tags(self) -> list[str]:
        tags = self.context.skip_tags
        return list(tags if tags is not None else self.pipeline.settings.skip_tags)

    def _submit(self, step_id: str) -> bool:
        """Hand the step to the executor; False when the executor refused it (step failed)."""
        log, context = self.log, self.context
        record = log.steps[step_id]
        attempt, job = next_attempt(
            context.root,
            log,
            self.pipeline,
            self.pipeline_path,
            step_id,
            skip_tags=self._skip_tags(),
            default_timeout_s=context.default_timeout_s,
            default_output_limit_mb=context.default_output_limit_mb,
        )
        record.attempts.append(attempt)
        record.status = StepStatus.running
        record.cached_from = None
        inbox = self.inbox
        try:
            job.env, job.secret_env = resolved_env(self.pipeline, step_id)
            step_view(log, step_id).save(Path(job.catalog_view))
            future = context.executor().submit(
                job, lambda progress: inbox.put(_ProgressArrived(progress))
            )
        except Exception as error:  # e.g. an executor that was shut down
            record_failure(record, error)
            return False
        self.running[step_id] = future
        future.add_done_callback(lambda done: inbox.put(_StepDone(step_id, done)))
        return True

    def _next_message(self) -> _Message:
        while True:
            try:
                return self.inbox.get(timeout=1.0)
            except queue.Empty:
                if self.cancel_time and time.monotonic() - self.cancel_time > CANCEL_GRACE_S:
                    return _GiveUpOnExecutor()

    def _handle(self, message: _Message) -> None:
        match message:
            case _ProgressArrived(progress=progress):
                self._record_progress(progress)
            case _StepDone(step_id=step_id, future=future):
                self._record_result(step_id, future)
            case _CancelRequested():
                for step_id in list(self.running):
                    self._cancel_step(step_id)
            case _GiveUpOnExecutor():
                for step_id, running in list(self.running.items()):
                    running.cancel()
                    self._record_result(step_id, None)

    def _cancel_step(self, step_id: str) -> None:
        try:
            self.context.executor().cancel(self.log.run_id, step_id)
        except Exception:
            logger.exception("cancelling step %s failed", step_id)

    def _record_progress(self, progress: StepProgress) -> None:
        with self._lock:
            if progress.step_id not in self.running:
                return  # late news of a step that already finished
            attempt = self.log.steps[progress.step_id].attempts[-1]
            attempt.cell_progress = (progress.cell, progress.cells)
            if attempt.kernel_ready is None:
                attempt.kernel_ready = utcnow()
            if time.monotonic() - self.last_save >= PROGRESS_SAVE_INTERVAL_S:
                self._save()
            event = progress_event(self.log, progress)
        self.context.emit(event)

    def _record_result(self, step_id: str, future: Future[StepResult] | None) -> None:
        with self._lock:
            if self.running.pop(step_id, None) is None:
                return
            record = self.log.steps[step_id]
            try:
                if future is None:
                    raise CancelledError()
                result = future.result()
            except CancelledError:
                record.status = record.attempts[-1].status = StepStatus.cancelled
                record.attempts[-1].end = utcnow()
            except Exception as error:  # the executor itself failed, not the notebook
                record_failure(record, error)
            else:
                apply_result(record, result)
            self._save()
            save_run_record(self.log)
        self.emit_step(step_id)

    def _finish(self, crashed: Exception | None = None) -> None:
        log = self.log
        with self._lock:
            if crashed is not None:
                for step_id in list(self.running):
                    record_failure(log.steps[step_id], crashed)
                    self._cancel_step(step_id)
                self.running.clear()
            statuses = [record.status for record in log.steps.values()]
            if self.cancel_requested:
                log.status = RunStatus.cancelled
            elif crashed or any(s not in DONE_FOR_DEPENDENTS for s in statuses):
                log.status = RunStatus.failed
            else:
                log.status = RunStatus.succeeded
            log.end = log.attempts[-1].end = utcnow()
            try:
                self._save()
            except Exception:
                logger.exception("could not save the run log of %s", log.run_id)
            # The run stops counting as "in progress" in the same step as its final status is
            # recorded: anyone who sees that status (a reader, the event below) may retry it or
            # start the next run at once, without a RunInProgress refusal. The final event is
            # sent before the lock is released, so it precedes any event of such a new attempt.
            self.context.release(self)
            self.emit_run()

    def _save(self) -> None:
        self.store.save(self.log)
        self.last_save = time.monotonic()

    # --- events -----------------------------------------------------------------------------

    def emit_run(self) -> None:
        with self._lock:
            event = run_event(self.log)
        self.context.emit(event)

    def emit_step(self, step_id: str) -> None:
        with self._lock:
            event = step_event(self.log, step_id)
        self.context.emit(event)
