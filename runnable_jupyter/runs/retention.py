"""Run retention: which finished runs of a pipeline to delete, and deleting them.

A policy keeps the newest `keep_last` runs and/or the runs younger than `keep_days` days; with
both, a run either keeps is kept. Runs in progress (recorded as pending or running, or locked by
a live owner) are never deleted, whatever their age. Deleting a run removes its whole folder
(run log, executed notebooks, logs); the catalog is not touched.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypeVar

from ..catalog.store import CatalogStore
from ..catalog.version_store import RunRecord, VersionStore
from ..clock import utcnow
from ..errors import BadRequest, RunNotFound
from ..pipeline.model import Pipeline
from ..runlog.models import RunLog, RunStatus, RunSummary
from ..runlog.ownership import is_owned
from ..runlog.store import RunStore

IN_PROGRESS = frozenset({RunStatus.pending, RunStatus.running})
Run = TypeVar("Run", RunSummary, RunLog)  # what a run listing holds


@dataclass(frozen=True)
class RetentionPolicy:
    keep_last: int | None = None
    keep_days: float | None = None

    def __post_init__(self) -> None:
        if self.keep_last is not None and (
            not isinstance(self.keep_last, int) or self.keep_last < 1
        ):
            raise BadRequest(f"keep the last N runs: N must be at least 1, not {self.keep_last}")
        if self.keep_days is not None and not self.keep_days > 0:
            raise BadRequest(f"the age limit must be more than 0 days, not {self.keep_days}")

    @property
    def is_set(self) -> bool:
        return self.keep_last is not None or self.keep_days is not None

    @classmethod
    def of_pipeline(cls, pipeline: Pipeline) -> RetentionPolicy | None:
        """The pipeline's `settings.retention`, or None when it sets none."""
        retention = pipeline.settings.retention
        return cls(retention.keep_last, retention.keep_days) if retention else None


def runs_to_delete(
    logs: Sequence[Run], policy: RetentionPolicy, now: datetime | None = None
) -> list[Run]:
    """The runs `policy` does not keep, among `logs` (newest first), in that order."""
    if not policy.is_set:
        return []
    now = now or utcnow()
    doomed = []
    for index, log in enumerate(logs):
        if log.status in IN_PROGRESS:
            continue
        kept_by_count = policy.keep_last is not None and index < policy.keep_last
        when = log.end or log.start
        kept_by_age = policy.keep_days is not None and (
            when is None or now - when < timedelta(days=policy.keep_days)
        )
        if not (kept_by_count or kept_by_age):
            doomed.append(log)
    return doomed


def prune_runs(
    store: RunStore,
    policy: RetentionPolicy,
    dry_run: bool = False,
    catalog_dir: Path | None = None,
) -> list[str]:
    """Delete the runs of `store` that `policy` does not keep; their ids, newest first. With
    `catalog_dir`, the catalog versions no remaining run uses are deleted too."""
    if not policy.is_set:  # the default after every run: read no run log
        return []
    summaries = [RunSummary.model_validate(document) for document in store.summaries()]
    deleted = [
        summary.run_id
        for summary in runs_to_delete(summaries, policy)
        # a live process drives it (e.g. a retry started meanwhile)
        if not is_owned(store.run_dir(summary.run_id))
    ]
    if not dry_run:
        store.delete(deleted)
        if catalog_dir is not None and deleted:
            collect_catalog_garbage(catalog_dir, deleted, summaries, store)
    return deleted


def collect_catalog_garbage(
    catalog_dir: Path, deleted: list[str], summaries: list[RunSummary], store: RunStore
) -> None:
    """Forget the deleted runs' records and delete the versions nothing uses any more: not a
    remaining run (pinned, read or written) and not a current entry. Skipped while a run of
    the pipeline is in progress anywhere: its step may be writing versions no record names."""
    versions = VersionStore(catalog_dir)
    for run_id in deleted:
        RunRecord.forget(versions, run_id)
    if any(s.status in IN_PROGRESS and _in_progress(store, s.run_id) for s in summaries):
        return
    keep = {
        (name, record["sha256"]) for name, record in CatalogStore(catalog_dir).current().items()
    }
    for record in RunRecord.all(versions):
        keep |= record.versions_used()
    versions.collect_garbage(keep)


def _in_progress(store: RunStore, run_id: str) -> bool:
    """A live process drives the run, or its steps run as separate processes (`exec-step`,
    which record what they wrote only when each step ends)."""
    if is_owned(store.run_dir(run_id)):
        return True
    try:
        return store.load(run_id).orchestrated
    except (OSError, ValueError, RunNotFound):
        return False
