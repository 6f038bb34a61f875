"""The pipeline file model: typed access to a `*.pipeline.json` that passed validation.

The JSON Schema in `pipeline.schema.json` is the single source of truth for the file
format (the TypeScript side reads the same file); these pydantic models mirror it so the engine
gets typed objects. Validation with located, human errors lives in `validation.py`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

PIPELINE_SUFFIX = ".pipeline.json"
CURRENT_VERSION = 1
DEFAULT_SKIP_TAGS = ["skip-execution", "skip"]
SCHEMA_PATH = Path(__file__).parent / "pipeline.schema.json"
# The longest step time limit the file format allows (7 days): far below what timers accept.
MAX_TIMEOUT_S = 604_800.0
# A step's cell output kept by default, and the most a pipeline may allow (100 GB).
DEFAULT_OUTPUT_LIMIT_MB = 50.0
MAX_OUTPUT_LIMIT_MB = 102_400.0


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Position(_Strict):
    x: float
    y: float


class CatalogGlobs(_Strict):
    get: list[str] = Field(default_factory=list)
    put: list[str] = Field(default_factory=list)


class FromEnv(_Strict):
    """A secret environment variable: its value is read where the step runs, never stored."""

    from_env: str


EnvValue = str | FromEnv


class Step(_Strict):
    id: str
    notebook: str
    depends_on: list[str] = Field(default_factory=list)
    parameters: dict[str, Any] = Field(default_factory=dict)
    env: dict[str, EnvValue] = Field(default_factory=dict)
    kernel: str | None = None
    timeout_s: float | None = None
    catalog: CatalogGlobs = Field(default_factory=CatalogGlobs)
    position: Position | None = None


class Retention(_Strict):
    keep_last: int | None = None
    keep_days: float | None = None


class Settings(_Strict):
    skip_tags: list[str] = Field(default_factory=lambda: list(DEFAULT_SKIP_TAGS))
    max_parallel: int | None = None
    catalog_dir: str | None = None
    output_limit_mb: float | None = None
    retention: Retention | None = None
    preload: list[str] = Field(default_factory=list)  # imported by the kernel zygote

    def effective_max_parallel(self) -> int:
        return self.max_parallel or os.cpu_count() or 1


class Pipeline(_Strict):
    version: int = CURRENT_VERSION
    name: str = ""
    description: str = ""
    parameters: dict[str, Any] = Field(default_factory=dict)
    env: dict[str, EnvValue] = Field(default_factory=dict)
    settings: Settings = Field(default_factory=Settings)
    steps: list[Step] = Field(default_factory=list)

    def step(self, step_id: str) -> Step:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)

    @property
    def step_ids(self) -> list[str]:
        return [step.id for step in self.steps]

    def dependencies(self) -> dict[str, list[str]]:
        """Step id -> the ids it depends on (the DAG's edges, reversed)."""
        return {step.id: list(step.depends_on) for step in self.steps}

    def to_json(self) -> dict[str, Any]:
        """The file content: defaults left out so that git diffs stay small."""
        return self.model_dump(mode="json", exclude_defaults=True, exclude_none=True) | {
            "version": self.version
        }


def load_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


def pipeline_stem(path: Path) -> str:
    """`a/b/etl.pipeline.json` -> `etl`."""
    name = path.name
    return name[: -len(PIPELINE_SUFFIX)] if name.endswith(PIPELINE_SUFFIX) else path.stem
