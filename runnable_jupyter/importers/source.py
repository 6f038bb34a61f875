"""Reading a file to import: its JSON, which tool wrote it, and where the new file goes.

Refusals are one sentence naming the file, what is wrong and what to do (`ImportRefused`, a bad
request: exit 2 in the CLI, 400 over REST); nothing has been written when one is raised.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import BadRequest, PipelineNotFound, RunnableError
from ..json_documents import JsonNumberInvalid, JsonTooDeep, load_json

PIPELINE_SUFFIX = ".pipeline.json"
SOURCE_SUFFIXES = (".pipeline", ".orchest", ".json")
ORCHEST_LEGACY_FOLDER = ".orchest"  # 2020 Orchest: <pipeline folder>/.orchest/pipeline.json
MAX_SOURCE_BYTES = 50 * 1024 * 1024  # the corpus' largest file is 34 KB


class ImportRefused(BadRequest):
    """The file cannot be converted: not JSON, not a pipeline, a cycle, nothing to run."""


class OutputExists(RunnableError):
    """The new pipeline file exists already and `force` was not given."""

    code = "output_exists"


def read_source(path: Path, shown: str) -> Any:
    """The parsed JSON of the file to import; `shown` is how messages name it."""
    if not path.exists():
        raise PipelineNotFound(f"{shown}: no such file", {"path": shown})
    if not path.is_file():
        raise ImportRefused(f"{shown} is a folder: give an Elyra or Orchest pipeline file")
    if path.stat().st_size > MAX_SOURCE_BYTES:
        raise ImportRefused(
            f"{shown} is larger than {MAX_SOURCE_BYTES // (1024 * 1024)} MB, too large for a "
            "pipeline definition: give the .pipeline or .orchest file itself"
        )
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportRefused(
            f"{shown} is not UTF-8 text (byte {error.start}), so not an Elyra or Orchest "
            "pipeline: give the .pipeline or .orchest file"
        ) from None
    except OSError as error:
        raise ImportRefused(f"{shown} cannot be read: {error.strerror or error}") from None
    try:
        return load_json(text)
    except json.JSONDecodeError as error:
        raise ImportRefused(
            f"{shown} is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg}): "
            "fix the file, e.g. open and save it again in Elyra or Orchest"
        ) from None
    except (JsonTooDeep, JsonNumberInvalid) as error:
        raise ImportRefused(f"{shown} cannot be read: {error}") from None


def detect_format(data: Any, shown: str) -> str:
    """'elyra' or 'orchest', from the content (names and extensions vary)."""
    if isinstance(data, dict):
        if "pipelines" in data or data.get("doc_type") == "pipeline" or "primary_pipeline" in data:
            return "elyra"
        steps = data.get("steps")
        if isinstance(steps, dict):
            return "orchest"
        if isinstance(steps, list) and isinstance(data.get("version"), int):
            raise ImportRefused(
                f"{shown} is already a runnable-jupyter pipeline: open or run it as it is"
            )
    raise ImportRefused(
        f"{shown} is neither an Elyra pipeline (pipeline-flow JSON with 'pipelines') nor an "
        "Orchest pipeline (JSON with a 'steps' object): give a .pipeline or .orchest file"
    )


def pipeline_folder(path: Path) -> Path:
    """The folder a pipeline's relative paths start from: the file's folder, or for the 2020
    Orchest layout `<folder>/.orchest/pipeline.json`, the folder holding `.orchest`."""
    if path.parent.name == ORCHEST_LEGACY_FOLDER:
        return path.parent.parent
    return path.parent


def default_output(path: Path) -> Path:
    """`NAME.pipeline.json` beside the file: `a/etl.pipeline` -> `a/etl.pipeline.json`,
    `a/main.orchest` -> `a/main.pipeline.json`, `p/.orchest/pipeline.json` ->
    `p/pipeline.pipeline.json` (never inside the hidden `.orchest`)."""
    name = path.name
    for suffix in SOURCE_SUFFIXES:
        if name.lower().endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
            break
    return pipeline_folder(path) / f"{name}{PIPELINE_SUFFIX}"


def check_output_name(output: Path, shown: str) -> None:
    if not output.name.endswith(PIPELINE_SUFFIX) or output.name == PIPELINE_SUFFIX:
        raise ImportRefused(
            f"the output {shown} must be named NAME{PIPELINE_SUFFIX}, so that runnable-jupyter "
            f"and JupyterLab find it: e.g. {output.with_name(output.stem + PIPELINE_SUFFIX).name}"
        )
