"""A retried run's time is the sum of its attempts, not the hour between them: `show`, the run
list and the followed run show each attempt's time and their sum (old summaries without attempts
keep start to end)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from rich.console import Console
from server_support import record_run, write_pipeline

from runnable_jupyter.cli.display import LiveProgress, run_summary, runs_table
from runnable_jupyter.cli.run_text import (
    attempt_seconds,
    duration_text,
    run_duration,
    summary_line,
)
from runnable_jupyter.runlog.models import RunAttempt, RunLog, RunStatus, RunSummary, StepStatus
from runnable_jupyter.runlog.store import RunStore

T0 = datetime(2026, 12, 2, 12, 4, tzinfo=timezone.utc)


def retried(log: RunLog) -> RunLog:
    """The run failed after 2.7 s, and a retry an hour later took 3.1 s."""
    log.start, log.end, log.status = T0, T0 + timedelta(minutes=62, seconds=59), RunStatus.failed
    log.attempts = [
        RunAttempt(number=1, start=T0, end=T0 + timedelta(seconds=2.7), steps=["a"]),
        RunAttempt(
            number=2,
            start=T0 + timedelta(minutes=62, seconds=55.9),
            end=T0 + timedelta(minutes=62, seconds=59),
            steps=["a"],
        ),
    ]
    return log


def rendered(renderable: object) -> str:
    console = Console(record=True, width=200)
    console.print(renderable)
    return console.export_text()


def test_each_attempt_and_their_sum_not_the_time_between(tmp_path: Path) -> None:
    pipeline = write_pipeline(tmp_path, {"a": {}})
    log = retried(record_run(tmp_path, pipeline, StepStatus.failed))
    assert [round(s, 1) for s in attempt_seconds(log)] == [2.7, 3.1]
    assert run_duration(log) == pytest.approx(5.8)
    assert duration_text(log) == "2.7s + 3.1s = 5.8s"
    assert "failed in 2.7s + 3.1s = 5.8s" in summary_line(log)
    assert "62m" not in rendered(run_summary(log, log.model_dump(mode="json")))
    assert "2.7s + 3.1s = 5.8s" in rendered(run_summary(log, log.model_dump(mode="json")))

    # The run list reads summaries from the run index: they keep each attempt's times.
    RunStore(tmp_path / "p.runs").save(log)
    summaries = [RunSummary.model_validate(s) for s in RunStore(tmp_path / "p.runs").summaries()]
    assert [a.number for a in summaries[0].attempts] == [1, 2]
    assert "2.7s + 3.1s = 5.8s" in rendered(runs_table(pipeline, summaries))


def test_a_retry_in_progress_counts_up_to_now_and_old_summaries_keep_start_to_end(
    tmp_path: Path,
) -> None:
    pipeline = write_pipeline(tmp_path, {"a": {}})
    log = retried(record_run(tmp_path, pipeline, StepStatus.failed))
    log.status, log.end, log.attempts[1].end = RunStatus.running, None, None
    now = log.attempts[1].start + timedelta(seconds=1)  # type: ignore[operator]
    assert duration_text(log, now) == "2.7s + 1.0s = 3.7s"
    progress = LiveProgress(Console(record=True, width=200, force_terminal=False))
    try:
        assert "running · 2.7s + " in rendered(progress._render(log))
    finally:
        progress.live.stop()

    old = RunSummary.model_validate(
        {"run_id": log.run_id, "status": "succeeded", "start": T0, "end": T0 + timedelta(seconds=4)}
    )
    assert old.attempts == [] and duration_text(old) == "4.0s"
