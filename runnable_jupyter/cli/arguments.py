"""The `runnable-jupyter` command line's arguments: the parser, value types, and how paths and
parameters given on the command line become the engine's."""

from __future__ import annotations

import argparse
import keyword
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import PathOutsideRoot
from ..json_documents import JsonTooDeep, load_json
from ..paths import check_path_text
from ..pipeline.graph import Mode
from ..pipeline.model import MAX_TIMEOUT_S
from .executor_arguments import add_executor_arguments
from .export_arguments import add_exec_step_arguments, add_export_arguments
from .importing import add_import_arguments
from .job_arguments import add_job_arguments, add_scheduler_arguments
from .prune import add_prune_arguments

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2


class CliError(Exception):
    """Bad command-line input found by the CLI itself (exit 2)."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="runnable-jupyter",
        description="Run the notebooks of a pipeline file in dependency order.",
    )
    root_help = "workspace root (default: the current folder)"
    parser.add_argument("--root", default=None, help=root_help)
    # --root is also accepted after the command; SUPPRESS keeps it from overwriting the first
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--root", default=argparse.SUPPRESS, help=root_help)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, summary: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, parents=[common], help=summary)

    validate = command("validate", "check a pipeline file; print every problem")
    validate.add_argument("pipeline", metavar="PIPELINE")

    run = command("run", "run all steps or a selection")
    run.add_argument("pipeline", metavar="PIPELINE")
    add_selection_arguments(run)
    run.add_argument(
        "-p",
        "--parameter",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a parameter; VALUE is parsed as JSON when it can be, else a string",
    )
    run.add_argument("--max-parallel", type=positive_int, metavar="N", help="steps at once")
    run.add_argument(
        "--timeout", type=timeout_seconds, metavar="S", help="per-step time limit in seconds"
    )
    run.add_argument(
        "--skip-unchanged",
        action="store_true",
        help="reuse the results of steps whose notebook, parameters and catalog inputs did not "
        "change since they last succeeded (they show as cached); `retry` keeps this choice",
    )
    run.add_argument(
        "--mock",
        action="append",
        default=[],
        metavar="STEP=PATH",
        help="do not execute STEP: the files in PATH (a folder, or one file) are its outputs "
        "in this run, downstream steps read them (repeatable)",
    )
    add_executor_arguments(run)

    rerun = command(
        "rerun", "start a new run with a past run's parameters and catalog inputs, exactly"
    )
    rerun.add_argument("pipeline", metavar="PIPELINE")
    rerun.add_argument("run_id", metavar="RUN_ID")
    add_selection_arguments(rerun)
    add_executor_arguments(rerun)

    add_export_arguments(
        command("export", "the pipeline as a standalone papermill script or an Argo Workflow")
    )
    add_exec_step_arguments(
        command("exec-step", "execute one step of a run (what exported workflows call)")
    )

    compare = command("compare", "what differs between runs: parameters, metrics, steps, data")
    compare.add_argument("pipeline", metavar="PIPELINE")
    compare.add_argument("run_ids", nargs="*", metavar="RUN_ID", help="two or more run ids")
    compare.add_argument("--job", metavar="NAME", help="the runs of the job's latest job run")
    compare.add_argument("--json", action="store_true", help="print the comparison as JSON")

    catalog = command("catalog", "list catalog entries with their versions, producers, readers")
    catalog.add_argument("pipeline", metavar="PIPELINE")
    catalog.add_argument("name", nargs="?", metavar="NAME", help="only this entry")
    catalog.add_argument("--run", metavar="RUN_ID", help="what this run pinned, read and wrote")
    catalog.add_argument("--json", action="store_true", help="print the listing as JSON")

    runs = command("runs", "list the runs of a pipeline")
    runs.add_argument("pipeline", metavar="PIPELINE")
    runs.add_argument(
        "--limit", type=positive_int, metavar="N", help="only the newest N runs (default: all)"
    )
    runs.add_argument("--job", metavar="NAME", help="only the runs of this job, with grid points")

    show = command("show", "show a run (the latest by default)")
    show.add_argument("pipeline", metavar="PIPELINE")
    show.add_argument("run_id", nargs="?", metavar="RUN_ID")
    show.add_argument("--json", action="store_true", help="print the run log as JSON")
    show.add_argument(
        "--timeline",
        action="store_true",
        help="draw the run's steps on a time axis (kernel start, execution, attempts)",
    )

    retry = command(
        "retry", "re-run what did not succeed in a run (with the run's --skip-unchanged choice)"
    )
    retry.add_argument("pipeline", metavar="PIPELINE")
    retry.add_argument("run_id", nargs="?", metavar="RUN_ID")
    retry.add_argument(
        "--force", action="store_true", help="retry even if the pipeline's structure changed"
    )
    add_executor_arguments(retry)
    add_prune_arguments(command("prune", "delete old finished runs (never one in progress)"))
    add_import_arguments(
        command("import", "convert an Elyra or Orchest pipeline to NAME.pipeline.json")
    )
    add_job_arguments(
        command("job", "parameter sweeps and schedules: create, list, run, pause, resume, delete"),
        add_selection_arguments,
    )
    add_scheduler_arguments(
        command("scheduler", "run the scheduled jobs under --root until stopped")
    )
    return parser


def add_selection_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--step",
        action="append",
        default=[],
        metavar="ID",
        help="run this step (repeatable); without --upstream/--downstream only these steps",
    )
    direction = parser.add_mutually_exclusive_group()
    direction.add_argument("--upstream", action="store_true", help="also run their ancestors")
    direction.add_argument(
        "--downstream", action="store_true", help="also run what depends on them"
    )


def selection_mode(args: argparse.Namespace) -> Mode:
    """The mode `--step`, `--upstream` and `--downstream` ask for."""
    if args.step:
        return Mode.upstream if args.upstream else Mode.downstream if args.downstream else Mode.only
    if args.upstream or args.downstream:
        raise CliError("--upstream and --downstream need at least one --step ID")
    return Mode.all


def parse_mocks(items: Sequence[str]) -> dict[str, str]:
    """`--mock load=tests/load` -> {"load": "/abs/tests/load"} (paths from the current folder)."""
    mocks: dict[str, str] = {}
    for item in items:
        step_id, sep, path = item.partition("=")
        if not sep or not step_id or not path:
            raise CliError(f"--mock '{item}' is not STEP=PATH, e.g. --mock load=tests/load_outputs")
        check_path_text(path)
        mocks[step_id] = os.path.abspath(path)
    return mocks


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of seconds") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0 seconds, not {text}")
    return value


def timeout_seconds(text: str) -> float:
    value = positive_float(text)
    if not value <= MAX_TIMEOUT_S:  # also refuses inf and nan
        raise argparse.ArgumentTypeError(
            f"must be at most {MAX_TIMEOUT_S:.0f} seconds (7 days), not {text}"
        )
    return value


def parse_parameters(items: Sequence[str]) -> dict[str, Any]:
    """`-p n=3 -p name=abc` -> {"n": 3, "name": "abc"}: JSON when it parses, else the text."""
    parameters: dict[str, Any] = {}
    for item in items:
        name, sep, text = item.partition("=")
        name = name.strip()
        if not sep:
            raise CliError(f"-p '{item}' has no '=': write -p NAME=VALUE, e.g. -p n_estimators=50")
        if not name.isidentifier() or keyword.iskeyword(name):
            raise CliError(
                f"-p '{item}': '{name}' is not a valid parameter name (use a Python identifier: "
                "letters, digits and _, not starting with a digit)"
            )
        try:
            parameters[name] = load_json(text)
        except JsonTooDeep as error:
            raise CliError(f"-p '{name}=...': {error}") from None
        except ValueError:
            parameters[name] = text
    return parameters


def workspace_root(option: str | None) -> Path:
    root = Path(option or os.getcwd())
    if not root.is_dir():
        raise CliError(f"--root {option}: no such folder")
    return root.absolute()


def pipeline_argument(argument: str, root: Path) -> str:
    """The PIPELINE argument (relative to the current folder) as a path relative to `root`."""
    check_path_text(argument)
    absolute = Path(os.path.abspath(argument))
    relative = os.path.relpath(absolute, root)
    if relative == ".." or relative.startswith(".." + os.sep):  # maybe inside through links
        relative = os.path.relpath(os.path.realpath(absolute), root.resolve())
    if relative != ".." and not relative.startswith(".." + os.sep):
        return Path(relative).as_posix()
    raise PathOutsideRoot(
        f"{argument} is outside the workspace root {root}: run from a folder that contains it "
        "or pass --root"
    )
