"""Stopping a step's kernel: signals to its processes and the cancel/timeout watchdog.

A kernel's "process group" here is the kernel and every process it started. psutil finds them
as the kernel's process tree on any OS; on POSIX, jupyter_client also starts each kernel in its
own session (its pid is its process group id), and signalling that group reaches descendants
that left the tree (a daemon that re-parented itself) as well.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from typing import TYPE_CHECKING, Protocol

from ..runlog.models import ErrorInfo

if TYPE_CHECKING:  # psutil is imported when a kernel is stopped: the CLI may never stop one
    import psutil

KERNEL_STOP_GRACE_S = 2.0


class CancelSignal(Protocol):
    """A `threading.Event` or `multiprocessing.Event`: set it to cancel the step."""

    def is_set(self) -> bool: ...


def _leader_running(pid: int) -> bool:
    import psutil

    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def _process_tree(pid: int) -> list[psutil.Process]:
    import psutil

    try:
        leader = psutil.Process(pid)
        return [leader, *leader.children(recursive=True)]
    except psutil.Error:
        return []


def signal_process_group(pgid: int, signum: int) -> bool:
    """Send `signum` (SIGTERM or SIGKILL) to the kernel `pgid` and every process it started;
    False when none of them is left."""
    import psutil

    found = False
    for process in _process_tree(pgid):
        try:
            if signum == signal.SIGKILL:
                process.kill()  # TerminateProcess where there is no SIGKILL
            else:
                process.send_signal(signum)
            found = True
        except psutil.Error:
            pass
    if hasattr(os, "killpg"):
        try:
            os.killpg(pgid, signum)
            found = True
        except (ProcessLookupError, PermissionError):
            pass
    return found


def kill_process_group(pgid: int | None) -> None:
    """SIGKILL a process group at once, if there is one."""
    if pgid is not None:
        signal_process_group(pgid, signal.SIGKILL)


def stop_process_group(pgid: int, grace_s: float = KERNEL_STOP_GRACE_S) -> None:
    """SIGTERM a kernel's process group, then SIGKILL whatever is left after `grace_s`."""
    if not signal_process_group(pgid, signal.SIGTERM):
        return
    deadline = time.monotonic() + grace_s
    while time.monotonic() < deadline and _leader_running(pgid):
        time.sleep(0.05)
    kill_process_group(pgid)  # also reaches children the kernel started


def timeout_error(step_id: str, timeout_s: float, cell_index: int | None = None) -> ErrorInfo:
    """The error of a step stopped for running past its `timeout_s`."""
    return ErrorInfo(
        name="TimeoutError",
        message=(
            f"step '{step_id}' ran longer than its limit of {timeout_s:g} s and was "
            f"stopped; raise `timeout_s` of step '{step_id}' in the pipeline to allow more "
            "time"
        ),
        cell_index=cell_index,
    )


class KernelGuard:
    """Stops the step's kernel when the step is cancelled or runs past its time limit.

    A watchdog thread polls the cancel signal and the deadline; `reason` says why it fired.
    """

    def __init__(self, cancel: CancelSignal | None, timeout_s: float | None) -> None:
        self.reason: str | None = None  # "cancelled" | "timeout"
        self._cancel = cancel
        self._deadline = time.monotonic() + timeout_s if timeout_s else None
        self._lock = threading.Lock()
        self._pgid: int | None = None
        self._done = threading.Event()
        self._thread: threading.Thread | None = None
        if cancel is not None or self._deadline is not None:
            self._thread = threading.Thread(target=self._watch, name="kernel-guard", daemon=True)
            self._thread.start()

    def check(self) -> None:
        """Poll once (used before starting anything)."""
        if self._cancel is not None and self._cancel.is_set():
            self._fire("cancelled")
        elif self._deadline is not None and time.monotonic() >= self._deadline:
            self._fire("timeout")

    def kernel_started(self, pid: int) -> None:
        with self._lock:
            self._pgid = pid
            late = self.reason is not None
        if late:  # cancelled while the kernel was starting
            kill_process_group(pid)

    def _watch(self) -> None:
        while not self._done.wait(0.1):
            self.check()
            if self.reason is not None:
                return

    def _fire(self, reason: str) -> None:
        with self._lock:
            if self.reason is not None:
                return
            self.reason = reason
            pgid = self._pgid
        if pgid is not None:
            stop_process_group(pgid)

    def close(self) -> None:
        """Stop watching and make sure nothing of the kernel's process group is left."""
        self._done.set()
        if self._thread is not None:
            self._thread.join()
        with self._lock:
            pgid = self._pgid
        kill_process_group(pgid)
