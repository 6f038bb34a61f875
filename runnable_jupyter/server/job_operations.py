"""What each jobs REST call does, as plain blocking functions over `jobs.service` (handlers run
them in a worker thread). Paths are confined to the root and hidden files refused, as for runs;
the job service validates everything before it writes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import BadRequest
from ..jobs.model import DEFAULT_TIMEZONE, Schedule
from ..jobs.schedule import upcoming
from ..jobs.service import JobService
from ..jobs.validation import check_job_name, schedule_problems
from .job_bodies import JOB_FIELDS, CreateJobBody, JobChangesBody
from .operations import Workspace, _refuse_hidden_files_named_by


@dataclass(frozen=True)
class JobsWorkspace:
    workspace: Workspace
    jobs: JobService

    def pipeline(self, pipeline: str | None, call: str) -> str:
        """The pipeline of a request, relative to the root, after the workspace's checks."""
        if pipeline is None:
            raise BadRequest(f"say which pipeline's jobs: {call}?pipeline=<path>")
        path = self.workspace.confine(pipeline, "pipeline")
        _refuse_hidden_files_named_by(self.workspace, path)
        return self.workspace.relative(path)


def _given(body: CreateJobBody | JobChangesBody) -> dict[str, Any]:
    """The job fields the request body set (null included: back to the default)."""
    return {name: getattr(body, name) for name in JOB_FIELDS if name in body.model_fields_set}


def list_jobs(ws: JobsWorkspace, pipeline: str | None) -> dict[str, Any]:
    return ws.jobs.list(ws.pipeline(pipeline, "GET jobs"))


def create_job(ws: JobsWorkspace, body: CreateJobBody) -> dict[str, Any]:
    check_job_name(body.name)
    document = {name: value for name, value in _given(body).items() if value is not None}
    return ws.jobs.create(ws.pipeline(body.pipeline, "POST jobs"), body.name, document)


def get_job(ws: JobsWorkspace, job_id: str, pipeline: str | None) -> dict[str, Any]:
    check_job_name(job_id)
    return ws.jobs.get(ws.pipeline(pipeline, f"GET jobs/{job_id}"), job_id)


def change_job(
    ws: JobsWorkspace, job_id: str, pipeline: str | None, body: JobChangesBody
) -> dict[str, Any]:
    check_job_name(job_id)
    changes = _given(body)
    if not changes:
        raise BadRequest('say what to change: e.g. {"paused": true}')
    return ws.jobs.update(ws.pipeline(pipeline, f"PATCH jobs/{job_id}"), job_id, changes)


def delete_job(ws: JobsWorkspace, job_id: str, pipeline: str | None) -> dict[str, Any]:
    check_job_name(job_id)
    return ws.jobs.delete(ws.pipeline(pipeline, f"DELETE jobs/{job_id}"), job_id)


def run_job(ws: JobsWorkspace, job_id: str, pipeline: str | None) -> dict[str, Any]:
    check_job_name(job_id)
    relative = ws.pipeline(pipeline, f"POST jobs/{job_id}/run")
    execution = ws.jobs.run(relative, job_id)
    return {
        "job_run": execution.id,
        "id": job_id,
        "pipeline": relative,
        "points": len(execution.points),
        "limit": execution.limit,
        "runs": [{"run_id": run_id, "grid_point": point} for run_id, point in execution.runs],
    }


def cancel_job(ws: JobsWorkspace, job_id: str, pipeline: str | None) -> dict[str, Any]:
    check_job_name(job_id)
    return ws.jobs.cancel(ws.pipeline(pipeline, f"POST jobs/{job_id}/cancel"), job_id)


MAX_PREVIEWED = 20  # due times a schedule preview lists at most


def schedule_preview(
    ws: JobsWorkspace, cron: str | None, timezone: str | None, count: str | None
) -> dict[str, Any]:
    """The next due times of a cron expression in a time zone, computed as the scheduler does
    (the New Job form's preview never disagrees with what fires)."""
    if cron is None or not cron.strip():
        raise BadRequest(
            "say which schedule to preview: GET schedule?cron=<expression>[&timezone=<zone>]",
            {"field": "cron"},
        )
    zone = DEFAULT_TIMEZONE if timezone is None or timezone == "" else timezone
    how_many = _count(count)
    for problem in schedule_problems({"cron": cron, "timezone": zone}):
        field = problem.pointer.rsplit("/", 1)[-1]
        raise BadRequest(problem.message, {"field": field})
    schedule = Schedule(cron=cron, timezone=zone)
    times = upcoming(schedule, ws.jobs.clock(), how_many)
    return {"cron": cron, "timezone": zone, "next": [moment.isoformat() for moment in times]}


def _count(value: str | None) -> int:
    if value is None or value == "":
        return 3
    # ASCII digits, and few of them (int() of thousands of digits is slow, then refused).
    digits = value.lstrip("0") or "0"
    if not (value.isascii() and value.isdigit() and len(digits) <= 2) or not (
        1 <= int(digits) <= MAX_PREVIEWED
    ):
        shown = value if len(value) <= 40 else value[:37] + "..."
        raise BadRequest(
            f"count must be a whole number from 1 to {MAX_PREVIEWED}, not '{shown}'",
            {"field": "count"},
        )
    return int(digits)
