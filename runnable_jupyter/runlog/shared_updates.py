"""Changing one run log from several processes at once: a locked read-modify-write.

A run whose steps are executed by separate `exec-step` processes (an orchestrator's pods, or
any other launcher) has no single writer. Each change is made under an OS file lock on
`RUN_DIR/.runlog.lock`, held only while the log is read, changed and saved (never while a step
executes), so no process overwrites what another recorded. Readers need no lock: the run log is
always replaced atomically (`RunStore.save`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from filelock import FileLock, Timeout

from ..errors import RunInProgress
from .models import RunLog
from .store import RunStore

LOCK_NAME = ".runlog.lock"
LOCK_TIMEOUT_S = 120.0  # a change takes milliseconds; this much means a stuck file system


@contextmanager
def locked_run_log(
    store: RunStore, run_id: str, timeout_s: float = LOCK_TIMEOUT_S
) -> Iterator[RunLog | None]:
    """The run log as it stands (None when there is none yet), while no other process may
    change it; save changes with `store.save` before the block ends."""
    run_dir = store.run_dir(run_id)
    run_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(run_dir / LOCK_NAME, thread_local=False, is_singleton=False)
    try:
        lock.acquire(timeout=timeout_s)
    except Timeout:
        raise RunInProgress(
            f"the run log of {run_id} stayed locked for {timeout_s:.0f} s: is its file system "
            f"shared and working? (lock file: {run_dir / LOCK_NAME})",
            {"run_id": run_id},
        ) from None
    try:
        yield store.load(run_id) if store.exists(run_id) else None
    finally:
        lock.release()
