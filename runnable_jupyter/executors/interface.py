"""The executor interface: what the runner hands to an executor and what it gets back.

Everything here is a plain, picklable dataclass so that jobs and results can cross process
boundaries (local worker processes today, Dask workers tomorrow). The runner only knows this
interface; `local_executor.LocalProcessExecutor` is one implementation.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from ..runlog.models import CatalogAccess, ErrorInfo, Metric, StepStatus

# The kernel of a step whose pipeline step and notebook name none (papermill -k python3).
FALLBACK_KERNEL = "python3"


@dataclass
class StepJob:
    """Everything a worker needs to run one step. Paths are absolute."""

    run_id: str
    step_id: str
    notebook: str  # the source notebook: read, never written
    cwd: str  # the kernel's working directory (the notebook's folder)
    output_notebook: str
    log_file: str  # the step's stdout/stderr, written as it happens
    access_log: str  # JSON lines of catalog reads/writes made through the notebook API
    parameters: dict[str, Any] = field(default_factory=dict)  # already merged by the runner
    kernel_name: str | None = None  # None: the notebook's kernelspec, else FALLBACK_KERNEL
    skip_tags: list[str] = field(default_factory=list)
    timeout_s: float | None = None  # whole-step wall clock limit
    output_limit_bytes: int | None = None  # cell outputs kept at most (None: no limit)
    metrics_log: str = ""  # JSON lines of `metrics.log` calls ("" : metrics not recorded)
    env: dict[str, str] = field(default_factory=dict)  # set in the kernel (values resolved)
    secret_env: list[str] = field(default_factory=list)  # names in `env` whose values are masked
    catalog_dir: str = ""
    # The step's view of the catalog (file written by the run) and where its path() files go;
    # empty: no view, the step reads and writes the current versions (direct calls, tests).
    catalog_view: str = ""
    catalog_files: str = ""
    pipeline_path: str = ""
    catalog_get: list[str] = field(default_factory=list)  # globs copied in before the run
    catalog_put: list[str] = field(default_factory=list)  # globs copied out after success
    preload: list[str] = field(default_factory=list)  # modules the kernel zygote imports first


@dataclass
class StepProgress:
    """Sent as each code cell starts: "cell 3 of 12" (code cells that will be executed)."""

    run_id: str
    step_id: str
    cell: int
    cells: int


@dataclass
class StepResult:
    """The outcome of one step.

    `skipped_cells` and `error.cell_index` are indices into the SOURCE notebook's cell list (the
    notebook the user edits); `error.cell_index` is None when the failure was not in a cell of the
    source notebook (e.g. the injected parameters cell, or a failure before the kernel started).
    """

    status: StepStatus  # succeeded | failed | cancelled
    start: datetime
    end: datetime
    kernel_name: str | None = None
    skipped_cells: list[int] = field(default_factory=list)
    catalog_reads: list[CatalogAccess] = field(default_factory=list)
    catalog_writes: list[CatalogAccess] = field(default_factory=list)
    metrics: list[Metric] = field(default_factory=list)
    error: ErrorInfo | None = None


class Executor(Protocol):
    def submit(
        self, job: StepJob, on_progress: Callable[[StepProgress], None]
    ) -> Future[StepResult]:
        """Queue a job; the future resolves with its result (never with an exception)."""
        ...

    def cancel(self, run_id: str, step_id: str) -> None:
        """Stop the step: its kernel is stopped within 5 s and its result is `cancelled`."""
        ...

    def reserve(self, parallel: int) -> None:
        """A hint that up to `parallel` steps will run at once soon: get that capacity ready
        (start workers, scale a cluster) without blocking."""
        ...

    def shutdown(self) -> None:
        """Cancel everything and release all processes: no orphan kernels."""
        ...
