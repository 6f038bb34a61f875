"""A worker process of `LocalProcessExecutor`: spawning it, and its main loop.

A worker is spawned (not forked: jupyter's asyncio and zmq state must not be copied), imports
papermill once and then runs one `StepJob` at a time with `execute_step`. Over its pipe it
receives `RunJob` or `StopWorker` and sends `KernelStarted`, `Progress` and `JobFinished`
(`messages.py`). It never leaves a kernel behind: not after a job, not when it is
terminated or hung up, not when its parent dies.
"""

from __future__ import annotations

import os
import signal
import threading
import time
import warnings
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess
from typing import Any

from ..clock import utcnow
from ..runlog.models import ErrorInfo, StepStatus
from ..startup import import_papermill_without_hdfs, skip_format_checker_imports
from .interface import StepJob, StepResult
from .kernel_stopping import kill_process_group, timeout_error
from .messages import FromWorker, JobFinished, KernelStarted, Progress, RunJob


def spawn_worker(ctx: BaseContext) -> tuple[BaseProcess, Connection, Any]:
    """Start a worker process: (the process, the parent's end of its pipe, its cancel event)."""
    parent_conn, child_conn = ctx.Pipe()
    cancel_event = ctx.Event()
    process = ctx.Process(  # type: ignore[attr-defined]
        target=worker_main,
        args=(child_conn, cancel_event, os.getpid()),
        name="runnable-jupyter-worker",
        daemon=True,
    )
    process.start()
    child_conn.close()
    return process, parent_conn, cancel_event


def lost_job_error(job: StepJob, stop_reason: str | None, exitcode: int | None) -> ErrorInfo:
    """The error of a job whose worker ended without answering (not cancelled)."""
    if stop_reason == "timeout":
        return timeout_error(job.step_id, job.timeout_s or 0)
    how = (
        f"was killed by signal {-exitcode}"
        if exitcode is not None and exitcode < 0
        else f"exited with code {exitcode}"
    )
    return ErrorInfo(
        name="WorkerCrashed",
        message=(
            f"the worker process running step '{job.step_id}' {how}; its kernel was "
            "stopped and the worker replaced. Retry the step"
        ),
    )


def warm_up_kernel_zygote() -> None:
    """Start the zygote that the kernels of steps without their own PYTHON* variables or
    `preload` fork from (the usual case), so that the first step finds it ready."""
    from .step_preparation import kernel_zygote_enabled, with_package_importable
    from .zygote_client import ZygoteKey, process_zygotes

    if kernel_zygote_enabled():
        env = with_package_importable(dict(os.environ))
        process_zygotes().warm_up(ZygoteKey.of(env), env)


def worker_main(conn: Connection, cancel_event: Any, parent_pid: int) -> None:
    """A worker process: run the jobs the parent sends, one at a time, until told to stop."""
    # The worker's stderr is the caller's terminal or server log: library warnings about the
    # notebooks (e.g. nbformat's missing cell ids) are noise there. Notebook code runs in the
    # kernel, so the user's own warnings still reach the step's output and log.
    warnings.simplefilter("ignore")
    skip_format_checker_imports()
    warm_up_kernel_zygote()  # it imports ipykernel while this process imports papermill
    import_papermill_without_hdfs()
    from .step_execution import execute_step  # imports papermill once per worker

    kernel: dict[str, int | None] = {"pgid": None}
    send_lock = threading.Lock()

    def send(message: FromWorker) -> None:
        with send_lock:
            conn.send(message)

    def die(*_: Any) -> None:  # never leave the kernel behind, whatever ends this worker
        kill_process_group(kernel["pgid"])
        os._exit(1)

    def watch_parent() -> None:
        while os.getppid() == parent_pid:
            time.sleep(1.0)
        die()

    signal.signal(signal.SIGTERM, die)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle (cancel)
    # A closed terminal hangs up the CLI and its workers at once: no parent is left to stop the
    # kernel's process group, so the worker does (unless started under nohup: SIGHUP ignored).
    if signal.getsignal(signal.SIGHUP) == signal.SIG_DFL:
        signal.signal(signal.SIGHUP, die)
    threading.Thread(target=watch_parent, name="watch-parent", daemon=True).start()

    def kernel_started(pid: int) -> None:
        kernel["pgid"] = pid
        send(KernelStarted(pid))

    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            break
        if not isinstance(message, RunJob):  # StopWorker
            break
        job = message.job
        start = utcnow()
        try:
            result = execute_step(
                job, lambda p: send(Progress(p)), cancel_event, on_kernel_start=kernel_started
            )
        except BaseException as exc:  # execute_step reports failures itself; this is a bug
            result = StepResult(
                StepStatus.failed,
                start,
                utcnow(),
                error=ErrorInfo(name=type(exc).__name__, message=f"worker error: {exc}"),
            )
        kill_process_group(kernel["pgid"])
        kernel["pgid"] = None
        send(JobFinished(result))
