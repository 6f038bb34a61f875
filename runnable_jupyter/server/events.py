"""Re-emitting the engine's `RunEvent`s on jupyter_server's event bus (jupyter_events).

The RunManager calls `on_event` from its background threads, but jupyter_events listeners are
coroutines scheduled on the server's event loop, so every event hops onto that loop first
(`IOLoop.add_callback` is the thread-safe way in; it keeps the events in order).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from jupyter_events import EventLogger
from tornado.ioloop import IOLoop

from ..runs.events import RunEvent

RUN_STATUS_SCHEMA_ID = "https://events.runnable-jupyter.org/run-status"
RUN_STATUS_SCHEMA_VERSION = 1
RUN_STATUS_SCHEMA_PATH = Path(__file__).resolve().parent.parent / "events" / "run-status.yaml"
ERROR_TEXT_LIMIT = 500


def event_data(event: RunEvent) -> dict[str, Any]:
    """The event as the run-status schema describes it (no nulls: "" and 0 stand for none)."""
    return {
        "pipeline": event.pipeline,
        "run_id": event.run_id,
        "kind": event.kind,
        "step_id": event.step_id or "",
        "status": event.status or "",
        "cell": event.cell or 0,
        "cells": event.cells or 0,
        "error_name": (event.error_name or "")[:ERROR_TEXT_LIMIT],
        "error_message": (event.error_message or "")[:ERROR_TEXT_LIMIT],
    }


class EventForwarder:
    """Forwards RunEvents from any thread to the server's event bus, on the server's loop."""

    def __init__(self, event_logger: EventLogger, io_loop: IOLoop, log: logging.Logger) -> None:
        self.event_logger = event_logger
        self.io_loop = io_loop
        self.log = log
        self.closed = False

    def register_schema(self) -> None:
        if RUN_STATUS_SCHEMA_ID not in self.event_logger.schemas:
            self.event_logger.register_event_schema(RUN_STATUS_SCHEMA_PATH)

    def forward(self, event: RunEvent) -> None:
        """Called by the RunManager (from its threads): schedule the emit on the event loop."""
        if self.closed:
            return
        data = event_data(event)
        try:
            self.io_loop.add_callback(self._emit, data)
        except RuntimeError:  # the loop is already closed: the server is gone, nobody listens
            self.log.debug("run event dropped after the event loop closed: %s", data)

    def _emit(self, data: dict[str, Any]) -> None:
        try:
            self.event_logger.emit(schema_id=RUN_STATUS_SCHEMA_ID, data=data)
        except Exception:  # an invalid event must not break the loop; the run log stays right
            self.log.exception("could not emit run event %s", data)
