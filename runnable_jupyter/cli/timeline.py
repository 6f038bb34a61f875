"""`show --timeline`: a run's timeline (`runs.timeline`) drawn in the terminal.

One line per step: `░` while its kernel started, `█` while its cells ran, coloured by the
attempt's status; `┊` marks where an idle gap between run attempts was cut; each step's
attempt times at the end of its line.
"""

from __future__ import annotations

from datetime import datetime

from rich.console import Group
from rich.text import Text

from ..runlog.models import RunLog
from ..runs.timeline import Bar, Row, Timeline, timeline_of
from .display import STATUS_STYLES
from .run_text import local_time, seconds

KERNEL_START = "░"
EXECUTING = "█"
BREAK = "┊"
MIN_AXIS_WIDTH = 20


def _cell(axis_s: float, span_s: float, width: int) -> int:
    if span_s <= 0:
        return 0
    return min(width - 1, max(0, int(axis_s / span_s * width)))


def _bar_line(row: Row, timeline: Timeline, width: int) -> Text:
    chars = [" "] * width
    styles = [""] * width
    for position in timeline.breaks:
        chars[_cell(position, timeline.span_s, width)] = BREAK
        styles[_cell(position, timeline.span_s, width)] = "dim"
    for bar in row.bars:
        first = _cell(bar.start_s, timeline.span_s, width)
        last = max(first, _cell(bar.end_s, timeline.span_s, width))
        ready = _cell(bar.ready_s, timeline.span_s, width) if bar.ready_s is not None else first
        for index in range(first, last + 1):
            chars[index] = KERNEL_START if index < ready else EXECUTING
            styles[index] = STATUS_STYLES.get(bar.status.value, "")
    line = Text()
    for char, style in zip(chars, styles, strict=True):
        line.append(char, style=style)
    return line


def _times(bars: list[Bar]) -> str:
    parts = []
    for bar in bars:
        took = seconds(bar.end_s - bar.start_s)
        kernel = f" (kernel {seconds(bar.ready_s - bar.start_s)})" if bar.ready_s else ""
        running = " so far" if bar.running else ""
        parts.append(f"#{bar.attempt} {bar.status.value} {took}{kernel}{running}")
    return ", ".join(parts)


def _axis_line(timeline: Timeline, label_width: int, width: int) -> Text:
    """0 at the left, the span at the right, the middle in between."""
    left, middle, right = "0s", seconds(timeline.span_s / 2), seconds(timeline.span_s)
    inner = max(0, width - len(left) - len(right))
    line = left + middle.center(inner) + right if inner > len(middle) else left.ljust(width)
    return Text(" " * (label_width + 1) + line[:width], style="dim")


def timeline_view(log: RunLog, width: int, now: datetime | None = None) -> Group:
    """The timeline of `log` to print on a console `width` columns wide."""
    timeline = timeline_of(log, now)
    label_width = min(30, max((len(row.step_id) for row in timeline.rows), default=4))
    times = [_times(row.bars) or row.status.value for row in timeline.rows]
    axis_width = max(MIN_AXIS_WIDTH, width - label_width - 2 - min(40, max(map(len, times))))
    header = Text(f"run {log.run_id} · {log.status.value} · started {local_time(log.start)}")
    lines: list[Text] = [header, _axis_line(timeline, label_width, axis_width)]
    for row, time_text in zip(timeline.rows, times, strict=True):
        line = Text(row.step_id[:label_width].ljust(label_width) + " ")
        line.append_text(_bar_line(row, timeline, axis_width))
        line.append(" " + time_text, style=STATUS_STYLES.get(row.status.value, ""))
        lines.append(line)
    legend = f"{KERNEL_START} kernel starting  {EXECUTING} cells running"
    if timeline.breaks:
        legend += f"  {BREAK} idle time between attempts left out"
    lines.append(Text(legend, style="dim"))
    return Group(*lines)
