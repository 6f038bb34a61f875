"""The engine's one clock: timezone-aware UTC, as every run log and catalog record stores it."""

from __future__ import annotations

from datetime import datetime, timezone


def utcnow() -> datetime:
    return datetime.now(timezone.utc)
