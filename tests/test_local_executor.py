"""LocalProcessExecutor: reusable spawned workers, cancel, crashes, shutdown.

A step's timeout is enforced by `execute_step` (test_step_execution.py) inside the worker; through
this executor, with the kernel it stops: test_faults.py.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import nbformat
import psutil
import pytest
from helpers import PRINT_KERNEL_OWNER

from runnable_jupyter.executors import local
from runnable_jupyter.executors.interface import StepJob, StepProgress, StepResult
from runnable_jupyter.executors.local import LocalProcessExecutor
from runnable_jupyter.runlog.models import StepStatus

pytestmark = pytest.mark.timeout(180)

PYTHON3 = {"name": "python3", "display_name": "Python 3", "language": "python"}
SLEEPER = [PRINT_KERNEL_OWNER, "import time\ntime.sleep(600)"]


def write_notebook(path: Path, sources: list[str]) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = PYTHON3
    nb.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def make_job(notebook: Path, step_id: str, **overrides: Any) -> StepJob:
    out = notebook.parent / "run"
    fields: dict[str, Any] = {
        "run_id": "20261122T101500-abcdef",
        "step_id": step_id,
        "notebook": str(notebook),
        "cwd": str(notebook.parent),
        "output_notebook": str(out / f"{step_id}.ipynb"),
        "log_file": str(out / f"{step_id}.log"),
        "access_log": str(out / f"{step_id}.catalog.jsonl"),
        "catalog_dir": str(notebook.parent / "catalog"),
        "pipeline_path": str(notebook.parent / "p.pipeline.json"),
    }
    fields.update(overrides)
    return StepJob(**fields)


def descendants(name: str = "") -> list[psutil.Process]:
    found = []
    for child in psutil.Process().children(recursive=True):
        try:
            if child.status() != psutil.STATUS_ZOMBIE and name in " ".join(child.cmdline()):
                found.append(child)
        except psutil.NoSuchProcess:
            pass
    return found


def eventually_none(name: str, within_s: float = 5.0) -> list[psutil.Process]:
    deadline = time.monotonic() + within_s
    while descendants(name) and time.monotonic() < deadline:
        time.sleep(0.1)
    return descendants(name)


def worker_pid(job: StepJob) -> int:
    """The kernel prints its parent's pid: the worker process that ran the step."""
    for line in Path(job.log_file).read_text().splitlines():
        if line.startswith("worker "):
            return int(line.split()[1])
    raise AssertionError(f"no worker pid in {job.log_file}")


def wait_for_log(job: StepJob, text: str, within_s: float = 60.0) -> None:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if Path(job.log_file).exists() and text in Path(job.log_file).read_text():
            return
        time.sleep(0.05)
    raise AssertionError(f"{text!r} never appeared in {job.log_file}")


def ignore(_: StepProgress) -> None:
    pass


@pytest.fixture(scope="module")
def executor() -> Iterator[LocalProcessExecutor]:
    pool = LocalProcessExecutor(2)
    yield pool
    pool.shutdown()
    assert eventually_none("ipykernel_launcher") == []


@pytest.fixture(scope="module")
def quick(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_notebook(
        tmp_path_factory.mktemp("quick") / "quick.ipynb",
        [PRINT_KERNEL_OWNER, "print('hello', 6 * 7)"],
    )


def test_workers_are_reused_across_jobs(executor: LocalProcessExecutor, quick: Path) -> None:
    first, second = make_job(quick, "first"), make_job(quick, "second")
    assert executor.submit(first, ignore).result(60).status == StepStatus.succeeded
    assert executor.submit(second, ignore).result(60).status == StepStatus.succeeded
    assert worker_pid(first) == worker_pid(second)
    assert worker_pid(first) != os.getpid()


def test_progress_flows_back_to_on_progress(executor: LocalProcessExecutor, quick: Path) -> None:
    seen: list[StepProgress] = []
    result = executor.submit(make_job(quick, "progress"), seen.append).result(60)
    assert result.status == StepStatus.succeeded
    assert [(p.step_id, p.cell, p.cells) for p in seen] == [("progress", 1, 2), ("progress", 2, 2)]


def test_independent_steps_run_at_the_same_time(
    executor: LocalProcessExecutor, tmp_path: Path
) -> None:
    warm_up = write_notebook(tmp_path / "warm.ipynb", ["1"])
    warm = [executor.submit(make_job(warm_up, f"w{i}"), ignore) for i in range(2)]
    assert all(f.result(60).status == StepStatus.succeeded for f in warm)
    # 3 s each: the overlap survives a kernel that starts seconds late on a loaded machine.
    sleeper = write_notebook(tmp_path / "sleep.ipynb", ["import time\ntime.sleep(3)"])
    futures = [executor.submit(make_job(sleeper, f"s{i}"), ignore) for i in range(2)]
    a, b = (f.result(60) for f in futures)
    assert a.status == b.status == StepStatus.succeeded, (a.error, b.error)
    assert max(a.start, b.start) < min(a.end, b.end)  # the two runs overlap in time


def test_a_failing_step_fails_its_future_not_the_executor(
    executor: LocalProcessExecutor, tmp_path: Path, quick: Path
) -> None:
    bad = write_notebook(tmp_path / "bad.ipynb", ["raise KeyError('missing')"])
    result = executor.submit(make_job(bad, "bad"), ignore).result(60)
    assert result.status == StepStatus.failed
    assert result.error is not None and result.error.name == "KeyError"
    assert executor.submit(make_job(quick, "after-bad"), ignore).result(60).status == (
        StepStatus.succeeded
    )


def test_kernel_death_fails_the_step_and_the_worker_lives_on(
    executor: LocalProcessExecutor, tmp_path: Path
) -> None:
    dies = write_notebook(
        tmp_path / "dies.ipynb",
        [
            PRINT_KERNEL_OWNER,
            "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)",
        ],
    )
    job = make_job(dies, "dies")
    result = executor.submit(job, ignore).result(60)
    assert result.status == StepStatus.failed
    assert result.error is not None and result.error.name == "DeadKernelError"
    assert psutil.pid_exists(worker_pid(job))


def test_cancel_stops_a_running_step_and_its_kernel(
    executor: LocalProcessExecutor, tmp_path: Path
) -> None:
    job = make_job(write_notebook(tmp_path / "sleep.ipynb", SLEEPER), "sleeper")
    running = threading.Event()
    future = executor.submit(job, lambda p: p.cell == 2 and running.set())
    assert running.wait(60)
    time.sleep(0.3)  # inside time.sleep(600)
    asked = time.monotonic()
    executor.cancel(job.run_id, job.step_id)
    result = future.result(15)
    assert time.monotonic() - asked < 10  # generous bound: the contract is 5 s
    assert result.status == StepStatus.cancelled
    assert eventually_none("ipykernel_launcher") == []
    assert psutil.pid_exists(worker_pid(job))  # the worker survives a cancel


def test_cancel_of_a_queued_step_resolves_without_running_it(tmp_path: Path) -> None:
    with LocalProcessExecutor(1) as pool:
        busy = make_job(write_notebook(tmp_path / "busy.ipynb", SLEEPER), "busy")
        queued = make_job(write_notebook(tmp_path / "queued.ipynb", ["print(1)"]), "queued")
        busy_future = pool.submit(busy, ignore)
        queued_future = pool.submit(queued, ignore)
        pool.cancel(queued.run_id, queued.step_id)
        assert queued_future.result(5).status == StepStatus.cancelled
        pool.cancel(busy.run_id, busy.step_id)
        assert busy_future.result(30).status == StepStatus.cancelled
        assert not Path(queued.output_notebook).exists()
    assert eventually_none("ipykernel_launcher") == []


def test_a_far_deadline_does_not_stall_the_executor(
    executor: LocalProcessExecutor, tmp_path: Path, quick: Path
) -> None:
    # A deadline beyond what poll() accepts (2**31 ms) made the monitor fail in a loop: no result
    # of any job was collected again. The file format refuses such limits; the executor survives.
    far = make_job(write_notebook(tmp_path / "far.ipynb", SLEEPER), "far", timeout_s=1e12)
    far_future = executor.submit(far, ignore)
    wait_for_log(far, "worker ")
    other = executor.submit(make_job(quick, "other", run_id="20261122T101500-fedcba"), ignore)
    assert other.result(60).status == StepStatus.succeeded
    executor.cancel(far.run_id, far.step_id)
    assert far_future.result(30).status == StepStatus.cancelled


def test_a_crashed_worker_fails_its_job_and_is_replaced(tmp_path: Path, quick: Path) -> None:
    with LocalProcessExecutor(1) as pool:
        job = make_job(write_notebook(tmp_path / "victim.ipynb", SLEEPER), "victim")
        future = pool.submit(job, ignore)
        wait_for_log(job, "worker ")
        os.kill(worker_pid(job), signal.SIGKILL)
        result = future.result(30)
        assert result.status == StepStatus.failed
        assert result.error is not None and result.error.name == "WorkerCrashed"
        assert "killed by signal 9" in result.error.message
        assert eventually_none("ipykernel_launcher") == []
        after = make_job(quick, "after-crash")
        assert pool.submit(after, ignore).result(60).status == StepStatus.succeeded
        assert worker_pid(after) != worker_pid(job)


def test_a_worker_that_stops_answering_is_killed_and_its_job_cancelled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(local, "KILL_WORKER_AFTER_S", 3.0)  # the parent's deadline, not 10 s
    with LocalProcessExecutor(1) as pool:
        job = make_job(write_notebook(tmp_path / "frozen.ipynb", SLEEPER), "frozen")
        future = pool.submit(job, ignore)
        wait_for_log(job, "worker ")
        frozen = worker_pid(job)
        os.kill(frozen, signal.SIGSTOP)  # neither its watchdog nor its main thread can react
        pool.cancel(job.run_id, job.step_id)
        result = future.result(30)
        assert result.status == StepStatus.cancelled
        assert eventually_none("ipykernel_launcher") == []
        assert not psutil.pid_exists(frozen) or psutil.Process(frozen).status() == "zombie"


def test_shutdown_cancels_running_steps_and_leaves_no_process(tmp_path: Path) -> None:
    before = {p.pid for p in descendants()}
    pool = LocalProcessExecutor(2)
    jobs = [make_job(write_notebook(tmp_path / f"z{i}.ipynb", SLEEPER), f"z{i}") for i in range(3)]
    futures: list[Future[StepResult]] = [pool.submit(job, ignore) for job in jobs]
    for job in jobs[:2]:
        wait_for_log(job, "worker ")
    asked = time.monotonic()
    pool.shutdown()
    assert time.monotonic() - asked < 20
    assert [f.result(0).status for f in futures] == [StepStatus.cancelled] * 3
    assert not Path(jobs[2].output_notebook).exists()  # the queued one never ran
    assert {p.pid for p in descendants()} <= before  # no worker, no kernel left
    with pytest.raises(RuntimeError, match="shut down"):
        pool.submit(jobs[0], ignore)
    pool.shutdown()  # idempotent


def test_reserved_workers_start_together_with_the_first_job(tmp_path: Path, quick: Path) -> None:
    with LocalProcessExecutor(3) as pool:
        pool.reserve(2)
        pool.reserve(1)  # the widest wish counts
        assert pool._workers == []  # a run whose steps are all reused starts no process
        future = pool.submit(make_job(quick, "first"), ignore)
        started = [w.process.pid for w in pool._workers]
        assert len(started) == 2 and all(psutil.pid_exists(pid) for pid in started)
        assert future.result(60).status == StepStatus.succeeded
        pool.reserve(5)  # never more than max_workers; at once while a job is queued or running
        blocker = pool.submit(make_job(write_notebook(tmp_path / "s.ipynb", SLEEPER), "s"), ignore)
        pool.reserve(5)
        assert len(pool._workers) == 3
        pool.cancel("20261122T101500-abcdef", "s")
        assert blocker.result(30).status == StepStatus.cancelled
