"""Fault injection, end to end: the whole story of a step that does not end well, told through the
real `RunManager`, `LocalProcessExecutor`, kernels and (for the owner) a `runnable-jupyter run`
process.

Faults: the step's kernel is SIGKILLed, its worker process is SIGKILLed, the process owning the
run (a CLI run) is SIGKILLed, or hung up together with its workers (its terminal closed), the run
is cancelled, the step times out, and a kernel that ignores SIGTERM is cancelled. Each is
injected at a deterministic moment: the step's notebook writes `NAME.hanging` (its kernel's pid,
and that of a process the kernel started) just before it sleeps, and the test waits for that
file, never for a fixed time. Each test then checks

1. the run log: the faulted step failed or was cancelled, with an error saying what happened;
   what depends on it is `upstream_failed` (or cancelled), the independent branch `succeeded`;
2. that no kernel, nor what it started, outlives the fault (and no worker outlives its owner,
   or the manager's shutdown at the end of the module);
3. that the run is retryable: the notebook hangs only while `NAME.hang` exists, so once the test
   removes it, `RunManager.retry` re-runs the faulted step and its downstream and the run ends
   `succeeded`.

Every test runs pipeline `a -> b` plus an independent `c`, in its own folder, with one RunManager
(two workers, kept warm) for the whole module.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import psutil
import pytest
from helpers import (
    kernel_owner,
    kernel_processes,
    kernelspec,
    statuses,
    wait_until,
    write_step_pipeline,
)
from server_support import wait_without_kernels

from runnable_jupyter.runlog.models import ErrorInfo, RunLog, RunStatus, StepStatus
from runnable_jupyter.runs.manager import RunManager

pytestmark = pytest.mark.timeout(240)

HANG_CELL = 2  # the source index of the cell that hangs while NAME.hang exists
STEPS: dict[str, dict[str, Any]] = {"a": {}, "b": {"depends_on": ["a"]}, "c": {}}
RUN_DEADLINE_S = 90.0  # generous: kernels start slowly on a busy machine
GONE_WITHIN_S = 10.0  # a kernel or worker that should be gone is gone by then
ACTIVE = {RunStatus.pending, RunStatus.running}
TIMEOUT_S = 6  # step a's limit in the timeout test: its kernel starts well within it


def write_step_notebook(path: Path) -> None:
    cells = [
        nbformat.v4.new_code_cell('name = "step"', metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("import os, pathlib, signal, subprocess, time"),
        nbformat.v4.new_code_cell(
            'if pathlib.Path(f"{name}.stubborn").exists():\n'
            "    signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
            'if pathlib.Path(f"{name}.hang").exists():\n'
            '    child = subprocess.Popen(["sleep", "600"])  # of the kernel\'s process group\n'
            '    marker = pathlib.Path(f"{name}.hanging.tmp")\n'
            '    marker.write_text(f"{os.getpid()} {child.pid}")\n'
            '    marker.rename(f"{name}.hanging")\n'
            "    time.sleep(600)"
        ),
        nbformat.v4.new_code_cell('pathlib.Path(f"{name}.done").write_text("ok")'),
    ]
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata["kernelspec"] = kernelspec("python3")
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)


# --- processes --------------------------------------------------------------------------------


def alive(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def gone(*processes: psutil.Process, within_s: float = GONE_WITHIN_S) -> bool:
    deadline = time.monotonic() + within_s
    while any(alive(p) for p in processes):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def worker_processes() -> list[psutil.Process]:
    """This process's descendants that are executor workers (spawned multiprocessing children)."""
    found = []
    for child in psutil.Process().children(recursive=True):
        try:
            if alive(child) and "spawn_main" in " ".join(child.cmdline()):
                found.append(child)
        except psutil.Error:
            continue
    return found


def session_members(session: int) -> list[psutil.Process]:
    members = []
    for process in psutil.process_iter():
        try:
            if os.getsid(process.pid) == session and alive(process):
                members.append(process)
        except (OSError, psutil.Error):
            continue
    return members


def kill_all(processes: list[psutil.Process]) -> None:
    for process in processes:
        try:
            process.kill()  # psutil checks the pid was not reused meanwhile
        except psutil.Error:
            pass
    psutil.wait_procs(processes, timeout=10)


# --- the campaign -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("faults")


@pytest.fixture(scope="module")
def manager(root: Path) -> Iterator[RunManager]:
    """The module's RunManager; it owns its executor, so its shutdown must leave no process."""
    assert not kernel_processes(), "kernels were already running before these tests"
    runs = RunManager(root=root, max_parallel=2)
    try:
        yield runs
    finally:
        runs.shutdown()
    assert not wait_without_kernels(), "a kernel outlived the manager's shutdown"
    assert gone(*worker_processes()), "a worker outlived the manager's shutdown"


@dataclass(frozen=True)
class Hang:
    """A hanging step's kernel and the process it started (in the kernel's process group)."""

    kernel: psutil.Process
    child: psutil.Process

    def gone(self, within_s: float = GONE_WITHIN_S) -> bool:
        return gone(self.kernel, self.child, within_s=within_s)


class Campaign:
    """One test's pipeline (in its own folder of the module's workspace) and its runs."""

    def __init__(self, manager: RunManager, root: Path, folder: str) -> None:
        self.manager = manager
        self.root = root
        self.here = root / folder
        self.pipeline = write_step_pipeline(root, STEPS, write_step_notebook, folder=folder)
        self.run_ids: list[str] = []

    def write(self, steps: dict[str, dict[str, Any]]) -> None:
        write_step_pipeline(self.root, steps, write_step_notebook, folder=self.here.name)

    def hang(self, step: str, stubborn: bool = False) -> None:
        """Step `step` hangs (in a kernel that ignores SIGTERM if `stubborn`) until `heal`."""
        (self.here / f"{step}.hang").touch()
        if stubborn:
            (self.here / f"{step}.stubborn").touch()

    def heal(self, step: str) -> None:
        for suffix in ("hang", "stubborn", "hanging"):
            (self.here / f"{step}.{suffix}").unlink(missing_ok=True)

    def start(self) -> str:
        run_id = self.manager.start(self.pipeline).run_id
        self.run_ids.append(run_id)
        return run_id

    def wait(self, run_id: str) -> RunLog:
        return self.manager.wait(run_id, timeout=RUN_DEADLINE_S)

    def hang_of(self, step: str, still_running: Callable[[], bool]) -> Hang:
        """The processes of `step` once it is inside its sleep; `still_running()` is False when
        the run (or its owner) ended first."""
        marker = self.here / f"{step}.hanging"
        wait_until(lambda: marker.exists() or not still_running(), timeout=RUN_DEADLINE_S)
        assert marker.exists(), f"step {step} ended before it hung"
        kernel, child = (psutil.Process(int(pid)) for pid in marker.read_text().split())
        assert "ipykernel" in " ".join(kernel.cmdline()) and child.ppid() == kernel.pid
        return Hang(kernel, child)

    def hang_in_run(self, step: str, run_id: str) -> Hang:
        return self.hang_of(step, lambda: self.manager.get(run_id).status in ACTIVE)

    def step_status(self, run_id: str, step: str) -> str:
        return self.manager.get(run_id).steps[step].status.value

    def wait_for_step(self, run_id: str, step: str, status: str) -> None:
        wait_until(lambda: self.step_status(run_id, step) == status, timeout=RUN_DEADLINE_S)

    def retry_succeeds(self, first: RunLog) -> None:
        """Healed, the retry re-runs exactly a and b, and the run succeeds."""
        self.heal("a")
        if first.run_id not in self.run_ids:  # started elsewhere: stopped by `stop` if need be
            self.run_ids.append(first.run_id)
        retried = self.manager.retry(first.run_id)
        assert retried.run_id == first.run_id and len(retried.attempts) == 2
        log = self.wait(first.run_id)
        assert log.status == RunStatus.succeeded, describe(log)
        assert statuses(log) == {"a": "succeeded", "b": "succeeded", "c": "succeeded"}
        assert log.attempts[-1].steps == ["a", "b"]
        assert [a.status for a in log.steps["a"].attempts] == [
            first.steps["a"].status,
            StepStatus.succeeded,
        ]
        assert log.steps["c"].attempts == first.steps["c"].attempts  # not run again
        assert (self.here / "a.done").exists() and (self.here / "b.done").exists()
        assert not wait_without_kernels()

    def stop(self) -> None:
        """Whatever a failed assertion left: cancel this test's runs and let their kernels go."""
        for step in STEPS:
            self.heal(step)
        for run_id in self.run_ids:
            try:
                self.manager.cancel(run_id)
                self.manager.wait(run_id, timeout=30)
            except Exception:  # a run that does not stop fails the manager's teardown
                pass


@pytest.fixture
def campaign(request: pytest.FixtureRequest, manager: RunManager, root: Path) -> Iterator[Campaign]:
    name, _, variant = request.node.name.removeprefix("test_").partition("[")
    run = Campaign(manager, root, "-".join(filter(None, [name[:32], variant.rstrip("]")])))
    try:
        yield run
    finally:
        run.stop()


def error_of(log: RunLog, step: str) -> ErrorInfo:
    error = log.steps[step].attempts[-1].error
    assert error is not None, f"step {step} has no error: {describe(log)}"
    return error


def describe(log: RunLog) -> str:
    errors = {s: r.attempts[-1].error for s, r in log.steps.items() if r.attempts}
    return f"run {log.status.value}, steps {statuses(log)}, errors {errors}"


# --- the faults -------------------------------------------------------------------------------


def test_a_killed_kernel_fails_its_step_and_the_run_is_retryable(campaign: Campaign) -> None:
    campaign.hang("a")
    run_id = campaign.start()
    hang = campaign.hang_in_run("a", run_id)
    hang.kernel.send_signal(signal.SIGKILL)
    log = campaign.wait(run_id)
    assert log.status == RunStatus.failed, describe(log)
    assert statuses(log) == {"a": "failed", "b": "upstream_failed", "c": "succeeded"}
    error = error_of(log, "a")
    assert error.name == "DeadKernelError", describe(log)
    assert f"the kernel died while running cell {HANG_CELL + 1}" in error.message
    assert error.cell_index == HANG_CELL
    assert log.steps["b"].attempts == []
    assert hang.gone(), "what the killed kernel started outlived its step"
    assert not wait_without_kernels()
    campaign.retry_succeeds(log)


def test_a_killed_worker_fails_its_step_its_kernel_dies_and_the_run_is_retryable(
    campaign: Campaign,
) -> None:
    campaign.hang("a")
    run_id = campaign.start()
    hang = campaign.hang_in_run("a", run_id)
    worker = kernel_owner(hang.kernel)
    assert worker is not None and worker in worker_processes()
    worker.send_signal(signal.SIGKILL)
    log = campaign.wait(run_id)
    assert log.status == RunStatus.failed, describe(log)
    assert statuses(log) == {"a": "failed", "b": "upstream_failed", "c": "succeeded"}
    error = error_of(log, "a")
    assert error.name == "WorkerCrashed", describe(log)
    assert "worker process running step 'a' was killed by signal 9" in error.message
    assert "Retry the step" in error.message
    assert hang.gone(), "the kernel of a killed worker outlived it"
    assert not wait_without_kernels()
    campaign.retry_succeeds(log)  # the executor replaced the dead worker


def restore_sighup() -> None:
    signal.signal(signal.SIGHUP, signal.SIG_DFL)


@pytest.mark.parametrize(
    "hangup",
    [
        pytest.param(False, id="SIGKILL-the-CLI"),
        # A closed terminal hangs up its foreground process group: the CLI and its workers.
        pytest.param(True, id="SIGHUP-its-process-group"),
    ],
)
def test_a_killed_owner_leaves_no_kernel_and_its_run_is_interrupted_and_retryable(
    campaign: Campaign, manager: RunManager, root: Path, hangup: bool
) -> None:
    campaign.hang("a")
    with open(campaign.here / "cli.out", "w") as output:
        cli = subprocess.Popen(
            [sys.executable, "-m", "runnable_jupyter.cli", "run", campaign.pipeline],
            cwd=root,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its session holds the CLI and its workers, for cleanup
            # A terminal's CLI has SIGHUP's default action, whatever this test inherited (under
            # `nohup` SIGHUP is ignored, and an ignored signal stays ignored across exec).
            preexec_fn=restore_sighup,
        )
    left: list[psutil.Process] = []  # killed at the end whatever happens
    try:
        hang = campaign.hang_of("a", lambda: cli.poll() is None)
        left += [hang.kernel, hang.child]
        worker = kernel_owner(hang.kernel)
        assert worker is not None and worker.ppid() == cli.pid
        [run_id] = [d.parent.name for d in (campaign.here / "p.runs").glob("*/run.json")]
        campaign.wait_for_step(run_id, "c", "succeeded")
        assert manager.get(run_id).status == RunStatus.running  # driven by the CLI
        owned = [p for p in session_members(cli.pid) if p.pid != cli.pid]
        assert worker in owned
        left += owned

        if hangup:
            os.killpg(cli.pid, signal.SIGHUP)
        else:
            cli.send_signal(signal.SIGKILL)
        assert cli.wait(10) == -(signal.SIGHUP if hangup else signal.SIGKILL)
        assert hang.gone(), "the kernel of a killed owner (or what it started) outlived it"
        assert gone(*owned), f"processes of a killed owner outlived it: {owned}"
    finally:
        if cli.poll() is None:
            cli.kill()
            cli.wait(10)
        kill_all(left + session_members(cli.pid))

    log = manager.get(run_id)
    assert log.status == RunStatus.interrupted, describe(log)
    assert statuses(log) == {"a": "cancelled", "b": "cancelled", "c": "succeeded"}
    error = error_of(log, "a")
    assert error.name == "Interrupted" and "stopped before it finished" in error.message
    campaign.retry_succeeds(log)  # from this process, another one than the dead owner


def test_cancel_mid_step_stops_the_kernel_and_the_run_is_retryable(campaign: Campaign) -> None:
    campaign.hang("a")
    run_id = campaign.start()
    hang = campaign.hang_in_run("a", run_id)
    campaign.wait_for_step(run_id, "c", "succeeded")
    asked = time.monotonic()
    campaign.manager.cancel(run_id)
    log = campaign.wait(run_id)
    assert time.monotonic() - asked < 10  # the contract is 5 s
    assert log.status == RunStatus.cancelled, describe(log)
    assert statuses(log) == {"a": "cancelled", "b": "cancelled", "c": "succeeded"}
    [attempt] = log.steps["a"].attempts
    assert attempt.status == StepStatus.cancelled and attempt.error is None  # asked for
    assert hang.gone(within_s=5), "the kernel of a cancelled step outlived it"
    assert not wait_without_kernels()
    campaign.retry_succeeds(log)


def test_a_timeout_fails_the_step_with_timeout_error_and_the_run_is_retryable(
    campaign: Campaign,
) -> None:
    campaign.write({**STEPS, "a": {"timeout_s": TIMEOUT_S}})
    campaign.hang("a")
    run_id = campaign.start()
    hang = campaign.hang_in_run("a", run_id)
    log = campaign.wait(run_id)
    assert log.status == RunStatus.failed, describe(log)
    assert statuses(log) == {"a": "failed", "b": "upstream_failed", "c": "succeeded"}
    error = error_of(log, "a")
    assert error.name == "TimeoutError", describe(log)
    assert f"ran longer than its limit of {TIMEOUT_S} s" in error.message
    assert "raise `timeout_s` of step 'a'" in error.message
    assert error.cell_index == HANG_CELL
    assert hang.gone(within_s=5), "the kernel of a timed-out step outlived it"
    assert not wait_without_kernels()
    campaign.retry_succeeds(log)  # the same limit: without the sleep the step keeps to it


def test_a_kernel_ignoring_sigterm_still_dies_on_cancel(campaign: Campaign) -> None:
    campaign.hang("a", stubborn=True)
    run_id = campaign.start()
    hang = campaign.hang_in_run("a", run_id)
    campaign.wait_for_step(run_id, "c", "succeeded")
    campaign.manager.cancel(run_id)
    log = campaign.wait(run_id)
    assert log.status == RunStatus.cancelled, describe(log)
    assert statuses(log) == {"a": "cancelled", "b": "cancelled", "c": "succeeded"}
    assert hang.gone(within_s=8), "SIGKILL did not follow the ignored SIGTERM"
    assert not wait_without_kernels()
    campaign.retry_succeeds(log)
