"""`DaskConnection`: the `DaskExecutor`'s link to its cluster, and the shared-filesystem check.

It connects lazily to a scheduler address, or starts a `LocalCluster` (single-threaded worker
processes, stopped with the connection), and subscribes to the step topic and to the cluster's
worker removals. Only the executor's dispatcher thread calls it.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import dask_task
from .dask_task import MARKER_DIR, TOPIC, check_workspace
from .interface import StepJob

if TYPE_CHECKING:
    from distributed import Client, LocalCluster

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 30.0
CONNECT_RETRY_AFTER_S = 10.0  # a failed connection is reported again, not retried, this long
WORKSPACE_CHECK_KEEP_S = 30.0  # a run folder every worker saw is not checked again this soon
CLUSTER_TOPIC = "all"  # where the scheduler says that a worker was added or removed

EventHandler = Callable[[tuple[float, dict[str, Any]]], None]


class WorkspaceNotShared(RuntimeError):
    """A Dask worker does not see the workspace at the path the run uses."""


class SchedulerUnreachable(RuntimeError):
    """The Dask scheduler could not be reached (or the local cluster not started)."""


class DaskConnection:
    def __init__(
        self,
        scheduler_address: str | None,
        n_workers: int,
        on_step_event: EventHandler,
        on_cluster_event: EventHandler,
    ) -> None:
        self.scheduler_address = scheduler_address
        self.n_workers = n_workers  # of the LocalCluster
        self._on_step_event = on_step_event
        self._on_cluster_event = on_cluster_event
        self.client: Client | None = None  # None: not connected (yet, or any more)
        self._cluster: LocalCluster | None = None
        self._failure: tuple[float, str] | None = None  # (when, why): not retried soon
        self._checked: dict[str, float] = {}  # run folder -> when every worker saw it

    @property
    def where(self) -> str:
        if self.scheduler_address:
            return f"the Dask scheduler at {self.scheduler_address}"
        return "a local Dask cluster"

    def connected(self) -> Client:
        """The client, connecting first if needed; SchedulerUnreachable says why not."""
        if self.client is not None:
            return self.client
        if (
            self._failure is not None
            and time.monotonic() - self._failure[0] < CONNECT_RETRY_AFTER_S
        ):
            raise SchedulerUnreachable(self._failure[1])
        try:
            client = self._connect()
        except Exception as error:
            self.close()
            message = (
                f"could not connect to {self.where}: {error}. Start the scheduler "
                "(`dask scheduler`) and its workers, or check --scheduler-address / "
                "RunnableJupyterApp.dask_scheduler_address"
            )
            self._failure = (time.monotonic(), message)
            raise SchedulerUnreachable(message) from None
        client.subscribe_topic(TOPIC, self._on_step_event)
        client.subscribe_topic(CLUSTER_TOPIC, self._on_cluster_event)
        self.client = client
        return client

    def _connect(self) -> Client:
        from distributed import Client, LocalCluster

        if self.scheduler_address is not None:
            return Client(self.scheduler_address, timeout=CONNECT_TIMEOUT_S)
        import dask

        # Dask must not re-run a step whose worker died (the task refuses anyway); Ctrl-C is
        # the caller's, to cancel cleanly, not its workers' (`dask_task.dask_setup`).
        with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
            self._cluster = LocalCluster(
                n_workers=self.n_workers,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address=":0",  # any free port: several runs may start clusters
                preload=[dask_task.__name__],
            )
        return Client(self._cluster, timeout=CONNECT_TIMEOUT_S)

    def check_workspace(self, job: StepJob) -> None:
        """Every worker must see the run folder and pipeline at the paths the run uses: each
        reads a token file written here a moment ago. WorkspaceNotShared names those that
        cannot."""
        client = self.connected()
        run_dir = Path(job.log_file).parent
        checked = self._checked.get(str(run_dir))
        if checked is not None and time.monotonic() - checked < WORKSPACE_CHECK_KEEP_S:
            return
        token = secrets.token_hex(16)
        token_file = run_dir / MARKER_DIR / f"check-{token[:12]}.token"
        token_file.parent.mkdir(parents=True, exist_ok=True)
        token_file.write_text(token, encoding="utf-8")
        try:
            answers = client.run(
                check_workspace, str(token_file), token, job.pipeline_path, on_error="return"
            )
        finally:
            token_file.unlink(missing_ok=True)
            try:
                token_file.parent.rmdir()
            except OSError:  # claims of running steps are in it
                pass
        if not answers:
            raise WorkspaceNotShared(
                f"{self.where} has no workers: start some (`dask worker ADDRESS`) and retry"
            )
        problems = {w: str(a) if isinstance(a, BaseException) else a for w, a in answers.items()}
        blind = {worker: problem for worker, problem in sorted(problems.items()) if problem}
        if blind:
            listed = "; ".join(f"{worker} {problem}" for worker, problem in blind.items())
            raise WorkspaceNotShared(
                f"{len(blind)} of {len(answers)} Dask workers do not see the workspace: "
                f"{listed}. Every worker must mount the workspace (notebooks, catalog, runs "
                "folder) at the same path, on a shared filesystem"
            )
        self._checked[str(run_dir)] = time.monotonic()

    def close(self) -> None:
        client, cluster = self.client, self._cluster
        self.client = self._cluster = None
        if client is not None:  # else the scheduler still sends it events while it closes
            for topic in (TOPIC, CLUSTER_TOPIC):
                client.unsubscribe_topic(topic)
        for resource in (client, cluster):
            if resource is not None:
                try:
                    resource.close()
                except Exception:
                    log.exception("closing the Dask %s failed", type(resource).__name__)
