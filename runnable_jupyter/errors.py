"""Domain errors. Each carries a stable `code`, a one-sentence message and JSON-able details.

The CLI prints `message`; the server maps `code` to an HTTP status in one place.
"""

from __future__ import annotations

from typing import Any


class RunnableError(Exception):
    code = "error"

    def __init__(self, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "details": self.details}


class PipelineInvalid(RunnableError):
    """Validation failed; `problems` lists every problem at once."""

    code = "pipeline_invalid"

    def __init__(self, path: str, problems: list[Any]) -> None:
        count = len(problems)
        super().__init__(
            f"{path} has {count} problem{'s' if count != 1 else ''}",
            [p.to_json() if hasattr(p, "to_json") else p for p in problems],
        )
        self.problems = problems


class JobInvalid(RunnableError):
    """A job document (`NAME.jobs/JOB.job.json`, or a request creating one) is invalid;
    `problems` lists every problem at once, each located by a JSON pointer into the job."""

    code = "job_invalid"

    def __init__(self, job: str, problems: list[Any]) -> None:
        count = len(problems)
        super().__init__(
            f"job {job} has {count} problem{'s' if count != 1 else ''}",
            [p.to_json() if hasattr(p, "to_json") else p for p in problems],
        )
        self.problems = problems


class JobNotFound(RunnableError):
    code = "job_not_found"


class JobExists(RunnableError):
    """Creating a job under a name the pipeline already has a job under."""

    code = "job_exists"


class PipelineNotFound(RunnableError):
    code = "pipeline_not_found"


class PathOutsideRoot(RunnableError):
    code = "path_outside_root"


class UnknownStep(RunnableError):
    code = "unknown_step"


class BadRequest(RunnableError):
    """A request that is malformed: bad mode, bad parameter, bad id."""

    code = "bad_request"


class InvalidPath(BadRequest):
    """A path no file can have: empty, a NUL, a name over 255 bytes, not encodable, a symlink
    loop. Answered like any bad request (400; exit 2 in the CLI)."""


class RunNotFound(RunnableError):
    code = "run_not_found"


class RunInProgress(RunnableError):
    code = "run_in_progress"


class StructureChanged(RunnableError):
    """Retry refused: the pipeline's steps or dependencies changed since the run."""

    code = "structure_changed"


class CatalogError(RunnableError):
    code = "catalog_error"


class EntryNotFound(RunnableError):
    """No such catalog entry, or no such version of it (`GET catalog/preview`)."""

    code = "entry_not_found"


class ServiceUnavailable(RunnableError):
    """The run manager is shutting down: it starts nothing new."""

    code = "shutting_down"


class MissingDependency(RunnableError):
    """An optional feature whose package is not installed (e.g. `export argo` without hera)."""

    code = "missing_dependency"
