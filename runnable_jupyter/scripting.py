"""Running a pipeline from Python, for tests and scripts: `from runnable_jupyter import
run_pipeline`.

    result = run_pipeline("examples/wine.pipeline.json", mocks={"load": "tests/wine_sample"})
    assert result.status == "succeeded", result.errors()
    assert result.get("summary")["best_model"] in {"logreg", "forest"}

The run is a real one (real kernels, a run log in the pipeline's runs folder, the versioned
catalog), started and waited for in this process; nothing is left running when it returns.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .catalog.store import CatalogStore
from .catalog.version_store import RunRecord
from .errors import CatalogError
from .runlog.models import ErrorInfo, RunLog

__all__ = ["PipelineResult", "StepOutcome", "run_pipeline"]


@dataclass(frozen=True)
class StepOutcome:
    status: str
    error: ErrorInfo | None = None


@dataclass(frozen=True)
class PipelineResult:
    """What a run ended as: its id and status, each step's status and error, its run log."""

    run_id: str
    status: str
    steps: dict[str, StepOutcome]
    log: RunLog = field(repr=False)

    def get(self, name: str) -> Any:
        """The object this run wrote under `name` (or else read, or had pinned)."""
        store = CatalogStore(Path(self.log.catalog_dir))
        record = RunRecord.load(store.versions, self.run_id)
        sha256 = record.version_of(name) if record is not None else None
        version = store.versions.version(name, sha256) if sha256 else None
        if version is None:
            used = ", ".join(record.names()) if record is not None else "nothing"
            raise CatalogError(
                f"run {self.run_id} has no catalog entry '{name}' (it used: {used})",
                {"name": name, "run_id": self.run_id},
            )
        return store.load(version)

    def errors(self) -> dict[str, ErrorInfo]:
        """Step id -> error of every step that failed."""
        return {step: outcome.error for step, outcome in self.steps.items() if outcome.error}


def run_pipeline(
    path: str | os.PathLike[str],
    steps: Sequence[str] | None = None,
    mode: str = "all",
    parameters: Mapping[str, Any] | None = None,
    mocks: Mapping[str, str | os.PathLike[str]] | None = None,
    root: str | os.PathLike[str] | None = None,
) -> PipelineResult:
    """Run the pipeline at `path` and wait for the end.

    `steps` and `mode` select steps as in the CLI (`only`, `upstream`, `downstream`, `all`);
    `parameters` override the pipeline's; `mocks` maps step ids to a folder or file whose
    files stand in for the step's outputs (the step does not execute). `root` is the
    workspace root (default: the current folder); `path` and mock paths are relative to the
    current folder or absolute, inside the root. Bad input raises a `RunnableError` with one
    clear sentence (`errors.py`), and nothing is written.
    """
    from .runs.manager import RunManager  # the engine is loaded by the call, not the import

    workspace = Path(root or os.getcwd()).resolve()
    pipeline = Path(path).resolve()
    inside = pipeline.is_relative_to(workspace)
    relative = pipeline.relative_to(workspace).as_posix() if inside else os.fspath(path)
    absolute_mocks = {step: str(Path(given).resolve()) for step, given in (mocks or {}).items()}
    manager = RunManager(root=workspace)
    try:
        started = manager.start(
            relative,
            steps=list(steps or []),
            mode=mode,
            parameters=parameters,
            mocks=absolute_mocks,
        )
        log = manager.wait(started.run_id)
    finally:
        manager.shutdown()
    outcomes = {
        step_id: StepOutcome(
            record.status.value, record.last_attempt.error if record.last_attempt else None
        )
        for step_id, record in log.steps.items()
    }
    return PipelineResult(log.run_id, log.status.value, outcomes, log)
