"""`runnable-jupyter scheduler [--root DIR]`: run the workspace's scheduled jobs until stopped.

For machines without a Jupyter server (whose extension runs the same scheduler): it fires each
active job's due times, at most once each even beside a server (see `jobs.scheduler`), prints a
line per due time settled and per job run ended, and on SIGTERM or Ctrl-C stops firing, cancels
its runs in progress (their kernels stopped) and exits 0.
"""

from __future__ import annotations

import argparse
import signal
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..clock import utcnow
from .arguments import EXIT_OK
from .following import manager_for
from .jobs import grid_text
from .run_text import local_time
from .signals import signals_call

if TYPE_CHECKING:
    from ..jobs.runner import JobRunExecution
    from ..jobs.scheduler import Fired

# The scheduler's clock (tests set another).
clock: Callable[[], datetime] = utcnow


def cmd_scheduler(args: argparse.Namespace, root: Path) -> int:
    from ..jobs.runner import JobRunner
    from ..jobs.scheduler import Scheduler, SchedulerLoop
    from ..jobs.service import JobService

    with manager_for(root) as manager:
        runner = JobRunner(manager, on_end=_ended)
        jobs = JobService(manager, runner, max_grid=args.max_grid, clock=clock)
        loop = SchedulerLoop(Scheduler(jobs, clock=clock, on_fired=_fired), args.interval)

        with signals_call((signal.SIGTERM, signal.SIGINT), lambda _signum: loop.stop()):
            print(f"scheduler: running the scheduled jobs under {root} (SIGTERM stops)", flush=True)
            loop.run()
            print("scheduler: stopping: cancelling the job runs in progress", flush=True)
            runner.shutdown()
    print("scheduler: stopped", flush=True)
    return EXIT_OK


def _fired(fired: Fired) -> None:
    due = local_time(fired.due)
    what = f"job {fired.job} of {fired.pipeline}, due {due}"
    if fired.action == "fired":
        print(f"{what}: job run {fired.job_run} started", flush=True)
    else:
        print(f"{what}: {fired.action}: {fired.reason}", flush=True)


def _ended(execution: JobRunExecution) -> None:
    runs = ", ".join(f"{run_id} {grid_text(point)}".strip() for run_id, point in execution.runs)
    state = "cancelled" if execution.cancelled.is_set() else execution.error or "ended"
    print(f"job run {execution.id} of {execution.key.job}: {state} ({runs})", flush=True)
