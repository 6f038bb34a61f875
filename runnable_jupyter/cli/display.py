"""What the CLI draws: live run progress (rich on a terminal, plain lines otherwise) and the
tables of `runs` and `show`.

Every function reads a `RunLog`, never engine internals, so the display cannot drift from what
the run log records.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, TextIO

from rich import box
from rich.console import Console, Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

from ..clock import utcnow
from ..runlog.models import RunLog, RunStatus, RunSummary, StepRecord, StepStatus

ACTIVE_RUN_STATUSES = frozenset({RunStatus.pending, RunStatus.running})
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


def seconds(value: float | None) -> str:
    if value is None:
        return ""
    if value < 60:
        return f"{value:.1f}s"
    minutes, rest = divmod(int(value), 60)
    return f"{minutes}m{rest:02d}s"


def local_time(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%m-%d %H:%M:%S") if moment else ""


def step_elapsed(record: StepRecord, now: datetime) -> float | None:
    attempt = record.last_attempt
    if attempt is None or attempt.start is None:
        return None
    if attempt.duration_s is not None and record.status != StepStatus.running:
        return attempt.duration_s
    return ((attempt.end or now) - attempt.start).total_seconds()


def attempt_seconds(log: RunLog | RunSummary, now: datetime | None = None) -> list[float]:
    """How long each attempt of the run took (the first run, each retry), the one in progress
    up to `now`; one span from start to end for runs recorded without their attempts."""
    active = log.status in ACTIVE_RUN_STATUSES
    spans = [(a.start, a.end) for a in log.attempts] or [(log.start, log.end)]
    durations = []
    for index, (start, end) in enumerate(spans):
        last = index == len(spans) - 1
        end = end or (now or utcnow() if active and last else None)
        if start is not None and end is not None:
            durations.append(max(0.0, (end - start).total_seconds()))
    return durations


def run_duration(log: RunLog | RunSummary, now: datetime | None = None) -> float | None:
    """The time the run's attempts took, together (the idle time between them not counted)."""
    durations = attempt_seconds(log, now)
    return sum(durations) if durations else None


def duration_text(log: RunLog | RunSummary, now: datetime | None = None) -> str:
    """`2.7s`, or for a retried run each attempt and their sum: `2.7s + 1.9s = 4.6s`."""
    durations = attempt_seconds(log, now)
    if len(durations) < 2:
        return seconds(durations[0]) if durations else ""
    return " + ".join(map(seconds, durations)) + f" = {seconds(sum(durations))}"


def cell_progress(record: StepRecord) -> str:
    attempt = record.last_attempt
    if record.status != StepStatus.running or attempt is None or not attempt.cell_progress:
        return ""
    cell, cells = attempt.cell_progress
    return f"cell {cell}/{cells}"


def error_text(record: StepRecord) -> str:
    attempt = record.last_attempt
    if attempt is None or attempt.error is None:
        return ""
    error = attempt.error
    where = f" (cell {cell_number(error.cell_index)})" if error.cell_index is not None else ""
    message = error.message.strip().splitlines()[0] if error.message.strip() else ""
    return f"{error.name}: {message}{where}" if message else f"{error.name}{where}"


def cell_number(index: int) -> int:
    """A cell as people count it: the first cell is cell 1 (run logs keep 0-based indices)."""
    return index + 1


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


def counts_text(counts: dict[str, int]) -> str:
    order = [status.value for status in StepStatus]
    return ", ".join(f"{counts[s]} {s}" for s in order if counts.get(s))


def selection_text(log: RunLog | RunSummary) -> str:
    if not log.selection:
        return log.mode.value
    return f"{log.mode.value}: {', '.join(log.selection)}"


def summary_line(log: RunLog) -> str:
    duration = duration_text(log)
    return f"run {log.run_id} {log.status.value} in {duration} ({counts_text(log.counts())})"


class PlainProgress:
    """One line per step status change: `12:00:01 load running`, for logs and pipes."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.seen: dict[str, StepStatus] = {}

    def update(self, log: RunLog) -> None:
        now = utcnow()
        for step_id, record in log.steps.items():
            previous = self.seen.get(step_id)
            self.seen[step_id] = record.status
            if record.status == previous or record.status in (
                StepStatus.pending,
                StepStatus.not_selected,
            ):
                continue
            parts = [now.astimezone().strftime("%H:%M:%S"), step_id, record.status.value]
            if record.status != StepStatus.running:
                parts.append(seconds(step_elapsed(record, now)))
            if record.cached_from is not None and record.status == StepStatus.cached:
                parts.append(f"(reused from run {record.cached_from.run_id})")
            line = " ".join(part for part in parts if part)
            error = error_text(record)
            print(f"{line}: {error}" if error else line, file=self.out, flush=True)

    def message(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    def close(self, log: RunLog) -> None:
        self.update(log)
        print(summary_line(log), file=self.out, flush=True)


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


def job_text(log: RunSummary) -> str:
    """`sweep: alpha=0.1 depth=3` for a job's run, "" for another."""
    if log.job is None:
        return ""
    point = " ".join(f"{name}={json.dumps(value)}" for name, value in log.job.grid_point.items())
    return f"{log.job.id}: {point}".rstrip(": ") if point else log.job.id


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
