"""The server extension application: configuration traitlets, the run manager, the routes.

One `RunManager` per server, rooted at the server's root_dir. At start-up, runs left `running`
by a server that died become `interrupted` (they can be retried); at shutdown, runs in progress
are cancelled and their kernels stopped. Run events go out on the server's event bus. The
scheduler loop of jobs (`jobs.scheduler`) starts with the extension and stops with it.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

from jupyter_server.extension.application import ExtensionApp
from traitlets import Bool, Float, Int, List, TraitError, Unicode, validate

from ..errors import PathOutsideRoot
from ..executors.choice import (
    ExecutorChoiceError,
    check_executor_name,
    check_scheduler_address,
    make_executor,
)
from ..jobs.model import DEFAULT_MAX_GRID_SIZE
from ..jobs.scheduler import DEFAULT_INTERVAL_S, Scheduler, SchedulerLoop
from ..jobs.service import JobService
from ..paths import resolve_inside
from ..pipeline.model import DEFAULT_OUTPUT_LIMIT_MB, MAX_OUTPUT_LIMIT_MB, MAX_TIMEOUT_S
from ..runs.events import RunEvent
from ..runs.index_watch import IndexWatcher, WatchLoop
from ..runs.manager import RunManager
from ..runs.retention import RetentionPolicy
from .events import EventForwarder
from .export_handlers import EXPORT_ROUTES
from .handlers import MANAGER_SETTING, BaseHandler, UnknownRouteHandler, VersionHandler
from .import_handlers import IMPORT_ROUTES
from .jobs_handlers import JOB_ROUTES, JOBS_SETTING, SCHEDULER_SETTING
from .run_artifacts import RunsFolderGuard
from .runs_handlers import RUN_ROUTES, WATCHER_SETTING

API_PREFIX = "runnable-jupyter/api"
ROUTES: list[tuple[str, type[BaseHandler]]] = [
    ("/version", VersionHandler),
    *RUN_ROUTES,
    *IMPORT_ROUTES,
    *EXPORT_ROUTES,
    *JOB_ROUTES,
]
UNKNOWN_ROUTE: tuple[str, type[BaseHandler]] = (f"/{API_PREFIX}/.*", UnknownRouteHandler)


class RunnableJupyterApp(ExtensionApp):
    name = "runnable_jupyter"
    # No page of its own: the lab extension is the user interface.
    load_other_extensions = True

    max_parallel = Int(
        None,
        allow_none=True,
        config=True,
        help="Most steps running at once, per run and in total (default: a pipeline's own "
        "settings.max_parallel, else the number of CPUs).",
    )
    skip_tags = List(
        Unicode(),
        default_value=None,
        allow_none=True,
        config=True,
        help="Cells carrying any of these tags are skipped in every pipeline run, replacing "
        "the pipelines' own settings.skip_tags (default: each pipeline's setting).",
    )
    catalog_root = Unicode(
        None,
        allow_none=True,
        config=True,
        help="Folder, relative to the server root, holding one catalog folder per pipeline "
        "(default: NAME.catalog next to each NAME.pipeline.json).",
    )
    runs_root = Unicode(
        None,
        allow_none=True,
        config=True,
        help="Folder, relative to the server root, holding one runs folder per pipeline "
        "(default: NAME.runs next to each NAME.pipeline.json).",
    )
    retention_keep_last = Int(
        None,
        allow_none=True,
        config=True,
        help="After each run, keep only the newest N finished runs of its pipeline (default: all; "
        "a pipeline's settings.retention wins). Runs in progress are never deleted.",
    )
    retention_keep_days = Float(
        None,
        allow_none=True,
        config=True,
        help="After each run, keep only the finished runs that ended less than D days ago "
        "(default: all; with retention_keep_last, a run either keeps is kept).",
    )
    default_timeout_s = Float(
        None,
        allow_none=True,
        config=True,
        help="Wall-clock limit in seconds for a step that sets no timeout_s (default: none).",
    )

    max_runs_per_pipeline = Int(
        None,
        allow_none=True,
        config=True,
        help="Most runs of one pipeline in progress at once; POST runs answers 409 "
        "run_in_progress above it (default: no limit).",
    )
    output_limit_mb = Float(
        DEFAULT_OUTPUT_LIMIT_MB,
        config=True,
        help="Most cell output, in MB, one step keeps in its executed notebook and log; output "
        "beyond it is dropped with a marker (a pipeline's settings.output_limit_mb wins).",
    )

    job_max_grid_size = Int(
        DEFAULT_MAX_GRID_SIZE,
        config=True,
        help="Most runs one job's parameter grid may make; a bigger grid is refused (job_invalid).",
    )
    scheduler_enabled = Bool(
        True,
        config=True,
        help="Run the workspace's scheduled jobs while the server runs (a due time fires once "
        "even beside `runnable-jupyter scheduler`).",
    )
    scheduler_interval_s = Float(
        DEFAULT_INTERVAL_S,
        config=True,
        help="The scheduler looks for new and changed jobs at least this often, in seconds.",
    )

    executor = Unicode(
        "local",
        config=True,
        help="Where steps run: 'local' (worker processes of this server), 'dask' (a "
        "dask.distributed cluster: dask_scheduler_address, else a LocalCluster started with the "
        "server; needs runnable-jupyter[dask]), or the import string of an Executor class "
        "(package.module:Class, called with max_workers=N).",
    )
    dask_scheduler_address = Unicode(
        None,
        allow_none=True,
        config=True,
        help="The Dask scheduler steps go to with executor = 'dask' (tcp://HOST:PORT; default: "
        "a LocalCluster started with the server). Every worker must see the server root at the "
        "same path.",
    )

    @validate("executor")
    def _known_executor(self, proposal: dict[str, Any]) -> str:
        try:
            return check_executor_name(proposal["value"])
        except ExecutorChoiceError as error:
            raise TraitError(f"RunnableJupyterApp.executor: {error}") from None

    @validate("dask_scheduler_address")
    def _scheduler_address(self, proposal: dict[str, Any]) -> str | None:
        value = proposal["value"]
        try:
            return check_scheduler_address(value) if value else None
        except ExecutorChoiceError as error:
            raise TraitError(f"RunnableJupyterApp.dask_scheduler_address: {error}") from None

    @validate("max_parallel", "max_runs_per_pipeline", "job_max_grid_size")
    def _positive_parallelism(self, proposal: dict[str, Any]) -> int | None:
        value = proposal["value"]
        if value is not None and value < 1:
            raise TraitError(f"{proposal['trait'].name} must be at least 1, not {value}")
        return value  # type: ignore[no-any-return]

    @validate("scheduler_interval_s")
    def _sensible_interval(self, proposal: dict[str, Any]) -> float:
        value = proposal["value"]
        if not 1 <= value <= 3600:
            raise TraitError(f"scheduler_interval_s must be from 1 to 3600 seconds, not {value}")
        return value  # type: ignore[no-any-return]

    @validate("default_timeout_s")
    def _positive_timeout(self, proposal: dict[str, Any]) -> float | None:
        value = proposal["value"]
        if value is not None and not 0 < value <= MAX_TIMEOUT_S:
            raise TraitError(
                f"default_timeout_s must be more than 0 and at most {MAX_TIMEOUT_S:.0f} seconds "
                f"(7 days), not {value}"
            )
        return value  # type: ignore[no-any-return]

    @validate("output_limit_mb")
    def _bounded_output_limit(self, proposal: dict[str, Any]) -> float:
        value = proposal["value"]
        if not 0 < value <= MAX_OUTPUT_LIMIT_MB:
            raise TraitError(
                f"output_limit_mb must be more than 0 and at most {MAX_OUTPUT_LIMIT_MB:.0f}, "
                f"not {value}"
            )
        return value  # type: ignore[no-any-return]

    @validate("retention_keep_last", "retention_keep_days")
    def _positive_retention(self, proposal: dict[str, Any]) -> float | None:
        value = proposal["value"]
        if value is not None and not value > 0:
            raise TraitError(f"{proposal['trait'].name} must be more than 0, not {value}")
        return value  # type: ignore[no-any-return]

    @validate("skip_tags")
    def _non_empty_tags(self, proposal: dict[str, Any]) -> list[str] | None:
        value = proposal["value"]
        if value is not None and not all(tag.strip() for tag in value):
            raise TraitError(f"skip_tags must not contain empty tags: {value!r}")
        return value  # type: ignore[no-any-return]

    def initialize_settings(self) -> None:
        # An extension is always loaded by a server, which always has an event logger.
        assert self.serverapp is not None and self.serverapp.event_logger is not None
        root = Path(self.serverapp.root_dir).resolve()
        self.event_forwarder = EventForwarder(
            self.serverapp.event_logger, self.serverapp.io_loop, self.log
        )
        self.event_forwarder.register_schema()
        runs_root = configured_folder(root, "runs_root", self.runs_root)
        RunsFolderGuard(runs_root.relative_to(root).as_posix() if runs_root else None).install(
            self.serverapp.contents_manager
        )
        if self.dask_scheduler_address and self.executor != "dask":
            self.log.warning(
                "runnable_jupyter: dask_scheduler_address is set but executor is %r: steps do "
                "not run on Dask (set RunnableJupyterApp.executor = 'dask')",
                self.executor,
            )
        # Connects (or starts its cluster) lazily: the server starts as fast as before.
        self.step_executor = make_executor(
            self.executor,
            max_workers=self.max_parallel or os.cpu_count() or 1,
            scheduler_address=self.dask_scheduler_address,
        )
        self.run_manager = RunManager(
            root=root,
            executor=self.step_executor,
            on_event=self._on_run_event,
            runs_root=runs_root,
            catalog_root=configured_folder(root, "catalog_root", self.catalog_root),
            max_parallel=self.max_parallel,
            skip_tags=self.skip_tags,
            default_timeout_s=self.default_timeout_s,
            default_output_limit_mb=self.output_limit_mb,
            max_runs_per_pipeline=self.max_runs_per_pipeline,
            retention=RetentionPolicy(self.retention_keep_last, self.retention_keep_days),
        )
        interrupted = self.run_manager.mark_interrupted()
        if interrupted:
            self.log.warning(
                "runnable_jupyter: %d run(s) were still running when the server stopped and "
                "are now 'interrupted' (retry them to finish): %s",
                len(interrupted),
                ", ".join(interrupted),
            )
        self.settings[MANAGER_SETTING] = self.run_manager
        # Runs other processes drive (the CLI, another server) send the same events.
        self.index_watcher = IndexWatcher(
            self.run_manager.locations, self.run_manager.drives, self.event_forwarder.forward
        )
        self.settings[WATCHER_SETTING] = self.index_watcher
        self.watch_loop = WatchLoop(self.index_watcher)
        self.watch_loop.start()
        self.job_service = JobService(self.run_manager, max_grid=self.job_max_grid_size)
        self.settings[JOBS_SETTING] = self.job_service
        self.scheduler_loop = SchedulerLoop(
            Scheduler(self.job_service), interval_s=self.scheduler_interval_s
        )
        self.settings[SCHEDULER_SETTING] = self.scheduler_loop
        if self.scheduler_enabled:
            self.scheduler_loop.start()

    def initialize_handlers(self) -> None:
        self.handlers.extend((f"/{API_PREFIX}{route}", handler) for route, handler in ROUTES)
        self.handlers.append(UNKNOWN_ROUTE)  # last: only what no route above matched

    def _on_run_event(self, event: RunEvent) -> None:
        """A run this server drives changed: tell the watcher (it does not repeat the event)."""
        watcher = getattr(self, "index_watcher", None)
        if watcher is not None:
            watcher.note(event)
        self.event_forwarder.forward(event)

    async def stop_extension(self) -> None:
        """Stop the scheduler, cancel job runs and runs in progress and stop their kernels
        before the server goes away."""
        loop = getattr(self, "scheduler_loop", None)
        if loop is not None:
            await asyncio.to_thread(loop.stop)
        watching = getattr(self, "watch_loop", None)
        if watching is not None:
            await asyncio.to_thread(watching.stop)
        jobs = getattr(self, "job_service", None)
        if jobs is not None:
            await asyncio.to_thread(jobs.runner.shutdown)
        manager = getattr(self, "run_manager", None)
        if manager is not None:
            await asyncio.to_thread(manager.shutdown)
        executor = getattr(self, "step_executor", None)
        if executor is not None:  # the manager stops only the local pool it made itself
            await asyncio.to_thread(executor.shutdown)
        forwarder = getattr(self, "event_forwarder", None)
        if forwarder is not None:
            forwarder.closed = True


def configured_folder(root: Path, trait: str, value: str | None) -> Path | None:
    """A folder from the configuration, confined to the server root like every other path."""
    if not value:
        return None
    candidate = Path(value).expanduser()
    try:
        if candidate.is_absolute():
            return resolve_inside(root, candidate.resolve().relative_to(root).as_posix())
        return resolve_inside(root, value)
    except (PathOutsideRoot, ValueError):
        raise TraitError(
            f"RunnableJupyterApp.{trait} = {value!r} is outside the server root {root}: "
            "give a folder inside the root (relative paths are taken from the root)"
        ) from None
