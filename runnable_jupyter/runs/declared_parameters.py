"""The parameters a pipeline's notebooks declare: what a job's grid editor offers as typed fields.

papermill reads each step notebook's `parameters` cell (`papermill.inspect_notebook`): names,
annotations, default source text and help comments. A parameter's type is its annotation when
it has one (`alpha: float = 0.1`), else the type of its default when that is a plain literal;
its default is what a run without overrides gets: the pipeline's `parameters` value, else the
step's, else the notebook's literal. Parameters only the pipeline file sets are listed too (they
are injected into every step). A notebook papermill cannot read is a problem, not an error.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from papermill import inspect_notebook

from ..pipeline.model import Pipeline
from .planning import notebook_path

# Types a grid field can parse, named as the annotations that mean them.
TYPE_NAMES = {
    "int": "int",
    "float": "float",
    "bool": "bool",
    "str": "str",
    "list": "list",
    "dict": "dict",
    "List": "list",
    "Dict": "dict",
}
UNKNOWN_TYPE = "any"


def value_type(value: Any) -> str:
    """The parameter type of a JSON value (`any` for null and anything unusual)."""
    if isinstance(value, bool):
        return "bool"
    for kind, name in ((int, "int"), (float, "float"), (str, "str"), (list, "list")):
        if isinstance(value, kind):
            return name
    return "dict" if isinstance(value, dict) else UNKNOWN_TYPE


def _annotation_type(annotation: str) -> str | None:
    base = annotation.strip().split("[", 1)[0].split(".")[-1]
    return TYPE_NAMES.get(base)


def _literal(source: str) -> tuple[bool, Any]:
    """(True, value) when `source` is a literal JSON can carry, else (False, None)."""
    try:
        value = ast.literal_eval(source.strip())
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return False, None
    if isinstance(value, tuple):
        value = list(value)
    return value_type(value) != UNKNOWN_TYPE or value is None, value


def _entry(
    name: str, value: Any, type_name: str | None, text: str, help_text: str
) -> dict[str, Any]:
    return {
        "name": name,
        "type": type_name or value_type(value),
        "default": value,
        "default_text": text,
        "help": help_text,
        "steps": [],
    }


def declared_parameters(root: Path, pipeline_path: Path, pipeline: Pipeline) -> dict[str, Any]:
    """`{"parameters": [...], "problems": [{"step", "message"}]}`, parameters in order of first
    declaration (the pipeline's own after the notebooks')."""
    found: dict[str, dict[str, Any]] = {}
    problems: list[dict[str, str]] = []
    for step in pipeline.steps:
        path = notebook_path(root, pipeline_path, step)
        try:
            inspected = inspect_notebook(str(path))
        except Exception as error:
            problems.append(
                {
                    "step": step.id,
                    "message": f"could not read the parameters cell of {step.notebook}: {error}",
                }
            )
            continue
        for name, declared in inspected.items():
            text = str(declared.get("default") or "")
            parsed, literal = _literal(text)
            value = step.parameters.get(name, literal if parsed else None)
            annotated = _annotation_type(str(declared.get("inferred_type_name") or ""))
            entry = found.setdefault(
                name, _entry(name, value, annotated, text, str(declared.get("help") or ""))
            )
            entry["steps"].append(step.id)
    for name, value in pipeline.parameters.items():
        entry = found.setdefault(name, _entry(name, value, None, "", ""))
        entry["default"] = value
        if entry["type"] == UNKNOWN_TYPE:
            entry["type"] = value_type(value)
    return {"parameters": list(found.values()), "problems": problems}
