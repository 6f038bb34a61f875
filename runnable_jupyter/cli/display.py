"""What the CLI draws with rich: live run progress on a terminal and the tables of `runs` and
`show` (their texts come from `run_text`, which also has the plain lines of a piped run).

Every function reads a `RunLog`, never engine internals, so the display cannot drift from what
the run log records.
"""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Console, Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

from ..clock import utcnow
from ..runlog.models import RunLog, RunStatus, RunSummary, StepRecord, StepStatus
from .run_text import (
    cell_number,
    cell_progress,
    counts_text,
    duration_text,
    error_text,
    job_text,
    local_time,
    seconds,
    selection_text,
    step_elapsed,
    summary_line,
)

STATUS_STYLES = {
    "pending": "dim",
    "running": "bold cyan",
    "succeeded": "green",
    "failed": "bold red",
    "upstream_failed": "red",
    "cancelled": "magenta",
    "interrupted": "magenta",
    "cached": "blue",
    "not_selected": "dim",
}


def styled(status: StepStatus | RunStatus) -> Text:
    return Text(status.value, style=STATUS_STYLES.get(status.value, ""))


SOURCE_PREVIEW_LINES = 5


def source_preview(source: str | None) -> list[str]:
    """The failing cell's first lines as `show` prints them: at most 5, then "…" when cut."""
    lines = source.splitlines() if source else []
    return lines[:SOURCE_PREVIEW_LINES] + (["…"] if len(lines) > SOURCE_PREVIEW_LINES else [])


def error_in_full(step_id: str, record: StepRecord, files: dict[str, Any]) -> list[Text]:
    """`show`: the step's error with its whole message (the cause is often on its last
    lines) and the failing cell's first lines, then its executed notebook and its log."""
    attempt = record.last_attempt
    if attempt is None or attempt.error is None:
        return []
    error = attempt.error
    where = f" (cell {cell_number(error.cell_index)})" if error.cell_index is not None else ""
    lines = [Text(f"{step_id}: {error.name}{where}", style="bold red")]
    lines += [Text(f"  {line}", style="red") for line in error.message.strip().splitlines()]
    lines += [Text(f"  │ {line}", style="cyan") for line in source_preview(error.cell_source)]
    lines.append(Text(f"  output: {files.get('output_notebook') or ''}", style="dim"))
    lines.append(Text(f"  log: {files.get('log_file') or ''}", style="dim"))
    return lines


class LiveProgress:
    """A rich table redrawn in place: step, status, elapsed, cell i/n."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.notes: list[str] = []
        self.live = Live(console=console, refresh_per_second=4, transient=False)
        self.live.start()

    def update(self, log: RunLog) -> None:
        self.live.update(self._render(log), refresh=True)

    def message(self, text: str) -> None:
        self.notes.append(text)

    def close(self, log: RunLog) -> None:
        self.update(log)
        self.live.stop()
        self.console.print(summary_line(log))

    def _render(self, log: RunLog) -> Group:
        now = utcnow()
        table = Table(title=f"{log.pipeline} · run {log.run_id}", title_justify="left")
        for column in ("step", "status", "elapsed", "progress", "error"):
            table.add_column(column, overflow="fold")
        for step_id, record in log.steps.items():
            table.add_row(
                step_id,
                styled(record.status),
                seconds(step_elapsed(record, now)),
                cell_progress(record),
                Text(error_text(record), style="red"),
            )
        footer = Text(f"{log.status.value} · {duration_text(log, now)}", style="dim")
        return Group(table, footer, *(Text(note, style="yellow") for note in self.notes))


def runs_table(pipeline: str, logs: list[RunSummary]) -> Table:
    table = Table(title=f"runs of {pipeline}", title_justify="left", box=box.SIMPLE_HEAD)
    for column in ("run id", "status", "start", "duration"):  # never broken across lines
        table.add_column(column, no_wrap=True)
    table.add_column("selection", overflow="fold")
    table.add_column("steps", overflow="fold")
    with_jobs = any(log.job is not None for log in logs)
    if with_jobs:
        table.add_column("job: grid point", overflow="fold")
    for log in logs:
        job = [job_text(log)] if with_jobs else []
        table.add_row(
            log.run_id,
            styled(log.status),
            local_time(log.start),
            duration_text(log),
            selection_text(log),
            counts_text(log.counts),
            *job,
        )
    return table


def run_summary(log: RunLog, absolute: dict[str, Any]) -> Group:
    """`show`: the run's header, one row per step, then each error in full with its log file.

    `absolute` is the run log as JSON with resolved paths (see `cli.absolute_paths`)."""
    header = Table.grid(padding=(0, 2))
    header.add_column(style="bold")
    header.add_column()
    header.add_row("run", log.run_id)
    header.add_row("pipeline", log.pipeline)
    header.add_row("status", styled(log.status))
    header.add_row("start", local_time(log.start))
    header.add_row("duration", duration_text(log))
    header.add_row("selection", selection_text(log))
    if log.skip_unchanged:
        header.add_row("skip unchanged", "yes: unchanged steps reuse earlier results (cached)")
    if log.parameters:
        header.add_row("parameters", ", ".join(f"{k}={v!r}" for k, v in log.parameters.items()))
    header.add_row("run folder", absolute.get("run_dir", ""))
    header.add_row("catalog", absolute.get("catalog_dir", ""))
    steps = Table()
    for column in ("step", "status", "duration", "attempts", "skipped cells"):
        steps.add_column(column, overflow="fold")
    now = utcnow()
    errors: list[Text] = []
    for step_id, record in log.steps.items():
        attempt = record.last_attempt
        steps.add_row(
            step_id,
            styled(record.status),
            seconds(step_elapsed(record, now)),
            str(len(record.attempts)),
            ", ".join(str(cell_number(i)) for i in attempt.skipped_cells) if attempt else "",
        )
        if attempt is not None and attempt.error is not None:  # in full below the table
            errors += error_in_full(step_id, record, absolute["steps"][step_id]["attempts"][-1])
    return Group(header, steps, *errors)
