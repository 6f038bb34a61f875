"""What a step's notebook recorded through the notebook-side APIs while it ran: its catalog
accesses and its metrics, one JSON object a line in files the step's job names."""

from __future__ import annotations

import json
import logging
import os

from ..runlog.models import CatalogAccess, Metric

log = logging.getLogger(__name__)


def file_size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def read_metrics_log(path: str) -> list[Metric]:
    """The metrics a step logged (one JSON line each), skipping malformed lines."""
    found: list[Metric] = []
    try:
        with open(path, encoding="utf-8", errors="replace") as stream:
            lines = stream.read().splitlines()
    except OSError:
        return found
    for line in lines:
        try:
            found.append(Metric.model_validate_json(line))
        except ValueError as exc:
            log.warning("ignoring a malformed line in %s: %s", path, exc)
    return found


def read_access_log(path: str, offset: int = 0) -> tuple[list[CatalogAccess], list[CatalogAccess]]:
    """Catalog (reads, writes) recorded by the notebook API in `path` after byte `offset`."""
    reads: list[CatalogAccess] = []
    writes: list[CatalogAccess] = []
    try:
        with open(path, "rb") as stream:
            if offset > os.fstat(stream.fileno()).st_size:
                offset = 0  # the file was replaced
            stream.seek(offset)
            data = stream.read().decode("utf-8", "replace")
    except OSError:
        return reads, writes
    for line in data.splitlines():
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
            access = CatalogAccess.model_validate(
                {k: v for k, v in entry.items() if k in CatalogAccess.model_fields}
            )
        except ValueError as exc:
            log.warning("ignoring a malformed line in %s: %s", path, exc)
            continue
        {"read": reads, "write": writes}.get(entry.get("op"), []).append(access)
    return reads, writes
