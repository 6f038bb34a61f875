"""Run ownership: exactly one live process drives a run in progress.

The owner (the process whose `RunManager` runs it) holds an OS file lock on `RUN_DIR/.owner.lock`
for as long as the run is in progress, and writes who it is to `RUN_DIR/owner.json`. The lock
dies with its process (even under `kill -9`), so a run recorded as running whose lock nobody
holds has lost its owner: it is `interrupted`, wherever it is looked at. Another process asking
to drive it (a retry) is refused with the owner's pid and host.
"""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from ..clock import utcnow
from ..errors import RunInProgress
from ..files import atomic_write

LOCK_NAME = ".owner.lock"
OWNER_NAME = "owner.json"


def _lock(run_dir: Path) -> FileLock:
    # One lock object per call and not thread-local: the run's thread releases what the
    # starting thread acquired; a second object in the same process still conflicts (flock).
    return FileLock(run_dir / LOCK_NAME, thread_local=False, is_singleton=False)


def owner_of(run_dir: Path) -> dict[str, Any]:
    """Who last took the run (`pid`, `host`, `since`), or {} when unknown."""
    try:
        owner = json.loads((run_dir / OWNER_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return owner if isinstance(owner, dict) else {}


def is_owned(run_dir: Path) -> bool:
    """True while some live process holds the run's lock (this one included)."""
    if not (run_dir / LOCK_NAME).exists():
        return False
    probe = _lock(run_dir)
    try:
        probe.acquire(timeout=0)
    except Timeout:
        return True
    probe.release()
    return False


class RunOwnership:
    """The lock a process holds while it drives one run (`take`, then `give_up`)."""

    def __init__(self, run_dir: Path, run_id: str) -> None:
        self.run_dir = run_dir
        self.run_id = run_id
        self._lock = _lock(run_dir)

    def take(self) -> None:
        """Become the run's owner; `RunInProgress` naming the owner when another process is."""
        self.run_dir.mkdir(parents=True, exist_ok=True)
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            owner = owner_of(self.run_dir)
            who = f"process {owner.get('pid', '?')} on {owner.get('host', '?')}"
            raise RunInProgress(
                f"run {self.run_id} is being run by {who}: wait for it to end or cancel it there",
                {"run_id": self.run_id, "pid": owner.get("pid"), "host": owner.get("host")},
            ) from None
        owner = {"pid": os.getpid(), "host": socket.gethostname(), "since": utcnow().isoformat()}
        payload = json.dumps(owner).encode("utf-8")
        atomic_write(self.run_dir / OWNER_NAME, lambda out: out.write(payload))

    def give_up(self) -> None:
        if self._lock.is_locked:
            self._lock.release()


def step_lock_name(step_id: str) -> str:
    return f".{step_id}.owner.lock"


class StepOwnership:
    """The lock a process holds while it executes one step of a run whose steps are executed
    by separate processes (`exec-step`): one owner per step record at a time. A step recorded
    as running whose lock nobody holds lost its process; the next owner records that."""

    def __init__(self, run_dir: Path, run_id: str, step_id: str) -> None:
        self.run_id = run_id
        self.step_id = step_id
        self._lock = FileLock(
            run_dir / step_lock_name(step_id), thread_local=False, is_singleton=False
        )

    def take(self) -> None:
        """Own the step; `RunInProgress` when another live process executes it."""
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            raise RunInProgress(
                f"step {self.step_id} of run {self.run_id} is being executed by another "
                "process: wait for it to end",
                {"run_id": self.run_id, "step_id": self.step_id},
            ) from None

    def give_up(self) -> None:
        if self._lock.is_locked:
            self._lock.release()
