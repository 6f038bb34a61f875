"""Runs that stand on another run or on prepared files: exact re-runs and mocked steps.

- A re-run (`rerun_of`) starts a new run with the original's parameters and the catalog
  versions it read: its pins, overlaid with what its own steps wrote for each step the re-run
  does not execute, so a deterministic notebook writes byte-identical versions again.
- A mocked step does not execute: the files of a folder (or one file) become its outputs in this
  run, named by their paths relative to the folder (or the file's name), with status `mocked`;
  a file named like what `catalog.put` writes (`raw.parquet`, `params.json`) is that entry
  (`raw`, `params`). Everything downstream reads them; they never become current versions.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from ..catalog.store import CatalogStore
from ..catalog.views import CatalogView
from ..clock import utcnow
from ..errors import BadRequest, PathOutsideRoot, UnknownStep
from ..paths import relative_to_root, resolve_inside
from ..pipeline.model import Pipeline
from ..runlog.models import Attempt, ErrorInfo, RunLog, StepRecord, StepStatus
from .catalog_views import producing_attempt


def rerun_pins(original: RunLog, order: list[str]) -> dict[str, str]:
    """The versions a re-run of `original` executing the steps `order` starts from."""
    if original.catalog_pins is None:
        raise BadRequest(
            f"run {original.run_id} was made before runs recorded their catalog inputs: it "
            "cannot be re-run exactly (start a new run instead)",
            {"run_id": original.run_id},
        )
    pins = dict(original.catalog_pins)
    executed = set(order)
    for step_id in original.steps:
        attempt = producing_attempt(original, step_id)
        if step_id not in executed and attempt is not None:
            pins.update((write.name, write.sha256) for write in attempt.catalog_writes)
    return pins


def checked_mocks(
    root: Path, model: Pipeline, order: list[str], mocks: Mapping[str, str | os.PathLike[str]]
) -> dict[str, str]:
    """Step id -> mock path relative to `root`, after checking each; refuses with one clear
    sentence an unknown or unplanned step, a path outside the root, a missing or empty one."""
    if not isinstance(mocks, Mapping):
        raise BadRequest('mocks must map step ids to paths: {"load": "tests/load_outputs"}')
    checked = {}
    for step_id, given in mocks.items():
        if step_id not in model.step_ids:
            raise UnknownStep(
                f"cannot mock step '{step_id}': the pipeline has no such step (its steps are "
                f"{', '.join(model.step_ids)})",
                {"step_id": str(step_id), "valid": model.step_ids},
            )
        if step_id not in order:
            raise BadRequest(
                f"cannot mock step '{step_id}': it is not part of this run; select it or drop "
                "the mock",
                {"step_id": step_id},
            )
        path = _inside(root, given, step_id)
        if not path.exists():
            raise BadRequest(
                f"the mock of step '{step_id}' names {relative_to_root(root, path)}, which does "
                "not exist",
                {"step_id": step_id},
            )
        if not mock_files(path):
            raise BadRequest(
                f"the mock of step '{step_id}' names the folder {relative_to_root(root, path)}, "
                "which holds no file: put the step's outputs there",
                {"step_id": step_id},
            )
        checked[step_id] = relative_to_root(root, path)
    return checked


def _inside(root: Path, given: str | os.PathLike[str], step_id: str) -> Path:
    text = os.fspath(given)
    if not isinstance(text, str) or not text:
        raise BadRequest(f"the mock of step '{step_id}' needs a path", {"step_id": step_id})
    if os.path.isabs(text):
        absolute = Path(text).resolve()
        if absolute != root and root not in absolute.parents:
            raise PathOutsideRoot(
                f"the mock of step '{step_id}' is outside the workspace root: use a path inside it",
                {"step_id": step_id},
            )
        text = absolute.relative_to(root).as_posix()
    return resolve_inside(root, text)


def mock_files(path: Path) -> list[tuple[str, Path]]:
    """(catalog name, file) of a mock: a file, or the visible files of a folder."""
    if path.is_file():
        return [(path.name, path)]
    found = []
    for file in sorted(path.rglob("*")):
        relative = file.relative_to(path)
        if file.is_file() and not any(part.startswith(".") for part in relative.parts):
            found.append((relative.as_posix(), file))
    return found


def record_mocked(record: StepRecord, root: Path, log: RunLog) -> None:
    """The step stands in with its mock's files: a zero-length `mocked` attempt writing them
    (or a failed one, when they cannot be read, e.g. deleted since the run started)."""
    now = utcnow()
    attempt = Attempt(number=len(record.attempts) + 1, start=now, end=now, duration_s=0.0)
    record.attempts.append(attempt)
    record.cached_from = None
    catalog = CatalogStore(Path(log.catalog_dir), CatalogView(), run_id=log.run_id, step=record.id)
    try:
        files = mock_files(root / log.mocks[record.id])
        if not files:
            raise FileNotFoundError(f"the mock {log.mocks[record.id]} holds no file any more")
        attempt.catalog_writes = [catalog.put_file(name, file, typed=True) for name, file in files]
    except Exception as error:
        attempt.status = record.status = StepStatus.failed
        attempt.error = ErrorInfo(name=type(error).__name__, message=f"mock: {error}")
        return
    attempt.status = record.status = StepStatus.mocked
