"""`exec-step`: one step of a run executed by this process, while other steps of the same run
execute in other processes or containers (what an exported Argo workflow runs in each pod).

The first call for a run id creates its run log with the pipeline's whole plan (every step
pending, the catalog's current versions pinned) and marks it `orchestrated`: no process owns
the run, each step has its own owner (`StepOwnership`) while it executes. Every change to the
run log is a locked read-modify-write (`locked_run_log`), held for milliseconds, never while the
notebook executes. A step executes as a run's own step would (`next_attempt`, its catalog view
and pins, environment, output cap, skip tags, `execute_step`). What the run's thread does for a
local run is done here by the step that makes it true: a failed step makes its pending
descendants `upstream_failed`, and the step that gives the last step an outcome records the
run's final status. Everything that can be refused is refused before anything is written.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..clock import utcnow
from ..errors import BadRequest, RunNotFound, UnknownStep
from ..executors.interface import StepJob, StepProgress, StepResult
from ..files import sha256_of_file
from ..pipeline import graph
from ..pipeline.graph import Mode
from ..pipeline.model import DEFAULT_OUTPUT_LIMIT_MB, Pipeline
from ..pipeline.validation import load_pipeline
from ..runlog.models import (
    Attempt,
    ErrorInfo,
    RunAttempt,
    RunLog,
    RunStatus,
    StepStatus,
)
from ..runlog.ownership import StepOwnership
from ..runlog.shared_updates import locked_run_log
from ..runlog.store import RunStore, check_run_id
from .active_run import DONE_FOR_DEPENDENTS
from .caching import step_fingerprint
from .catalog_views import pin_current_versions, save_run_record, step_view
from .locations import Locations
from .orchestrated_log import (
    blocked_by_upstream,
    check_same_run,
    check_upstream_finished,
    finish_if_complete,
    reopen_descendants,
    settle_descendants,
)
from .planning import checked_overrides, new_run_log, notebook_path
from .step_env import resolved_env
from .step_jobs import next_attempt
from .step_outcomes import apply_result, record_failure

__all__ = ["StepOutcome", "exec_step"]

PROGRESS_SAVE_INTERVAL_S = 1.0


@dataclass(frozen=True)
class StepOutcome:
    """What became of the step, and of its run, when `exec_step` returned."""

    run_id: str
    step_id: str
    status: StepStatus
    run_status: RunStatus
    executed: bool  # False: recorded without executing (upstream failed, already succeeded)
    attempt: Attempt | None = None

    @property
    def succeeded(self) -> bool:
        return self.status in DONE_FOR_DEPENDENTS


@dataclass
class _Request:
    """A checked exec-step request: everything known before anything is written."""

    root: Path
    model: Pipeline
    pipeline_path: Path
    rel: str
    run_id: str
    step_id: str
    overrides: dict[str, Any]
    store: RunStore
    catalog_dir: Path
    env: dict[str, str] = field(default_factory=dict)
    secret_env: list[str] = field(default_factory=list)

    @property
    def skip_tags(self) -> list[str]:
        return list(self.model.settings.skip_tags)


def exec_step(
    root: Path,
    pipeline: str,
    run_id: str,
    step_id: str,
    parameters: Mapping[str, Any] | None = None,
    *,
    cancel: threading.Event | None = None,
) -> StepOutcome:
    """Execute `step_id` of run `run_id` of `pipeline` (relative to `root`) in this process.

    Raises (writing nothing) for a bad pipeline, run id, step or parameters, for parameters or
    a pipeline structure other than the run's, and for a step whose upstream has no outcome yet;
    `RunInProgress` when another process executes the step. Setting `cancel` stops the kernel:
    the step is `cancelled`.
    """
    request = _checked(root, pipeline, run_id, step_id, parameters)
    ownership = StepOwnership(request.store.run_dir(run_id), run_id, step_id)
    claimed = _claim(request, ownership)
    if isinstance(claimed, StepOutcome):
        return claimed
    attempt, job = claimed
    try:
        result = _execute(request, job, cancel, attempt.number)
        return _record(request, attempt, result)
    except BaseException as error:  # recorded, so the step never stays `running` for nothing
        _record_crash(request, attempt, error)
        raise
    finally:
        ownership.give_up()


# --- checking (nothing written) -------------------------------------------------------------


def _checked(
    root: Path,
    pipeline: str,
    run_id: str,
    step_id: str,
    parameters: Mapping[str, Any] | None,
) -> _Request:
    locations = Locations(Path(root).resolve(), None, None)
    pipeline_path, rel = locations.pipeline(pipeline)
    model = load_pipeline(pipeline_path, locations.root)
    check_run_id(run_id)
    if step_id not in model.step_ids:
        raise UnknownStep(
            f"pipeline {rel} has no step '{step_id}': its steps are {', '.join(model.step_ids)}",
            {"step": step_id},
        )
    request = _Request(
        root=locations.root,
        model=model,
        pipeline_path=pipeline_path,
        rel=rel,
        run_id=run_id,
        step_id=step_id,
        overrides=checked_overrides(parameters),
        store=RunStore(locations.runs_dir(pipeline_path, rel)),
        catalog_dir=locations.catalog_dir(pipeline_path, rel, model),
    )
    request.env, request.secret_env = resolved_env(model, step_id)  # a missing secret: refused
    if request.store.exists(run_id):
        log = request.store.load(run_id)
        check_same_run(log, request.rel, request.model.dependencies(), request.overrides)
        check_upstream_finished(log, step_id)
    elif model.step(step_id).depends_on:
        raise BadRequest(
            f"run {run_id} has not started, and step '{step_id}' depends on "
            f"{', '.join(model.step(step_id).depends_on)}: execute the steps in dependency "
            "order (the first ones create the run)",
            {"run_id": run_id, "step": step_id},
        )
    return request


# --- claiming the step (locked) -------------------------------------------------------------


def _claim(request: _Request, ownership: StepOwnership) -> StepOutcome | tuple[Attempt, StepJob]:
    """Under the run log's lock: the outcome when the step needs no execution, else its new
    attempt (recorded as running) and job, with this process as the step's owner."""
    new_log = None if request.store.exists(request.run_id) else _planned_log(request)
    with locked_run_log(request.store, request.run_id) as log:
        if log is None:
            log = new_log or _planned_log(request)
            log.catalog_pins = pin_current_versions(Path(log.catalog_dir))
            save_run_record(log)
            fresh = True
        else:
            check_same_run(log, request.rel, request.model.dependencies(), request.overrides)
            fresh = False
        step_id = request.step_id
        record = log.steps[step_id]
        if record.status in DONE_FOR_DEPENDENTS:
            return _outcome(log, step_id, executed=False)
        check_upstream_finished(log, step_id)
        blocked = blocked_by_upstream(log, step_id)
        if blocked is not None:
            record.status = blocked
            settle_descendants(log, step_id, blocked)
            finish_if_complete(log)
            request.store.save(log)
            return _outcome(log, step_id, executed=False)
        ownership.take()  # RunInProgress when another live process executes the step
        try:
            return _start_attempt(request, log, fresh)
        except BaseException:
            ownership.give_up()
            raise


def _planned_log(request: _Request) -> RunLog:
    order = graph.plan(request.model.dependencies(), [], Mode.all)
    log = new_run_log(
        root=request.root,
        model=request.model,
        pipeline_path=request.pipeline_path,
        rel=request.rel,
        run_id=request.run_id,
        selection=[],
        mode=Mode.all,
        overrides=request.overrides,
        order=order,
        run_dir=request.store.run_dir(request.run_id),
        catalog_dir=request.catalog_dir,
    )
    log.orchestrated = True
    return log


def _start_attempt(request: _Request, log: RunLog, fresh: bool) -> tuple[Attempt, StepJob]:
    """Record the step's new attempt as running, and return it with its job. A step executed
    again (an orchestrator's retry) makes the descendants it held back wait for it again, and
    a run that had ended runs again, in a new run attempt."""
    step_id, record = request.step_id, log.steps[request.step_id]
    now = utcnow()
    if record.status == StepStatus.running and record.attempts:  # its process died
        lost = record.attempts[-1]
        lost.status, lost.end = StepStatus.cancelled, now
        lost.error = ErrorInfo(
            name="Interrupted",
            message="the process executing this step stopped before it finished; it was "
            "executed again",
        )
    if not fresh and record.status != StepStatus.pending:
        again = [step_id, *reopen_descendants(log, step_id)]
        if log.status not in (RunStatus.pending, RunStatus.running):
            log.attempts.append(RunAttempt(number=len(log.attempts) + 1, steps=again))
    step = request.model.step(step_id)
    record.notebook, record.depends_on = step.notebook, list(step.depends_on)
    record.source_sha256 = sha256_of_file(notebook_path(request.root, request.pipeline_path, step))
    record.fingerprint = step_fingerprint(
        source_sha256=record.source_sha256,
        parameters=record.parameters,
        kernel=record.kernel,
        skip_tags=request.skip_tags,
        catalog_get=step.catalog.get,
        catalog_put=step.catalog.put,
        env=record.env,
    )
    attempt, job = next_attempt(
        request.root,
        log,
        request.model,
        request.pipeline_path,
        step_id,
        skip_tags=request.skip_tags,
        default_timeout_s=None,
        default_output_limit_mb=DEFAULT_OUTPUT_LIMIT_MB,
    )
    job.env, job.secret_env = dict(request.env), list(request.secret_env)
    record.attempts.append(attempt)
    record.status, record.cached_from = StepStatus.running, None
    log.status, log.end = RunStatus.running, None
    log.start = log.start or now
    log.attempts[-1].start = log.attempts[-1].start or now
    log.attempts[-1].end = None
    step_view(log, step_id).save(Path(job.catalog_view))
    request.store.save(log)
    return attempt, job


# --- executing and recording ----------------------------------------------------------------


def _execute(
    request: _Request, job: StepJob, cancel: threading.Event | None, number: int
) -> StepResult:
    from ..executors.kernel_stopping import kill_process_group
    from ..startup import import_papermill_without_hdfs

    import_papermill_without_hdfs()
    from ..executors.step_execution import execute_step  # papermill: loaded only to execute

    kernel: dict[str, int | None] = {"pgid": None}

    def kernel_started(pid: int) -> None:
        kernel["pgid"] = pid

    progress = _ProgressRecorder(request, number)
    try:
        return execute_step(job, progress, cancel, on_kernel_start=kernel_started)
    finally:
        progress.stop()
        kill_process_group(kernel["pgid"])  # never leave the kernel behind


class _ProgressRecorder:
    """Cell progress into the run log (readers poll it): at most once a second, and the latest
    one saved a second later at most, so a long cell shows as the one running."""

    def __init__(self, request: _Request, number: int) -> None:
        self.request, self.number = request, number
        self._lock = threading.Lock()
        self._latest: StepProgress | None = None
        self._saved_at = 0.0
        self._timer: threading.Timer | None = None

    def __call__(self, progress: StepProgress) -> None:
        with self._lock:
            self._latest = progress
            wait = self._saved_at + PROGRESS_SAVE_INTERVAL_S - time.monotonic()
            if wait > 0:
                if self._timer is None:
                    self._timer = threading.Timer(wait, self.flush)
                    self._timer.daemon = True
                    self._timer.start()
                return
        self.flush()

    def flush(self) -> None:
        with self._lock:
            progress, self._latest, self._timer = self._latest, None, None
            self._saved_at = time.monotonic()
        if progress is None:
            return
        request = self.request
        with locked_run_log(request.store, request.run_id) as log:
            attempt = _own_attempt(log, request.step_id, self.number)
            if log is not None and attempt is not None and attempt.status == StepStatus.running:
                attempt.cell_progress = (progress.cell, progress.cells)
                # The first progress is saved at once: its time is the first cell's start.
                attempt.kernel_ready = attempt.kernel_ready or utcnow()
                request.store.save(log)

    def stop(self) -> None:
        with self._lock:
            timer, self._timer, self._latest = self._timer, None, None
        if timer is not None:
            timer.cancel()


def _record(request: _Request, attempt: Attempt, result: StepResult) -> StepOutcome:
    with locked_run_log(request.store, request.run_id) as log:
        if log is None or _own_attempt(log, request.step_id, attempt.number) is None:
            raise RunNotFound(
                f"the run log of {request.run_id} lost step {request.step_id}'s attempt "
                f"{attempt.number} while it executed (deleted?): its result was not recorded",
                {"run_id": request.run_id},
            )
        record = log.steps[request.step_id]
        apply_result(record, result)
        if record.status != StepStatus.succeeded:
            blocked = StepStatus.cancelled if record.status == StepStatus.cancelled else None
            settle_descendants(log, request.step_id, blocked or StepStatus.upstream_failed)
        save_run_record(log)
        finish_if_complete(log)
        request.store.save(log)
        return _outcome(log, request.step_id, executed=True)


def _record_crash(request: _Request, attempt: Attempt, error: BaseException) -> None:
    """The step could not be executed to the end here (an engine error, Ctrl-C twice)."""
    try:
        with locked_run_log(request.store, request.run_id) as log:
            if log is None or _own_attempt(log, request.step_id, attempt.number) is None:
                return
            if log.steps[request.step_id].status != StepStatus.running:
                return  # the result was recorded: the error came after
            record_failure(log.steps[request.step_id], error)
            settle_descendants(log, request.step_id, StepStatus.upstream_failed)
            finish_if_complete(log)
            request.store.save(log)
    except Exception:  # the original error is the one to report
        pass


def _own_attempt(log: RunLog | None, step_id: str, number: int) -> Attempt | None:
    if log is None or step_id not in log.steps:
        return None
    attempts = log.steps[step_id].attempts
    return attempts[-1] if attempts and attempts[-1].number == number else None


def _outcome(log: RunLog, step_id: str, *, executed: bool) -> StepOutcome:
    record = log.steps[step_id]
    return StepOutcome(
        run_id=log.run_id,
        step_id=step_id,
        status=record.status,
        run_status=log.status,
        executed=executed,
        attempt=record.last_attempt if executed else None,
    )
