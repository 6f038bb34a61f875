"""`runnable-jupyter exec-step PIPELINE --run-id RUN_ID --step ID [-p NAME=VALUE]...`: one step
of a run executed by this process (what an exported Argo workflow runs in each pod).

Exit 0 when the step succeeded (now or before), 1 when it failed, was cancelled or could not
run because an upstream step failed, 2 for bad input (nothing written). SIGTERM (a pod's
deadline or deletion) and Ctrl-C stop the kernel: the step is recorded as cancelled. The step's
output (its log) is printed when it ends, so an orchestrator's log view shows it.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from .arguments import EXIT_FAILED, EXIT_OK, parse_parameters, pipeline_argument
from .signals import signals_call

STEP_LOG_PRINTED_MAX = 200_000  # characters of the step's log echoed at most (its end)


def cmd_exec_step(args: argparse.Namespace, root: Path) -> int:
    from ..runs.single_step import exec_step  # the engine is imported late

    parameters = parse_parameters(args.parameter)
    relative = pipeline_argument(args.pipeline, root)
    cancel = threading.Event()

    def stop(signum: int) -> None:
        print(f"{signal.Signals(signum).name}: stopping step {args.step}", file=sys.stderr)
        cancel.set()

    with signals_call((signal.SIGTERM, signal.SIGINT), stop):
        outcome = exec_step(root, relative, args.run_id, args.step, parameters, cancel=cancel)
    attempt = outcome.attempt
    if attempt is not None and attempt.log_file:
        _print_step_log(Path(attempt.log_file))
    if not outcome.executed:
        why = (
            "already succeeded in this run: not executed again"
            if outcome.succeeded
            else "not executed: an upstream step did not succeed"
        )
        print(f"step {outcome.step_id} {outcome.status.value} ({why})")
    else:
        took = f" in {attempt.duration_s:.1f} s" if attempt and attempt.duration_s else ""
        print(f"step {outcome.step_id} {outcome.status.value}{took}")
        if attempt is not None and attempt.error is not None:
            print(f"  {attempt.error.name}: {attempt.error.message}", file=sys.stderr)
    print(f"run {outcome.run_id}: {outcome.run_status.value}")
    return EXIT_OK if outcome.succeeded else EXIT_FAILED


def _print_step_log(path: Path) -> None:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return
    if len(text) > STEP_LOG_PRINTED_MAX:
        text = "[...]\n" + text[-STEP_LOG_PRINTED_MAX:]
    if text:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
