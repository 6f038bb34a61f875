"""`KernelReaper`: kernels started by a process die with it, however that process ends.

A process that runs steps on behalf of someone else (a Dask worker) can be SIGKILLed, and no
parent of ours is left to stop its kernels (each kernel is in a session of its own, so nothing
reaches it). The reaper is a tiny helper process that reads "+PGID" / "-PGID" lines on its
stdin; when the pipe closes (the owner ended, even by SIGKILL) it SIGKILLs the process groups
still listed. Standard library only, started once per owning process.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from typing import IO

# Runs isolated (-I) without site (-S): a few milliseconds to start, nothing imported but os.
_REAPER_CODE = """
import os, signal, sys
groups = set()
for line in sys.stdin:
    try:
        pgid = int(line[1:])
    except ValueError:
        continue
    (groups.add if line[0] == "+" else groups.discard)(pgid)
for pgid in groups:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except OSError:
        pass
"""


class KernelReaper:
    """The reaper of this process's kernels; `track` a kernel's process group while it runs."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stdin: IO[str] | None = None
        self._process: subprocess.Popen[str] | None = None

    def track(self, pgid: int) -> None:
        self._send(f"+{pgid}")

    def untrack(self, pgid: int) -> None:
        self._send(f"-{pgid}")

    def _send(self, line: str) -> None:
        with self._lock:
            for _ in (1, 2):  # a reaper that died (killed by hand) is replaced once
                stdin = self._stdin or self._start()
                try:
                    stdin.write(line + "\n")
                    stdin.flush()
                    return
                except (BrokenPipeError, OSError, ValueError):
                    self._stdin = None

    def _start(self) -> IO[str]:
        # A session of its own: a signal to the owner's process group does not reach it first.
        self._process = subprocess.Popen(
            [sys.executable, "-I", "-S", "-c", _REAPER_CODE],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            text=True,
            start_new_session=True,
        )
        assert self._process.stdin is not None
        self._stdin = self._process.stdin
        return self._stdin


_reaper = KernelReaper()


def process_reaper() -> KernelReaper:
    """The reaper of the current process (its helper starts on the first `track`)."""
    return _reaper
