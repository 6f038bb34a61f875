"""Writing what became of a step into its run log record: a result, a failure, a reuse.

Only the run's own thread calls these (see `run_execution`), under the manager's lock.
"""

from __future__ import annotations

import traceback

from ..clock import utcnow
from ..executors.interface import StepResult
from ..runlog.models import Attempt, CachedFrom, ErrorInfo, StepRecord, StepStatus


def record_failure(record: StepRecord, error: BaseException) -> None:
    """The step's last attempt failed because of `error` (raised outside the notebook)."""
    attempt = record.attempts[-1]
    attempt.status = record.status = StepStatus.failed
    attempt.end = utcnow()
    attempt.error = ErrorInfo(
        name=type(error).__name__,
        message=str(error),
        traceback="".join(traceback.format_exception(error)),
    )


def record_cached(record: StepRecord, origin: CachedFrom, execution: Attempt) -> None:
    """The step reuses the earlier execution `origin` (its attempt `execution`): a zero-length
    `cached` attempt with that execution's catalog reads and writes (downstream reads them)."""
    now = utcnow()
    record.attempts.append(
        Attempt(
            number=len(record.attempts) + 1,
            status=StepStatus.cached,
            start=now,
            end=now,
            duration_s=0.0,
            catalog_reads=list(execution.catalog_reads),
            catalog_writes=list(execution.catalog_writes),
            metrics=list(execution.metrics),
        )
    )
    record.status = StepStatus.cached
    record.cached_from = origin


def apply_result(record: StepRecord, result: StepResult) -> None:
    """The executor's result of the step's last attempt."""
    attempt = record.attempts[-1]
    status = StepStatus(result.status)
    attempt.status = record.status = status
    attempt.start = result.start or attempt.start
    attempt.end = result.end or utcnow()
    if attempt.start is not None:
        attempt.duration_s = (attempt.end - attempt.start).total_seconds()
    attempt.skipped_cells = list(result.skipped_cells)
    attempt.catalog_reads = list(result.catalog_reads)
    attempt.catalog_writes = list(result.catalog_writes)
    attempt.metrics = list(result.metrics)
    attempt.error = result.error
    record.kernel = result.kernel_name or record.kernel
