"""The scheduler: fires the jobs whose schedule is due, at most once per due time.

`Scheduler.tick()` looks at every active scheduled job of the workspace (a bounded walk for
`NAME.jobs/` folders) and decides with `schedule.decide` from its state: nothing due, fire, or
skip a missed due time. Firing holds the lock of that (job, due time) and checks the state again
under it, then records the due time as settled before letting go, so a Jupyter server and
`runnable-jupyter scheduler` side by side never fire one due time twice. A job whose job run is
still in progress here when it is due again skips that due time (recorded as skipped).

`SchedulerLoop` runs ticks in one thread until `stop()` (which joins it): the Jupyter server
extension starts one with itself, `runnable-jupyter scheduler` runs one in its main thread.
The clock is injected, so tests move time instead of waiting for it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..clock import utcnow
from ..errors import RunnableError
from .schedule import ON_TIME_GRACE_S, Action, decide, next_due
from .service import JobService, LoadedJob, this_process
from .state import JobRunRecord, JobState, SkipRecord
from .store import JobStore, find_jobs_dirs, pipeline_of_jobs_dir
from .validation import parse_job

DEFAULT_INTERVAL_S = 30.0  # the longest a loop sleeps between ticks
MIN_WAIT_S = 1.0
STOP_WAIT_S = 30.0

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Fired:
    """What a tick did about one due time."""

    pipeline: str
    job: str
    due: datetime
    action: str  # "fired" | "skipped" | "failed"
    job_run: str | None = None
    reason: str = ""  # why it was skipped or could not start


class Scheduler:
    def __init__(
        self,
        service: JobService,
        clock: Callable[[], datetime] = utcnow,
        grace_s: float = ON_TIME_GRACE_S,
        on_fired: Callable[[Fired], None] | None = None,
    ) -> None:
        self.service = service
        self.clock = clock
        self.grace_s = grace_s
        self.on_fired = on_fired
        self.next_wake: datetime | None = None  # the earliest next due time seen by the last tick
        self._warned: set[tuple[Path, str]] = set()  # invalid job files already logged

    @property
    def root(self) -> Path:
        return self.service.root

    def tick(self) -> list[Fired]:
        """Fire (or skip) what is due now; what was done, one entry per due time settled."""
        now = self.clock()
        done: list[Fired] = []
        earliest: datetime | None = None
        for jobs_dir in find_jobs_dirs(self.root):
            pipeline_path = pipeline_of_jobs_dir(jobs_dir)
            rel = pipeline_path.relative_to(self.root).as_posix()
            store = JobStore(pipeline_path)
            for name in store.names():
                loaded = self._scheduled(rel, store, name)
                if loaded is None or loaded.job.schedule is None:
                    continue
                fired = self._consider(loaded, now)
                if fired is not None:
                    done.append(fired)
                    if self.on_fired is not None:
                        self.on_fired(fired)
                upcoming = next_due(loaded.job.schedule, now)
                earliest = upcoming if earliest is None else min(earliest, upcoming)
        self.next_wake = earliest
        return done

    def _scheduled(self, rel: str, store: JobStore, name: str) -> LoadedJob | None:
        """The job when it is valid, scheduled and active (the pipeline is checked on firing)."""
        try:
            job = parse_job(name, store.read_document(name), None, self.service.max_grid)
        except RunnableError as error:
            if (store.dir, name) not in self._warned:
                self._warned.add((store.dir, name))
                logger.warning("job %s of %s is not scheduled: %s", name, rel, error.message)
            return None
        if job.schedule is None or job.paused:
            return None
        return LoadedJob(rel, name, store, job)

    def _consider(self, loaded: LoadedJob, now: datetime) -> Fired | None:
        assert loaded.job.schedule is not None
        states, name = loaded.store.states, loaded.name
        state = states.read(name)
        if state is None:  # a job file no scheduler saw yet (copied, pulled): counts from now
            states.update(name, lambda fresh: setattr(fresh, "since", now))
            return None
        decision = decide(loaded.job.schedule, now, state.since, state.last_due, self.grace_s)
        if decision.action == Action.wait or decision.due is None:
            return None
        due = decision.due
        with states.due_lock(name, due) as mine:
            if not mine:
                return None  # another scheduler is firing this due time right now
            state = states.read(name) or state
            if state.last_due is not None and state.last_due >= due:
                return None  # another scheduler fired it already
            if decision.action == Action.skip:
                reason = "missed: no scheduler ran when it was due (policy skip)"
                return self._settle(loaded, due, "skipped", reason)
            going = self.service.runner.active(loaded.pipeline, name)
            if going is not None:
                reason = f"job run {going.id} of the previous due time is still in progress"
                return self._settle(loaded, due, "skipped", reason)
            try:
                execution = self.service.run(
                    loaded.pipeline,
                    name,
                    trigger="schedule",
                    due=due,
                    missed=decision.missed,
                )
            except RunnableError as error:
                return self._settle(loaded, due, "failed", error.message)
            return self._settle(loaded, due, "fired", job_run=execution.id)

    def _settle(
        self, loaded: LoadedJob, due: datetime, action: str, reason: str = "", job_run: str = ""
    ) -> Fired:
        """Record `due` as settled (and why it was skipped, or could not start)."""
        now = self.clock()

        def record(state: JobState) -> None:
            state.last_due = due
            if action == "skipped":
                state.last_skipped = SkipRecord(due=due, reason=reason)
            elif action == "failed":
                state.add_job_run(
                    JobRunRecord(
                        id=f"failed-{due.strftime('%Y%m%dT%H%M%S')}",
                        trigger="schedule",
                        due=due,
                        start=now,
                        points=0,
                        host=this_process(),
                        error=reason,
                    )
                )

        loaded.store.states.update(loaded.name, record)
        if action != "fired":
            logger.warning("job %s of %s, due %s: %s", loaded.name, loaded.pipeline, due, reason)
        return Fired(loaded.pipeline, loaded.name, due, action, job_run or None, reason)


class SchedulerLoop:
    """Ticks a scheduler in one thread (`start`/`stop`) or in the caller's (`run`)."""

    def __init__(self, scheduler: Scheduler, interval_s: float = DEFAULT_INTERVAL_S) -> None:
        self.scheduler = scheduler
        self.interval_s = interval_s
        self.ticks = 0
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._ticked = threading.Condition()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self.run, name="runnable-scheduler", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = STOP_WAIT_S) -> None:
        """Stop ticking and wait for the thread (a tick in progress finishes first)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def wake(self) -> None:
        """Tick now rather than at the next due time or interval."""
        self._wake.set()

    def wait_for_tick(self, after: int, timeout: float) -> bool:
        """Wait until more than `after` ticks have finished; False after `timeout`."""
        with self._ticked:
            return self._ticked.wait_for(lambda: self.ticks > after, timeout)

    def run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            try:
                self.scheduler.tick()
            except Exception:  # a bad file or a full disk must not stop the schedules
                logger.exception("scheduler tick failed")
            with self._ticked:
                self.ticks += 1
                self._ticked.notify_all()
            self._wake.wait(self._wait_s())

    def _wait_s(self) -> float:
        upcoming = self.scheduler.next_wake
        if upcoming is None:
            return self.interval_s
        left = (upcoming - self.scheduler.clock()).total_seconds()
        return min(self.interval_s, max(MIN_WAIT_S, left))
