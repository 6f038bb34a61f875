"""A job's state: when its schedule started counting, the last due time settled, its recent job
runs. Not configuration, so not in git: `NAME.jobs/.state/JOB.json` (the folder ignores itself).

Every change is a read-modify-write under the job's state lock (an OS file lock shared by every
process: a Jupyter server and `runnable-jupyter scheduler` side by side), written atomically.
Firing a due time also holds that due time's own lock (`due_lock`): the one process that gets
it checks the state, fires and records the due time before letting go, so a due time fires at
most once however many schedulers run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from filelock import FileLock, Timeout
from pydantic import BaseModel, Field, ValidationError

from ..clock import utcnow
from ..files import atomic_write

STATE_DIR = ".state"
STATE_GITIGNORE = b"# Written by runnable-jupyter: job state, not configuration.\n*\n"
KEPT_JOB_RUNS = 20
STATE_LOCK_TIMEOUT_S = 30.0

logger = logging.getLogger(__name__)


class JobRunRecord(BaseModel):
    """One job run as the state remembers it (its runs' run logs name it: `job.job_run`)."""

    id: str
    trigger: str  # "schedule" | "manual"
    due: datetime | None = None  # the due time a scheduled job run fired for
    missed: bool = False  # it fired late, for due times missed while no scheduler ran
    start: datetime
    points: int  # grid points, so runs to start
    host: str = ""  # where it runs ("pid@host")
    error: str | None = None  # why it could not start


class SkipRecord(BaseModel):
    due: datetime
    reason: str


class JobState(BaseModel):
    since: datetime = Field(default_factory=utcnow)  # never due before this
    last_due: datetime | None = None  # the latest due time fired or skipped
    last_skipped: SkipRecord | None = None
    job_runs: list[JobRunRecord] = Field(default_factory=list)  # oldest first, the last 20

    def add_job_run(self, record: JobRunRecord) -> None:
        self.job_runs = [*self.job_runs, record][-KEPT_JOB_RUNS:]


def _lock(path: Path, timeout: float) -> FileLock:
    # Not thread-local and not a singleton: a second lock object, even in this process,
    # conflicts with the first (flock), like two schedulers in two processes.
    return FileLock(path, timeout=timeout, thread_local=False, is_singleton=False)


class StateStore:
    """The states of the jobs in one `NAME.jobs/` folder."""

    def __init__(self, jobs_dir: Path) -> None:
        self.dir = jobs_dir / STATE_DIR

    def path(self, name: str) -> Path:
        return self.dir / f"{name}.json"

    def read(self, name: str) -> JobState | None:
        try:
            return JobState.model_validate_json(self.path(name).read_bytes())
        except FileNotFoundError:
            return None
        except (OSError, ValueError, ValidationError) as error:
            logger.warning("ignoring the unreadable job state %s: %s", self.path(name), error)
            return None

    def update(self, name: str, change: Callable[[JobState], None]) -> JobState:
        """Apply `change` to the job's state (a new one when it has none) and save it."""
        self._prepare()
        with _lock(self.dir / f"{name}.lock", STATE_LOCK_TIMEOUT_S):
            state = self.read(name) or JobState()
            change(state)
            data = state.model_dump_json(indent=2).encode("utf-8")
            atomic_write(self.path(name), lambda stream: stream.write(data))
        return state

    @contextmanager
    def due_lock(self, name: str, due: datetime) -> Iterator[bool]:
        """Hold the lock of the job's due time `due`: True when this process got it, False when
        another holds it (it is firing that due time now)."""
        self._prepare()
        path = self.dir / f"{name}.{due.strftime('%Y%m%dT%H%M%SZ')}.due.lock"
        lock = _lock(path, 0)
        try:
            lock.acquire()
        except Timeout:
            yield False
            return
        try:
            yield True
        finally:
            lock.release()
            # Settled in the state before release: whoever opens this path later sees that.
            path.unlink(missing_ok=True)

    def delete(self, name: str) -> None:
        self.path(name).unlink(missing_ok=True)
        (self.dir / f"{name}.lock").unlink(missing_ok=True)

    def _prepare(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        ignore = self.dir / ".gitignore"
        if not ignore.exists():
            atomic_write(ignore, lambda stream: stream.write(STATE_GITIGNORE))
