"""Following a run from a terminal: a live table or plain lines until it ends; Ctrl-C cancels
it cleanly, stopping its kernels."""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..runlog.models import RunLog, RunStatus
from .arguments import EXIT_FAILED, EXIT_OK, CliError
from .run_text import ACTIVE_RUN_STATUSES, PlainProgress
from .signals import signals_call

if TYPE_CHECKING:  # the engine is imported late: `validate` need not load it
    from ..executors.interface import Executor
    from ..runs.manager import RunManager
    from .display import LiveProgress

POLL_S = 0.5  # the display also redraws this often, so elapsed times keep moving
CANCEL_WAIT_S = 60.0


@contextmanager
def manager_for(root: Path, **options: Any) -> Iterator[RunManager]:
    from ..runs.manager import RunManager  # imported late: `validate` need not load the engine

    manager = RunManager(root=root, **options)
    try:
        yield manager
    finally:
        manager.shutdown()


class Follower:
    """Draws a run until it ends; Ctrl-C cancels it cleanly. Returns the exit code."""

    def __init__(self) -> None:
        self.manager: RunManager | None = None  # set once made: the manager needs `on_event`
        self.wake = threading.Event()
        self.interrupted = False

    def on_event(self, _event: Any) -> None:
        self.wake.set()

    def on_sigint(self, _signum: int) -> None:
        self.interrupted = True
        self.wake.set()

    def __call__(self, started: RunLog) -> int:
        manager = self.manager
        assert manager is not None, "the follower's manager is set by `follower()`"
        run_id = started.run_id
        print(run_id, flush=True)
        display = progress_display()
        try:
            log = manager.get(run_id)
            display.update(log)
            while log.status in ACTIVE_RUN_STATUSES and not self.interrupted:
                self.wake.wait(POLL_S)
                self.wake.clear()
                log = manager.get(run_id)
                display.update(log)
            if self.interrupted:
                display.message("cancelling: stopping running kernels...")
                manager.cancel(run_id)
            log = manager.wait(run_id, timeout=CANCEL_WAIT_S if self.interrupted else None)
        except TimeoutError:
            print(f"error: run {run_id} did not stop within {CANCEL_WAIT_S:.0f} s", file=sys.stderr)
            return EXIT_FAILED
        finally:
            display.close(manager.get(run_id))
        if self.interrupted:
            print("cancelled", flush=True)
            return EXIT_FAILED
        return EXIT_OK if log.status == RunStatus.succeeded else EXIT_FAILED


def progress_display() -> LiveProgress | PlainProgress:
    """A live table where rich would draw one, else plain lines. rich (~35 ms of CPU to import)
    is imported only where it may draw: stdout is a terminal, or the environment sets one of
    its overrides (TTY_COMPATIBLE, FORCE_COLOR)."""
    if sys.stdout.isatty() or os.environ.get("TTY_COMPATIBLE") or "FORCE_COLOR" in os.environ:
        from rich.console import Console

        from .display import LiveProgress

        console = Console()
        if console.is_terminal:
            return LiveProgress(console)
    return PlainProgress(sys.stdout)


def chosen_executor(args: Any, max_parallel: int | None = None) -> Executor | None:
    """The executor `--executor` and `--scheduler-address` ask for; None: the manager's own
    local pool. The caller shuts it down."""
    name = getattr(args, "executor", "local")
    address = getattr(args, "scheduler_address", None)
    if address and name != "dask":
        raise CliError(f"--scheduler-address {address} needs --executor dask")
    from ..executors.choice import ExecutorChoiceError, make_executor

    try:
        return make_executor(
            name, max_workers=max_parallel or os.cpu_count() or 1, scheduler_address=address
        )
    except ExecutorChoiceError as error:
        raise CliError(str(error)) from None


@contextmanager
def follower(
    root: Path,
    max_parallel: int | None = None,
    timeout_s: float | None = None,
    executor: Executor | None = None,
) -> Iterator[tuple[Follower, RunManager]]:
    """A follower and its manager; `executor` (None: the manager's local pool) is shut down
    after the manager."""
    follow = Follower()
    try:
        with (
            signals_call((signal.SIGINT,), follow.on_sigint),
            manager_for(
                root,
                on_event=follow.on_event,
                max_parallel=max_parallel,
                default_timeout_s=timeout_s,
                executor=executor,
            ) as manager,
        ):
            follow.manager = manager
            yield follow, manager
    finally:
        if executor is not None:
            executor.shutdown()
