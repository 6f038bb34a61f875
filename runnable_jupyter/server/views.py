"""What the REST API answers: run logs with root-relative paths, run summaries, step log chunks.

The engine records absolute paths; the UI opens files through the contents API, which wants
paths relative to the server root, and the server should not show where its root lives. A
recorded path outside the root (a run made elsewhere, then moved) is answered as null.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path, PurePath
from typing import Any

from ..errors import BadRequest, UnknownStep
from ..pipeline.model import load_schema
from ..runlog.models import FINISHED_STEP_STATUSES, RunLog
from .confinement import confine

STEP_ID_PATTERN: str = load_schema()["$defs"]["step"]["properties"]["id"]["pattern"]
LOG_CHUNK_BYTES = 1 << 20  # one answer carries at most this much of a step's output
_STEP_ID = re.compile(STEP_ID_PATTERN)


def check_step_id(step_id: str) -> str:
    """Refuse anything that is not a step id before it is used to look anything up."""
    if not _STEP_ID.fullmatch(step_id):
        raise BadRequest(
            f"'{step_id}' is not a step id: step ids use letters, digits, '_' and '-'",
            {"step_id": step_id},
        )
    return step_id


def relative_path(root: Path, path: str | None) -> str | None:
    if not path:
        return None
    try:
        return PurePath(path).relative_to(root).as_posix()
    except ValueError:
        return None


def run_log_json(log: RunLog, root: Path) -> dict[str, Any]:
    """The run log as JSON, every recorded file path relative to `root`."""
    data = log.model_dump(mode="json")
    data["run_dir"] = relative_path(root, log.run_dir)
    data["catalog_dir"] = relative_path(root, log.catalog_dir)
    for step in data["steps"].values():
        for attempt in step["attempts"]:
            attempt["output_notebook"] = relative_path(root, attempt["output_notebook"])
            attempt["log_file"] = relative_path(root, attempt["log_file"])
            for access in attempt["catalog_reads"] + attempt["catalog_writes"]:
                access["path"] = relative_path(root, access["path"])
    return data


def step_log_chunk(log: RunLog, step_id: str, offset: int, root: Path) -> dict[str, Any]:
    """The step's output (its latest attempt) from byte `offset` on.

    `offset` in the answer is where to continue; `complete` says the step has finished and
    everything it wrote was returned. A chunk never ends inside a UTF-8 character.
    """
    record = log.steps.get(check_step_id(step_id))
    if record is None:
        raise UnknownStep(
            f"run {log.run_id} has no step '{step_id}': its steps are {', '.join(log.steps)}",
            {"step_id": step_id, "valid": list(log.steps)},
        )
    finished = record.status in FINISHED_STEP_STATUSES
    attempt = record.last_attempt
    relative = relative_path(root, attempt.log_file if attempt else None)
    if relative is None:  # never started (or recorded elsewhere): nothing to show
        return {"text": "", "offset": 0, "complete": finished}
    # allow_hidden: the run's own folder was already checked when the run was looked up.
    path = confine(root, relative, allow_hidden=True, what="step log")
    try:
        with open(path, "rb") as stream:
            size = stream.seek(0, 2)
            start = min(offset, size)
            stream.seek(start)
            chunk = stream.read(LOG_CHUNK_BYTES)
    except FileNotFoundError:  # the worker has not created it yet
        return {"text": "", "offset": 0, "complete": finished}
    at_end = start + len(chunk) >= size
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    text = decoder.decode(chunk, final=finished and at_end)
    held_back = len(decoder.getstate()[0])  # an incomplete character waits for the next call
    return {
        "text": text,
        "offset": start + len(chunk) - held_back,
        "complete": finished and at_end,
    }
