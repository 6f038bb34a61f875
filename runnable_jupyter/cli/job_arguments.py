"""The arguments of `runnable-jupyter job ...` and `runnable-jupyter scheduler`."""

from __future__ import annotations

import argparse
from collections.abc import Callable

DEFAULT_MAX_GRID = 1000  # the engine's DEFAULT_MAX_GRID_SIZE, without importing the engine
DEFAULT_INTERVAL_S = 30.0


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of seconds") from None
    if not 1 <= value <= 3600:
        raise argparse.ArgumentTypeError(f"must be from 1 to 3600 seconds, not {text}")
    return value


def _max_grid(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--max-grid",
        type=_count,
        default=DEFAULT_MAX_GRID,
        metavar="N",
        help=f"most runs a job's grid may make (default {DEFAULT_MAX_GRID})",
    )


def add_job_arguments(
    job: argparse.ArgumentParser,
    add_selection_arguments: Callable[[argparse.ArgumentParser], None],
) -> None:
    actions = job.add_subparsers(dest="job_command", required=True, metavar="ACTION")

    def action(name: str, summary: str) -> argparse.ArgumentParser:
        parser = actions.add_parser(name, help=summary, description=summary)
        parser.add_argument("pipeline", metavar="PIPELINE")
        return parser

    create = action("create", "create a job: a parameter grid, and a schedule if you give one")
    create.add_argument("name", metavar="NAME", help="the job's name (letters, digits, _ and -)")
    create.add_argument(
        "--grid",
        action="append",
        default=[],
        metavar="NAME=V1,V2,...",
        help="sweep a parameter over these values (repeatable: the grid is their product); "
        "values parse as JSON when they can, else as text, and a JSON list is the values",
    )
    create.add_argument(
        "--grid-file",
        metavar="F",
        help='a JSON file with the grid: a list of parameter sets, or {"NAME": [values]}',
    )
    create.add_argument(
        "-p",
        "--parameter",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a parameter of every run (the grid's win); VALUE is JSON when it parses",
    )
    add_selection_arguments(create)
    create.add_argument("--cron", metavar="EXPR", help="run on this schedule, e.g. '0 3 * * *'")
    create.add_argument("--tz", metavar="ZONE", help="the cron's time zone (default UTC)")
    create.add_argument(
        "--missed",
        choices=["skip", "run_once"],
        help="due times missed while no scheduler ran: skip them (default) or run once",
    )
    create.add_argument("--paused", action="store_true", help="create it paused")
    create.add_argument(
        "--skip-unchanged",
        action="store_true",
        help="each run reuses unchanged steps' results (steps the grid does not change run once)",
    )
    create.add_argument(
        "--max-parallel-runs", type=_count, metavar="N", help="most of its runs at once"
    )
    create.add_argument("--description", metavar="TEXT", default=None)
    _max_grid(create)

    listing = action("list", "list the pipeline's jobs with their next run time")
    listing.add_argument("--json", action="store_true", help="print the jobs as JSON")
    _max_grid(listing)

    run = action("run", "run every grid point of a job now and follow the runs")
    run.add_argument("name", metavar="NAME")
    _max_grid(run)

    for name, summary in (
        ("pause", "stop running the job on its schedule"),
        ("resume", "run the job on its schedule again (from now on)"),
        ("delete", "delete the job (its runs stay)"),
    ):
        action(name, summary).add_argument("name", metavar="NAME")


def add_scheduler_arguments(scheduler: argparse.ArgumentParser) -> None:
    scheduler.add_argument(
        "--interval",
        type=_seconds,
        default=DEFAULT_INTERVAL_S,
        metavar="S",
        help=f"look for changed jobs at least this often (default {DEFAULT_INTERVAL_S:.0f} s)",
    )
    _max_grid(scheduler)
