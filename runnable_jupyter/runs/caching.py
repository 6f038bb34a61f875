"""Skipping unchanged steps: when an earlier execution of a step can stand in for running it.

A step's *fingerprint* covers what its result depends on besides the catalog: the source
notebook's content, its resolved parameters, its kernel, the skip tags, its declarative
catalog globs and its environment variables as declared (not its timeout: a limit does not
change what a successful run produced). A step ready to run in a `skip_unchanged` run is
`cached` instead when

1. an earlier run of the pipeline executed it successfully with the same fingerprint (a `cached`
   record counts as the execution it reused),
2. every catalog entry that execution read is, in this step's view of the catalog, the version
   it read, and every version it wrote is still stored, of an entry still in the catalog (its
   file was not deleted to force a new run): inputs unchanged, outputs intact,
3. none of its dependencies executed in this run: notebooks may also read and write files
   outside the catalog, so anything upstream that really ran makes the step run too.

A cached step stands for that execution: its attempt carries the execution's reads and writes,
so what runs downstream reads the versions it produced. Functions over run logs and the
catalog's versions only (no threads, no executor).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..catalog.store import CatalogStore
from ..catalog.views import CatalogView
from ..runlog.models import Attempt, CachedFrom, RunLog, StepRecord, StepStatus
from ..runlog.store import RunStore

FINGERPRINT_VERSION = 1  # bump when the fingerprint's content changes: old records stop matching


def step_fingerprint(
    *,
    source_sha256: str | None,
    parameters: Mapping[str, Any],
    kernel: str | None,
    skip_tags: Iterable[str],
    catalog_get: Sequence[str],
    catalog_put: Sequence[str],
    env: Mapping[str, Any] | None = None,
) -> str:
    """sha256 of the canonical JSON of what the step's result depends on besides the catalog
    (environment variables as declared: a secret by its source, never its value)."""
    document = {
        "version": FINGERPRINT_VERSION,
        "source_sha256": source_sha256,
        "parameters": dict(parameters),
        "kernel": kernel,
        "skip_tags": sorted(set(skip_tags)),
        "catalog_get": list(catalog_get),
        "catalog_put": list(catalog_put),
    }
    if env:  # only when set: fingerprints recorded before env existed still match
        document["env"] = dict(env)
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def upstream_executed(records: Mapping[str, StepRecord], dependencies: Iterable[str]) -> bool:
    """True when a dependency really ran in this run (rule 3); cached or not selected did not."""
    return any(d in records and records[d].status == StepStatus.succeeded for d in dependencies)


def find_reusable_attempt(
    step_id: str,
    fingerprint: str,
    history: Sequence[RunLog],
    view: CatalogView,
    catalog: CatalogStore,
) -> tuple[CachedFrom, Attempt] | None:
    """The newest earlier execution of `step_id` that can stand in for running it now.

    `history`: the pipeline's other run logs, newest first. Rules 1 and 2 of the module's
    docstring; rule 3 is the caller's (it depends on the run in progress).
    """
    logs = {log.run_id: log for log in history}
    tried: set[tuple[str, int]] = set()
    for origin, attempt in _successful_executions(step_id, fingerprint, history, logs):
        key = (origin.run_id, attempt.number)
        if key in tried:
            continue
        tried.add(key)
        if catalog_unchanged(attempt, view, catalog):
            return CachedFrom(run_id=origin.run_id, attempt=attempt.number), attempt
    return None


class ReuseFinder:
    """`find_reusable_attempt` for the steps of one run, reading the pipeline's runs once."""

    def __init__(self, runs_dir: Path, run_id: str, catalog_dir: Path) -> None:
        self.runs_dir = runs_dir
        self.run_id = run_id
        self.catalog = CatalogStore(catalog_dir)
        self._history: list[RunLog] | None = None

    def find(
        self,
        step_id: str,
        fingerprint: str,
        records: Mapping[str, StepRecord],
        dependencies: Iterable[str],
        view: CatalogView,
    ) -> tuple[CachedFrom, Attempt] | None:
        """The execution to reuse for a ready step of this run (`records`), reading `view`."""
        if upstream_executed(records, dependencies):
            return None
        return find_reusable_attempt(step_id, fingerprint, self.history(), view, self.catalog)

    def history(self) -> list[RunLog]:
        """The pipeline's other runs, newest first (read on first use)."""
        if self._history is None:
            logs = RunStore(self.runs_dir).list()
            self._history = [log for log in logs if log.run_id != self.run_id]
        return self._history


def catalog_unchanged(attempt: Attempt, view: CatalogView, catalog: CatalogStore) -> bool:
    """The step would read what `attempt` read, and what it wrote is intact (rule 2)."""
    reads_same = all(
        (view.get(access.name) or {}).get("sha256") == access.sha256
        for access in attempt.catalog_reads
    )
    return reads_same and all(
        catalog.versions.has(access.sha256) and catalog.current_record(access.name) is not None
        for access in attempt.catalog_writes
    )


def _successful_executions(
    step_id: str, fingerprint: str, history: Sequence[RunLog], logs: Mapping[str, RunLog]
) -> Iterator[tuple[RunLog, Attempt]]:
    """(run, attempt) of each successful execution with this fingerprint, newest first."""
    for log in history:
        record = log.steps.get(step_id)
        if record is None or record.fingerprint != fingerprint:
            continue
        if record.status == StepStatus.succeeded:
            attempt = record.last_attempt
            if attempt is not None and attempt.status == StepStatus.succeeded:
                yield log, attempt
        elif record.status == StepStatus.cached and record.cached_from is not None:
            original = _original_attempt(step_id, record.cached_from, logs)
            if original is not None:
                yield logs[record.cached_from.run_id], original


def _original_attempt(
    step_id: str, cached_from: CachedFrom, logs: Mapping[str, RunLog]
) -> Attempt | None:
    log = logs.get(cached_from.run_id)
    record = log.steps.get(step_id) if log is not None else None
    if record is None or not 1 <= cached_from.attempt <= len(record.attempts):
        return None  # the original run was deleted: nothing left to vouch for the outputs
    attempt = record.attempts[cached_from.attempt - 1]
    return attempt if attempt.status == StepStatus.succeeded else None
