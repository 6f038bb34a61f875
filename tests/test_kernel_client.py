"""The kernel client of a step (`StepKernelClient`): the kernel is ready once it has answered
kernel_info and iopub has delivered that request's idle status, not after iopub has been
silent for a while; its sockets retry a refused connection quickly (the kernel listens only
some time after it starts)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
import zmq
from helpers import write_notebook
from test_step_execution import make_job

from runnable_jupyter.executors.papermill_engine import RECONNECT_IVL_MS, StepKernelManager
from runnable_jupyter.executors.step_execution import execute_step
from runnable_jupyter.runlog.models import StepStatus

pytestmark = pytest.mark.timeout(180)

# An IPython startup file: from its start on, the kernel sends a stream message on iopub every
# 20 ms. A client waiting for iopub to fall silent before the first cell would wait forever.
CHATTER = """
import sys, threading, time

def chatter():
    while True:
        print("chatter", flush=True)
        time.sleep(0.02)

threading.Thread(target=chatter, daemon=True).start()
"""


def test_a_kernel_sending_output_from_its_start_runs_its_step(tmp_path: Path) -> None:
    ipython_dir = tmp_path / "ipython"
    startup = ipython_dir / "profile_default" / "startup"
    startup.mkdir(parents=True)
    (startup / "00-chatter.py").write_text(CHATTER)
    notebook = write_notebook(tmp_path / "work" / "talkative.ipynb", "print('the cell ran')")
    job = make_job(notebook, tmp_path / "out", env={"IPYTHONDIR": str(ipython_dir)}, timeout_s=60)

    result = execute_step(job, lambda _: None)

    assert result.status == StepStatus.succeeded, result.error
    log = Path(job.log_file).read_text()
    assert "the cell ran" in log


def test_step_kernel_client_sockets_retry_a_refused_connection_every_few_ms() -> None:
    client = StepKernelManager(kernel_name="python3").client()
    socket = client.context.socket(zmq.DEALER)  # as each of its channels makes its socket
    try:
        assert socket.getsockopt(zmq.RECONNECT_IVL) == RECONNECT_IVL_MS
    finally:
        socket.close(linger=0)
        client.context.destroy(linger=0)


def test_step_kernel_manager_resolves_ready_when_its_kernel_started_and_when_it_stopped() -> None:
    async def start_and_stop() -> tuple[bool, bool, bool]:
        manager = StepKernelManager(kernel_name="python3")
        await manager.start_kernel()
        started = manager.ready.done() and manager.ready.exception() is None
        alive = await manager.is_alive()
        await manager.shutdown_kernel()
        stopped = manager.ready.done() and not await manager.is_alive()
        return started, alive, stopped

    assert asyncio.run(start_and_stop()) == (True, True, True)
