"""Run events for runs other processes drive (the CLI, another server), seen in run indexes.

A process only hears the events of the runs it drives. To show every run of a pipeline, whoever
started it, `IndexWatcher` watches the run index of each pipeline a client looks at
(`watch(pipeline)`, renewed by every listing, dropped `keep_s` after the last one): each `poll()`
costs two `stat` calls per watched pipeline, and only when the index or its folder changed are
the summaries compared with the last ones seen. A run that appeared or changed (status, step
counts) and that this process does not drive becomes a run event, the same a driven run sends;
a finished run's event names its failed steps, read from its run log. `note(event)` tells the
watcher what the driving manager already announced, so a run's end is never announced twice.

`WatchLoop` polls in one thread until `stop()`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..runlog.index import INDEX_DIR, INDEX_NAME
from ..runlog.models import RunStatus
from ..runlog.store import RunStore
from .events import RunEvent, run_event
from .locations import Locations

KEEP_WATCHING_S = 300.0  # how long a pipeline stays watched after a client last listed its runs
POLL_INTERVAL_S = 1.0
FINISHED = {status.value for status in RunStatus} - {"pending", "running"}

logger = logging.getLogger(__name__)

StatKey = tuple[int, int, int]


@dataclass
class _Watched:
    rel: str  # the pipeline, relative to the root (as events name it)
    runs_dir: Path
    until: float  # time.monotonic() after which nobody watches it any more
    key: tuple[StatKey, StatKey] = ((0, 0, 0), (0, 0, 0))  # the index and its folder
    runs: dict[str, tuple[Any, ...]] = field(default_factory=dict)  # run id -> what is shown


def _stat_key(path: Path) -> StatKey:
    try:
        stat = path.stat()
    except OSError:
        return (0, 0, 0)
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns)


def _shown(summary: dict[str, Any]) -> tuple[Any, ...]:
    """What the history shows of a run: a change in it is worth an event."""
    counts = summary.get("counts") or {}
    return (summary.get("status"), summary.get("end"), tuple(sorted(counts.items())))


class IndexWatcher:
    def __init__(
        self,
        locations: Locations,
        drives: Callable[[str], bool],
        emit: Callable[[RunEvent], None],
        keep_s: float = KEEP_WATCHING_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """`drives(run_id)`: whether this process drives the run (its own events cover it)."""
        self.locations = locations
        self.drives = drives
        self.emit = emit
        self.keep_s = keep_s
        self.clock = clock
        self._lock = threading.Lock()
        self._watched: dict[str, _Watched] = {}
        self._announced: dict[str, str] = {}  # run id -> the last run status announced

    def watch(self, pipeline: str) -> None:
        """Watch the pipeline's runs for `keep_s` more seconds (from its first call: the runs
        as they are now are known, only later changes become events)."""
        pipeline_path, rel = self.locations.pipeline(pipeline)
        until = self.clock() + self.keep_s
        with self._lock:
            watched = self._watched.get(rel)
            if watched is not None:
                watched.until = until
                return
        watched = _Watched(rel, self.locations.runs_dir(pipeline_path, rel), until)
        self._scan(watched, announce=False)
        with self._lock:
            self._watched.setdefault(rel, watched)

    def watched(self) -> list[str]:
        with self._lock:
            return sorted(self._watched)

    def note(self, event: RunEvent) -> None:
        """An event the driving manager sent (so the watcher does not repeat it)."""
        if event.kind == "run" and event.status:
            with self._lock:
                self._announced[event.run_id] = event.status

    def poll(self) -> int:
        """One look at every watched pipeline; returns the number of events sent."""
        now = self.clock()
        with self._lock:
            for rel in [rel for rel, w in self._watched.items() if w.until < now]:
                del self._watched[rel]
            watched = list(self._watched.values())
        return sum(self._scan(w) for w in watched)

    def _scan(self, watched: _Watched, announce: bool = True) -> int:
        runs_dir = watched.runs_dir
        key = (_stat_key(runs_dir / INDEX_DIR / INDEX_NAME), _stat_key(runs_dir))
        if key == watched.key and announce:
            return 0
        watched.key = key
        try:
            summaries = RunStore(runs_dir).summaries() if runs_dir.is_dir() else []
        except (OSError, ValueError) as error:
            logger.warning("cannot read the run index of %s: %s", watched.rel, error)
            return 0
        runs = {summary["run_id"]: _shown(summary) for summary in summaries}
        changed = [s for s in summaries if watched.runs.get(s["run_id"]) != runs[s["run_id"]]]
        watched.runs = runs
        if not announce:
            return 0
        sent = 0
        for summary in reversed(changed):  # oldest first
            event = self._event_for(watched, summary)
            if event is not None:
                self.emit(event)
                sent += 1
        return sent

    def _event_for(self, watched: _Watched, summary: dict[str, Any]) -> RunEvent | None:
        run_id, status = summary["run_id"], summary["status"]
        if self.drives(run_id):
            return None
        with self._lock:
            if status in FINISHED and self._announced.get(run_id) == status:
                return None  # its end was announced by the process that drove it here
            self._announced[run_id] = status
        if status in FINISHED:
            try:  # the run log names the failed steps
                event = run_event(RunStore(watched.runs_dir).load(run_id))
            except (OSError, ValueError) as error:
                logger.debug("run %s: no run log to read (%s)", run_id, error)
            else:
                event.pipeline = watched.rel  # as this server names it (the CLI's root may differ)
                return event
        return RunEvent("run", watched.rel, run_id, status=status)


class WatchLoop:
    """Polls an `IndexWatcher` every `interval_s` in one thread (`start`/`stop`)."""

    def __init__(self, watcher: IndexWatcher, interval_s: float = POLL_INTERVAL_S) -> None:
        self.watcher = watcher
        self.interval_s = interval_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="runnable-index-watch", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            try:
                self.watcher.poll()
            except Exception:  # an odd file must not stop the watching
                logger.exception("watching run indexes failed")
