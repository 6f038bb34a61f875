"""A run's timeline: bars on an axis shared by the steps, idle gaps between attempts cut."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from rich.console import Console

from runnable_jupyter.cli.timeline import timeline_view
from runnable_jupyter.runlog.models import Attempt, RunAttempt, RunLog, RunStatus, StepRecord
from runnable_jupyter.runlog.models import StepStatus as S
from runnable_jupyter.runs.timeline import timeline_of

T0 = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def attempt(number: int, status: S, start: float, end: float | None) -> Attempt:
    return Attempt(
        number=number, status=status, start=at(start), end=None if end is None else at(end)
    )


def run_log(steps: dict[str, list[Attempt]], passes: list[tuple[float, float | None]]) -> RunLog:
    records = {
        sid: StepRecord(
            id=sid,
            notebook=f"{sid}.ipynb",
            status=attempts[-1].status if attempts else S.upstream_failed,
            attempts=attempts,
        )
        for sid, attempts in steps.items()
    }
    return RunLog(
        run_id="20261203T120000-abcdef",
        pipeline="p.pipeline.json",
        pipeline_sha256="0" * 64,
        status=RunStatus.failed,
        start=at(passes[0][0]),
        attempts=[
            RunAttempt(number=i + 1, start=at(s), end=None if e is None else at(e))
            for i, (s, e) in enumerate(passes)
        ],
        steps=records,
    )


def test_bars_share_the_axis_in_wall_clock_seconds() -> None:
    log = run_log(
        {"load": [attempt(1, S.succeeded, 0, 2)], "train": [attempt(1, S.failed, 2, 5)]},
        [(0, 5)],
    )
    timeline = timeline_of(log)
    assert timeline.span_s == 5
    load, train = timeline.rows
    assert (load.bars[0].start_s, load.bars[0].end_s) == (0, 2)
    assert (train.bars[0].start_s, train.bars[0].end_s) == (2, 5)
    assert timeline.breaks == []


def test_an_hour_between_a_run_and_its_retry_becomes_one_short_break() -> None:
    log = run_log(
        {"train": [attempt(1, S.failed, 0, 3), attempt(2, S.succeeded, 3600, 3604)]},
        [(0, 3), (3600, 3604)],
    )
    timeline = timeline_of(log)
    first, second = timeline.rows[0].bars
    assert first.end_s == 3
    assert timeline.span_s < 10  # 3 s + 4 s of work and a break of about one second
    assert second.start_s > first.end_s and second.end_s - second.start_s == 4
    assert len(timeline.breaks) == 1 and first.end_s < timeline.breaks[0] < second.start_s


def test_a_running_step_ends_now_and_a_step_that_never_ran_has_no_bar() -> None:
    log = run_log(
        {"load": [attempt(1, S.running, 1, None)], "after": []},
        [(0, None)],
    )
    timeline = timeline_of(log, now=at(4))
    bar = timeline.rows[0].bars[0]
    assert bar.running and (bar.start_s, bar.end_s) == (1, 4)
    assert timeline.rows[1].bars == [] and timeline.rows[1].status == S.upstream_failed


def test_the_terminal_view_draws_each_step_on_its_own_line() -> None:
    log = run_log(
        {
            "load": [attempt(1, S.succeeded, 0, 5)],
            "train": [attempt(1, S.failed, 5, 6), attempt(2, S.succeeded, 600, 610)],
        },
        [(0, 6), (600, 610)],
    )
    console = Console(width=100, record=True)
    console.print(timeline_view(log, console.width))
    lines = console.export_text().splitlines()
    load = next(line for line in lines if line.startswith("load"))
    train = next(line for line in lines if line.startswith("train"))
    assert "#1 succeeded 5.0s" in load
    assert "#1 failed 1.0s, #2 succeeded 10.0s" in train
    assert "┊" in train  # the cut idle time
    # load ran first: its bar begins left of train's first bar
    assert load.index("█") < train.index("█")
