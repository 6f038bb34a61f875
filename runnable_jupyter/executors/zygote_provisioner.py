"""Kernels forked by a zygote, behind jupyter_client's provisioner interface.

`ZygoteProvisioner` is jupyter_client's `LocalProvisioner` (connection file, ports, kernelspec
environment, signals to the process group, clean-up) with one difference: `launch_kernel` asks
the process's zygote (`zygote_client`) to fork the kernel instead of running the kernelspec's
command, and the kernel is then handled through `ForkedKernel`, a `Popen` look-alike over its
pid. nbclient, papermill, the kernel guard and the worker see an ordinary kernel whose pid is
its process group.

`zygote_launch(spec_argv)` says whether a kernelspec can be forked: only the standard
`python -m ipykernel_launcher -f {connection_file}` of this interpreter; any other kernelspec
starts the normal way.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys
from collections.abc import Sequence
from typing import Any

import psutil
from jupyter_client.connect import KernelConnectionInfo
from jupyter_client.provisioning.local_provisioner import LocalProvisioner

from .zygote_client import ZygoteError, ZygoteKey, process_zygotes

log = logging.getLogger(__name__)

LAUNCHER_FORM = ["-m", "ipykernel_launcher", "-f", "{connection_file}"]
PYTHON_NAMES = {
    "python",
    f"python{sys.version_info.major}",
    f"python{sys.version_info.major}.{sys.version_info.minor}",
}


def zygote_launch(spec_argv: Sequence[str]) -> bool:
    """True for the standard ipykernel kernelspec of the Python running this process (what
    jupyter_client would start as `sys.executable -m ipykernel_launcher -f FILE`)."""
    if len(spec_argv) != 1 + len(LAUNCHER_FORM) or list(spec_argv[1:]) != LAUNCHER_FORM:
        return False
    python = spec_argv[0]
    return python in PYTHON_NAMES or python == sys.executable


class ForkedKernel:
    """The part of `subprocess.Popen` that `LocalProvisioner` uses, for a kernel that is the
    zygote's child, not ours: state comes from psutil, and the zygote reaps the exit status
    (reported as 0 after an exit, -SIGKILL when it was killed from here)."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        try:
            self._process: psutil.Process | None = psutil.Process(pid)
        except psutil.Error:
            self._process = None
            self.returncode = 0
        self._killed = False

    def poll(self) -> int | None:
        if self.returncode is None and not self._running():
            self.returncode = -signal.SIGKILL if self._killed else 0
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self._process is not None and self.returncode is None:
            try:
                self._process.wait(timeout)
            except psutil.TimeoutExpired:
                raise subprocess.TimeoutExpired(str(self.pid), timeout or 0) from None
            except psutil.Error:
                pass
        code = self.poll()
        return 0 if code is None else code

    def send_signal(self, signum: int) -> None:
        if self._process is not None and self._running():
            self._process.send_signal(signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self._killed = True
        self.send_signal(signal.SIGKILL)

    def _running(self) -> bool:
        if self._process is None:
            return False
        try:  # a zombie waits for the zygote to reap it: it has ended
            return self._process.status() != psutil.STATUS_ZOMBIE
        except psutil.Error:
            return False


def _stream_fd(value: Any, default: int) -> tuple[int, bool]:
    """(a file descriptor for a Popen-style stream argument, whether we opened it)."""
    if value is None:
        return default, False
    if value == subprocess.DEVNULL:
        return os.open(os.devnull, os.O_RDWR), True
    if isinstance(value, int):
        return value, False
    return value.fileno(), False


class ZygoteProvisioner(LocalProvisioner):
    """`LocalProvisioner`, the kernel forked by this process's zygote for `preload`."""

    preload: tuple[str, ...] = ()

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> KernelConnectionInfo:
        env: dict[str, str] = dict(kwargs.get("env") or os.environ)
        cwd = str(kwargs.get("cwd") or os.getcwd())
        zygote = await asyncio.to_thread(
            process_zygotes().get, ZygoteKey.of(env, self.preload), env
        )
        if zygote is None:  # it could not start (logged once): the normal way
            return await super().launch_kernel(cmd, **kwargs)
        env["JPY_PARENT_PID"] = str(zygote.pid)  # as launch_kernel sets it: the kernel's parent
        streams = [
            _stream_fd(kwargs.get("stdin", subprocess.DEVNULL), 0),
            _stream_fd(kwargs.get("stdout"), 1),
            _stream_fd(kwargs.get("stderr"), 2),
        ]
        try:
            launcher_args = cmd[3:]  # after `python -m ipykernel_launcher`: -f FILE, extras
            pid = await asyncio.to_thread(
                zygote.fork_kernel, launcher_args, env, cwd, [fd for fd, _ in streams]
            )
        except ZygoteError as exc:  # it died or hangs: this kernel starts the normal way
            log.warning("%s: starting the kernel the normal way", exc)
            process_zygotes().discard(zygote)
            return await super().launch_kernel(cmd, **kwargs)
        finally:
            for fd, opened in streams:
                if opened:
                    os.close(fd)
        self.process = ForkedKernel(pid)  # type: ignore[assignment]  # Popen's interface
        self.pid = self.pgid = pid  # the child called setsid
        self.cwd = cwd
        return self.connection_info
