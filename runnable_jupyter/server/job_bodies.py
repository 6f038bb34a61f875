"""Request bodies of the jobs REST API. Unknown fields are refused (a typo must not create a
job that sweeps nothing); the job fields themselves are checked by the job schema, which names
the field and says how to fix it (`job_invalid`)."""

from __future__ import annotations

from typing import Any

from pydantic import StrictStr

from .bodies import _Body

# The fields of a job file a request may set (see jobs/job.schema.json).
JOB_FIELDS = (
    "description",
    "steps",
    "mode",
    "parameters",
    "grid",
    "schedule",
    "paused",
    "skip_unchanged",
    "max_parallel_runs",
)


class JobChangesBody(_Body):
    """`PATCH jobs/{id}`: the fields to change; null puts a field back to its default."""

    description: Any = None
    steps: Any = None
    mode: Any = None
    parameters: Any = None
    grid: Any = None
    schedule: Any = None
    paused: Any = None
    skip_unchanged: Any = None
    max_parallel_runs: Any = None


class CreateJobBody(JobChangesBody):
    """`POST jobs`: the pipeline (relative to the server root), the job's name, its fields."""

    pipeline: StrictStr
    name: StrictStr
