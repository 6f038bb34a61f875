"""The papermill engine steps run with, registered under `ENGINE_NAME`.

Its notebook client is papermill's, with hooks into the step being run (`StepHooks`):

- cells tagged with a skip tag stay unexecuted and unchanged (source, outputs, execution count),
- "cell i of n" is reported as each code cell starts, and the kernel's pid as soon as it runs,
- the kernel is launched with the step's environment and working directory (no process-wide
  chdir), forked by a zygote when the step allows it and the kernelspec is the standard
  ipykernel one of this Python (`zygote_provisioner`), else started the normal way,
- the client connects and finds the kernel ready without jupyter_client's fixed waits
  (`StepKernelClient`),
- the live copy of the output notebook is written at most every second, not at every cell's
  start and end,
- outputs beyond the step's output limit are dropped as they arrive (`output_limit`), and the
  values of secret environment variables are masked in them (`secret_masking`).
"""

from __future__ import annotations

import asyncio
import inspect
import time
import uuid
from collections.abc import Awaitable, Callable
from queue import Empty
from typing import Any, Protocol, TextIO

import nbformat
import zmq
import zmq.asyncio
from jupyter_client.asynchronous.client import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager, KernelManager
from nbclient.util import run_sync
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import Engine, papermill_engines
from papermill.log import logger as papermill_logger

from .output_limit import OutputBudget
from .secret_masking import SecretMask
from .zygote_provisioner import ZygoteProvisioner, zygote_launch

ENGINE_NAME = "runnable_jupyter"
KERNEL_START_TIMEOUT_S = 60
SHUTDOWN_POLL_S = 0.01
RECONNECT_IVL_MS = 10
KERNEL_INFO_WAIT_S = 1.0  # as jupyter_client: a kernel_info request is sent again after this
IOPUB_WAIT_S = 0.2  # as jupyter_client: iopub is taken as not connected yet after this


class StepHooks(Protocol):
    """What the notebook client needs from the step it runs."""

    kernel_launch: dict[str, Any]  # extra keyword arguments for launching the kernel
    kernel_preload: tuple[str, ...] | None  # fork the kernel from a zygote with these; None: no
    skipped: dict[int, Any]  # cell index -> the skipped cell's outputs and count, to put back
    output_budget: OutputBudget
    secret_mask: SecretMask

    def cell_starting(self, index: int) -> None: ...

    def kernel_started(self, pid: int) -> None: ...


class StepKernelClient(AsyncKernelClient):
    """jupyter_client's kernel client without two waits every step paid while its kernel
    started (~0.2 s each):

    - its sockets connect before the kernel listens, and zmq retries a refused connection after
      100-200 ms: here every `RECONNECT_IVL_MS`;
    - `wait_for_ready`, once the kernel answered kernel_info and iopub delivered a message,
      read iopub until nothing came for 0.2 s; here until the idle status of that request,
      after which nothing from the kernel is pending (0.2 s of silence still ends it, for a
      kernel that does not send that status).
    """

    def _context_default(self) -> zmq.asyncio.Context:
        context = super()._context_default()
        context.setsockopt(zmq.RECONNECT_IVL, RECONNECT_IVL_MS)  # every socket made from it
        return context

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            self.kernel_info()
            try:
                reply = await self.get_shell_msg(timeout=KERNEL_INFO_WAIT_S)
            except Empty:
                reply = None
            if reply is not None and reply["msg_type"] == "kernel_info_reply":
                if await self._iopub_drained(reply["parent_header"].get("msg_id")):
                    self._handle_kernel_info_reply(reply)
                    return
            if not await self.is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")

    async def _iopub_drained(self, request_id: str | None) -> bool:
        """Read iopub up to the idle status of `request_id`; False if nothing came (iopub is
        not connected yet: the caller asks again)."""
        received = False
        while True:
            try:
                msg = await self.get_iopub_msg(timeout=IOPUB_WAIT_S)
            except Empty:
                return received
            received = True
            if (
                msg["msg_type"] == "status"
                and msg["content"].get("execution_state") == "idle"
                and msg["parent_header"].get("msg_id") == request_id
            ):
                return True


class StepKernelManager(AsyncKernelManager):
    """jupyter_client's kernel manager with `StepKernelClient`, without the waits each step paid
    when its kernel started and stopped:

    - starting and shutting down a kernel are wrapped in jupyter_client's `in_pending_state`,
      which keeps the `ready` future and then sleeps 10 ms ("to ensure tests can capture the
      state"): here the same bookkeeping, without the sleep;
    - whether a kernel asked to shut down has exited is checked every `SHUTDOWN_POLL_S`, not
      every 0.1 s.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**{"client_class": f"{__name__}.StepKernelClient", **kwargs})

    # Coroutines as AsyncKernelManager's own, which mypy sees typed as KernelManager's.
    async def start_kernel(self, **kw: Any) -> None:  # type: ignore[override]
        await self._in_pending_state(inspect.unwrap(KernelManager._async_start_kernel), **kw)

    async def shutdown_kernel(self, now: bool = False, restart: bool = False) -> None:  # type: ignore[override]
        stop = inspect.unwrap(KernelManager._async_shutdown_kernel)
        await self._in_pending_state(stop, now=now, restart=restart)

    async def _in_pending_state(self, method: Callable[..., Awaitable[None]], **kw: Any) -> None:
        """`method` (undecorated) as jupyter_client's `in_pending_state` runs it, minus the
        sleep: a fresh `ready` future, resolved (or failed) when it returns."""
        if self._attempted_start or not self._ready:
            self._ready = asyncio.get_running_loop().create_future()
        try:
            await method(self, **kw)
        except Exception as exc:
            self._ready.set_exception(exc)
            self.log.exception(self._ready.exception())
            raise
        if self.owns_kernel:
            self._ready.set_result(None)

    async def _async_finish_shutdown(
        self,
        waittime: float | None = None,
        pollinterval: float = SHUTDOWN_POLL_S,
        restart: bool = False,
    ) -> None:
        await super()._async_finish_shutdown(waittime, pollinterval, restart)


class StepNotebookClient(PapermillNotebookClient):  # type: ignore[misc]  # papermill: untyped
    """papermill's notebook client with skip tags, progress and kernel-launch hooks."""

    def __init__(self, nb_man: Any, *, step: StepHooks, **kwargs: Any) -> None:
        super().__init__(nb_man, **kwargs)
        self.step = step

    async def async_start_new_kernel(self, **kwargs: Any) -> None:
        preload = self.step.kernel_preload
        if preload is not None and zygote_launch(self.km.kernel_spec.argv):
            self.km.kernel_id = self.km.kernel_id or str(uuid.uuid4())
            provisioner = ZygoteProvisioner(
                kernel_id=self.km.kernel_id, kernel_spec=self.km.kernel_spec, parent=self.km
            )
            provisioner.preload = preload
            self.km.provisioner = provisioner  # the manager keeps a provisioner it was given
        await super().async_start_new_kernel(**{**kwargs, **self.step.kernel_launch})
        pid = getattr(getattr(self.km, "provisioner", None), "pid", None)
        if pid is not None:
            self.step.kernel_started(pid)

    async def async_execute_cell(
        self,
        cell: Any,
        cell_index: int,
        execution_count: int | None = None,
        store_history: bool = True,
    ) -> Any:
        original = self.step.skipped.get(cell_index)
        if original is not None:
            # papermill cleared outputs when the run started: put the cell back as it was.
            cell.outputs = nbformat.from_dict(original["outputs"])  # type: ignore[no-untyped-call]
            cell.execution_count = original["execution_count"]
            return cell
        self.step.cell_starting(cell_index)
        return await super().async_execute_cell(cell, cell_index, execution_count, store_history)

    def output(
        self, outs: list[Any], msg: dict[str, Any], display_id: str | None, cell_index: int
    ) -> Any:
        budget = self.step.output_budget
        if self.clear_before_next_output:  # nbclient clears the cell's outputs before this one
            budget.cleared(cell_index)
        admitted = budget.admit(self.step.secret_mask.message(msg), cell_index)
        return None if admitted is None else super().output(outs, admitted, display_id, cell_index)

    def clear_output(self, outs: list[Any], msg: dict[str, Any], cell_index: int) -> None:
        super().clear_output(outs, msg, cell_index)
        if not outs:
            self.step.output_budget.cleared(cell_index)

    # nbclient builds its sync methods with run_sync at class creation: rebind the overrides.
    start_new_kernel = run_sync(async_start_new_kernel)
    execute_cell = run_sync(async_execute_cell)


LIVE_SAVE_INTERVAL_S = 1.0


def throttle_live_saves(nb_man: Any, interval_s: float = LIVE_SAVE_INTERVAL_S) -> None:
    """papermill writes the whole output notebook as every cell starts and as it ends (each
    write serializes and validates it: ~10-20 ms for a small notebook): keep that live copy at
    most `interval_s` old instead, and always write it when execution ends."""
    save = nb_man.save
    last = [float("-inf")]

    def live_save(**kwargs: Any) -> None:
        now = time.monotonic()
        if now - last[0] >= interval_s:
            last[0] = now
            save(**kwargs)

    def notebook_complete(complete: Any = nb_man.notebook_complete, **kwargs: Any) -> Any:
        nb_man.save = save
        return complete(**kwargs)

    nb_man.save = live_save
    nb_man.notebook_complete = notebook_complete


class StepEngine(Engine):  # type: ignore[misc]  # papermill: untyped
    """A papermill engine running `StepNotebookClient` (registered as `ENGINE_NAME`)."""

    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man: Any,
        kernel_name: str,
        *,
        step: StepHooks,
        log_output: bool = False,
        stdout_file: TextIO | None = None,
        stderr_file: TextIO | None = None,
        start_timeout: int = KERNEL_START_TIMEOUT_S,
        **_ignored: Any,
    ) -> Any:
        throttle_live_saves(nb_man)
        client = StepNotebookClient(
            nb_man,
            step=step,
            kernel_name=kernel_name,
            kernel_manager_class=StepKernelManager,
            log=papermill_logger,
            log_output=log_output,
            stdout_file=stdout_file,
            stderr_file=stderr_file,
            startup_timeout=start_timeout,
            timeout=None,  # the step's wall clock limit is enforced by KernelGuard
        )
        return client.execute()


papermill_engines.register(ENGINE_NAME, StepEngine)
