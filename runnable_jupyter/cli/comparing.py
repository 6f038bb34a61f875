"""`runnable-jupyter compare PIPELINE RUN_ID RUN_ID... [--json]`: what differs between runs."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from rich import box
from rich.console import Console, Group
from rich.table import Table

from ..errors import RunNotFound
from ..runs.comparison import compare_runs
from .arguments import EXIT_OK, CliError, pipeline_argument
from .following import manager_for
from .run_text import seconds

PIPED_WIDTH = 200


def cmd_compare(args: argparse.Namespace, root: Path) -> int:
    relative = pipeline_argument(args.pipeline, root)
    with manager_for(root) as manager:
        logs = []
        run_ids = list(args.run_ids)
        if args.job is not None and not run_ids:  # the runs of the job's latest job run
            runs = manager.list_runs(relative, job=args.job).runs
            latest = max((run.job.job_run for run in runs if run.job), default=None)
            run_ids = [r.run_id for r in reversed(runs) if r.job and r.job.job_run == latest]
            if not run_ids:
                raise RunNotFound(f"job {args.job} of {relative} has no runs yet")
        elif args.job is not None:
            raise CliError("give run ids or --job NAME, not both")
        for run_id in run_ids:
            log = manager.get(run_id)
            if not manager.is_run_of(relative, log.run_id):
                raise RunNotFound(f"run {run_id} is not a run of {relative}")
            logs.append(log)
    comparison = compare_runs(logs)
    if args.json:
        print(json.dumps(comparison, indent=2, default=str))
        return EXIT_OK
    console = Console()
    console = console if console.is_terminal else Console(width=PIPED_WIDTH)
    console.print(_tables(comparison))
    return EXIT_OK


def _value(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.6g}"
    text = json.dumps(value) if not isinstance(value, str) else value
    return text if len(text) <= 40 else text[:37] + "..."


def _table(title: str, run_ids: list[str], rows: dict[str, dict[str, Any]], show: Any) -> Table:
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column("", no_wrap=True)
    for run_id in run_ids:
        table.add_column(run_id, no_wrap=True)
    for key, by_run in rows.items():
        table.add_row(key, *(show(by_run.get(run_id)) for run_id in run_ids))
    return table


def _tables(comparison: dict[str, Any]) -> Group:
    runs = comparison["runs"]
    run_ids = [run["run_id"] for run in runs]
    overview = {
        "status": {run["run_id"]: run["status"] for run in runs},
        "duration": {run["run_id"]: seconds(run["duration_s"]) for run in runs},
    }
    parts = [_table("runs", run_ids, overview, _value)]
    differing = {**comparison["parameters"], **comparison["step_parameters"]}
    if differing:
        parts.append(_table("parameters that differ", run_ids, differing, _value))
    if comparison["metrics"]:
        parts.append(
            _table(
                "metrics (last value; points of a curve)",
                run_ids,
                comparison["metrics"],
                lambda m: (
                    "-"
                    if m is None
                    else _value(m["value"])
                    + (f" ({m['points']} points)" if m["points"] > 1 else "")
                ),
            )
        )
    parts.append(
        _table(
            "steps",
            run_ids,
            comparison["steps"],
            lambda s: "-" if s is None else f"{s['status']} {seconds(s['duration_s'])}".strip(),
        )
    )
    if comparison["catalog"]:
        parts.append(
            _table(
                "catalog entries written with different content",
                run_ids,
                comparison["catalog"],
                lambda sha: "-" if sha is None else sha[:12],
            )
        )
    return Group(*parts)
