"""`LocalProcessExecutor`: steps run in a pool of reusable worker processes on this machine.

Each worker (`worker.py`) runs one `StepJob` at a time, so a step costs a kernel start, not an
interpreter start. A crashing step, or even a crashing worker, never takes the caller down: the
job's future resolves as failed and the worker is replaced.

One parent thread (the monitor) reads all worker pipes and sentinels, calls `on_progress`,
resolves futures and enforces the stop deadlines:

- cancel: the worker's cancel event is set; its kernel guard stops the kernel (SIGTERM, SIGKILL
  after 2 s) and the worker returns `cancelled`. If the kernel still runs after
  `KILL_KERNEL_AFTER_S`, the parent SIGKILLs its process group; if the worker has not answered
  after `KILL_WORKER_AFTER_S`, the worker is killed and replaced and the job is `cancelled`.
- timeout: enforced by the worker (failed, TimeoutError); the parent kills a worker that overruns
  `timeout_s` by `TIMEOUT_GRACE_S`.
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import os
import pickle
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, InvalidStateError
from concurrent.futures import wait as wait_futures
from dataclasses import dataclass
from datetime import datetime
from multiprocessing.connection import Connection
from multiprocessing.connection import wait as wait_ready
from multiprocessing.process import BaseProcess
from typing import Any

from ..clock import utcnow
from ..runlog.models import ErrorInfo, StepStatus
from .interface import StepJob, StepProgress, StepResult
from .kernel_stopping import kill_process_group
from .messages import FromWorker, JobFinished, KernelStarted, Progress, RunJob, StopWorker, ToWorker
from .worker import lost_job_error, spawn_worker

log = logging.getLogger(__name__)

KILL_KERNEL_AFTER_S = 4.0
KILL_WORKER_AFTER_S = 10.0
TIMEOUT_GRACE_S = 15.0
WORKER_STOP_WAIT_S = 5.0
MONITOR_WAIT_MAX_S = 60.0  # the monitor wakes at least this often, whatever the deadlines


@dataclass(eq=False)
class _Task:
    job: StepJob
    future: Future[StepResult]
    on_progress: Callable[[StepProgress], None]
    dispatched: bool = False
    started_at: datetime | None = None
    stop_reason: str | None = None  # "cancelled" | "timeout"
    kill_kernel_at: float | None = None  # time.monotonic() deadlines
    kill_worker_at: float | None = None


@dataclass(eq=False)
class _Worker:
    process: BaseProcess
    conn: Connection
    cancel_event: Any
    task: _Task | None = None
    kernel_pid: int | None = None
    gone: bool = False  # its pipe broke: it is dying and gets no more jobs


def _matches(task: _Task, run_id: str, step_id: str) -> bool:
    return task.job.run_id == run_id and task.job.step_id == step_id


def _set_result(task: _Task, result: StepResult) -> None:
    try:
        task.future.set_result(result)
    except InvalidStateError:  # already resolved (or cancelled by the caller before it ran)
        pass


def _not_run(task: _Task, status: StepStatus = StepStatus.cancelled) -> StepResult:
    now = utcnow()
    return StepResult(status=status, start=task.started_at or now, end=now)


class LocalProcessExecutor:
    """An `Executor` running steps in up to `max_workers` long-lived worker processes.

    Workers start when a job needs one or when `reserve` asks for them, and are reused across
    jobs. Thread-safe.
    """

    def __init__(self, max_workers: int, *, mp_context: str = "spawn") -> None:
        if max_workers < 1:
            raise ValueError(f"max_workers must be at least 1, got {max_workers}")
        self.max_workers = max_workers
        self._ctx = multiprocessing.get_context(mp_context)
        self._lock = threading.RLock()
        self._pending: deque[_Task] = deque()
        self._workers: list[_Worker] = []
        self._reserved = 0  # workers to start with the next job (`reserve`)
        self._closed = False
        # A non-blocking self-pipe wakes the monitor: a waker must never block holding the lock.
        self._wake_reader, self._wake_writer = os.pipe()
        os.set_blocking(self._wake_reader, False)
        os.set_blocking(self._wake_writer, False)
        self._monitor = threading.Thread(
            target=self._monitor_loop, name="runnable-jupyter-executor", daemon=True
        )
        self._monitor.start()
        atexit.register(self.shutdown)

    # -- Executor interface

    def submit(
        self, job: StepJob, on_progress: Callable[[StepProgress], None]
    ) -> Future[StepResult]:
        try:
            pickle.dumps(job)
        except Exception as exc:
            raise TypeError(
                f"step '{job.step_id}' cannot be sent to a worker process: {exc}; parameters "
                "must be plain JSON-like values"
            ) from exc
        task = _Task(job, Future(), on_progress)
        with self._lock:
            if self._closed:
                raise RuntimeError("this executor is shut down: create a new one to run steps")
            self._pending.append(task)
            if self._reserved:
                self._start_reserved()
            self._dispatch()
        return task.future

    def cancel(self, run_id: str, step_id: str) -> None:
        with self._lock:
            queued = [t for t in self._pending if _matches(t, run_id, step_id)]
            for task in queued:
                self._pending.remove(task)
            for worker in self._workers:
                if worker.task is not None and _matches(worker.task, run_id, step_id):
                    self._request_stop(worker, "cancelled")
        for task in queued:
            _set_result(task, _not_run(task))
        self._wake()

    def reserve(self, parallel: int) -> None:
        """Up to `parallel` workers start together with the next job (now, if one is queued or
        running): they import papermill while the first step runs, instead of one by one as
        steps become ready. A run whose steps are all reused from earlier runs starts none."""
        with self._lock:
            self._reserved = max(self._reserved, min(parallel, self.max_workers))
            if self._pending or any(worker.task is not None for worker in self._workers):
                self._start_reserved()

    def _start_reserved(self) -> None:
        live = sum(1 for worker in self._workers if not worker.gone)
        for _ in range(self._reserved - live):
            if self._closed:
                return
            self._start_worker()
        self._reserved = 0

    def shutdown(self) -> None:
        with self._lock:
            first_call = not self._closed
            self._closed = True
            queued = list(self._pending)
            self._pending.clear()
            running = [w.task.future for w in self._workers if w.task is not None]
            for worker in self._workers:
                if worker.task is not None:
                    self._request_stop(worker, "cancelled")
        if not first_call:  # another thread is shutting down: wait for it to finish
            if threading.current_thread() is not self._monitor:
                self._monitor.join()
            return
        atexit.unregister(self.shutdown)
        for task in queued:
            _set_result(task, _not_run(task))
        self._wake()
        in_monitor = threading.current_thread() is self._monitor
        if not in_monitor:  # the monitor resolves them, or kills stuck workers at the deadline
            wait_futures(running, timeout=KILL_WORKER_AFTER_S + 2)
        with self._lock:
            workers = list(self._workers)
            for worker in workers:
                if worker.task is None:
                    # SIGTERM now rather than StopWorker: a worker still importing papermill
                    # (started by `reserve` for a run that had nothing to execute) would read it
                    # only seconds later. Its handler stops its kernel; before the handler is
                    # installed there is no kernel.
                    worker.process.terminate()
                else:
                    self._send(worker, StopWorker())
        for worker in workers:  # the monitor reaps them; here we only wait for them to end
            if not wait_ready([worker.process.sentinel], WORKER_STOP_WAIT_S):
                worker.process.kill()
                wait_ready([worker.process.sentinel], WORKER_STOP_WAIT_S)
            kill_process_group(worker.kernel_pid)
        self._wake()
        if not in_monitor:
            self._monitor.join()
            with self._lock:
                os.close(self._wake_reader)
                os.close(self._wake_writer)
                self._wake_reader = self._wake_writer = -1

    def __enter__(self) -> LocalProcessExecutor:
        return self

    def __exit__(self, *_: Any) -> None:
        self.shutdown()

    # -- dispatching (callers hold the lock)

    def _dispatch(self) -> None:
        while self._pending and not self._closed:
            worker = next((w for w in self._workers if w.task is None and not w.gone), None)
            if worker is None:
                if len(self._workers) >= self.max_workers:
                    return
                try:
                    worker = self._start_worker()
                except Exception as exc:  # e.g. out of processes: fail the job, never hang it
                    task = self._pending.popleft()
                    result = _not_run(task, StepStatus.failed)
                    result.error = ErrorInfo(
                        name="WorkerStartFailed",
                        message=f"could not start a worker process for step "
                        f"'{task.job.step_id}': {exc}",
                    )
                    _set_result(task, result)
                    continue
            task = self._pending.popleft()
            if not task.dispatched:
                if not task.future.set_running_or_notify_cancel():
                    continue  # the caller cancelled the future while it was queued
                task.dispatched = True
                task.started_at = utcnow()
                if task.job.timeout_s:
                    task.kill_worker_at = time.monotonic() + task.job.timeout_s + TIMEOUT_GRACE_S
            worker.cancel_event.clear()
            worker.task, worker.kernel_pid = task, None
            if not self._send(worker, RunJob(task.job)):
                worker.task = None  # a dead worker: the monitor replaces it, the job waits
                worker.gone = True
                self._pending.appendleft(task)
                return

    def _start_worker(self) -> _Worker:
        worker = _Worker(*spawn_worker(self._ctx))
        self._workers.append(worker)
        self._wake()
        return worker

    def _send(self, worker: _Worker, message: ToWorker) -> bool:
        try:
            worker.conn.send(message)
            return True
        except (OSError, ValueError):
            return False

    def _request_stop(self, worker: _Worker, reason: str) -> None:
        task = worker.task
        if task is None or task.stop_reason is not None:
            return
        now = time.monotonic()
        task.stop_reason = reason
        task.kill_kernel_at = now + KILL_KERNEL_AFTER_S
        task.kill_worker_at = now + KILL_WORKER_AFTER_S
        worker.cancel_event.set()

    def _wake(self) -> None:
        with self._lock:
            if self._wake_writer < 0:  # closed by shutdown: the fd number may be reused
                return
            try:
                os.write(self._wake_writer, b"!")
            except BlockingIOError:  # full: the monitor wakes up anyway
                pass

    # -- the monitor thread

    def _monitor_loop(self) -> None:
        while True:
            try:
                if not self._monitor_once():
                    return
            except Exception:  # keep serving the other jobs; this one is logged
                log.exception("executor monitor error")
                time.sleep(0.1)

    def _monitor_once(self) -> bool:
        """Wait for and handle one batch of events; False once shut down with no worker left."""
        with self._lock:
            if self._closed and not self._workers:
                return False
            by_handle: dict[Any, _Worker] = {}
            for worker in self._workers:
                by_handle[worker.conn] = worker
                by_handle[worker.process.sentinel] = worker
            deadlines = [
                d
                for w in self._workers
                if w.task is not None
                for d in (w.task.kill_kernel_at, w.task.kill_worker_at)
                if d is not None
            ]
        # Capped: a far deadline must not overflow the poll timeout (and stall every job).
        timeout = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
        timeout = MONITOR_WAIT_MAX_S if timeout is None else min(timeout, MONITOR_WAIT_MAX_S)
        for handle in wait_ready([self._wake_reader, *by_handle], timeout):
            if handle == self._wake_reader:
                try:
                    while os.read(self._wake_reader, 4096):
                        pass
                except BlockingIOError:
                    pass
            elif isinstance(handle, Connection):
                self._receive(by_handle[handle])
            else:
                self._worker_exited(by_handle[handle])
        self._enforce_deadlines()
        return True

    def _receive(self, worker: _Worker) -> None:
        try:
            while worker.conn.poll():
                self._handle(worker, worker.conn.recv())
        except (EOFError, OSError):
            self._worker_exited(worker)

    def _handle(self, worker: _Worker, message: FromWorker) -> None:
        match message:
            case KernelStarted(pid=pid):
                with self._lock:
                    worker.kernel_pid = pid
            case Progress(progress=progress):
                task = worker.task
                if task is not None:
                    try:
                        task.on_progress(progress)
                    except Exception:  # a listener's bug must not stop the monitor
                        log.exception("on_progress failed for step %s", task.job.step_id)
            case JobFinished(result=result):
                self._finished(worker, result)

    def _finished(self, worker: _Worker, result: StepResult) -> None:
        with self._lock:
            task, worker.task, worker.kernel_pid = worker.task, None, None
            self._dispatch()
        if task is not None:
            if task.stop_reason == "cancelled" and result.status == StepStatus.failed:
                result.status, result.error = StepStatus.cancelled, None  # our kill
            _set_result(task, result)

    def _worker_exited(self, worker: _Worker) -> None:
        try:  # a result sent just before the worker ended still counts
            while worker.conn.poll():
                self._handle(worker, worker.conn.recv())
        except (EOFError, OSError):
            pass
        with self._lock:
            if worker not in self._workers:
                return
            self._workers.remove(worker)
            task, worker.task = worker.task, None
        kill_process_group(worker.kernel_pid)
        worker.process.join(1.0)
        worker.conn.close()
        with self._lock:
            self._dispatch()  # replaces the worker when jobs are waiting
        if task is not None:
            _set_result(task, self._lost_result(task, worker.process.exitcode))

    def _lost_result(self, task: _Task, exitcode: int | None) -> StepResult:
        result = _not_run(task)
        if task.stop_reason != "cancelled":
            result.status = StepStatus.failed
            result.error = lost_job_error(task.job, task.stop_reason, exitcode)
        return result

    def _enforce_deadlines(self) -> None:
        now = time.monotonic()
        kill_kernels: list[int | None] = []
        kill_workers: list[_Worker] = []
        with self._lock:
            for worker in self._workers:
                task = worker.task
                if task is None:
                    continue
                if task.kill_kernel_at is not None and now >= task.kill_kernel_at:
                    task.kill_kernel_at = None
                    kill_kernels.append(worker.kernel_pid)
                if task.kill_worker_at is not None and now >= task.kill_worker_at:
                    task.kill_worker_at = None
                    task.stop_reason = task.stop_reason or "timeout"
                    kill_workers.append(worker)
        for pgid in kill_kernels:
            kill_process_group(pgid)
        for worker in kill_workers:  # its sentinel fires next and resolves the job
            log.warning("a worker does not answer: killing it (pid %s)", worker.process.pid)
            worker.process.kill()
            kill_process_group(worker.kernel_pid)
