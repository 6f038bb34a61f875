"""An in-memory `Executor` for testing the scheduling rules of a run without kernels.

Jobs wait until the test finishes them (`finish`), so a test sees exactly what was submitted when,
how many steps ran at once, what was cancelled, and steers each outcome. Every wait is bounded.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field

from runnable_jupyter.clock import utcnow
from runnable_jupyter.executors.interface import StepJob, StepProgress, StepResult
from runnable_jupyter.runlog.models import ErrorInfo, StepStatus

WAIT_S = 10.0


@dataclass
class FakeJob:
    job: StepJob
    future: Future[StepResult]
    on_progress: Callable[[StepProgress], None]
    cancel_requested: bool = False


@dataclass
class FakeExecutor:
    """Steps finish when told; `answer_cancel=False` makes an executor that ignores cancels."""

    answer_cancel: bool = True
    fail_submit: bool = False
    jobs: list[FakeJob] = field(default_factory=list)
    reserved: list[int] = field(default_factory=list)
    most_running: int = 0
    shut_down: bool = False

    def __post_init__(self) -> None:
        self._changed = threading.Condition()

    # -- the Executor protocol

    def submit(
        self, job: StepJob, on_progress: Callable[[StepProgress], None]
    ) -> Future[StepResult]:
        if self.fail_submit:
            raise RuntimeError("this executor refuses every job")
        future: Future[StepResult] = Future()
        future.set_running_or_notify_cancel()
        with self._changed:
            self.jobs.append(FakeJob(job, future, on_progress))
            self.most_running = max(self.most_running, len(self.running()))
            self._changed.notify_all()
        return future

    def cancel(self, run_id: str, step_id: str) -> None:
        with self._changed:
            matching = [
                j for j in self._unfinished() if (j.job.run_id, j.job.step_id) == (run_id, step_id)
            ]
            for fake in matching:
                fake.cancel_requested = True
            self._changed.notify_all()
        if self.answer_cancel:
            for fake in matching:
                self._resolve(fake, StepStatus.cancelled)

    def reserve(self, parallel: int) -> None:
        self.reserved.append(parallel)

    def shutdown(self) -> None:
        self.shut_down = True
        for fake in self._unfinished():
            self._resolve(fake, StepStatus.cancelled)

    # -- what tests use

    def running(self) -> list[str]:
        """Ids of the steps submitted and not finished, in submission order."""
        return [fake.job.step_id for fake in self._unfinished()]

    def submitted(self) -> list[str]:
        return [fake.job.step_id for fake in self.jobs]

    def wait_running(self, *step_ids: str) -> list[StepJob]:
        """Wait until exactly `step_ids` are running (any order); their jobs."""
        deadline = time.monotonic() + WAIT_S
        with self._changed:
            while sorted(self.running()) != sorted(step_ids):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"running {self.running()}, expected {sorted(step_ids)}")
                self._changed.wait(left)
            return [fake.job for fake in self._unfinished()]

    def progress(self, step_id: str, cell: int, cells: int) -> None:
        fake = self._find(step_id)
        fake.on_progress(StepProgress(fake.job.run_id, step_id, cell, cells))

    def finish(
        self,
        step_id: str,
        status: StepStatus = StepStatus.succeeded,
        message: str = "",
        run_id: str | None = None,
    ) -> None:
        """Finish the running step `step_id` (of run `run_id` when several runs have one)."""
        error = ErrorInfo(name="ValueError", message=message) if message else None
        self._resolve(self._find(step_id, run_id), status, error)

    # -- internals

    def _unfinished(self) -> list[FakeJob]:
        return [fake for fake in self.jobs if not fake.future.done()]

    def _find(self, step_id: str, run_id: str | None = None) -> FakeJob:
        with self._changed:
            found = [
                fake
                for fake in self._unfinished()
                if fake.job.step_id == step_id and run_id in (None, fake.job.run_id)
            ]
        assert found, f"step {step_id} is not running (running: {self.running()})"
        return found[-1]

    def _resolve(self, fake: FakeJob, status: StepStatus, error: ErrorInfo | None = None) -> None:
        now = utcnow()
        with self._changed:  # the future's callback only posts to the run's inbox
            if fake.future.done():
                return
            fake.future.set_result(StepResult(status=status, start=now, end=now, error=error))
            self._changed.notify_all()
