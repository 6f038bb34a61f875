"""`runnable-jupyter`: validate, run, list, show and retry pipeline runs from a terminal.

Exit codes: 0 success; 1 a step failed or the run was cancelled; 2 invalid input (a bad
pipeline, an unknown step, a malformed `-p`...). Errors are one sentence on stderr, never a
traceback. The workspace root is the current folder unless `--root` says otherwise.
"""

from __future__ import annotations

import argparse
import json
import keyword
import os
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console

from ..errors import PathOutsideRoot, PipelineInvalid, RunnableError, RunNotFound
from ..json_documents import JsonTooDeep, load_json
from ..paths import check_path_text
from ..pipeline.graph import Mode
from ..pipeline.model import MAX_TIMEOUT_S
from ..runlog.models import RunLog, RunStatus
from ..startup import skip_iri_format_checker
from .display import ACTIVE_RUN_STATUSES, LiveProgress, PlainProgress, run_summary, runs_table
from .prune import add_prune_arguments, prune_policy

if TYPE_CHECKING:  # the engine is imported late: `validate` need not load it
    from ..runs.manager import RunManager

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2
POLL_S = 0.5  # the display also redraws this often, so elapsed times keep moving
CANCEL_WAIT_S = 60.0
PIPED_WIDTH = 200


class CliError(Exception):
    """Bad command-line input found by the CLI itself (exit 2)."""


# --- arguments ----------------------------------------------------------------------------


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
    run.add_argument(
        "--step",
        action="append",
        default=[],
        metavar="ID",
        help="run this step (repeatable); without --upstream/--downstream only these steps",
    )
    direction = run.add_mutually_exclusive_group()
    direction.add_argument("--upstream", action="store_true", help="also run their ancestors")
    direction.add_argument(
        "--downstream", action="store_true", help="also run what depends on them"
    )
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

    runs = command("runs", "list the runs of a pipeline")
    runs.add_argument("pipeline", metavar="PIPELINE")
    runs.add_argument(
        "--limit", type=positive_int, metavar="N", help="only the newest N runs (default: all)"
    )

    show = command("show", "show a run (the latest by default)")
    show.add_argument("pipeline", metavar="PIPELINE")
    show.add_argument("run_id", nargs="?", metavar="RUN_ID")
    show.add_argument("--json", action="store_true", help="print the run log as JSON")

    retry = command(
        "retry", "re-run what did not succeed in a run (with the run's --skip-unchanged choice)"
    )
    retry.add_argument("pipeline", metavar="PIPELINE")
    retry.add_argument("run_id", nargs="?", metavar="RUN_ID")
    retry.add_argument(
        "--force", action="store_true", help="retry even if the pipeline's structure changed"
    )
    add_prune_arguments(command("prune", "delete old finished runs (never one in progress)"))
    return parser


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
    mode = Mode.all
    if args.step:
        mode = Mode.upstream if args.upstream else Mode.downstream if args.downstream else Mode.only
    elif args.upstream or args.downstream:
        raise CliError("--upstream and --downstream need at least one --step ID")
    with follower(root, args.max_parallel, args.timeout) as (follow, manager):
        log = manager.start(
            relative,
            steps=args.step,
            mode=mode,
            parameters=parameters,
            skip_unchanged=args.skip_unchanged,
        )
        return follow(log)


def cmd_retry(args: argparse.Namespace, root: Path) -> int:
    relative = pipeline_argument(args.pipeline, root)
    with follower(root) as (follow, manager):
        run_id = run_of(manager, relative, args.run_id).run_id
        log = manager.retry(run_id, force=args.force)
        return follow(log)


def cmd_runs(args: argparse.Namespace, root: Path) -> int:
    relative = pipeline_argument(args.pipeline, root)
    with manager_for(root) as manager:
        page = manager.list_runs(relative, limit=args.limit)
    if not page.runs:
        print(f"{relative} has no runs yet")
        return EXIT_OK
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
    else:
        output_console().print(run_summary(log, document))
    return EXIT_OK


def output_console() -> Console:
    """Terminal width on a terminal; piped output is not squeezed into rich's default 80."""
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


# --- running with progress ----------------------------------------------------------------


@contextmanager
def manager_for(root: Path, **options: Any) -> Iterator[RunManager]:
    from ..runs.manager import RunManager  # imported late: `validate` need not load the engine

    manager = RunManager(root=root, **options)
    try:
        yield manager
    finally:
        manager.shutdown()


class Follower:
    """Draws a run until it ends; Ctrl-C cancels it cleanly. Returns the exit code."""

    def __init__(self) -> None:
        self.manager: RunManager | None = None  # set once made: the manager needs `on_event`
        self.wake = threading.Event()
        self.interrupted = False

    def on_event(self, _event: Any) -> None:
        self.wake.set()

    def on_sigint(self, _signum: int, _frame: Any) -> None:
        self.interrupted = True
        self.wake.set()

    def __call__(self, started: RunLog) -> int:
        manager = self.manager
        assert manager is not None, "the follower's manager is set by `follower()`"
        run_id = started.run_id
        print(run_id, flush=True)
        console = Console()
        display = LiveProgress(console) if console.is_terminal else PlainProgress(sys.stdout)
        try:
            log = manager.get(run_id)
            display.update(log)
            while log.status in ACTIVE_RUN_STATUSES and not self.interrupted:
                self.wake.wait(POLL_S)
                self.wake.clear()
                log = manager.get(run_id)
                display.update(log)
            if self.interrupted:
                display.message("cancelling: stopping running kernels...")
                manager.cancel(run_id)
            log = manager.wait(run_id, timeout=CANCEL_WAIT_S if self.interrupted else None)
        except TimeoutError:
            print(f"error: run {run_id} did not stop within {CANCEL_WAIT_S:.0f} s", file=sys.stderr)
            return EXIT_FAILED
        finally:
            display.close(manager.get(run_id))
        if self.interrupted:
            print("cancelled", flush=True)
            return EXIT_FAILED
        return EXIT_OK if log.status == RunStatus.succeeded else EXIT_FAILED


@contextmanager
def follower(
    root: Path, max_parallel: int | None = None, timeout_s: float | None = None
) -> Iterator[tuple[Follower, RunManager]]:
    follow = Follower()
    previous = signal.signal(signal.SIGINT, follow.on_sigint)
    try:
        with manager_for(
            root, on_event=follow.on_event, max_parallel=max_parallel, default_timeout_s=timeout_s
        ) as manager:
            follow.manager = manager
            yield follow, manager
    finally:
        signal.signal(signal.SIGINT, previous)


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


COMMANDS = {
    "validate": cmd_validate,
    "run": cmd_run,
    "runs": cmd_runs,
    "show": cmd_show,
    "retry": cmd_retry,
    "prune": cmd_prune,
}


def report_error(error: RunnableError) -> None:
    print(f"error: {error.message}", file=sys.stderr)
    if isinstance(error, PipelineInvalid):
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
    elif error.code == "structure_changed":
        print("  pass --force to retry anyway", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    skip_iri_format_checker()
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
