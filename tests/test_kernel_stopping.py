"""Stopping a kernel reaches every process it started, even one that left its process group."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import psutil

from runnable_jupyter.executors.kernel_stopping import signal_process_group, stop_process_group

# A stand-in kernel in its own session (as jupyter_client starts kernels) that starts two
# children: one in its process group, one that calls setsid and so leaves the group; both print
# their pid (in one write: two children's `print`s interleave under PYTHONUNBUFFERED) and sleep.
KERNEL = """
import subprocess, sys
code = "import os, time; os.write(1, b'%d%c' % (os.getpid(), 10)); time.sleep(60)"
sleeper = [sys.executable, "-c", code]
in_group = subprocess.Popen(sleeper)
left_group = subprocess.Popen(sleeper, start_new_session=True)
in_group.wait()
"""


def _gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def _start_kernel() -> tuple[subprocess.Popen[str], list[int]]:
    kernel = subprocess.Popen(
        [sys.executable, "-c", KERNEL], stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    assert kernel.stdout is not None
    children = [int(kernel.stdout.readline()) for _ in range(2)]
    return kernel, children


def _wait_gone(pids: list[int], timeout_s: float = 10.0) -> list[int]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and not all(_gone(pid) for pid in pids):
        time.sleep(0.05)
    return [pid for pid in pids if not _gone(pid)]


def test_stop_reaches_the_kernel_and_every_process_it_started() -> None:
    kernel, children = _start_kernel()
    try:
        stop_process_group(kernel.pid, grace_s=0.5)
        kernel.wait(10)
        assert _wait_gone(children) == []
    finally:
        for pid in [kernel.pid, *children]:
            if not _gone(pid):
                psutil.Process(pid).kill()


def test_a_kernel_that_already_ended_is_reported_as_gone() -> None:
    ended = subprocess.Popen([sys.executable, "-c", "pass"], start_new_session=True)
    ended.wait(10)
    assert signal_process_group(ended.pid, signal.SIGTERM) is False
