"""`DaskExecutor`: each step runs as one task on a `dask.distributed` cluster.

`DaskExecutor("tcp://host:8786")` uses a running scheduler; `DaskExecutor()` starts a
`LocalCluster` and stops it at shutdown (`dask_cluster`). Every call to the cluster comes from
the executor's own thread (the dispatcher), connecting lazily: callers never wait on the network.

- Before a run's first step every worker must show it sees the workspace (`dask_cluster`).
- Status and progress come back on the scheduler's event topic (`dask_task.TOPIC`); logs and
  outputs are files on the shared filesystem, read while the step runs, as locally.
- Cancel reaches the task's worker with `client.run(cancel_task)`; a task not started yet is
  cancelled on the scheduler. Past the deadlines below, the step is given up on.
- A worker removed while it runs a step fails that step (`WorkerLost`, naming the worker); a
  task the scheduler drops fails as `SchedulerLost` (`dask_outcomes`). Dask's re-runs are
  refused by the task.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..runlog.models import ErrorInfo
from .dask_cluster import (
    CONNECT_TIMEOUT_S,
    DaskConnection,
    SchedulerUnreachable,
    WorkspaceNotShared,
)
from .dask_outcomes import cancelled, failed, finished_result, resolve
from .dask_task import cancel_task, lost_worker_error, run_step, started_marker, warm_up
from .interface import StepJob, StepProgress, StepResult
from .kernel_stopping import kill_process_group, timeout_error

if TYPE_CHECKING:
    from distributed import Client
    from distributed import Future as DaskFuture

log = logging.getLogger(__name__)

KILL_KERNEL_AFTER_S = 10.0  # a cancelled step still running after this: its kernel is killed
TIMEOUT_GRACE_S = 15.0  # a step past timeout_s + this is given up (its worker does not answer)
SHUTDOWN_WAIT_S = 15.0
DISPATCH_WAIT_MAX_S = 1.0


@dataclass(eq=False)
class _Task:
    job: StepJob
    on_progress: Callable[[StepProgress], None]
    key: str
    future: Future[StepResult] = field(default_factory=Future)
    dask_future: DaskFuture[StepResult] | None = None
    worker: str | None = None  # the worker running it, once it said so
    kernel_pid: int | None = None
    stop_reason: str | None = None  # "cancelled" | "timeout"
    deadline: float | None = None  # time.monotonic(): give up on the worker after this


# -- what the dispatcher thread receives


@dataclass(frozen=True)
class _Submit:
    task: _Task


@dataclass(frozen=True)
class _Cancel:
    run_id: str
    step_id: str


@dataclass(frozen=True)
class _Finished:
    key: str


@dataclass(frozen=True)
class _WorkerRemoved:
    worker: str


@dataclass(frozen=True)
class _Connect:
    pass


@dataclass(frozen=True)
class _Stop:
    pass


_Command = _Submit | _Cancel | _Finished | _WorkerRemoved | _Connect | _Stop


class DaskExecutor:
    """An `Executor` running each step as a task on a Dask cluster. Thread-safe."""

    def __init__(self, scheduler_address: str | None = None, *, n_workers: int | None = None):
        self._lock = threading.Lock()
        self._tasks: dict[str, _Task] = {}  # key -> a task whose future is not resolved yet
        self._commands: queue.Queue[_Command] = queue.Queue()
        self._cluster = DaskConnection(
            scheduler_address or None,
            n_workers or os.cpu_count() or 1,
            self._on_step_event,
            self._on_cluster_event,
        )
        self._closed = False
        # Calls that reach workers (cancel, kill) must not hold up the dispatcher.
        self._control = ThreadPoolExecutor(2, thread_name_prefix="runnable-jupyter-dask-control")
        self._thread = threading.Thread(
            target=self._dispatch_loop, name="runnable-jupyter-dask", daemon=True
        )
        self._thread.start()

    @property
    def scheduler_address(self) -> str | None:
        """The scheduler steps go to (None: a local cluster started for this executor)."""
        return self._cluster.scheduler_address

    # -- Executor interface

    def submit(
        self, job: StepJob, on_progress: Callable[[StepProgress], None]
    ) -> Future[StepResult]:
        key = f"runnable-step-{job.step_id}-{job.run_id}-{uuid.uuid4().hex[:8]}"
        task = _Task(job, on_progress, key)
        with self._lock:
            if self._closed:
                raise RuntimeError("this executor is shut down: create a new one to run steps")
            self._tasks[key] = task
        self._commands.put(_Submit(task))
        return task.future

    def cancel(self, run_id: str, step_id: str) -> None:
        self._commands.put(_Cancel(run_id, step_id))

    def reserve(self, parallel: int) -> None:
        """Connect (or start the local cluster) now, while the run begins."""
        self._commands.put(_Connect())

    def shutdown(self) -> None:
        with self._lock:
            first_call, self._closed = not self._closed, True
        if first_call:
            self._commands.put(_Stop())
        if threading.current_thread() is not self._thread:
            self._thread.join(SHUTDOWN_WAIT_S + CONNECT_TIMEOUT_S)

    def __enter__(self) -> DaskExecutor:
        return self

    def __exit__(self, *_: Any) -> None:
        self.shutdown()

    # -- the dispatcher thread

    def _dispatch_loop(self) -> None:
        stopping_since: float | None = None
        while True:
            try:
                command = self._commands.get(timeout=self._wait_s())
            except queue.Empty:
                command = None
            try:
                match command:
                    case _Stop():
                        stopping_since = time.monotonic()
                        for task in self._open_tasks():
                            self._cancel_task(task)
                    case None:
                        pass
                    case _:
                        self._handle(command)
                self._enforce_deadlines()
            except Exception:  # keep serving the other steps; this one is logged
                log.exception("Dask executor error")
            if stopping_since is not None and (
                not self._open_tasks() or time.monotonic() - stopping_since > SHUTDOWN_WAIT_S
            ):
                self._close()
                return

    def _wait_s(self) -> float:
        deadlines = [t.deadline for t in self._open_tasks() if t.deadline is not None]
        if not deadlines:
            return DISPATCH_WAIT_MAX_S
        return max(0.0, min(DISPATCH_WAIT_MAX_S, min(deadlines) - time.monotonic()))

    def _open_tasks(self) -> list[_Task]:
        with self._lock:
            return list(self._tasks.values())

    def _handle(self, command: _Command) -> None:
        match command:
            case _Submit(task=task):
                self._submit(task)
            case _Cancel(run_id=run_id, step_id=step_id):
                for task in self._open_tasks():
                    if task.job.run_id == run_id and task.job.step_id == step_id:
                        self._cancel_task(task)
            case _Finished(key=key):
                self._finished(key)
            case _WorkerRemoved(worker=worker):
                # Only steps that started there: a task merely queued on that worker is given
                # to another one by the scheduler (one that had started refuses to run again).
                for task in self._open_tasks():
                    if task.worker == worker:
                        self._lost(task, worker)
            case _Connect():
                try:
                    self._connected()
                except SchedulerUnreachable:
                    pass  # the next submit says why

    def _connected(self) -> Client:
        first = self._cluster.client is None
        client = self._cluster.connected()
        if first:  # workers import papermill now, not when their first step comes
            self._control.submit(client.run, warm_up, on_error="ignore")
        return client

    def _settle(self, task: _Task, result: StepResult) -> None:
        with self._lock:
            self._tasks.pop(task.key, None)
        resolve(task.future, result)

    def _submit(self, task: _Task) -> None:
        if task.stop_reason is not None or not task.future.set_running_or_notify_cancel():
            self._settle(task, cancelled())
            return
        try:
            client = self._connected()
            self._cluster.check_workspace(task.job)
        except (SchedulerUnreachable, WorkspaceNotShared) as error:
            self._settle(task, failed(ErrorInfo(name=type(error).__name__, message=str(error))))
            return
        try:
            task.dask_future = client.submit(
                run_step, task.job, task.key, key=task.key, pure=False, retries=0
            )
        except Exception as error:  # e.g. the connection dropped: the step must not hang
            message = (
                f"could not submit step '{task.job.step_id}' to {self._cluster.where}: {error}"
            )
            self._settle(task, failed(ErrorInfo(name="SchedulerUnreachable", message=message)))
            return
        key = task.key
        task.dask_future.add_done_callback(lambda _: self._commands.put(_Finished(key)))

    def _finished(self, key: str) -> None:
        with self._lock:
            task = self._tasks.get(key)
        if task is None or task.dask_future is None:
            return
        dask_future = task.dask_future
        result = finished_result(
            dask_future, task.job.step_id, task.worker, task.stop_reason, self._cluster.where
        )
        dask_future.release()
        marker = started_marker(task.job, key)
        try:
            marker.unlink(missing_ok=True)
            marker.parent.rmdir()  # the run folder keeps no empty `.dask`
        except OSError:  # other steps of the run still hold claims in it
            pass
        self._settle(task, result)

    def _lost(self, task: _Task, worker: str) -> None:
        if task.dask_future is not None and self._cluster.client is not None:
            self._cluster.client.cancel(task.dask_future)  # Dask would run it again elsewhere
        if task.stop_reason == "cancelled":
            self._settle(task, cancelled())
        else:
            self._settle(task, failed(lost_worker_error(task.job.step_id, worker)))

    def _cancel_task(self, task: _Task) -> None:
        if task.stop_reason is not None:
            return
        task.stop_reason = "cancelled"
        if task.dask_future is None:
            return  # still in the command queue: `_submit` settles it
        client = self._cluster.client
        if task.worker is None:  # not started (or not said so yet): stop it on the scheduler
            if client is not None:
                client.cancel(task.dask_future)
                self._control.submit(client.run, cancel_task, task.key, on_error="ignore")
            self._settle(task, cancelled())
            return
        task.deadline = time.monotonic() + KILL_KERNEL_AFTER_S
        if client is not None:
            self._control.submit(
                client.run, cancel_task, task.key, workers=[task.worker], on_error="ignore"
            )

    def _enforce_deadlines(self) -> None:
        now = time.monotonic()
        for task in self._open_tasks():
            if task.deadline is None or now < task.deadline:
                continue
            task.deadline = None
            reason = task.stop_reason or "timeout"
            log.warning(
                "step %s: its Dask worker %s does not answer", task.job.step_id, task.worker
            )
            client = self._cluster.client
            if client is not None and task.worker is not None:
                self._control.submit(
                    client.run, cancel_task, task.key, workers=[task.worker], on_error="ignore"
                )
                if task.kernel_pid is not None:
                    self._control.submit(
                        client.run,
                        kill_process_group,
                        task.kernel_pid,
                        workers=[task.worker],
                        on_error="ignore",
                    )
            if reason == "cancelled":
                self._settle(task, cancelled())
            else:
                error = timeout_error(task.job.step_id, task.job.timeout_s or 0)
                self._settle(task, failed(error))

    def _on_step_event(self, event: tuple[float, dict[str, Any]]) -> None:
        """On the client's event loop: what a running task says (quick, never raises)."""
        message = event[1]
        with self._lock:
            task = self._tasks.get(str(message.get("key")))
        if task is None:
            return
        kind = message.get("kind")
        if kind == "started":
            task.worker = str(message.get("worker"))
            if task.job.timeout_s and task.stop_reason is None:
                task.deadline = time.monotonic() + task.job.timeout_s + TIMEOUT_GRACE_S
        elif kind == "kernel":
            task.kernel_pid = int(message.get("pid", 0)) or None
        elif kind == "progress":
            progress = StepProgress(
                task.job.run_id, task.job.step_id, int(message["cell"]), int(message["cells"])
            )
            try:
                task.on_progress(progress)
            except Exception:  # a listener's bug must not stop the client's loop
                log.exception("on_progress failed for step %s", task.job.step_id)

    def _on_cluster_event(self, event: tuple[float, dict[str, Any]]) -> None:
        message = event[1]
        if message.get("action") == "remove-worker" and message.get("worker"):
            self._commands.put(_WorkerRemoved(str(message["worker"])))

    def _close(self) -> None:
        self._control.shutdown(wait=False, cancel_futures=True)
        self._cluster.close()
        for task in self._open_tasks():
            self._settle(task, cancelled())
