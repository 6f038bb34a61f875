"""`runnable-jupyter job create|list|run|pause|resume|delete PIPELINE ...`: jobs from a terminal.

`job run` starts one run per grid point (at most max_parallel at once), prints each run as it
starts and ends, then a table of them; exit 1 when any run did not succeed (Ctrl-C cancels the
job run, stopping its kernels).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Console
from rich.table import Table

from ..errors import RunnableError
from ..json_documents import JsonTooDeep, load_json
from ..runlog.models import RunStatus
from .arguments import (
    EXIT_FAILED,
    EXIT_OK,
    CliError,
    parse_parameters,
    pipeline_argument,
    selection_mode,
)
from .display import styled
from .following import POLL_S, follower, manager_for
from .run_text import local_time, run_duration, seconds

if TYPE_CHECKING:
    from ..jobs.runner import JobRunExecution
    from ..jobs.service import JobService

PIPED_WIDTH = 200


def grid_text(point: dict[str, Any]) -> str:
    """`{"alpha": 0.1, "depth": 3}` -> `alpha=0.1 depth=3`."""
    return " ".join(f"{name}={json.dumps(value)}" for name, value in point.items())


def parse_grid(items: list[str]) -> dict[str, list[Any]]:
    """`--grid alpha=0.1,1 --grid depth=3,5` -> {"alpha": [0.1, 1], "depth": [3, 5]}."""
    grid: dict[str, list[Any]] = {}
    for item in items:
        name, sep, text = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise CliError(f"--grid '{item}' is not NAME=V1,V2,..., e.g. --grid alpha=0.1,1")
        if name in grid:
            raise CliError(f"--grid {name} is given twice: list all of its values in one --grid")
        try:
            whole = load_json(text)
        except JsonTooDeep as error:
            raise CliError(f"--grid {name}: {error}") from None
        except ValueError:
            whole = None
        if isinstance(whole, list):
            grid[name] = whole
        else:
            grid[name] = [_value(part) for part in text.split(",")] if text else []
    return grid


def _value(text: str) -> Any:
    try:
        return load_json(text)
    except ValueError:
        return text


def read_grid_file(path: str) -> Any:
    try:
        return load_json(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise CliError(f"--grid-file {path}: cannot be read ({error.strerror})") from None
    except ValueError as error:
        raise CliError(f"--grid-file {path} is not valid JSON: {error}") from None


def job_document(args: argparse.Namespace) -> dict[str, Any]:
    """The job `job create`'s options describe."""
    if args.grid and args.grid_file:
        raise CliError("give the grid with --grid or with --grid-file, not both")
    if (args.tz or args.missed) and not args.cron:
        raise CliError("--tz and --missed are about a schedule: give it with --cron EXPR")
    document: dict[str, Any] = {}
    parameters = parse_parameters(args.parameter)
    if parameters:
        document["parameters"] = parameters
    if args.grid:
        document["grid"] = parse_grid(args.grid)
    elif args.grid_file:
        document["grid"] = read_grid_file(args.grid_file)
    if args.step or args.upstream or args.downstream:
        document["steps"], document["mode"] = list(args.step), selection_mode(args).value
    if args.cron:
        schedule = {"cron": args.cron, "timezone": args.tz, "missed": args.missed}
        document["schedule"] = {key: value for key, value in schedule.items() if value}
    for field in ("paused", "skip_unchanged"):
        if getattr(args, field):
            document[field] = True
    if args.max_parallel_runs:
        document["max_parallel_runs"] = args.max_parallel_runs
    if args.description:
        document["description"] = args.description
    return document


def cmd_job(args: argparse.Namespace, root: Path) -> int:
    from ..jobs.service import JobService

    relative = pipeline_argument(args.pipeline, root)
    if args.job_command == "run":
        return run_job(args, root, relative)
    with manager_for(root) as manager:
        jobs = JobService(manager, max_grid=getattr(args, "max_grid", 1000))
        if args.job_command == "create":
            view = jobs.create(relative, args.name, job_document(args))
            print(f"created {view['file']}: {describe(view)}")
        elif args.job_command == "list":
            return list_jobs(jobs, relative, args.json)
        elif args.job_command in ("pause", "resume"):
            view = getattr(jobs, args.job_command)(relative, args.name)
            print(f"{view['id']}: {describe(view)}")
        else:
            jobs.delete(relative, args.name)
            print(f"deleted job {args.name} of {relative} (its runs stay)")
    return EXIT_OK


def describe(view: dict[str, Any]) -> str:
    """`4 runs (alpha × depth), 0 3 * * * UTC, next 01-16 04:00:00` or `..., paused`."""
    names = " × ".join(view["grid_names"])
    size = view["grid_size"]
    text = f"{size} run{'s' if size != 1 else ''}" + (f" ({names})" if names else "")
    schedule = view["definition"]["schedule"]
    if schedule:
        text += f", {schedule['cron']} {schedule['timezone']}"
        if view["paused"]:
            text += ", paused"
        elif view["next_run"]:
            text += f", next {local_time(_instant(view['next_run']))}"
    elif view["paused"]:
        text += ", paused"
    return text


def _instant(text: str) -> Any:
    from datetime import datetime

    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def list_jobs(jobs: JobService, relative: str, as_json: bool) -> int:
    listing = jobs.list(relative)
    if as_json:
        print(json.dumps(listing, indent=2))
        return EXIT_OK
    if not listing["jobs"] and not listing["invalid"]:
        print(f"{relative} has no jobs yet: create one with `runnable-jupyter job create`")
        return EXIT_OK
    table = Table(title=f"jobs of {relative}", title_justify="left", box=box.SIMPLE_HEAD)
    for column in ("job", "grid", "schedule", "state", "next run", "last job run"):
        table.add_column(column, overflow="fold")
    for view in listing["jobs"]:
        schedule = view["definition"]["schedule"]
        last = view["job_runs"][0] if view["job_runs"] else None
        table.add_row(
            view["id"],
            f"{view['grid_size']} ({', '.join(view['grid_names']) or 'no grid'})",
            f"{schedule['cron']} {schedule['timezone']} ({schedule['missed']})" if schedule else "",
            "paused" if view["paused"] else "active",
            local_time(_instant(view["next_run"])) if view["next_run"] else "",
            _last_text(last),
        )
    console = Console()
    console = console if console.is_terminal else Console(width=PIPED_WIDTH)
    console.print(table)
    for invalid in listing["invalid"]:
        console.print(f"[yellow]{invalid['file']} is not a valid job (not run):[/yellow]")
        for problem in invalid["problems"]:
            console.print(f"  {problem['pointer'] or '(file)'}: {problem['message']}")
    return EXIT_OK


def _last_text(record: dict[str, Any] | None) -> str:
    if record is None:
        return ""
    counts = ", ".join(f"{n} {status}" for status, n in sorted(record["counts"].items()))
    when = local_time(_instant(record["start"]))
    state = "in progress" if record["in_progress"] else record["error"] or counts
    return f"{when} {record['trigger']}: {state}"


def run_job(args: argparse.Namespace, root: Path, relative: str) -> int:
    from ..jobs.service import JobService

    with follower(root) as (follow, manager):
        jobs = JobService(manager, max_grid=args.max_grid)
        execution = jobs.run(relative, args.name)
        print(
            f"job run {execution.id}: {len(execution.points)} run(s) of {relative}, at most "
            f"{execution.limit} at once",
            flush=True,
        )
        reported: dict[str, RunStatus] = {}
        cancelled = False
        while True:
            finished = execution.done.is_set()
            _report(jobs, execution, reported)
            if finished:
                break
            if follow.interrupted and not cancelled:
                print("cancelling the job run: stopping its runs...", flush=True)
                jobs.runner.cancel(relative, args.name)
                cancelled = True
            follow.wake.wait(POLL_S)
            follow.wake.clear()
        logs = [manager.get(run_id) for run_id, _ in execution.runs]
    _summary(relative, execution, logs)
    if execution.error:
        print(f"error: the job run stopped: {execution.error}")
    ok = (
        not cancelled
        and not execution.error
        and not execution.pending
        and all(log.status == RunStatus.succeeded for log in logs)
    )
    return EXIT_OK if ok else EXIT_FAILED


def _report(jobs: JobService, execution: JobRunExecution, reported: dict[str, RunStatus]) -> None:
    """One line per run started, and per run ended, since the last call."""
    for run_id, point in list(execution.runs):
        try:
            status = jobs.manager.get(run_id).status
        except RunnableError:
            continue
        before = reported.get(run_id)
        if before is None:
            print(f"{run_id} {grid_text(point) or '(no grid)'}: started", flush=True)
        if status != before and status not in (RunStatus.pending, RunStatus.running):
            print(f"{run_id} {grid_text(point) or '(no grid)'}: {status.value}", flush=True)
        reported[run_id] = status


def _summary(relative: str, execution: JobRunExecution, logs: list[Any]) -> None:
    table = Table(
        title=f"job run {execution.id} of {execution.key.job}",
        title_justify="left",
        box=box.SIMPLE_HEAD,
    )
    for column in ("run id", "grid point", "status", "duration"):
        table.add_column(column, overflow="fold")
    for (run_id, point), log in zip(execution.runs, logs, strict=True):
        table.add_row(run_id, grid_text(point), styled(log.status), seconds(run_duration(log)))
    console = Console()
    console = console if console.is_terminal else Console(width=PIPED_WIDTH)
    console.print(table)
    if execution.pending:
        print(f"{execution.pending} grid point(s) were not run")
    if len(logs) >= 2:
        print(f"compare them: runnable-jupyter compare {relative} --job {execution.key.job}")
