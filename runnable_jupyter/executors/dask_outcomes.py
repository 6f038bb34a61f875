"""What became of a step's Dask task, as the step's `StepResult`.

The task finished (its result, or its worker died before the result was fetched), raised (a
`KilledWorker` is a lost worker), or ended without either: cancelled by the executor, or
dropped by the scheduler (`SchedulerLost`). A stop the executor asked for is `cancelled`, never
a failure. `DaskExecutor`'s dispatcher thread settles each step with one of these.
"""

from __future__ import annotations

from concurrent.futures import Future, InvalidStateError
from typing import TYPE_CHECKING

from ..clock import utcnow
from ..runlog.models import ErrorInfo, StepStatus
from .dask_task import lost_worker_error
from .interface import StepResult

if TYPE_CHECKING:
    from distributed import Future as DaskFuture


def resolve(future: Future[StepResult], result: StepResult) -> None:
    try:
        future.set_result(result)
    except InvalidStateError:  # resolved already (e.g. a lost worker, then its late result)
        pass


def failed(error: ErrorInfo) -> StepResult:
    now = utcnow()
    return StepResult(status=StepStatus.failed, start=now, end=now, error=error)


def cancelled() -> StepResult:
    now = utcnow()
    return StepResult(status=StepStatus.cancelled, start=now, end=now)


def finished_result(
    dask_future: DaskFuture[StepResult],
    step_id: str,
    worker: str | None,
    stop_reason: str | None,
    where: str,
) -> StepResult:
    """The result of a task that is done: `worker` ran it (if it said so), `stop_reason` is the
    executor's ("cancelled" | "timeout" | None), `where` names the cluster in messages."""
    if dask_future.status == "finished":
        try:
            result: StepResult = dask_future.result()
        except Exception as error:  # the result could not be fetched (its worker died)
            result = failed(lost_worker_error(step_id, worker or str(error)))
    elif dask_future.status == "error":
        result = task_error(step_id, worker, dask_future.exception())
    elif stop_reason is not None:  # cancelled on the scheduler, by us
        result = cancelled()
    else:  # dropped by the scheduler (it restarted, or this client lost it)
        message = (
            f"{where} dropped the task of step '{step_id}' (the "
            "scheduler restarted or lost contact with this process). Retry the step"
        )
        result = failed(ErrorInfo(name="SchedulerLost", message=message))
    if stop_reason == "cancelled" and result.status == StepStatus.failed:
        result.status, result.error = StepStatus.cancelled, None  # our stop, not a failure
    return result


def task_error(step_id: str, worker: str | None, error: BaseException | None) -> StepResult:
    """A task that raised: a `KilledWorker` is its worker lost, anything else a failure."""
    from distributed.scheduler import KilledWorker

    if isinstance(error, KilledWorker):
        lost = worker or str(getattr(error.last_worker, "address", "(unknown)"))
        return failed(lost_worker_error(step_id, lost))
    return failed(
        ErrorInfo(
            name=type(error).__name__,
            message=f"the Dask task of step '{step_id}' failed: {error}",
        )
    )
