"""The long-running verbs' signal handling (`cli.signals`): a signal reaches its callback even
when it interrupts the main thread inside the very lock the callback needs."""

from __future__ import annotations

import os
import signal
import threading

from runnable_jupyter.cli.signals import signals_call


def test_a_signal_sets_an_event_whose_lock_the_interrupted_main_thread_holds() -> None:
    # The scheduler's hang seen in CI: SIGTERM arrived while the main thread was inside
    # `Event.clear()`; a handler calling `Event.set()` then waited for that lock forever.
    event = threading.Event()
    with signals_call((signal.SIGUSR1,), lambda _signum: event.set()):
        # The lock `Event.clear()` and `Event.wait()` hold:
        with event._cond:  # type: ignore[attr-defined]
            os.kill(os.getpid(), signal.SIGUSR1)
            assert not event.is_set()  # the callback waits for the lock, not the main thread
        assert event.wait(10)


def test_each_signal_calls_back_with_its_number_and_others_keep_their_handlers() -> None:
    called: list[int] = []
    done = threading.Event()

    def callback(signum: int) -> None:
        called.append(signum)
        if len(called) == 2:
            done.set()

    usr2_before = signal.getsignal(signal.SIGUSR2)
    with signals_call((signal.SIGUSR1, signal.SIGTERM), callback):
        assert signal.getsignal(signal.SIGUSR2) is usr2_before
        os.kill(os.getpid(), signal.SIGUSR1)
        os.kill(os.getpid(), signal.SIGTERM)  # no default action: the process lives on
        assert done.wait(10)
    assert called == [signal.SIGUSR1, signal.SIGTERM]


def test_leaving_restores_the_handlers_and_the_wakeup_fd() -> None:
    term_before = signal.getsignal(signal.SIGTERM)
    with signals_call((signal.SIGTERM,), lambda _signum: None):
        assert signal.getsignal(signal.SIGTERM) is not term_before
    assert signal.getsignal(signal.SIGTERM) is term_before
    assert signal.set_wakeup_fd(-1) == -1  # none left behind


def test_entering_off_the_main_thread_is_refused_as_signal_handlers_are() -> None:
    errors: list[BaseException] = []

    def enter() -> None:
        try:
            with signals_call((signal.SIGUSR1,), lambda _signum: None):
                pass
        except ValueError as error:
            errors.append(error)

    thread = threading.Thread(target=enter)
    thread.start()
    thread.join(10)
    assert errors, "signal handling needs the main thread"
