"""The kernel zygote's own program: a process that has imported ipykernel and forks kernels.

Run as a script (`python kernel_zygote.py FD [MODULE...]`, never imported by the engine) by
`zygote_client.KernelZygote`, in the environment the kernels will start with. It imports
ipykernel (and the modules named after FD, the pipeline's `settings.preload`), checks that no
thread was started, says "ready" on the Unix socket FD, then serves one request at a time:

    request  {"argv": [...], "env": {...}, "cwd": "..."} with 3 file descriptors (stdin,
             stdout, stderr of the kernel)
    answer   {"pid": N}, or {"error": "..."}

Each request forks a child that becomes exactly what `python -m ipykernel_launcher ARGV...`
would have been: a session of its own (setsid, so the kernel's pid is its process group), the
given standard streams, working directory, environment and `sys.path[0]`, then the launcher
run as `__main__`. The zygote's objects are frozen (`gc.freeze`) before each fork. The child
inherits only the imports; no thread, socket or kernel state exists before the fork. The zygote
reaps its children and exits when its socket closes (its owner ended, however), and the kernels
notice it gone (ipykernel's parent poller) and exit too.
Standard library only besides ipykernel and what every kernel imports while it starts
(`KERNEL_START_IMPORTS`): nothing else must be imported before the fork.
"""

import gc
import json
import os
import signal
import socket
import sys
import threading
from typing import Any

MAX_REQUEST_BYTES = 1 << 20  # an environment of up to 1 MB
# Modules every kernel imports while it starts, up to its first cell, beyond ipykernel.kernelapp
# (its connection file, shell, history, debugger, magics; listed from a kernel's sys.modules):
# imported once here instead of by each kernel, ~40 ms of CPU per kernel. Absent ones (other
# ipykernel or IPython versions) are skipped.
KERNEL_START_IMPORTS = (
    "ipykernel.debugger",
    "IPython.core.completerlib",
    "IPython.core.debugger",
    "IPython.core.logger",
    "IPython.core.oinspect",
    "IPython.extensions.storemagic",
    "IPython.utils.wildcard",
    "faulthandler",
    "pdb",
    "psutil",
    "sqlite3",
    "tornado.platform.asyncio",
)


def _reap_children(*_: object) -> None:
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _set_title(argv: list[str]) -> None:
    """`ps` and psutil show the kernel's command line, not the zygote's (when setproctitle is
    installed: a runtime dependency, but its absence only changes the title)."""
    try:
        import setproctitle
    except ImportError:
        return
    setproctitle.setproctitle(" ".join(argv))


def _become_kernel(request: dict[str, Any], fds: list[int], channel: socket.socket) -> None:
    """In the forked child: set up the process as the launcher would find it, run it; never
    returns."""
    code = 1
    try:
        # First: setproctitle needs the process's original environment block.
        _set_title([request["python"], "-m", "ipykernel_launcher", *request["argv"]])
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        channel.close()
        os.setsid()
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
        for fd in fds:
            if fd > 2:
                os.close(fd)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        # As `python -m`: the working directory first on sys.path (the launcher removes it and
        # IPython adds '' back).
        sys.path.insert(0, os.getcwd())
        import runpy

        sys.argv = ["ipykernel_launcher", *request["argv"]]
        runpy.run_module("ipykernel_launcher", run_name="__main__", alter_sys=True)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def _serve(channel: socket.socket) -> None:
    while True:
        try:
            data, fds, _flags, _addr = socket.recv_fds(channel, MAX_REQUEST_BYTES, 3)
        except OSError:
            return
        if not data:  # the owner closed its end (or ended)
            return
        try:
            request = json.loads(data)
            if len(fds) != 3:
                raise ValueError(f"expected 3 file descriptors, got {len(fds)}")
            sys.stdout.flush()
            sys.stderr.flush()
            # What the zygote imported moves to the GC's permanent generation: the kernel's
            # collections (its exit's above all: ~0.6 s to 0.1 s) never walk it again, and its
            # memory pages stay shared with the zygote instead of being copied on write.
            gc.freeze()
            pid = os.fork()
        except Exception as exc:
            answer: dict[str, Any] = {"error": f"{type(exc).__name__}: {exc}"}
        else:
            if pid == 0:
                _become_kernel(request, fds, channel)
            answer = {"pid": pid}
        for fd in fds:
            os.close(fd)
        try:
            channel.send(json.dumps(answer).encode())
        except OSError:
            return


def main() -> None:
    channel = socket.socket(fileno=int(sys.argv[1]))
    preload = sys.argv[2:]
    # Kernels poll for their parent, and ipykernel reads its pid from the environment at import.
    os.environ["JPY_PARENT_PID"] = str(os.getpid())
    try:
        import importlib

        import ipykernel.kernelapp  # noqa: F401

        for name in KERNEL_START_IMPORTS:
            try:
                importlib.import_module(name)
            except ImportError:
                pass
        for name in preload:
            importlib.import_module(name)
        if threading.active_count() != 1:
            names = ", ".join(t.name for t in threading.enumerate())
            raise RuntimeError(f"importing the preload modules started threads ({names})")
    except BaseException as exc:
        channel.send(json.dumps({"error": f"{type(exc).__name__}: {exc}"}).encode())
        raise SystemExit(1) from None
    signal.signal(signal.SIGCHLD, _reap_children)
    channel.send(b'{"ready": true}')
    _serve(channel)


if __name__ == "__main__":
    del sys.path[0]  # this file's folder: the kernels must not import its siblings by name
    main()
