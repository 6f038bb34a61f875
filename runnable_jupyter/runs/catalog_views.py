"""What each step of a run reads from the catalog: pins at the start, views per step, records.

A run pins the current version of every catalog entry when it starts (`RunLog.catalog_pins`).
A step's view is those pins overlaid with what its upstream steps wrote in this run (in the
order they finished, so the nearest producer wins), so neither another run in progress nor an
unrelated branch of the same run can change what the step reads. After each step the run's
record in the catalog (`RunRecord`: pinned, read, written) is updated: `catalog.get(name,
run=...)` and the garbage collection of versions read it.
"""

from __future__ import annotations

from pathlib import Path

from ..catalog.store import CatalogStore
from ..catalog.version_store import RunRecord, VersionStore
from ..catalog.views import CatalogView
from ..pipeline import graph
from ..runlog.models import Attempt, RunLog, StepStatus

# Steps whose writes downstream steps read.
PRODUCED = frozenset({StepStatus.succeeded, StepStatus.cached, StepStatus.mocked})


def pin_current_versions(catalog_dir: Path) -> dict[str, str]:
    """name -> sha256 of every entry's current version (files without one are adopted)."""
    return {
        name: str(record["sha256"]) for name, record in CatalogStore(catalog_dir).current().items()
    }


def producing_attempt(log: RunLog, step_id: str) -> Attempt | None:
    """The attempt whose writes stand for the step in this run (its last, if it produced)."""
    record = log.steps.get(step_id)
    if record is None or record.status not in PRODUCED or not record.attempts:
        return None
    return record.attempts[-1]


def step_view(log: RunLog, step_id: str) -> CatalogView:
    """The catalog as `step_id` reads it in this run."""
    versions = VersionStore(Path(log.catalog_dir))
    chosen = dict(log.catalog_pins or {})
    upstream = graph.ancestors(log.pipeline_structure, [step_id])
    produced = [
        (attempt.end, ancestor, attempt)
        for ancestor in upstream
        if (attempt := producing_attempt(log, ancestor)) is not None
    ]
    for _end, _ancestor, attempt in sorted(produced, key=lambda item: (str(item[0]), item[1])):
        for write in attempt.catalog_writes:
            chosen[write.name] = write.sha256
    entries = {}
    for name, sha256 in chosen.items():
        record = versions.version(name, sha256)
        if record is not None:  # a version garbage-collected since cannot be read
            entries[name] = record
    return CatalogView(entries)


def save_run_record(log: RunLog) -> None:
    """The run's record in its catalog: the versions it pinned, read and wrote."""
    read: dict[str, str] = {}
    written: dict[str, str] = {}
    for record in log.steps.values():
        for attempt in record.attempts:
            read.update((access.name, access.sha256) for access in attempt.catalog_reads)
            if attempt.status in PRODUCED:
                written.update((access.name, access.sha256) for access in attempt.catalog_writes)
    versions = VersionStore(Path(log.catalog_dir))
    RunRecord(log.run_id, dict(log.catalog_pins or {}), read, written).save(versions)
