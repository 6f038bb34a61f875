"""Run one `StepJob` with papermill in a fresh kernel, in the current process.

Used by the worker processes of `local_executor`; also callable directly (tests, a future Dask
worker). The papermill flow is kept (load, parameterize, execute with an engine, raise for cell
errors, write the output notebook); runnable-jupyter plugs in through the engine of
`papermill_engine` (skip tags, progress, kernel launch).

Cancel and timeout work by stopping the kernel's process group (`kernel_guard`): nbclient then
sees a dead kernel and execution ends, never hangs.
"""

from __future__ import annotations

import copy
import logging
import subprocess
import tempfile
import traceback as traceback_module
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, TextIO

from nbclient.exceptions import DeadKernelError
from papermill.engines import papermill_engines
from papermill.exceptions import PapermillExecutionError
from papermill.execute import (
    prepare_notebook_metadata,
    raise_for_execution_errors,
    remove_error_markers,
)
from papermill.iorw import load_notebook_node, write_ipynb
from papermill.log import logger as papermill_logger
from papermill.parameterize import parameterize_notebook

from ..clock import utcnow
from ..runlog.models import CatalogAccess, ErrorInfo, StepStatus, source_head
from .interface import StepJob, StepProgress, StepResult
from .kernel_stopping import CancelSignal, KernelGuard, timeout_error
from .notebook_api_logs import file_size, read_access_log, read_metrics_log
from .output_limit import MB, OutputBudget
from .papermill_engine import ENGINE_NAME, KERNEL_START_TIMEOUT_S
from .secret_masking import SecretMask
from .step_preparation import (
    NBCLIENT_SKIP_TAG,
    check_kernel_and_language,
    code_cell_plan,
    kernel_environment,
    kernel_zygote_enabled,
    resolve_kernel_name,
)

if TYPE_CHECKING:
    from ..catalog.store import CatalogStore

log = logging.getLogger(__name__)


# ---------------------------------------------------------------------------- running a step


class _StepLogFormatter(logging.Formatter):
    """papermill's warnings in a step's log, as they concern the step: its "no cell with tag
    'parameters'" is how parameters reach such notebooks by design, so say what happened."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if "does not contain a cell with tag 'parameters'" in message:
            return (
                "[runnable-jupyter] parameters injected at the top: the notebook has no cell "
                "tagged 'parameters'"
            )
        return f"[papermill] {record.levelname}: {message}"


class _Stopped(Exception):
    """Cancelled or timed out before the notebook started."""


def execute_step(
    job: StepJob,
    report: Callable[[StepProgress], None],
    cancel_token: CancelSignal | None = None,
    *,
    on_kernel_start: Callable[[int], None] | None = None,
) -> StepResult:
    """Run `job` to completion and describe the outcome; never raises for a failing step.

    `report` receives a `StepProgress` as each code cell starts; `on_kernel_start` the kernel's
    pid (= its process group id) as soon as it runs. Setting `cancel_token` stops the kernel and
    the result is `cancelled`; `job.timeout_s` bounds the whole step (result: failed with
    TimeoutError). Relative to the source notebook: cells tagged with a `job.skip_tags` tag (and
    nbclient's own `skip-execution`) are not executed; indices in the result are source indices.
    """
    start = utcnow()
    guard = KernelGuard(cancel_token, job.timeout_s)
    access_offset = file_size(job.access_log)
    run = _StepRun(job, report, guard, on_kernel_start)
    status, error = StepStatus.succeeded, None
    try:
        run.execute()
    except Exception as exc:  # every failure becomes a result: the caller must survive the step
        status, error = run.masked(run.classify(exc))
    finally:
        guard.close()
        run.close(error)
    reads, writes = read_access_log(job.access_log, access_offset)
    metrics = read_metrics_log(job.metrics_log) if job.metrics_log else []
    writes += run.copied_out
    if status == StepStatus.succeeded and job.catalog_view:
        try:  # the step succeeded: its versions become the current ones
            run.catalog().promote(writes, job.run_id, job.step_id)
        except Exception as exc:
            status, error = run.masked(run.classify(exc))
    return StepResult(
        status=status,
        start=start,
        end=utcnow(),
        kernel_name=run.kernel_name,
        skipped_cells=sorted(i for i in map(run.source_index, run.skipped) if i is not None),
        catalog_reads=run.copied_in + reads,
        catalog_writes=writes,
        metrics=metrics,
        error=error,
    )


class _StepRun:
    """The stages of one step; attributes keep what the result needs even after a failure."""

    def __init__(
        self,
        job: StepJob,
        report: Callable[[StepProgress], None],
        guard: KernelGuard,
        on_kernel_start: Callable[[int], None] | None,
    ) -> None:
        self.job = job
        self.report = report
        self.guard = guard
        self.on_kernel_start = on_kernel_start
        self.kernel_name: str | None = None
        self.kernel_launch: dict[str, Any] = {}
        self.kernel_preload = tuple(job.preload) if kernel_zygote_enabled() else None
        self.skipped: dict[int, Any] = {}  # index -> the skipped cell's outputs, to put back
        self.output_budget = OutputBudget(job.output_limit_bytes)
        self.secret_mask = SecretMask([job.env[name] for name in job.secret_env if name in job.env])
        self.ordinal: dict[int, int] = {}  # index -> its number among the cells to execute
        self.current_cell: int | None = None
        self.copied_in: list[CatalogAccess] = []
        self.copied_out: list[CatalogAccess] = []
        self.log_stream: TextIO | None = None
        self._log_handler: logging.Handler | None = None
        self.kernel_stderr: BinaryIO | None = None
        self._source_index: list[int | None] = []
        self._sources: list[Any] = []  # each cell's source, as the notebook holds it

    def source_index(self, index: int | None) -> int | None:
        if index is None or not 0 <= index < len(self._source_index):
            return None
        return self._source_index[index]

    def execute(self) -> None:
        job = self.job
        self._stop_if_asked()
        self._open_log()
        nb = self._prepare_notebook()
        self.copied_in = self._catalog_in()
        # The kernel process's own stderr is kept aside: it explains a kernel that dies (e.g. at
        # start-up); its stdout only echoes what already reaches the log through the protocol.
        self.kernel_stderr = tempfile.TemporaryFile()
        self.kernel_launch = {"env": kernel_environment(job), "cwd": job.cwd}
        self.kernel_launch.update(stdout=subprocess.DEVNULL, stderr=self.kernel_stderr)
        self._stop_if_asked()
        nb = self._run_papermill(nb)
        raise_for_execution_errors(nb, job.output_notebook)  # sys.exit(0) is not an error
        write_ipynb(nb, job.output_notebook)
        self.copied_out = self._catalog_out()

    def _run_papermill(self, nb: Any) -> Any:
        """Papermill, tried once more when the kernel dies before its first cell: kernels
        starting at the same time in different workers can race for the same ports
        (jupyter_client picks free ports per process)."""
        for attempt in (1, 2):
            try:
                return papermill_engines.execute_notebook_with_engine(
                    ENGINE_NAME,
                    copy.deepcopy(nb),
                    kernel_name=self.kernel_name,
                    input_path=self.job.notebook,
                    output_path=self.job.output_notebook,
                    progress_bar=False,
                    log_output=False,
                    stdout_file=self.log_stream,
                    stderr_file=self.log_stream,
                    start_timeout=KERNEL_START_TIMEOUT_S,
                    step=self,
                )
            except Exception as exc:
                if attempt == 2 or not self._died_starting(exc):
                    raise
                retry = "the kernel died while starting: trying once more"
                log.warning("step %s: %s", self.job.step_id, retry)
                if self.log_stream is not None:
                    self.log_stream.write(f"[runnable-jupyter] {retry}\n")
        raise AssertionError("unreachable")

    def _died_starting(self, exc: Exception) -> bool:
        died = isinstance(exc, DeadKernelError) or (
            isinstance(exc, RuntimeError) and "Kernel died" in str(exc)
        )
        return died and self.current_cell is None and self.guard.reason is None

    def _stop_if_asked(self) -> None:
        self.guard.check()
        if self.guard.reason:
            raise _Stopped()

    def _open_log(self) -> None:
        for path in (self.job.output_notebook, self.job.log_file, self.job.access_log):
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        open(self.job.log_file, "w").close()  # this attempt's log; the writers below append
        self.log_stream = open(self.job.log_file, "a", encoding="utf-8")
        # papermill's and nbclient's warnings belong to this step: its log, not our stderr.
        self._log_handler = logging.StreamHandler(self.log_stream)
        self._log_handler.setLevel(logging.WARNING)
        self._log_handler.setFormatter(_StepLogFormatter())
        papermill_logger.addHandler(self._log_handler)

    def _prepare_notebook(self) -> Any:
        """The source, parameterized the papermill way; records the cell plan and index map."""
        nb = load_notebook_node(self.job.notebook)  # the source is only ever read
        original = {id(cell): index for index, cell in enumerate(nb.cells)}
        self._sources = [cell.get("source", "") for cell in nb.cells]
        self.kernel_name = resolve_kernel_name(self.job.kernel_name, nb)
        check_kernel_and_language(nb, self.kernel_name)
        nb = remove_error_markers(nb)
        if self.job.parameters:
            nb = parameterize_notebook(nb, self.job.parameters, kernel_name=self.kernel_name)
        nb = prepare_notebook_metadata(nb, self.job.notebook, self.job.output_notebook)
        self._source_index = [original.get(id(cell)) for cell in nb.cells]
        skip_tags = set(self.job.skip_tags) | {NBCLIENT_SKIP_TAG}
        self.skipped, executed = code_cell_plan(nb, skip_tags)
        self.ordinal = {index: number for number, index in enumerate(executed, 1)}
        return nb

    def close(self, error: ErrorInfo | None) -> None:
        if self._log_handler is not None:
            papermill_logger.removeHandler(self._log_handler)
        if self.kernel_stderr is not None:
            self.kernel_stderr.close()
        if self.log_stream is not None:
            if self.output_budget.reached:
                dropped_mb = self.output_budget.dropped / MB
                self.log_stream.write(
                    f"\n[runnable-jupyter] {dropped_mb:.1f} MB of output beyond the limit were "
                    "not kept\n"
                )
            if error is not None:
                where = f" in {cell_name(error.cell_index)}" if error.cell_index is not None else ""
                self.log_stream.write(
                    f"\n[runnable-jupyter] {error.name}{where}: {error.message}\n"
                )
            self.log_stream.close()

    def cell_starting(self, index: int) -> None:
        self.current_cell = index
        if index in self.ordinal:
            progress = StepProgress(
                self.job.run_id, self.job.step_id, self.ordinal[index], len(self.ordinal)
            )
            try:
                self.report(progress)
            except Exception:  # a broken progress listener must not fail the step
                log.exception("progress report failed")

    def kernel_started(self, pid: int) -> None:
        self.guard.kernel_started(pid)
        if self.on_kernel_start is not None:
            self.on_kernel_start(pid)

    def catalog(self) -> CatalogStore:
        """The catalog as this step sees it (its view, when the run gave one)."""
        from ..catalog.store import CatalogStore
        from ..catalog.views import CatalogView

        job = self.job
        view = CatalogView.load(Path(job.catalog_view)) if job.catalog_view else None
        return CatalogStore(Path(job.catalog_dir), view, run_id=job.run_id, step=job.step_id)

    def _catalog_in(self) -> list[CatalogAccess]:
        if not self.job.catalog_get:
            return []
        return self.catalog().copy_in(self.job.catalog_get, Path(self.job.cwd))

    def _catalog_out(self) -> list[CatalogAccess]:
        if not self.job.catalog_put:
            return []
        return self.catalog().copy_out(self.job.catalog_put, src_dir=Path(self.job.cwd))

    def _kernel_last_words(self, limit: int = 2000) -> str:
        """The end of the kernel process's stderr, without ipykernel's routine start-up lines."""
        if self.kernel_stderr is None:
            return ""
        self.kernel_stderr.seek(0)
        lines = self.kernel_stderr.read().decode("utf-8", "replace").splitlines()
        kept = [line for line in lines if not line.startswith("[IPKernelApp] WARNING")]
        return self.secret_mask.text("\n".join(kept).strip()[-limit:])

    def masked(
        self, outcome: tuple[StepStatus, ErrorInfo | None]
    ) -> tuple[StepStatus, ErrorInfo | None]:
        """The outcome with secret values masked in its error."""
        status, error = outcome
        return status, self.secret_mask.error(error) if error is not None else None

    def classify(self, exc: Exception) -> tuple[StepStatus, ErrorInfo | None]:
        """The result status and error for an exception raised while running the step, with
        the failing cell's first lines."""
        status, error = self._classify(exc)
        index = error.cell_index if error is not None else None
        if error is not None and index is not None and 0 <= index < len(self._sources):
            # The notebook's own cell, not the parameterized copy papermill ran.
            error = error.model_copy(update={"cell_source": source_head(self._sources[index])})
        return status, error

    def _classify(self, exc: Exception) -> tuple[StepStatus, ErrorInfo | None]:
        current = self.source_index(self.current_cell)
        if self.guard.reason == "cancelled":
            return StepStatus.cancelled, None
        if self.guard.reason == "timeout":
            return StepStatus.failed, timeout_error(
                self.job.step_id, self.job.timeout_s or 0, cell_index=current
            )
        if isinstance(exc, PapermillExecutionError):
            return StepStatus.failed, ErrorInfo(
                name=exc.ename,
                message=exc.evalue or f"{exc.ename} raised in cell [{exc.exec_count}]",
                traceback="\n".join(exc.traceback or []),  # coloured: the lab renders it
                cell_index=self.source_index(exc.cell_index),
            )
        trace = "".join(traceback_module.format_exception(exc))
        if isinstance(exc, DeadKernelError) or (
            isinstance(exc, RuntimeError) and "Kernel died" in str(exc)
        ):
            last_words = self._kernel_last_words()
            message = (
                f"kernel '{self.kernel_name}' died while starting"
                if self.current_cell is None
                else f"the kernel died while running {cell_name(current)} (it crashed, was killed, "
                "ran out of memory or exited with os._exit)"
            )
            if last_words:
                message += f"; its last words: {last_words.splitlines()[-1]}"
                trace = f"kernel stderr:\n{last_words}\n\n{trace}"
            return StepStatus.failed, ErrorInfo(
                name="DeadKernelError", message=message, traceback=trace, cell_index=current
            )
        message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
        return StepStatus.failed, ErrorInfo(
            name=type(exc).__name__, message=message, traceback=trace, cell_index=current
        )


def cell_name(source_index: int | None) -> str:
    """A cell of the step's notebook as people count it (from 1), or papermill's own cell."""
    return "the injected parameters cell" if source_index is None else f"cell {source_index + 1}"
