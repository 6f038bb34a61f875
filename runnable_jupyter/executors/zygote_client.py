"""`KernelZygote`: this process's handle on a kernel zygote (`kernel_zygote.py`), and the
zygotes of this process, one per way of starting Python.

A zygote is started in the environment its kernels will see at interpreter start-up (the
`PYTHON*` variables: PYTHONPATH decides `sys.path`), with the modules to preload; `zygote_for`
keeps one per such key, started on first use (`warm_up` starts one ahead). A zygote that
fails to start is remembered as failed: its steps use the normal launch, never wait on it twice.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import tempfile
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

ZYGOTE_PROGRAM = str(Path(__file__).with_name("kernel_zygote.py"))
ZYGOTE_READY_TIMEOUT_S = 60.0
FORK_TIMEOUT_S = 10.0
MAX_ZYGOTES = 4  # per process; beyond it the oldest is stopped

log = logging.getLogger(__name__)


class ZygoteError(RuntimeError):
    """The zygote could not start, or could not fork a kernel."""


@dataclass(frozen=True)
class ZygoteKey:
    """What makes two kernels startable from the same zygote."""

    python: str
    startup_env: tuple[tuple[str, str], ...]  # the PYTHON* variables, sorted
    preload: tuple[str, ...]

    @classmethod
    def of(cls, env: Mapping[str, str], preload: Sequence[str] = ()) -> ZygoteKey:
        startup = tuple(sorted((k, v) for k, v in env.items() if k.startswith("PYTHON")))
        return cls(sys.executable, startup, tuple(preload))


class KernelZygote:
    """A running zygote: `fork_kernel` asks it for a new kernel process; thread-safe."""

    def __init__(self, key: ZygoteKey, env: Mapping[str, str]) -> None:
        self.key = key
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self._channel = ours
        self._lock = threading.Lock()
        self._stderr: IO[bytes] = tempfile.TemporaryFile()
        zygote_env = {k: v for k, v in env.items() if not k.startswith("PYTHON")}
        zygote_env.update(key.startup_env)
        try:
            self.process = subprocess.Popen(
                [key.python, ZYGOTE_PROGRAM, str(theirs.fileno()), *key.preload],
                pass_fds=[theirs.fileno()],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=self._stderr,
                env=zygote_env,
                start_new_session=True,  # a Ctrl-C or group signal meant for us is not its
            )
        finally:
            theirs.close()
        self._ready: bool | None = None  # None until its first message
        self._failure = ""

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_ready(self, timeout_s: float = ZYGOTE_READY_TIMEOUT_S) -> None:
        """Block until the zygote has imported its modules; ZygoteError if it failed."""
        with self._lock:
            if self._ready is None:
                self._ready = False
                try:
                    answer = self._receive(timeout_s)
                except ZygoteError as exc:
                    self._failure = str(exc)
                else:
                    if answer.get("ready"):
                        self._ready = True
                    else:
                        self._failure = str(answer.get("error") or answer)
                if not self._ready:
                    self._stop_process()
            if not self._ready:
                raise ZygoteError(f"the kernel zygote did not start: {self._failure}")

    def fork_kernel(
        self, argv: list[str], env: Mapping[str, str], cwd: str, streams: Sequence[int]
    ) -> int:
        """A new kernel process (`python -m ipykernel_launcher *argv` in `cwd` with `env` and
        the file descriptors `streams` as stdin, stdout, stderr): its pid, = its pgid."""
        self.wait_ready()
        request = {"python": self.key.python, "argv": argv, "env": dict(env), "cwd": cwd}
        data = json.dumps(request).encode()
        with self._lock:
            try:
                socket.send_fds(self._channel, [data], list(streams))
            except OSError as exc:
                raise ZygoteError(f"the kernel zygote is gone ({exc})") from None
            answer = self._receive(FORK_TIMEOUT_S)
        if "pid" not in answer:
            raise ZygoteError(f"the kernel zygote could not fork a kernel: {answer.get('error')}")
        return int(answer["pid"])

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        """End the zygote (its kernels notice and end too; their owners stop them anyway)."""
        with self._lock:
            self._stop_process()

    def _stop_process(self) -> None:
        self._channel.close()  # the zygote exits on EOF
        try:
            self.process.wait(2.0)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._stderr.close()

    def _receive(self, timeout_s: float) -> dict[str, Any]:
        self._channel.settimeout(timeout_s)
        try:
            data = self._channel.recv(1 << 16)
        except (OSError, TimeoutError) as exc:
            data, reason = b"", f"no answer ({exc})"
        else:
            reason = "it exited"
        if not data:
            raise ZygoteError(f"{reason}; {self._last_words()}")
        answer: dict[str, Any] = json.loads(data)
        return answer

    def _last_words(self) -> str:
        try:
            self._stderr.seek(0)
            text = self._stderr.read().decode("utf-8", "replace").strip()
        except (OSError, ValueError):
            text = ""
        return f"its stderr: {text[-1000:]}" if text else "it wrote nothing on stderr"


class ZygoteRegistry:
    """The zygotes of this process, by key (thread-safe); stopped at exit."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._zygotes: dict[ZygoteKey, KernelZygote] = {}
        self._failed: dict[ZygoteKey, str] = {}

    def get(self, key: ZygoteKey, env: Mapping[str, str]) -> KernelZygote | None:
        """The running zygote for `key`, started if needed; None when it cannot start (logged
        once: that key's kernels start the normal way)."""
        with self._lock:
            if key in self._failed:
                return None
            zygote = self._zygotes.get(key)
            if zygote is not None and not zygote.alive():
                del self._zygotes[key]
                zygote = None
            if zygote is None:
                if len(self._zygotes) >= MAX_ZYGOTES:
                    oldest = next(iter(self._zygotes))
                    self._zygotes.pop(oldest).stop()
                try:
                    zygote = self._zygotes[key] = KernelZygote(key, env)
                except OSError as exc:  # e.g. out of processes
                    self._fail(key, f"the kernel zygote did not start: {exc}")
                    return None
        try:
            zygote.wait_ready()
        except ZygoteError as exc:
            with self._lock:
                self._fail(key, str(exc))
            return None
        return zygote

    def discard(self, zygote: KernelZygote) -> None:
        """Stop a zygote that failed to fork (a stopped or broken process): the next kernel of
        its key gets a new one."""
        with self._lock:
            if self._zygotes.get(zygote.key) is zygote:
                del self._zygotes[zygote.key]
        zygote.process.kill()
        zygote.stop()

    def warm_up(self, key: ZygoteKey, env: Mapping[str, str]) -> None:
        """Start the zygote for `key` now, without waiting for it to be ready."""
        with self._lock:
            if key not in self._zygotes and key not in self._failed:
                if len(self._zygotes) < MAX_ZYGOTES:
                    try:
                        self._zygotes[key] = KernelZygote(key, env)
                    except OSError as exc:
                        self._fail(key, f"the kernel zygote did not start: {exc}")

    def _fail(self, key: ZygoteKey, reason: str) -> None:
        """Remember (lock held) that `key`'s zygote cannot start: its kernels start normally."""
        log.warning("kernels start the normal way (slower): %s", reason)
        self._failed[key] = reason
        self._zygotes.pop(key, None)

    def stop_all(self) -> None:
        with self._lock:
            zygotes = list(self._zygotes.values())
            self._zygotes.clear()
        for zygote in zygotes:
            zygote.stop()


_registry = ZygoteRegistry()


def process_zygotes() -> ZygoteRegistry:
    """The zygotes of the current process."""
    return _registry


def after_fork_in_child() -> None:
    """A forked copy of this process must not share its parent's zygote sockets."""
    global _registry
    _registry = ZygoteRegistry()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=after_fork_in_child)
