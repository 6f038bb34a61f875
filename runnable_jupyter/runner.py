"""RunManager: starts, schedules, records, cancels and retries pipeline runs.

`start()` validates and plans synchronously (bad input raises and writes nothing), records the
run log and returns; a background thread per run then submits ready steps to the executor, up to
the run's parallelism, and records every status change in the run log (saved atomically) and as a
`RunEvent`. The scheduler thread is the only writer of an active run's log, except for `start`,
`retry` and `mark_interrupted`, which act on runs that are not in progress; all of them hold one
lock, so readers (`get`, `list_runs`) always see a consistent copy.
"""

from __future__ import annotations

import hashlib
import json
import keyword
import logging
import os
import queue
import threading
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import CancelledError, Future
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from . import planning
from .catalog_store import catalog_dir_for
from .environment import collect_environment
from .errors import BadRequest, PipelineNotFound, RunInProgress, RunNotFound, StructureChanged
from .executor import Executor, StepJob, StepProgress, StepResult
from .paths import relative_to_root, resolve_inside
from .pipeline import Pipeline
from .runlog import (
    Attempt,
    ErrorInfo,
    Mode,
    RunAttempt,
    RunLog,
    RunStatus,
    StepRecord,
    StepStatus,
    new_run_id,
    utcnow,
)
from .runstore import RunStore, check_run_id, find_runs_dirs, runs_dir_for
from .validation import load_pipeline

logger = logging.getLogger(__name__)

DEFAULT_KERNEL = "python3"  # when neither the step nor the notebook names a kernel
CANCEL_GRACE_S = 30.0  # a cancelled step whose executor never answers is given up after this
PROGRESS_SAVE_INTERVAL_S = 1.0  # cell progress is saved at most this often (events: always)
SHUTDOWN_WAIT_S = 20.0
DONE_FOR_DEPENDENTS = frozenset({StepStatus.succeeded, StepStatus.cached, StepStatus.not_selected})
BLOCKING_FAILURES = frozenset({StepStatus.failed, StepStatus.upstream_failed})
RETRYABLE = frozenset(
    {
        StepStatus.failed,
        StepStatus.cancelled,
        StepStatus.upstream_failed,
        StepStatus.pending,
        StepStatus.running,  # left behind by a run that was interrupted mid-step
    }
)
UNFINISHED_RUN = frozenset({RunStatus.pending, RunStatus.running})


@dataclass
class RunEvent:
    """One change the UI and CLI show: a run's or a step's status, or a step's cell progress."""

    kind: str  # "run" | "step" | "progress"
    pipeline: str  # pipeline path relative to the workspace root
    run_id: str
    step_id: str | None = None
    status: str | None = None
    cell: int | None = None
    cells: int | None = None
    error: str | None = None  # one-line summary of a failure
    time: datetime = field(default_factory=utcnow)

    def to_json(self) -> dict[str, Any]:
        return asdict(self) | {"time": self.time.isoformat()}


@dataclass
class _ActiveRun:
    log: RunLog
    store: RunStore
    pipeline: Pipeline
    pipeline_path: Path
    key: str  # resolved pipeline path: one run in progress per pipeline
    max_parallel: int
    order: list[str]  # steps of this attempt, topological
    deps: dict[str, list[str]]
    inbox: queue.Queue[tuple[Any, ...]] = field(default_factory=queue.Queue)
    running: dict[str, Future[StepResult]] = field(default_factory=dict)
    cancel_requested: bool = False
    cancel_time: float | None = None
    done: threading.Event = field(default_factory=threading.Event)
    last_save: float = 0.0


class RunManager:
    def __init__(
        self,
        root: Path,
        executor: Executor | None = None,
        on_event: Callable[[RunEvent], None] | None = None,
        runs_root: Path | None = None,
        catalog_root: Path | None = None,
        max_parallel: int | None = None,
        skip_tags: Sequence[str] | None = None,
        default_timeout_s: float | None = None,
    ) -> None:
        self.root = Path(root).resolve()
        self.on_event = on_event
        self.runs_root = Path(runs_root).resolve() if runs_root else None
        self.catalog_root = Path(catalog_root).resolve() if catalog_root else None
        self.max_parallel = max_parallel
        self.skip_tags = list(skip_tags) if skip_tags is not None else None
        self.default_timeout_s = default_timeout_s
        self._executor = executor
        self._owns_executor = executor is None
        self._lock = threading.RLock()
        self._executor_lock = threading.Lock()
        self._active: dict[str, _ActiveRun] = {}  # run id -> run in progress
        self._active_by_pipeline: dict[str, str] = {}  # pipeline key -> run id
        self._runs_dirs: dict[str, Path] = {}  # run id -> its runs folder, for runs seen
        self._closed = False

    # --- starting ---------------------------------------------------------------------------

    def start(
        self,
        pipeline: str,
        steps: Sequence[str] | None = None,
        mode: Mode | str = Mode.all,
        parameters: Mapping[str, Any] | None = None,
        max_parallel: int | None = None,
    ) -> RunLog:
        """Validate, plan and record a run, then run it in the background; returns at once."""
        overrides = _checked_overrides(parameters)
        selection = list(dict.fromkeys(steps or []))
        if max_parallel is not None and (not isinstance(max_parallel, int) or max_parallel < 1):
            raise BadRequest(f"max_parallel must be a positive integer, not {max_parallel!r}")
        pipeline_path, rel = self._pipeline_location(pipeline)
        model = load_pipeline(pipeline_path, self.root)
        deps = model.dependencies()
        order = planning.plan(deps, selection, mode)
        with self._lock:  # refuse early, before any work; checked again when activating
            self._refuse_if_running(str(pipeline_path), rel)
        run_id = new_run_id()
        store = RunStore(self._runs_dir(pipeline_path, rel))
        log = RunLog(
            run_id=run_id,
            pipeline=rel,
            pipeline_sha256=_sha256(pipeline_path),
            pipeline_structure=deps,
            selection=selection,
            mode=Mode(mode),
            parameters=overrides,
            run_dir=str(store.run_dir(run_id)),
            catalog_dir=str(self._catalog_dir(pipeline_path, rel, model)),
            attempts=[RunAttempt(number=1, steps=order)],
        )
        planned = set(order)
        for step in model.steps:
            notebook = resolve_inside(self.root, step.notebook, base=pipeline_path.parent)
            log.steps[step.id] = StepRecord(
                id=step.id,
                notebook=step.notebook,
                status=StepStatus.pending if step.id in planned else StepStatus.not_selected,
                source_sha256=_sha256(notebook),
                kernel=step.kernel or _notebook_kernel(notebook) or DEFAULT_KERNEL,
                parameters={**model.parameters, **step.parameters, **overrides},
                depends_on=list(step.depends_on),
            )
        log.environment = collect_environment(
            pipeline_path.parent, {log.steps[s].kernel or DEFAULT_KERNEL for s in order}
        )
        with self._lock:
            self._refuse_if_closed()
            self._refuse_if_running(str(pipeline_path), rel)
            active = self._activate(log, store, model, pipeline_path, order, max_parallel)
        self._emit_run(active)
        return self._launch(active)

    def retry(self, run_id: str, force: bool = False) -> RunLog:
        """Re-run the run's unfinished steps and what depends on them, in a new attempt."""
        log = self.get(run_id)
        pipeline_path, rel = self._pipeline_location(log.pipeline)
        with self._lock:
            self._refuse_if_running(str(pipeline_path), rel)
        model = load_pipeline(pipeline_path, self.root)
        changes = _structure_changes(log, model, pipeline_path, self.root)
        blocking = {k: v for k, v in changes.items() if k != "changed_notebooks" and v}
        if blocking and not force:
            raise StructureChanged(
                f"the pipeline {rel} changed since run {run_id}: {_describe(changes)}; "
                "retry with force to run anyway",
                changes,
            )
        deps = {s: d for s, d in model.dependencies().items() if s in log.steps}
        in_scope = {s for s, r in log.steps.items() if r.status != StepStatus.not_selected}
        failed = {s for s in in_scope if log.steps[s].status in RETRYABLE}
        chosen = (failed | planning.descendants(deps, failed)) & in_scope & set(deps)
        if not chosen:
            raise BadRequest(
                f"run {run_id} has nothing to retry: every selected step succeeded",
                {"run_id": run_id, "status": log.status.value},
            )
        order = [s for s in planning.topological_order(deps) if s in chosen]
        with self._lock:
            self._refuse_if_closed()
            self._refuse_if_running(str(pipeline_path), rel)
            # Where the run is now (the workspace may have moved since it was recorded).
            store = RunStore(self._runs_dirs.get(run_id) or Path(log.run_dir).parent)
            log.run_dir = str(store.run_dir(run_id))
            log.catalog_dir = str(self._catalog_dir(pipeline_path, rel, model))
            for step_id in order:
                step, record = model.step(step_id), log.steps[step_id]
                notebook = resolve_inside(self.root, step.notebook, base=pipeline_path.parent)
                record.notebook, record.depends_on = step.notebook, list(step.depends_on)
                record.source_sha256 = _sha256(notebook)
                record.status = StepStatus.pending
            log.attempts.append(RunAttempt(number=len(log.attempts) + 1, steps=order))
            log.status, log.end = RunStatus.pending, None
            active = self._activate(log, store, model, pipeline_path, order, None, deps)
        self._emit_run(active)
        for step_id in order:
            self._emit_step(active, step_id)
        return self._launch(active)

    def _activate(
        self,
        log: RunLog,
        store: RunStore,
        model: Pipeline,
        pipeline_path: Path,
        order: list[str],
        max_parallel: int | None,
        deps: dict[str, list[str]] | None = None,
    ) -> _ActiveRun:
        # The caller's choice (this run, then this manager) wins over the pipeline's setting.
        # The executor's own pool size still bounds how many steps really run at once.
        limit = (
            max_parallel or self.max_parallel or model.settings.max_parallel or os.cpu_count() or 1
        )
        store.save(log)
        active = _ActiveRun(
            log=log,
            store=store,
            pipeline=model,
            pipeline_path=pipeline_path,
            key=str(pipeline_path),
            max_parallel=limit,
            order=order,
            deps=deps if deps is not None else model.dependencies(),
        )
        self._active[log.run_id] = active
        self._active_by_pipeline[active.key] = log.run_id
        self._runs_dirs[log.run_id] = store.runs_dir
        return active

    def _launch(self, active: _ActiveRun) -> RunLog:
        with self._lock:
            snapshot = active.log.model_copy(deep=True)
        thread = threading.Thread(
            target=self._drive, args=(active,), name=f"run-{active.log.run_id}", daemon=True
        )
        thread.start()
        return snapshot

    # --- scheduling (the run's thread) ------------------------------------------------------

    def _drive(self, active: _ActiveRun) -> None:
        log = active.log
        try:
            self._executor_instance()  # may start worker processes: not under the state lock
            with self._lock:
                now = utcnow()
                log.status = RunStatus.running
                log.start = log.start or now
                log.attempts[-1].start = now
                self._save(active)
            self._emit_run(active)
            while self._schedule(active):
                self._handle(active, self._next_message(active))
            self._finish(active)
        except Exception as error:  # a bug or a full disk must not leave the run "running"
            logger.exception("run %s stopped unexpectedly", log.run_id)
            self._finish(active, crashed=error)
        finally:
            with self._lock:
                self._active.pop(log.run_id, None)
                if self._active_by_pipeline.get(active.key) == log.run_id:
                    del self._active_by_pipeline[active.key]
            active.done.set()

    def _schedule(self, active: _ActiveRun) -> bool:
        """Settle what can be settled, submit ready steps; False once nothing is left to wait on."""
        changed: list[str] = []
        with self._lock:
            records = active.log.steps
            for step_id in active.order:
                record = records[step_id]
                if record.status != StepStatus.pending:
                    continue
                dep_statuses = [records[d].status for d in active.deps[step_id] if d in records]
                if active.cancel_requested or StepStatus.cancelled in dep_statuses:
                    record.status = StepStatus.cancelled
                elif any(status in BLOCKING_FAILURES for status in dep_statuses):
                    record.status = StepStatus.upstream_failed
                elif all(s in DONE_FOR_DEPENDENTS for s in dep_statuses) and (
                    len(active.running) < active.max_parallel
                ):
                    self._submit(active, step_id)
                else:
                    continue
                changed.append(step_id)
            busy = bool(active.running)
            if not busy:  # nothing runs, so nothing can become ready: never wait forever
                stuck = [s for s in active.order if records[s].status == StepStatus.pending]
                for step_id in stuck:
                    records[step_id].status = StepStatus.cancelled
                changed.extend(stuck)
            if changed:
                self._save(active)
        for step_id in changed:
            self._emit_step(active, step_id)
        return busy

    def _submit(self, active: _ActiveRun, step_id: str) -> None:
        log, step = active.log, active.pipeline.step(step_id)
        record = log.steps[step_id]
        number = len(record.attempts) + 1
        suffix = "" if number == 1 else f".attempt{number}"
        run_dir = Path(log.run_dir)
        notebook = resolve_inside(self.root, step.notebook, base=active.pipeline_path.parent)
        attempt = Attempt(
            number=number,
            status=StepStatus.running,
            start=utcnow(),
            output_notebook=str(run_dir / f"{step_id}{suffix}.ipynb"),
            log_file=str(run_dir / f"{step_id}{suffix}.log"),
        )
        job = StepJob(
            run_id=log.run_id,
            step_id=step_id,
            notebook=str(notebook),
            cwd=str(notebook.parent),
            output_notebook=attempt.output_notebook or "",
            log_file=attempt.log_file or "",
            access_log=str(run_dir / f"{step_id}{suffix}.catalog.jsonl"),
            parameters=dict(record.parameters),
            kernel_name=step.kernel,
            skip_tags=list(
                self.skip_tags if self.skip_tags is not None else active.pipeline.settings.skip_tags
            ),
            timeout_s=step.timeout_s if step.timeout_s is not None else self.default_timeout_s,
            catalog_dir=log.catalog_dir,
            pipeline_path=str(active.pipeline_path),
            catalog_get=list(step.catalog.get),
            catalog_put=list(step.catalog.put),
        )
        record.attempts.append(attempt)
        record.status = StepStatus.running
        inbox = active.inbox
        try:
            future = self._executor_instance().submit(
                job, lambda progress: inbox.put(("progress", progress))
            )
        except Exception as error:  # e.g. an executor that was shut down
            self._record_failure(record, error)
            return
        active.running[step_id] = future
        future.add_done_callback(lambda done: inbox.put(("done", step_id, done)))

    def _next_message(self, active: _ActiveRun) -> tuple[Any, ...]:
        while True:
            try:
                return active.inbox.get(timeout=1.0)
            except queue.Empty:
                if active.cancel_time and time.monotonic() - active.cancel_time > CANCEL_GRACE_S:
                    return ("abandon",)

    def _handle(self, active: _ActiveRun, message: tuple[Any, ...]) -> None:
        kind = message[0]
        if kind == "progress":
            self._record_progress(active, message[1])
        elif kind == "done":
            self._record_result(active, message[1], message[2])
        elif kind == "cancel":
            for step_id in list(active.running):
                try:
                    self._executor_instance().cancel(active.log.run_id, step_id)
                except Exception:
                    logger.exception("cancelling step %s failed", step_id)
        elif kind == "abandon":  # the executor never answered: record what we know
            for step_id, future in list(active.running.items()):
                future.cancel()
                self._record_result(active, step_id, None)

    def _record_progress(self, active: _ActiveRun, progress: StepProgress) -> None:
        with self._lock:
            if progress.step_id not in active.running:
                return  # late news of a step that already finished
            attempt = active.log.steps[progress.step_id].attempts[-1]
            attempt.cell_progress = (progress.cell, progress.cells)
            if time.monotonic() - active.last_save >= PROGRESS_SAVE_INTERVAL_S:
                self._save(active)
        self._emit(
            RunEvent(
                kind="progress",
                pipeline=active.log.pipeline,
                run_id=active.log.run_id,
                step_id=progress.step_id,
                status=StepStatus.running.value,
                cell=progress.cell,
                cells=progress.cells,
            )
        )

    def _record_result(
        self, active: _ActiveRun, step_id: str, future: Future[StepResult] | None
    ) -> None:
        with self._lock:
            if active.running.pop(step_id, None) is None:
                return
            record = active.log.steps[step_id]
            try:
                if future is None:
                    raise CancelledError()
                result = future.result()
            except CancelledError:
                record.status = record.attempts[-1].status = StepStatus.cancelled
                record.attempts[-1].end = utcnow()
            except Exception as error:  # the executor itself failed, not the notebook
                self._record_failure(record, error)
            else:
                _apply_result(record, result)
            self._save(active)
        self._emit_step(active, step_id)

    def _record_failure(self, record: StepRecord, error: BaseException) -> None:
        attempt = record.attempts[-1]
        attempt.status = record.status = StepStatus.failed
        attempt.end = utcnow()
        attempt.error = ErrorInfo(
            name=type(error).__name__,
            message=str(error),
            traceback="".join(traceback.format_exception(error)),
        )

    def _finish(self, active: _ActiveRun, crashed: Exception | None = None) -> None:
        log = active.log
        with self._lock:
            if crashed is not None:
                for step_id in list(active.running):
                    self._record_failure(log.steps[step_id], crashed)
                    try:
                        self._executor_instance().cancel(log.run_id, step_id)
                    except Exception:
                        logger.exception("cancelling step %s failed", step_id)
                active.running.clear()
            statuses = [record.status for record in log.steps.values()]
            if active.cancel_requested:
                log.status = RunStatus.cancelled
            elif crashed or any(s not in DONE_FOR_DEPENDENTS for s in statuses):
                log.status = RunStatus.failed
            else:
                log.status = RunStatus.succeeded
            log.end = log.attempts[-1].end = utcnow()
            try:
                self._save(active)
            except Exception:
                logger.exception("could not save the run log of %s", log.run_id)
        self._emit_run(active)

    # --- other operations -------------------------------------------------------------------

    def cancel(self, run_id: str) -> RunLog:
        """Ask a run to stop: pending steps are cancelled, running kernels stopped (async)."""
        check_run_id(run_id)
        with self._lock:
            active = self._active.get(run_id)
            if active is not None and not active.cancel_requested:
                active.cancel_requested = True
                active.cancel_time = time.monotonic()
                active.inbox.put(("cancel",))
        return self.get(run_id)

    def wait(self, run_id: str, timeout: float | None = None) -> RunLog:
        """The run log once the run finished; TimeoutError if it is still going after `timeout`."""
        check_run_id(run_id)
        with self._lock:
            active = self._active.get(run_id)
        if active is not None and not active.done.wait(timeout):
            raise TimeoutError(f"run {run_id} is still {active.log.status.value} after {timeout} s")
        return self.get(run_id)

    def get(self, run_id: str) -> RunLog:
        check_run_id(run_id)
        with self._lock:
            active = self._active.get(run_id)
            if active is not None:
                return active.log.model_copy(deep=True)
            runs_dir = self._runs_dirs.get(run_id)
        if runs_dir is None or not RunStore(runs_dir).exists(run_id):
            runs_dir = next((d for d in self._run_dirs() if RunStore(d).exists(run_id)), None)
        if runs_dir is None:
            raise RunNotFound(f"no run {run_id} under {self.root}", {"run_id": run_id})
        with self._lock:
            self._runs_dirs[run_id] = runs_dir
        return RunStore(runs_dir).load(run_id)

    def list_runs(self, pipeline: str) -> list[RunLog]:
        """The pipeline's runs, newest first (runs in progress as they are now)."""
        pipeline_path, rel = self._pipeline_location(pipeline)
        runs_dir = self._runs_dir(pipeline_path, rel)
        if not pipeline_path.is_file() and not runs_dir.is_dir():
            raise PipelineNotFound(f"pipeline {rel} not found in {self.root}", {"path": rel})
        logs = RunStore(runs_dir).list()
        with self._lock:
            for index, log in enumerate(logs):
                self._runs_dirs.setdefault(log.run_id, runs_dir)
                if log.run_id in self._active:
                    logs[index] = self._active[log.run_id].log.model_copy(deep=True)
        return logs

    def mark_interrupted(self) -> list[str]:
        """Runs recorded as pending/running that no manager drives (a crash): `interrupted`."""
        marked = []
        for runs_dir in self._run_dirs():
            store = RunStore(runs_dir)
            for log in store.list():
                with self._lock:
                    if log.status not in UNFINISHED_RUN or log.run_id in self._active:
                        continue
                    _mark_log_interrupted(log)
                    store.save(log)
                    self._runs_dirs[log.run_id] = runs_dir
                marked.append(log.run_id)
        return marked

    def shutdown(self) -> None:
        """Cancel runs in progress, wait for them, and stop the executor if this manager made it."""
        with self._lock:
            self._closed = True
            run_ids = list(self._active)
        for run_id in run_ids:
            self.cancel(run_id)
        for run_id in run_ids:
            with self._lock:
                active = self._active.get(run_id)
            if active is not None:
                active.done.wait(SHUTDOWN_WAIT_S)
        with self._executor_lock:
            executor = self._executor if self._owns_executor else None
            if executor is not None:
                self._executor = None
        if executor is not None:
            executor.shutdown()

    # --- helpers ----------------------------------------------------------------------------

    def _executor_instance(self) -> Executor:
        with self._executor_lock:  # not the state lock: starting workers may take a while
            if self._executor is None:
                if self._closed:
                    raise RuntimeError("the run manager was shut down")
                from .local_executor import LocalProcessExecutor

                workers = self.max_parallel or os.cpu_count() or 1
                self._executor = LocalProcessExecutor(max_workers=workers)
            return self._executor

    def _pipeline_location(self, pipeline: str) -> tuple[Path, str]:
        if not isinstance(pipeline, str):
            raise BadRequest(f"the pipeline must be a path string, not {pipeline!r}")
        path = resolve_inside(self.root, pipeline)
        return path, relative_to_root(self.root, path)

    def _runs_dir(self, pipeline_path: Path, rel: str) -> Path:
        if self.runs_root is not None:
            return self.runs_root / rel.replace("/", "__")
        return runs_dir_for(pipeline_path)

    def _catalog_dir(self, pipeline_path: Path, rel: str, model: Pipeline) -> Path:
        if self.catalog_root is not None:
            return self.catalog_root / rel.replace("/", "__")
        return catalog_dir_for(pipeline_path, model).resolve()

    def _run_dirs(self) -> list[Path]:
        if self.runs_root is not None:
            if not self.runs_root.is_dir():
                return []
            return sorted(p for p in self.runs_root.iterdir() if p.is_dir())
        return find_runs_dirs(self.root)

    def _refuse_if_running(self, key: str, rel: str) -> None:
        run_id = self._active_by_pipeline.get(key)
        if run_id is not None:
            raise RunInProgress(
                f"pipeline {rel} already has run {run_id} in progress: wait for it or cancel it",
                {"run_id": run_id, "pipeline": rel},
            )

    def _refuse_if_closed(self) -> None:
        if self._closed:
            raise RuntimeError("the run manager was shut down")

    def _save(self, active: _ActiveRun) -> None:
        active.store.save(active.log)
        active.last_save = time.monotonic()

    def _emit_run(self, active: _ActiveRun) -> None:
        with self._lock:
            log = active.log
            failed = [s for s, r in log.steps.items() if r.status == StepStatus.failed]
            error = f"failed steps: {', '.join(failed)}" if failed else None
            event = RunEvent("run", log.pipeline, log.run_id, status=log.status.value, error=error)
        self._emit(event)

    def _emit_step(self, active: _ActiveRun, step_id: str) -> None:
        with self._lock:
            record = active.log.steps[step_id]
            attempt = record.last_attempt
            error = attempt.error if attempt is not None else None
            summary = f"{error.name}: {error.message}"[:500] if error else None
            event = RunEvent(
                "step", active.log.pipeline, active.log.run_id, step_id, record.status.value,
                error=summary,
            )
        self._emit(event)

    def _emit(self, event: RunEvent) -> None:
        if self.on_event is None:
            return
        try:
            self.on_event(event)
        except Exception:  # a listener's bug must not stop the run
            logger.exception("run event listener failed on %s", event)


def _apply_result(record: StepRecord, result: StepResult) -> None:
    attempt = record.attempts[-1]
    status = StepStatus(result.status)
    attempt.status = record.status = status
    attempt.start = result.start or attempt.start
    attempt.end = result.end or utcnow()
    if attempt.start is not None:
        attempt.duration_s = (attempt.end - attempt.start).total_seconds()
    attempt.skipped_cells = list(result.skipped_cells)
    attempt.catalog_reads = list(result.catalog_reads)
    attempt.catalog_writes = list(result.catalog_writes)
    attempt.error = result.error
    record.kernel = result.kernel_name or record.kernel


def _mark_log_interrupted(log: RunLog) -> None:
    # StepStatus has no `interrupted`: a step cut off mid-way is recorded as cancelled with an
    # error saying why; steps that never started are cancelled too. Retry re-runs both.
    now = utcnow()
    for record in log.steps.values():
        if record.status == StepStatus.running:
            attempt = record.last_attempt
            if attempt is not None:
                attempt.status, attempt.end = StepStatus.cancelled, now
                attempt.error = ErrorInfo(
                    name="Interrupted",
                    message="the process running this step stopped before it finished; "
                    "retry the run to run it again",
                )
            record.status = StepStatus.cancelled
        elif record.status == StepStatus.pending:
            record.status = StepStatus.cancelled
    log.status = RunStatus.interrupted
    log.end = now
    if log.attempts and log.attempts[-1].end is None:
        log.attempts[-1].end = now


def _checked_overrides(parameters: Mapping[str, Any] | None) -> dict[str, Any]:
    if parameters is None:
        return {}
    if not isinstance(parameters, Mapping):
        raise BadRequest("parameters must be an object mapping names to values")
    bad = [
        name
        for name in parameters
        if not (isinstance(name, str) and name.isidentifier()) or keyword.iskeyword(name)
    ]
    if bad:
        raise BadRequest(
            f"parameter names must be Python identifiers: {', '.join(map(repr, bad))} "
            "(letters, digits and _, not starting with a digit, not a keyword)",
            {"parameters": [str(n) for n in bad]},
        )
    try:
        json.dumps(dict(parameters))
    except (TypeError, ValueError) as error:
        raise BadRequest(f"parameter values must be JSON values: {error}") from None
    return dict(parameters)


def _structure_changes(
    log: RunLog, model: Pipeline, pipeline_path: Path, root: Path
) -> dict[str, list[str]]:
    before, after = log.pipeline_structure, model.dependencies()
    changed_notebooks = []
    for step in model.steps:
        record = log.steps.get(step.id)
        if record is None:
            continue
        try:
            notebook = resolve_inside(root, step.notebook, base=pipeline_path.parent)
            digest = _sha256(notebook)
        except Exception:
            digest = None
        if record.notebook != step.notebook or digest != record.source_sha256:
            changed_notebooks.append(step.id)
    return {
        "added_steps": [s for s in after if s not in before],
        "removed_steps": [s for s in before if s not in after],
        "changed_dependencies": [
            s for s in after if s in before and sorted(before[s]) != sorted(after[s])
        ],
        "changed_notebooks": changed_notebooks,
    }


def _describe(changes: dict[str, list[str]]) -> str:
    labels = {
        "added_steps": "steps added",
        "removed_steps": "steps removed",
        "changed_dependencies": "dependencies changed for",
        "changed_notebooks": "notebooks changed for",
    }
    return "; ".join(f"{labels[k]}: {', '.join(v)}" for k, v in changes.items() if v)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _notebook_kernel(path: Path) -> str | None:
    try:
        metadata = json.loads(path.read_text(encoding="utf-8")).get("metadata", {})
    except (OSError, ValueError, AttributeError):
        return None
    kernelspec = metadata.get("kernelspec") if isinstance(metadata, dict) else None
    name = kernelspec.get("name") if isinstance(kernelspec, dict) else None
    return name if isinstance(name, str) and name else None
