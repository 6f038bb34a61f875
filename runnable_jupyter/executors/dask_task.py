"""What runs on a Dask worker for `DaskExecutor`: the step task, its cancel switch, and the
check that the worker sees the workspace.

The task runs `execute_step` in the worker's thread and reports back on the scheduler's event
topic `TOPIC` (`Worker.log_event`, msgpack-able dicts): `started` (which worker), `kernel` (the
kernel's pid) and `progress` ("cell i of n"). The step's log, executed notebook and catalog
files are written where the step says, on the shared filesystem, so the caller reads them while
the step runs, as locally.

Dask retries a task whose worker died on another worker; a step must not run twice behind the
run's back. The task therefore claims `STARTED_MARKER` (a file created exclusively in the run
folder) before it runs: a task that finds the claim taken reports the first worker as lost and
executes nothing. Kernels die with their worker (`kernel_reaper`), even on SIGKILL.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
import warnings
from pathlib import Path
from typing import Any

from ..clock import utcnow
from ..runlog.models import ErrorInfo, StepStatus
from ..startup import skip_iri_format_checker
from .interface import StepJob, StepResult
from .kernel_reaper import process_reaper
from .kernel_stopping import kill_process_group

TOPIC = "runnable-jupyter-steps"  # one shared topic: the scheduler keeps a bounded log per topic
MARKER_DIR = ".dask"  # in the run folder: the claims of started tasks and workspace tokens
PRE_CANCEL_KEEP_S = 600.0  # a cancel that arrived before its task is kept this long


def lost_worker_error(step_id: str, worker: str) -> ErrorInfo:
    """The error of a step whose Dask worker was lost while it ran."""
    return ErrorInfo(
        name="WorkerLost",
        message=(
            f"the Dask worker {worker} running step '{step_id}' was lost (it died, was killed "
            "or lost contact with the scheduler); its kernel was stopped with it. Retry the step"
        ),
    )


def started_marker(job: StepJob, key: str) -> Path:
    return Path(job.log_file).parent / MARKER_DIR / f"{key}.started"


# -- cancelling: `client.run(cancel_task, key)` reaches the worker outside the task scheduler


_switches: dict[str, threading.Event] = {}
_early_cancels: dict[str, float] = {}  # key -> when a cancel came for a task not started here
_switches_lock = threading.Lock()


def cancel_task(key: str) -> bool:
    """Stop the task `key` if it runs on this worker (True), else remember the cancel in case
    it starts here soon (a cancel may overtake its task)."""
    with _switches_lock:
        switch = _switches.get(key)
        if switch is None:
            now = time.monotonic()
            for old in [k for k, t in _early_cancels.items() if now - t > PRE_CANCEL_KEEP_S]:
                del _early_cancels[old]
            _early_cancels[key] = now
            return False
    switch.set()
    return True


def _switch_for(key: str) -> threading.Event:
    switch = threading.Event()
    with _switches_lock:
        if _early_cancels.pop(key, None) is not None:
            switch.set()
        _switches[key] = switch
    return switch


def _drop_switch(key: str) -> None:
    with _switches_lock:
        _switches.pop(key, None)


# -- the workspace check: `client.run(check_workspace, ...)` on every worker at submission


def check_workspace(token_file: str, token: str, pipeline_path: str) -> str:
    """'' when this worker reads `token` in `token_file` (written by the caller a moment ago),
    sees the pipeline file and may write in the run folder; else what it cannot do."""
    try:
        seen = Path(token_file).read_text(encoding="utf-8")
    except OSError as error:
        return f"cannot read {token_file} ({error.strerror or error})"
    if seen != token:
        return f"{token_file} holds other content there: it is another folder of the same name"
    if not os.path.isfile(pipeline_path):
        return f"cannot see the pipeline file {pipeline_path}"
    if not os.access(os.path.dirname(os.path.dirname(token_file)), os.W_OK):
        return f"may not write in the run folder {os.path.dirname(os.path.dirname(token_file))}"
    return ""


# -- the step task


def drop_nanny_environ() -> None:
    """Kernels start with the environment of the machine, not the one Dask's nanny gives its
    worker process (`distributed.nanny.pre-spawn-environ`: MALLOC_TRIM_THRESHOLD_=65536 makes
    pandas work in a kernel about twice as slow, OMP_NUM_THREADS=1 and the like starve numpy).
    They are read when a process starts, so the worker itself keeps them. A step that wants one
    sets it in its `env`."""
    import dask

    spawned = dask.config.get("distributed.nanny.pre-spawn-environ", default={}) or {}
    for name, value in spawned.items():
        if os.environ.get(name) == str(value):
            del os.environ[name]


def _claim(marker: Path, worker: str) -> str | None:
    """Claim the step for this worker; the worker of an earlier claim when there was one."""
    for attempt in (1, 2, 3):  # the caller removes the folder once it is empty: make it again
        marker.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            break
        except FileNotFoundError:
            if attempt == 3:
                raise
        except FileExistsError:
            try:
                return str(json.loads(marker.read_text(encoding="utf-8"))["worker"])
            except (OSError, ValueError, KeyError, TypeError):
                return "(unknown)"
    with os.fdopen(fd, "w", encoding="utf-8") as stream:
        json.dump({"worker": worker, "pid": os.getpid()}, stream)
    return None


def run_step(job: StepJob, key: str) -> StepResult:
    """The Dask task of one step: run it here, reporting on `TOPIC`; never raises."""
    from distributed import get_worker

    start = utcnow()
    worker = get_worker()
    address = worker.address
    earlier = _claim(started_marker(job, key), address)
    if earlier is not None:  # Dask re-ran a task whose worker was lost: do not run it again
        return StepResult(
            StepStatus.failed, start, utcnow(), error=lost_worker_error(job.step_id, earlier)
        )

    def report(kind: str, **fields: Any) -> None:
        worker.log_event(TOPIC, {"kind": kind, "key": key, **fields})

    kernel: dict[str, int | None] = {"pgid": None}
    reaper = process_reaper()

    def kernel_started(pid: int) -> None:
        kernel["pgid"] = pid
        reaper.track(pid)
        report("kernel", pid=pid)

    switch = _switch_for(key)
    report("started", worker=address)
    try:
        drop_nanny_environ()
        skip_iri_format_checker()
        from .step_execution import execute_step

        with warnings.catch_warnings():  # library warnings about notebooks are noise here
            warnings.simplefilter("ignore")
            result = execute_step(
                job,
                lambda p: report("progress", cell=p.cell, cells=p.cells),
                switch,
                on_kernel_start=kernel_started,
            )
    except BaseException as exc:  # execute_step reports failures itself; this is a bug
        result = StepResult(
            StepStatus.failed,
            start,
            utcnow(),
            error=ErrorInfo(name=type(exc).__name__, message=f"Dask worker error: {exc}"),
        )
    finally:
        _drop_switch(key)
        pgid = kernel["pgid"]
        if pgid is not None:
            kill_process_group(pgid)
            reaper.untrack(pgid)
    if result.error is not None and result.error.name == "NoSuchKernel":
        message = f"{result.error.message} (on Dask worker {address})"
        result.error = result.error.model_copy(update={"message": message})
    return result


def warm_up() -> None:
    """Import papermill on the worker before its first step (run once per worker)."""
    drop_nanny_environ()
    skip_iri_format_checker()
    from . import step_execution  # noqa: F401


def dask_setup(worker: Any) -> None:
    """Dask's preload hook, for the worker processes of the `LocalCluster` a CLI or server
    starts: Ctrl-C belongs to that CLI (it cancels the run and stops the cluster cleanly), not
    to its workers, which share its terminal."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
