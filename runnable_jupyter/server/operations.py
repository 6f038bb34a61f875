"""What each REST call does, as plain blocking functions over the engine.

Handlers run these in a worker thread (they read files, validate, walk folders), so the event
loop never waits on the disk. Each function checks everything the request names (paths
confined to the root, hidden files, id patterns) before the engine touches the file system,
and the engine itself validates before it writes: a refused request changes nothing.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..catalog.listing import catalog_entries, run_catalog
from ..catalog.preview import find_version, preview
from ..catalog.version_store import VersionStore
from ..errors import BadRequest, PathOutsideRoot, PipelineInvalid, RunNotFound
from ..jobs.validation import check_job_name
from ..json_documents import load_json
from ..pipeline.migrations import migrate
from ..pipeline.validation import load_pipeline, validate_document, validate_file
from ..runlog.models import RunLog
from ..runlog.store import check_run_id
from ..runs.comparison import MAX_COMPARED, compare_runs
from ..runs.declared_parameters import declared_parameters
from ..runs.manager import RunManager
from .bodies import RetryBody, StartRunBody, ValidateBody
from .confinement import (
    HiddenPath,
    confine,
    hidden_component,
    hidden_path_problems,
    hidden_problems_of_file,
)
from .views import check_step_id, run_log_json, step_log_chunk


@dataclass(frozen=True)
class Workspace:
    """The server's run manager and the server's rules for paths, as one request sees them."""

    manager: RunManager
    allow_hidden: bool

    @property
    def root(self) -> Path:
        return self.manager.root

    def confine(self, user_path: Any, what: str, base: Path | None = None) -> Path:
        return confine(self.root, user_path, allow_hidden=self.allow_hidden, what=what, base=base)

    def relative(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix() or "."


# --- pipelines ---------------------------------------------------------------------------------


def validate(ws: Workspace, body: ValidateBody) -> dict[str, Any]:
    if (body.pipeline is None) == (body.content is None):
        raise BadRequest(
            "give either 'pipeline' (a pipeline file) or 'content' (a pipeline document, with "
            "'base', the folder it would live in), not both or neither"
        )
    if body.pipeline is not None:
        path = ws.confine(body.pipeline, "pipeline")
        problems = validate_file(path, ws.root)  # raises PipelineNotFound for a missing file
        document = _migrated(_read_json(path))
        base = path.parent
    else:
        base = ws.root if body.base in ("", ".") else ws.confine(body.base, "base folder")
        if not base.is_dir():
            raise BadRequest(f"base folder '{body.base}' does not exist", {"base": body.base})
        problems = validate_document(body.content, base, ws.root)
        document = _migrated(body.content)
    if not ws.allow_hidden and document is not None:
        hidden = hidden_path_problems(document, base, ws.root)
        problems = problems + [problem for problem in hidden if problem not in problems]
    return {
        "valid": not problems,
        "errors": [problem.to_json() for problem in problems],
        "pipeline": document,
    }


def _read_json(path: Path) -> Any:
    try:
        return load_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _migrated(document: Any) -> Any:
    """The document in the current format, or None when it cannot be (not an object, newer)."""
    if not isinstance(document, dict):
        return None
    try:
        return migrate(document)
    except PipelineInvalid:
        return None


def _refuse_hidden_files_named_by(ws: Workspace, pipeline_path: Path) -> None:
    if ws.allow_hidden:
        return
    problems = hidden_problems_of_file(pipeline_path, ws.root)
    if problems:
        raise PipelineInvalid(ws.relative(pipeline_path), problems)


def parameters(ws: Workspace, pipeline: str | None) -> dict[str, Any]:
    """The parameters the pipeline's notebooks declare, typed (`runs.declared_parameters`)."""
    if pipeline is None:
        raise BadRequest("say which pipeline's parameters: GET parameters?pipeline=<path>")
    path = ws.confine(pipeline, "pipeline")
    _refuse_hidden_files_named_by(ws, path)
    model = load_pipeline(path, ws.root)
    return {"pipeline": ws.relative(path)} | declared_parameters(ws.root, path, model)


# --- runs ----------------------------------------------------------------------------------------


def start_run(ws: Workspace, body: StartRunBody) -> dict[str, Any]:
    path = ws.confine(body.pipeline, "pipeline")
    _refuse_hidden_files_named_by(ws, path)
    log = ws.manager.start(
        ws.relative(path),
        steps=body.steps,
        mode=body.mode,
        parameters=body.parameters,
        skip_unchanged=body.skip_unchanged,
        rerun_of=body.rerun_of,
        mocks={step: str(ws.confine(path, "mock")) for step, path in body.mocks.items()},
    )
    return {"run_id": log.run_id, "run": run_log_json(log, ws.root)}


def catalog(
    ws: Workspace, pipeline: str | None, name: str | None = None, run: str | None = None
) -> dict[str, Any]:
    """The pipeline's catalog entries with their versions (or only `name`); with `run`, only
    what that run pinned, read and wrote, and which."""
    if pipeline is None:
        raise BadRequest("say which pipeline's catalog to list: GET catalog?pipeline=<path>")
    path = ws.confine(pipeline, "pipeline")
    _refuse_hidden_files_named_by(ws, path)
    relative = ws.relative(path)
    folder = ws.manager.catalog_dir(relative)
    entries = catalog_entries(folder, name)
    if run is None:
        return {"entries": entries, "run": None}
    if not ws.manager.is_run_of(relative, check_run_id(run)):
        raise RunNotFound(f"{relative} has no run {run}", {"run_id": run})
    used = run_catalog(folder, run) or {}
    return {"entries": [e for e in entries if e["name"] in used], "run": used}


def catalog_preview(
    ws: Workspace, pipeline: str | None, name: str | None, sha256: str | None = None
) -> dict[str, Any]:
    """A preview of one version of a catalog entry (`sha256`, else the current, else the
    newest): a table's head, an image, JSON or text; never an unpickled object."""
    if pipeline is None or name is None:
        raise BadRequest(
            "say which entry to preview: GET catalog/preview?pipeline=<path>&name=<entry>"
            "[&sha256=<version>]"
        )
    path = ws.confine(pipeline, "pipeline")
    _refuse_hidden_files_named_by(ws, path)
    folder = ws.manager.catalog_dir(ws.relative(path))
    record = find_version(folder, name, sha256)
    content = VersionStore(folder).object_path(str(record["sha256"]))
    if not content.resolve().is_relative_to(ws.root):  # a catalog folder linked out of the root
        raise PathOutsideRoot(
            f"the catalog of {ws.relative(path)} leads out of the server root",
            {"pipeline": pipeline},
        )
    return preview(content, record)


MAX_LIST_LIMIT = 1000


def list_runs(
    ws: Workspace,
    pipeline: str | None,
    limit: str | None = None,
    before: str | None = None,
    job: str | None = None,
) -> dict[str, Any]:
    """A page of the pipeline's runs, newest first: those after the run `before` (a cursor: the
    previous page's `next`), at most `limit`, only the job's with `job`; `next` is null on the
    last page."""
    if pipeline is None:
        raise BadRequest("say which pipeline's runs to list: GET runs?pipeline=<path>")
    size = _limit(limit)
    if before is not None:
        check_run_id(before)
    if job is not None:
        check_job_name(job)
    path = ws.confine(pipeline, "pipeline")
    page = ws.manager.list_runs(ws.relative(path), limit=size, before=before, job=job)
    return {"runs": [summary.model_dump(mode="json") for summary in page.runs], "next": page.next}


def _query_count(name: str, value: str | None, meaning: str, low: int, high: int) -> int | None:
    """A whole-number query argument from `low` to `high`; None when absent."""
    if value is None or value == "":
        return None
    # ASCII digits only: "²".isdigit() is True, and int("²") fails. No more digits than `high`
    # has: int() refuses over 4300 of them (that was a 500), and more are out of range anyway.
    digits = value.lstrip("0") or "0"
    if (
        not (value.isascii() and value.isdigit())
        or len(digits) > len(str(high))
        or not low <= int(digits) <= high
    ):
        shown = value if len(value) <= 40 else value[:37] + "..."
        raise BadRequest(f"{name} must be {meaning}, not '{shown}'", {name: shown})
    return int(digits)


def _limit(value: str | None) -> int | None:
    return _query_count(
        "limit", value, f"a whole number from 1 to {MAX_LIST_LIMIT}", 1, MAX_LIST_LIMIT
    )


def _visible_run(ws: Workspace, run_id: str) -> RunLog:
    log = ws.manager.get(check_run_id(run_id))
    if not ws.allow_hidden:
        hidden = hidden_component(ws.root, ws.root, log.pipeline)
        if hidden is not None:
            raise HiddenPath(
                f"run {run_id} belongs to the hidden pipeline {log.pipeline} and this server "
                "does not serve hidden files",
                {"run_id": run_id, "hidden": hidden},
            )
    return log


def get_run(ws: Workspace, run_id: str) -> dict[str, Any]:
    return run_log_json(_visible_run(ws, run_id), ws.root)


def step_log(ws: Workspace, run_id: str, step_id: str, offset: str | None) -> dict[str, Any]:
    check_run_id(run_id)
    check_step_id(step_id)
    start = _offset(offset)
    return step_log_chunk(_visible_run(ws, run_id), step_id, start, ws.root)


def _offset(value: str | None) -> int:
    count = _query_count("offset", value, "a byte count (0, 1, 2, ...)", 0, sys.maxsize)
    return count or 0


def cancel_run(ws: Workspace, run_id: str) -> dict[str, Any]:
    _visible_run(ws, run_id)
    ws.manager.cancel(run_id)
    return {"run_id": run_id}


def retry_run(ws: Workspace, run_id: str, body: RetryBody) -> dict[str, Any]:
    log = _visible_run(ws, run_id)
    _refuse_hidden_files_named_by(ws, ws.confine(log.pipeline, "pipeline"))
    retried = ws.manager.retry(run_id, force=body.force)
    return {"run_id": run_id, "attempt": retried.attempts[-1].number}


def compare(ws: Workspace, pipeline: str | None, run_ids: list[str]) -> dict[str, Any]:
    """What differs between runs of the pipeline (`runs.comparison`)."""
    if pipeline is None:
        raise BadRequest("say which pipeline's runs to compare: GET compare?pipeline=<path>")
    path = ws.confine(pipeline, "pipeline")
    _refuse_hidden_files_named_by(ws, path)
    relative = ws.relative(path)
    if not 2 <= len(run_ids) <= MAX_COMPARED:
        raise BadRequest(
            f"compare 2 to {MAX_COMPARED} runs: repeat run=RUN_ID, not {len(run_ids)} of them"
        )
    logs = []
    for run_id in run_ids:
        if not ws.manager.is_run_of(relative, check_run_id(run_id)):
            raise RunNotFound(f"{relative} has no run {run_id}", {"run_id": run_id})
        logs.append(ws.manager.get(run_id))
    return compare_runs(logs)
