"""The run log: one JSON document per run, the single source of truth about what ran.

Pydantic models with a schema version. `RunStore` in `store.py` persists them atomically.
"""

from __future__ import annotations

import os
import re
import secrets
from datetime import datetime
from enum import Enum
from typing import Any

from pydantic import BaseModel, Field

from ..clock import utcnow
from ..pipeline.graph import Mode

RUNLOG_SCHEMA_VERSION = 1
RUN_ID_PATTERN = r"^[0-9]{8}T[0-9]{6}-[0-9a-f]{6}$"


class RunStatus(str, Enum):
    pending = "pending"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"
    cancelled = "cancelled"
    interrupted = "interrupted"


class StepStatus(str, Enum):
    pending = "pending"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"
    upstream_failed = "upstream_failed"
    cancelled = "cancelled"
    cached = "cached"
    mocked = "mocked"  # did not execute: a mock's files stood in for its outputs
    not_selected = "not_selected"


FINISHED_STEP_STATUSES = frozenset(
    {
        StepStatus.succeeded,
        StepStatus.failed,
        StepStatus.upstream_failed,
        StepStatus.cancelled,
        StepStatus.cached,
        StepStatus.mocked,
        StepStatus.not_selected,
    }
)


def new_run_id(now: datetime | None = None) -> str:
    """Unique and sortable by time: `20261122T101500-3fa9c1`."""
    now = now or utcnow()
    return f"{now.strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(3)}"


class ErrorInfo(BaseModel):
    name: str
    message: str
    # As the kernel gave it: a notebook's traceback holds ANSI colour escapes (`plain_traceback`
    # has them removed); older run logs kept it plain.
    traceback: str = ""
    cell_index: int | None = None
    # The failing cell's first lines as the notebook holds them (`source_head`); None when the
    # error is not in a cell of the notebook, and in older run logs.
    cell_source: str | None = None

    @property
    def plain_traceback(self) -> str:
        return strip_ansi(self.traceback)


# The run log keeps this many lines of a failing cell: more than the views show (5), so that
# they know when to mark the source as cut.
CELL_SOURCE_LINES = 20


def source_head(source: str | list[str]) -> str | None:
    """A cell's first CELL_SOURCE_LINES lines (a notebook file may split a source in lines)."""
    text = "".join(source) if isinstance(source, list) else source
    lines = text.splitlines()[:CELL_SOURCE_LINES]
    return "\n".join(lines) if lines else None


# CSI sequences (colours, styles) and OSC sequences (e.g. hyperlinks) of terminal output.
_ANSI_ESCAPE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")


def strip_ansi(text: str) -> str:
    """`text` without terminal escape sequences."""
    return _ANSI_ESCAPE.sub("", text)


class CatalogAccess(BaseModel):
    name: str
    sha256: str
    size: int
    path: str = ""
    time: datetime = Field(default_factory=utcnow)


class Metric(BaseModel):
    """A number a step logged with `metrics.log` (`step`: its index on a curve)."""

    name: str
    value: float
    step: int | None = None
    time: datetime | None = None


class Attempt(BaseModel):
    number: int
    status: StepStatus = StepStatus.pending
    start: datetime | None = None
    end: datetime | None = None
    duration_s: float | None = None
    output_notebook: str | None = None
    log_file: str | None = None
    skipped_cells: list[int] = Field(default_factory=list)
    cell_progress: tuple[int, int] | None = None  # (current cell, number of code cells)
    # When the first code cell started: until then the kernel was starting (timelines).
    kernel_ready: datetime | None = None
    catalog_reads: list[CatalogAccess] = Field(default_factory=list)
    catalog_writes: list[CatalogAccess] = Field(default_factory=list)
    metrics: list[Metric] = Field(default_factory=list)
    error: ErrorInfo | None = None


class CachedFrom(BaseModel):
    """The earlier execution a `cached` step reused: its run and that step's attempt number."""

    run_id: str
    attempt: int


class StepRecord(BaseModel):
    id: str
    notebook: str
    status: StepStatus = StepStatus.pending
    source_sha256: str | None = None
    kernel: str | None = None
    parameters: dict[str, Any] = Field(default_factory=dict)
    # Environment variables as declared: values, or {"from_env": NAME} for a secret (never its
    # value: secrets are not written into run logs).
    env: dict[str, str | dict[str, str]] = Field(default_factory=dict)
    depends_on: list[str] = Field(default_factory=list)
    attempts: list[Attempt] = Field(default_factory=list)
    # What the step's result depends on (see caching.step_fingerprint); set when it runs or is
    # reused, so later runs with skip_unchanged can compare.
    fingerprint: str | None = None
    cached_from: CachedFrom | None = None  # set when the step was `cached` instead of run

    @property
    def last_attempt(self) -> Attempt | None:
        return self.attempts[-1] if self.attempts else None


class Environment(BaseModel):
    python: str = ""
    papermill: str = ""
    nbclient: str = ""
    runnable_jupyter: str = ""
    kernels: dict[str, str] = Field(default_factory=dict)  # kernel name -> language version
    git_commit: str | None = None
    git_dirty: bool | None = None
    hostname: str = Field(default_factory=lambda: os.uname().nodename)


class RunAttempt(BaseModel):
    """One execution pass over the run's steps: the first run or a retry."""

    number: int
    start: datetime | None = None
    end: datetime | None = None
    steps: list[str] = Field(default_factory=list)  # ids scheduled in this attempt


class AttemptTime(BaseModel):
    """When one attempt of a run ran (a `RunAttempt` without its steps), for listings."""

    number: int
    start: datetime | None = None
    end: datetime | None = None


class JobLink(BaseModel):
    """The job a run belongs to: the job's id (its name, unique per pipeline), the job run that
    started it (one per firing or manual run: every grid point of it), its grid point (the
    parameters the grid set) and, for a scheduled job run, the due time it fired for."""

    id: str
    job_run: str
    grid_point: dict[str, Any] = Field(default_factory=dict)
    due: datetime | None = None


class RunLog(BaseModel):
    schema_version: int = RUNLOG_SCHEMA_VERSION
    run_id: str
    pipeline: str  # path of the pipeline file as given (relative to the workspace root)
    pipeline_sha256: str
    pipeline_structure: dict[str, list[str]] = Field(default_factory=dict)  # id -> depends_on
    selection: list[str] = Field(default_factory=list)
    mode: Mode = Mode.all
    parameters: dict[str, Any] = Field(default_factory=dict)  # run overrides
    skip_unchanged: bool = False  # reuse unchanged steps' earlier results (retries keep it)
    status: RunStatus = RunStatus.pending
    start: datetime | None = None
    end: datetime | None = None
    attempts: list[RunAttempt] = Field(default_factory=list)
    environment: Environment = Field(default_factory=Environment)
    catalog_dir: str = ""
    # name -> sha256 of each catalog entry's version when the run started: what its steps read
    # unless their upstream wrote the name in this run (None: a run from before versions).
    catalog_pins: dict[str, str] | None = None
    rerun_of: str | None = None  # the run this one re-runs exactly (same inputs and parameters)
    mocks: dict[str, str] = Field(default_factory=dict)  # step id -> mock path (root-relative)
    job: JobLink | None = None  # the job run that started this run (None: not a job's run)
    # Its steps are executed by separate `exec-step` processes (an orchestrator such as Argo
    # drives it): no one process owns the run, so it never reads as interrupted.
    orchestrated: bool = False
    run_dir: str = ""
    steps: dict[str, StepRecord] = Field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for record in self.steps.values():
            out[record.status.value] = out.get(record.status.value, 0) + 1
        return out


class RunSummary(BaseModel):
    """A run in a listing (`GET runs`, `runnable-jupyter runs`): kept in the pipeline's run
    index, so listing never reads the run logs."""

    run_id: str
    status: RunStatus
    start: datetime | None = None
    end: datetime | None = None
    selection: list[str] = Field(default_factory=list)
    mode: Mode = Mode.all
    counts: dict[str, int] = Field(default_factory=dict)  # step status -> number of steps
    job: JobLink | None = None
    # When each attempt (the first run, each retry) ran: a run's time is their sum, not end -
    # start. Empty in summaries written before it was recorded.
    attempts: list[AttemptTime] = Field(default_factory=list)

    @classmethod
    def of(cls, log: RunLog) -> RunSummary:
        return cls(
            run_id=log.run_id,
            status=log.status,
            start=log.start,
            end=log.end,
            selection=list(log.selection),
            mode=log.mode,
            counts=log.counts(),
            job=log.job,
            attempts=[AttemptTime(number=a.number, start=a.start, end=a.end) for a in log.attempts],
        )
