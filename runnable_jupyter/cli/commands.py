"""`runnable-jupyter`: validate, run, list, show and retry pipeline runs from a terminal.

Exit codes: 0 success; 1 a step failed or the run was cancelled; 2 invalid input (a bad
pipeline, an unknown step, a malformed `-p`...). Errors are one sentence on stderr, never a
traceback. The workspace root is the current folder unless `--root` says otherwise.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import JobInvalid, PipelineInvalid, RunnableError, RunNotFound
from ..runlog.models import RunLog
from ..startup import skip_format_checker_imports
from .arguments import (
    EXIT_FAILED,
    EXIT_INVALID,
    EXIT_OK,
    CliError,
    build_parser,
    parse_mocks,
    parse_parameters,
    pipeline_argument,
    selection_mode,
    workspace_root,
)
from .following import chosen_executor, follower, manager_for
from .prune import prune_policy

if TYPE_CHECKING:  # the engine is imported late: `validate` need not load it
    from rich.console import Console

    from ..runs.manager import RunManager


PIPED_WIDTH = 200


# --- commands -----------------------------------------------------------------------------


def cmd_validate(args: argparse.Namespace, root: Path) -> int:
    from ..pipeline.validation import validate_file

    relative = pipeline_argument(args.pipeline, root)
    problems = validate_file(Path(relative), root)
    if not problems:
        print(f"{relative}: valid")
        return EXIT_OK
    raise PipelineInvalid(relative, problems)


def cmd_run(args: argparse.Namespace, root: Path) -> int:
    parameters = parse_parameters(args.parameter)
    relative = pipeline_argument(args.pipeline, root)
    mode, mocks = selection_mode(args), parse_mocks(args.mock)
    executor = chosen_executor(args, args.max_parallel)
    with follower(root, args.max_parallel, args.timeout, executor) as (follow, manager):
        log = manager.start(
            relative,
            steps=args.step,
            mode=mode,
            parameters=parameters,
            skip_unchanged=args.skip_unchanged,
            mocks=mocks,
        )
        return follow(log)


def cmd_rerun(args: argparse.Namespace, root: Path) -> int:
    relative = pipeline_argument(args.pipeline, root)
    mode = selection_mode(args)
    with follower(root, executor=chosen_executor(args)) as (follow, manager):
        log = manager.start(relative, steps=args.step, mode=mode, rerun_of=args.run_id)
        return follow(log)


def cmd_retry(args: argparse.Namespace, root: Path) -> int:
    relative = pipeline_argument(args.pipeline, root)
    with follower(root, executor=chosen_executor(args)) as (follow, manager):
        run_id = run_of(manager, relative, args.run_id).run_id
        log = manager.retry(run_id, force=args.force)
        return follow(log)


def cmd_runs(args: argparse.Namespace, root: Path) -> int:
    relative = pipeline_argument(args.pipeline, root)
    with manager_for(root) as manager:
        page = manager.list_runs(relative, limit=args.limit, job=args.job)
    if not page.runs:
        print(
            f"{relative} has no runs of job {args.job}"
            if args.job
            else f"{relative} has no runs yet"
        )
        return EXIT_OK
    from .display import runs_table

    output_console().print(runs_table(relative, page.runs))
    if page.next is not None:
        print(f"(the newest {len(page.runs)}; --limit N shows more)")
    return EXIT_OK


def cmd_show(args: argparse.Namespace, root: Path) -> int:
    relative = pipeline_argument(args.pipeline, root)
    with manager_for(root) as manager:
        log = run_of(manager, relative, args.run_id)
    document = absolute_paths(log, root)
    if args.json:
        print(json.dumps(document, indent=2))
    elif args.timeline:
        from .timeline import timeline_view

        console = output_console()
        console.print(timeline_view(log, console.width))
    else:
        from .display import run_summary

        output_console().print(run_summary(log, document))
    return EXIT_OK


def output_console() -> Console:
    """Terminal width on a terminal; piped output is not squeezed into rich's default 80."""
    from rich.console import Console  # imported when drawn: a piped `run` never loads rich

    console = Console()
    return console if console.is_terminal else Console(width=PIPED_WIDTH)


def run_of(manager: RunManager, pipeline: str, run_id: str | None) -> RunLog:
    """The pipeline's run `run_id`, or its latest run when `run_id` is None."""
    if run_id is not None:
        log = manager.get(run_id)  # checks the id's form and that the run exists
        if not manager.is_run_of(pipeline, log.run_id):
            raise RunNotFound(
                f"run {run_id} is not a run of {pipeline} (it is one of {log.pipeline})"
            )
        return log
    latest = manager.list_runs(pipeline, limit=1).runs
    if not latest:
        raise RunNotFound(
            f"{pipeline} has no runs yet: start one with `runnable-jupyter run {pipeline}`"
        )
    return manager.get(latest[0].run_id)


def absolute_paths(log: RunLog, root: Path) -> dict[str, Any]:
    """The run log as JSON with every file location made absolute (and the run log's own)."""

    def absolute(path: str | None) -> str | None:
        return str((root / path).resolve()) if path else path

    document = log.model_dump(mode="json")
    document["run_dir"] = absolute(log.run_dir)
    document["catalog_dir"] = absolute(log.catalog_dir)
    document["run_log"] = str(Path(document["run_dir"] or root) / "run.json")
    for record in document["steps"].values():
        for attempt in record["attempts"]:
            attempt["output_notebook"] = absolute(attempt.get("output_notebook"))
            attempt["log_file"] = absolute(attempt.get("log_file"))
    return document


# --- entry point --------------------------------------------------------------------------


def cmd_prune(args: argparse.Namespace, root: Path) -> int:
    relative = pipeline_argument(args.pipeline, root)
    try:
        policy = prune_policy(args, root / relative, root)
    except ValueError as error:
        raise CliError(str(error)) from None
    with manager_for(root) as manager:
        deleted = manager.prune(relative, policy, dry_run=args.dry_run)
    verb = "would delete" if args.dry_run else "deleted"
    for run_id in deleted:
        print(f"{verb} {run_id}")
    print(f"{verb} {len(deleted)} run(s) of {relative}")
    return EXIT_OK


Command = Callable[[argparse.Namespace, Path], int]


def command_in(module: str, name: str) -> Command:
    """The command `name` of the CLI module `module`, imported when it runs: one command does
    not pay for the others' imports (rich tables, the catalog, jobs)."""

    def command(args: argparse.Namespace, root: Path) -> int:
        function: Command = getattr(importlib.import_module(module, __package__), name)
        return function(args, root)

    return command


COMMANDS: dict[str, Command] = {
    "validate": cmd_validate,
    "run": cmd_run,
    "runs": cmd_runs,
    "show": cmd_show,
    "retry": cmd_retry,
    "rerun": cmd_rerun,
    "catalog": command_in(".catalog_listing", "cmd_catalog"),
    "compare": command_in(".comparing", "cmd_compare"),
    "export": command_in(".exporting", "cmd_export"),
    "exec-step": command_in(".exec_step", "cmd_exec_step"),
    "prune": cmd_prune,
    "import": command_in(".importing", "cmd_import"),
    "job": command_in(".jobs", "cmd_job"),
    "scheduler": command_in(".scheduler", "cmd_scheduler"),
}


def report_error(error: RunnableError) -> None:
    print(f"error: {error.message}", file=sys.stderr)
    if isinstance(error, (PipelineInvalid, JobInvalid)):
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
    elif error.code == "structure_changed":
        print("  pass --force to retry anyway", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    skip_format_checker_imports()
    args = build_parser().parse_args(argv)
    try:
        root = workspace_root(args.root)
        return COMMANDS[args.command](args, root)
    except CliError as error:
        print(f"error: {error}", file=sys.stderr)
    except RunnableError as error:
        report_error(error)
    except KeyboardInterrupt:  # Ctrl-C outside a run (e.g. while validating): nothing started
        print("interrupted", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_INVALID
