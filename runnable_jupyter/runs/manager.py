"""RunManager: starts, schedules, records, cancels and retries pipeline runs.

`start()` validates and plans synchronously (bad input raises and writes nothing), records the
run log and returns; a `RunExecution` per run then schedules its steps in a background thread,
recording every status change in the run log and as a `RunEvent`. That thread is the only writer
of an active run's log, except for `start`, `retry` and `mark_interrupted`, which act on runs
that are not in progress; all of them hold one lock, so readers (`get`, `list_runs`) always see a
consistent copy. `on_event` listeners run on those threads (the final event of a run while the
lock is held, to keep it before the events of a retry): they must return quickly.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..errors import BadRequest, RunInProgress, ServiceUnavailable
from ..executors.interface import Executor
from ..pipeline import graph
from ..pipeline.graph import Mode
from ..pipeline.model import DEFAULT_OUTPUT_LIMIT_MB, Pipeline
from ..pipeline.validation import load_pipeline
from ..runlog.models import JobLink, RunLog, new_run_id
from ..runlog.ownership import RunOwnership
from ..runlog.store import RunStore, check_run_id
from .active_run import RunContext, RunExecution
from .events import RunEvent
from .history import RunHistory
from .listing import RunPage
from .locations import Locations
from .planning import (
    checked_overrides,
    new_run_log,
    reset_for_retry,
    retry_plan,
)
from .retention import RetentionPolicy, prune_runs
from .stand_ins import checked_mocks, rerun_pins
from .step_env import refuse_missing_secrets

__all__ = ["RunManager"]

logger = logging.getLogger(__name__)

SHUTDOWN_WAIT_S = 20.0


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
        default_output_limit_mb: float | None = DEFAULT_OUTPUT_LIMIT_MB,
        retention: RetentionPolicy | None = None,
        max_runs_per_pipeline: int | None = None,
    ) -> None:
        self.root = Path(root).resolve()
        self.retention = retention or RetentionPolicy()  # a pipeline's settings.retention wins
        self.on_event = on_event
        self.runs_root = Path(runs_root).resolve() if runs_root else None
        self.catalog_root = Path(catalog_root).resolve() if catalog_root else None
        self.locations = Locations(self.root, self.runs_root, self.catalog_root)
        self.max_parallel = max_parallel
        self.skip_tags = list(skip_tags) if skip_tags is not None else None
        self.default_timeout_s = default_timeout_s
        self.default_output_limit_mb = default_output_limit_mb
        self.max_runs_per_pipeline = max_runs_per_pipeline  # None: no limit
        self._executor = executor
        self._owns_executor = executor is None
        self._lock = threading.RLock()
        self._executor_lock = threading.Lock()
        self._active: dict[str, RunExecution] = {}  # run id -> run in progress
        self._active_by_pipeline: dict[str, set[str]] = {}  # pipeline key -> ids in progress
        self._ownerships: dict[str, RunOwnership] = {}  # run id -> the lock this process holds
        self._ended = threading.Condition(self._lock)  # notified whenever a run ends here
        self._closed = False
        self.history = RunHistory(self.locations, self._lock, self._active)

    # --- starting ---------------------------------------------------------------------------

    def start(
        self,
        pipeline: str,
        steps: Sequence[str] | None = None,
        mode: Mode | str = Mode.all,
        parameters: Mapping[str, Any] | None = None,
        max_parallel: int | None = None,
        skip_unchanged: bool = False,
        rerun_of: str | None = None,
        mocks: Mapping[str, str | os.PathLike[str]] | None = None,
        job: JobLink | None = None,
    ) -> RunLog:
        """Validate, plan and record a run, then run it in the background; returns at once.

        `skip_unchanged`: steps whose earlier result still stands are `cached`, not run (see
        `caching`); a retry of the run keeps this choice. `rerun_of`: re-run that run exactly
        (its parameters, selection unless `steps` are given, inputs and mocks); `mocks`: step
        id -> folder or file standing in for the step's outputs (see `stand_ins`); `job`: the
        job run this run belongs to, recorded in its run log.
        """
        with self._lock:
            self._refuse_if_closed()
        overrides = checked_overrides(parameters)
        if not isinstance(skip_unchanged, bool):
            raise BadRequest(f"skip_unchanged must be true or false, not {skip_unchanged!r}")
        selection = list(dict.fromkeys(steps or []))
        if max_parallel is not None and (not isinstance(max_parallel, int) or max_parallel < 1):
            raise BadRequest(f"max_parallel must be a positive integer, not {max_parallel!r}")
        pipeline_path, rel = self.locations.pipeline(pipeline)
        model = load_pipeline(pipeline_path, self.root)
        original = self._rerun_original(rerun_of, rel)
        if original is not None:
            overrides = {**original.parameters, **overrides}
            if not selection:
                selection, mode = list(original.selection), original.mode
            mocks = {**original.mocks, **(mocks or {})}
        order = graph.plan(model.dependencies(), selection, mode)
        checked_stand_ins = checked_mocks(self.root, model, order, mocks or {})
        refuse_missing_secrets(model, [s for s in order if s not in checked_stand_ins])
        with self._lock:  # refuse early, before any work; checked again when activating
            self._refuse_if_running(str(pipeline_path), rel)
        run_id = new_run_id()
        store = RunStore(self.locations.runs_dir(pipeline_path, rel))
        log = new_run_log(
            root=self.root,
            model=model,
            pipeline_path=pipeline_path,
            rel=rel,
            run_id=run_id,
            selection=selection,
            mode=mode,
            overrides=overrides,
            order=order,
            run_dir=store.run_dir(run_id),
            catalog_dir=self.locations.catalog_dir(pipeline_path, rel, model),
            skip_unchanged=skip_unchanged,
        )
        log.mocks = checked_stand_ins
        log.job = job
        if original is not None:
            log.rerun_of, log.catalog_pins = original.run_id, rerun_pins(original, order)
        with self._lock:
            self._refuse_if_closed()
            self._refuse_if_running(str(pipeline_path), rel)
            run = self._activate(log, store, model, pipeline_path, order, max_parallel)
        run.emit_run()
        return self._launch(run)

    def _rerun_original(self, rerun_of: str | None, rel: str) -> RunLog | None:
        if rerun_of is None:
            return None
        original = self.get(check_run_id(rerun_of))
        if not self.is_run_of(rel, original.run_id):
            raise BadRequest(
                f"run {rerun_of} is a run of {original.pipeline}, not of {rel}: re-run it there",
                {"run_id": rerun_of},
            )
        return original

    def retry(self, run_id: str, force: bool = False) -> RunLog:
        """Re-run the run's unfinished steps and what depends on them, in a new attempt."""
        with self._lock:
            self._refuse_if_closed()
        log = self.get(run_id)
        pipeline_path, rel = self.locations.pipeline(log.pipeline)
        with self._lock:
            self._refuse_if_running(str(pipeline_path), rel, run_id)
        model = load_pipeline(pipeline_path, self.root)
        order, deps = retry_plan(log, model, pipeline_path, self.root, rel, force)
        with self._lock:
            self._refuse_if_closed()
            self._refuse_if_running(str(pipeline_path), rel, run_id)
            # Where the run is now (the workspace may have moved since it was recorded).
            store = RunStore(self.locations.remembered(run_id) or Path(log.run_dir).parent)
            log.run_dir = str(store.run_dir(run_id))
            log.catalog_dir = str(self.locations.catalog_dir(pipeline_path, rel, model))
            reset_for_retry(log, model, pipeline_path, self.root, order)
            run = self._activate(log, store, model, pipeline_path, order, None, deps)
        run.emit_run()
        for step_id in order:
            run.emit_step(step_id)
        return self._launch(run)

    def _activate(
        self,
        log: RunLog,
        store: RunStore,
        model: Pipeline,
        pipeline_path: Path,
        order: list[str],
        max_parallel: int | None,
        deps: dict[str, list[str]] | None = None,
    ) -> RunExecution:
        # The caller's choice (this run, then this manager) wins over the pipeline's setting.
        # The executor's own pool size still bounds how many steps really run at once.
        limit = (
            max_parallel or self.max_parallel or model.settings.max_parallel or os.cpu_count() or 1
        )
        ownership = RunOwnership(store.run_dir(log.run_id), log.run_id)
        ownership.take()  # raises RunInProgress when another process drives this run
        try:
            store.save(log)
        except BaseException:
            ownership.give_up()
            raise
        self._ownerships[log.run_id] = ownership
        context = RunContext(
            root=self.root,
            lock=self._lock,
            executor=self._executor_instance,
            emit=self._emit,
            release=self._release,
            skip_tags=self.skip_tags,
            default_timeout_s=self.default_timeout_s,
            default_output_limit_mb=self.default_output_limit_mb,
        )
        run = RunExecution(
            context,
            log,
            store,
            model,
            pipeline_path,
            max_parallel=limit,
            order=order,
            deps=deps if deps is not None else model.dependencies(),
        )
        self._active[log.run_id] = run
        self._active_by_pipeline.setdefault(run.key, set()).add(log.run_id)
        self.locations.remember(log.run_id, store.runs_dir)
        return run

    def _launch(self, run: RunExecution) -> RunLog:
        with self._lock:
            snapshot = run.log.model_copy(deep=True)
        # Workers start together now rather than one by one as steps become ready.
        widest = graph.widest_level(run.order, run.deps)
        self._executor_instance().reserve(min(run.max_parallel, widest))
        run.start()
        return snapshot

    def _release(self, run: RunExecution) -> None:
        with self._lock:
            self._active.pop(run.log.run_id, None)
            running = self._active_by_pipeline.get(run.key, set())
            running.discard(run.log.run_id)
            if not running:
                self._active_by_pipeline.pop(run.key, None)
            ownership = self._ownerships.pop(run.log.run_id, None)
            if ownership is not None:
                ownership.give_up()
            self._ended.notify_all()
        policy = RetentionPolicy.of_pipeline(run.pipeline) or self.retention
        try:  # deleting folders may take a while: never under the lock
            prune_runs(run.store, policy, catalog_dir=Path(run.log.catalog_dir))
        except Exception:  # retention must never fail a run that already ended
            logger.exception("pruning the runs of %s failed", run.key)

    def prune(self, pipeline: str, policy: RetentionPolicy, dry_run: bool = False) -> list[str]:
        """Delete the pipeline's finished runs `policy` does not keep (never one in progress);
        the ids deleted (or, with `dry_run`, that would be), newest first."""
        pipeline_path, rel = self.locations.pipeline(pipeline)
        catalog_dir = self.locations.catalog_dir(
            pipeline_path, rel, load_pipeline(pipeline_path, self.root)
        )
        store = RunStore(self.locations.runs_dir(pipeline_path, rel))
        return prune_runs(store, policy, dry_run, catalog_dir=catalog_dir)

    # --- other operations -------------------------------------------------------------------

    def cancel(self, run_id: str) -> RunLog:
        """Ask a run to stop: pending steps are cancelled, running kernels stopped (async)."""
        check_run_id(run_id)
        with self._lock:
            run = self._active.get(run_id)
            if run is not None:
                run.request_cancel()
        return self.get(run_id)

    def wait(self, run_id: str, timeout: float | None = None) -> RunLog:
        """The run log once the run finished; TimeoutError if it is still going after `timeout`."""
        check_run_id(run_id)
        with self._lock:
            run = self._active.get(run_id)
        if run is not None and not run.done.wait(timeout):
            raise TimeoutError(f"run {run_id} is still {run.log.status.value} after {timeout} s")
        return self.get(run_id)

    def wait_any(self, run_ids: Sequence[str], timeout: float | None = None) -> list[str]:
        """Those of `run_ids` not in progress here, once at least one is (or `timeout` passed)."""
        with self._ended:
            self._ended.wait_for(lambda: any(r not in self._active for r in run_ids), timeout)
            return [run_id for run_id in run_ids if run_id not in self._active]

    def drives(self, run_id: str) -> bool:
        """Whether this manager drives the run now (its events come from here)."""
        with self._lock:
            return run_id in self._active

    # --- reading: runs as they stand (see `history`) ------------------------------------------

    def get(self, run_id: str) -> RunLog:
        return self.history.get(run_id)

    def list_runs(
        self,
        pipeline: str,
        limit: int | None = None,
        before: str | None = None,
        job: str | None = None,
    ) -> RunPage:
        return self.history.page(pipeline, limit, before, job)

    def catalog_dir(self, pipeline: str) -> Path:
        """The pipeline's catalog folder (where this manager's runs read and write it)."""
        pipeline_path, rel = self.locations.pipeline(pipeline)
        return self.locations.catalog_dir(
            pipeline_path, rel, load_pipeline(pipeline_path, self.root)
        )

    def is_run_of(self, pipeline: str, run_id: str) -> bool:
        return self.history.is_run_of(pipeline, run_id)

    def mark_interrupted(self) -> list[str]:
        return self.history.mark_interrupted()

    def shutdown(self) -> None:
        """Cancel runs in progress, wait for them, and stop the executor if this manager made it."""
        with self._lock:
            self._closed = True
            run_ids = list(self._active)
        for run_id in run_ids:
            self.cancel(run_id)
        for run_id in run_ids:
            with self._lock:
                run = self._active.get(run_id)
            if run is not None:
                run.done.wait(SHUTDOWN_WAIT_S)
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
                from ..executors.local import LocalProcessExecutor

                workers = self.max_parallel or os.cpu_count() or 1
                self._executor = LocalProcessExecutor(max_workers=workers)
            return self._executor

    def _refuse_if_running(self, key: str, rel: str, run_id: str | None = None) -> None:
        """Refuse a retry of a run in progress, and a run beyond `max_runs_per_pipeline`."""
        if run_id is not None and run_id in self._active:
            raise RunInProgress(
                f"run {run_id} is still in progress: wait for it or cancel it before retrying",
                {"run_id": run_id, "pipeline": rel},
            )
        running = sorted(self._active_by_pipeline.get(key, ()))
        limit = self.max_runs_per_pipeline
        if limit is not None and len(running) >= limit:
            raise RunInProgress(
                f"pipeline {rel} already has {len(running)} run(s) in progress "
                f"({', '.join(running)}), the most allowed (max_runs_per_pipeline = {limit}): "
                "wait for one or cancel it",
                {"run_id": running[0], "run_ids": running, "pipeline": rel},
            )

    def _refuse_if_closed(self) -> None:
        if self._closed:
            raise ServiceUnavailable(
                "runnable-jupyter is shutting down and starts no new runs: try again once it "
                "is back"
            )

    def _emit(self, event: RunEvent) -> None:
        if self.on_event is None:
            return
        try:
            self.on_event(event)
        except Exception:  # a listener's bug must not stop the run
            logger.exception("run event listener failed on %s", event)
