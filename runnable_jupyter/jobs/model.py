"""The job file model: typed access to a `NAME.jobs/JOB.job.json` that passed validation.

`job.schema.json` is the single source of truth for the format; these pydantic models mirror
it. A job's id is its name (the file's stem), unique among the jobs of its pipeline; the folder
it lives in says which pipeline it runs. Validation with located messages is `validation.py`.
"""

from __future__ import annotations

import json
import re
from enum import Enum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ..pipeline.graph import Mode

CURRENT_VERSION = 1
JOB_SUFFIX = ".job.json"
JOBS_SUFFIX = ".jobs"
SCHEMA_PATH = Path(__file__).parent / "job.schema.json"
JOB_NAME_PATTERN = r"^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$"
DEFAULT_MAX_GRID_SIZE = 1000  # most runs one job run starts (server option job_max_grid_size)
DEFAULT_TIMEZONE = "UTC"

_JOB_NAME = re.compile(JOB_NAME_PATTERN)

# A grid as written: parameter sets, or value lists whose product is the grid.
Grid = list[dict[str, Any]] | dict[str, list[Any]]


class MissedPolicy(str, Enum):
    skip = "skip"  # due times that passed while no scheduler ran are not made up for
    run_once = "run_once"  # the job runs once, as soon as a scheduler runs, for all of them


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Schedule(_Strict):
    cron: str
    timezone: str = DEFAULT_TIMEZONE
    missed: MissedPolicy = MissedPolicy.skip


class Job(_Strict):
    version: int = CURRENT_VERSION
    description: str = ""
    steps: list[str] = Field(default_factory=list)
    mode: Mode = Mode.all
    parameters: dict[str, Any] = Field(default_factory=dict)
    grid: Grid | None = None  # None: one run with `parameters`
    schedule: Schedule | None = None
    paused: bool = False
    skip_unchanged: bool = False
    max_parallel_runs: int | None = None

    def to_json(self) -> dict[str, Any]:
        """The file content: defaults left out so that git diffs stay small."""
        return self.model_dump(mode="json", exclude_defaults=True, exclude_none=True) | {
            "version": self.version
        }


def is_job_name(name: Any) -> bool:
    return isinstance(name, str) and _JOB_NAME.fullmatch(name) is not None


def load_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema
