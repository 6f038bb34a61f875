"""Signals for the long-running verbs (`run`, `exec-step`, `scheduler`), handled off the main
thread.

Python runs a signal's handler in the main thread between two bytecodes. A handler that sets a
`threading.Event` takes the event's lock, and when the main thread was interrupted while holding
that same lock (inside `wait()` or `clear()` of the event), the handler waits for it forever: the
process ignores the signal that was meant to stop it. Here the C-level handler only writes the
signal's number to a socket (`signal.set_wakeup_fd`) and a thread reading that socket calls the
callback, where taking locks is safe.
"""

from __future__ import annotations

import signal
import socket
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

_STOP_READING = b"\0"  # no signal has number 0


@contextmanager
def signals_call(
    signals: Iterable[signal.Signals], callback: Callable[[int], None]
) -> Iterator[None]:
    """While inside, each of `signals` calls `callback(signum)` on a helper thread instead of
    its default action. Must be entered from the main thread (as `signal.signal` requires)."""
    wanted = set(signals)
    reading, writing = socket.socketpair()
    writing.setblocking(False)  # the C handler must never block; a full buffer drops a byte
    try:
        previous_fd = signal.set_wakeup_fd(writing.fileno(), warn_on_full_buffer=False)
    except ValueError:  # not the main thread
        reading.close()
        writing.close()
        raise
    reader = threading.Thread(
        target=_read_signals, args=(reading, wanted, callback), name="signals", daemon=True
    )
    reader.start()
    previous = {sig: signal.signal(sig, _noop) for sig in wanted}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        signal.set_wakeup_fd(previous_fd)
        writing.send(_STOP_READING)
        reader.join(5.0)
        reading.close()
        writing.close()


def _noop(_signum: int, _frame: object) -> None:
    """The Python-level handler: replaces the default action; the reader does the work."""


def _read_signals(
    reading: socket.socket, wanted: set[signal.Signals], callback: Callable[[int], None]
) -> None:
    while True:
        data = reading.recv(64)
        if not data:
            return
        for signum in data:
            if signum == 0:
                return
            if signum in wanted:
                callback(signum)
