"""Validating a job document: every problem at once, each located by a JSON pointer.

`job_problems` checks a parsed document against `job.schema.json` (messages from the pipeline's
`schema_messages`), then what a schema cannot say: identifier parameter names, a grid that is
not empty and not larger than `max_grid`, a cron expression and a time zone that exist, and
steps and mode that plan against the job's pipeline. `parse_job` returns a typed `Job` or
raises `JobInvalid` listing them. Nothing is ever written here. Older formats are migrated
first (`migrate_job`), and a newer one is refused, as for pipelines.
"""

from __future__ import annotations

import copy
import functools
import keyword
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from jsonschema import Draft202012Validator
from pydantic import ValidationError as PydanticValidationError

from ..errors import BadRequest, JobInvalid, RunnableError
from ..pipeline import graph
from ..pipeline.migrations import format_version
from ..pipeline.model import Pipeline
from ..pipeline.notebook_checks import suggest_fix
from ..pipeline.schema_messages import describe_schema_error
from ..pipeline.validation import Problem, pointer
from .grid import grid_size
from .model import CURRENT_VERSION, DEFAULT_MAX_GRID_SIZE, Job, is_job_name, load_schema
from .schedule import cron_problem, time_zone

FIRST_VERSION = 1
# version N -> function turning a version-N job document into a version-(N+1) one.
JOB_MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


def migrate_job(data: Any) -> Any:
    """A copy of `data` in the current job format; JobInvalid for a newer format."""
    data = copy.deepcopy(data)
    version = format_version(data)
    if version is None or version < FIRST_VERSION or version == CURRENT_VERSION:
        return data  # a missing or bad version is reported by the schema
    if version > CURRENT_VERSION:
        message = (
            f"this job was written by a newer runnable-jupyter (format {version}, this one "
            f"reads up to {CURRENT_VERSION}): upgrade runnable-jupyter"
        )
        raise JobInvalid("file", [Problem("/version", None, message)])
    while version < CURRENT_VERSION:
        data = JOB_MIGRATIONS[version](data)
        version += 1
        data["version"] = version
    return data


def check_job_name(name: Any) -> str:
    """Refuse a job name that cannot be a file name in NAME.jobs/ before it names anything."""
    if not is_job_name(name):
        shown = repr(name) if len(repr(name)) <= 40 else repr(name)[:37] + "..."
        raise BadRequest(
            f"job name {shown} may contain only letters, digits, '_' and '-' (at most 64, not "
            "starting with '-'): e.g. 'nightly' or 'alpha_sweep'",
            {"field": "name", "name": str(name)[:64]},
        )
    return str(name)


@functools.cache
def _schema_validator() -> Any:
    return Draft202012Validator(load_schema())


def job_problems(
    data: Any, pipeline: Pipeline | None, max_grid: int = DEFAULT_MAX_GRID_SIZE
) -> list[Problem]:
    """Every problem of a job document (already migrated), sorted by pointer; `pipeline`, when
    given, is the job's pipeline the steps and mode are checked against."""
    problems: list[Problem] = []
    for error in _schema_validator().iter_errors(data):
        path = list(error.absolute_path)
        if error.validator == "oneOf" and path == ["grid"]:
            problems.append(Problem("/grid", None, _grid_shape_message(data.get("grid"))))
            continue
        for sub_path, message in describe_schema_error(error, document="job"):
            problems.append(Problem(pointer(*path, *sub_path), None, message))
    if isinstance(data, dict):
        problems += _parameter_problems(data.get("parameters"), ("parameters",))
        problems += _grid_problems(data.get("grid"), max_grid)
        problems += schedule_problems(data.get("schedule"))
        if pipeline is not None:
            problems += _selection_problems(data, pipeline)
    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=lambda problem: problem.pointer)


def parse_job(
    name: str, data: Any, pipeline: Pipeline | None, max_grid: int = DEFAULT_MAX_GRID_SIZE
) -> Job:
    """A typed job from a document, or JobInvalid listing every problem."""
    data = migrate_job(data)
    problems = job_problems(data, pipeline, max_grid)
    if problems:
        raise JobInvalid(name, problems)
    try:
        return Job.model_validate(data)
    except PydanticValidationError as error:  # the schema should have caught it; stay located
        located = [Problem(pointer(*e["loc"]), None, e["msg"]) for e in error.errors()]
        raise JobInvalid(name, located) from None


def _grid_shape_message(grid: Any) -> str:
    if grid == [] or grid == {}:
        return (
            "the grid is empty, so the job would start no run: give at least one parameter set "
            '([{"alpha": 0.1}]) or value ({"alpha": [0.1, 1]}), or leave the grid out for one run'
        )
    if isinstance(grid, dict):
        empty = [name for name, values in grid.items() if values == []]
        if empty:
            return (
                f"grid parameter {empty[0]!r} has no values, so the grid has no point: give it "
                "at least one value or remove it"
            )
    return (
        'the grid must be a list of parameter sets ([{"alpha": 0.1}, {"alpha": 1}]) or an '
        'object of value lists ({"alpha": [0.1, 1], "depth": [3, 5]})'
    )


def _parameter_problems(params: Any, at: Sequence[str | int]) -> list[Problem]:
    if not isinstance(params, dict):
        return []
    problems = []
    for name in params:
        if keyword.iskeyword(name) or not name.isidentifier():
            problems.append(
                Problem(
                    pointer(*at, name),
                    None,
                    f"parameter name {name!r} is not a Python identifier (letters, digits and "
                    "'_', not starting with a digit, not a keyword), so a notebook cannot assign "
                    "it: rename it",
                )
            )
    return problems


def _grid_problems(grid: Any, max_grid: int) -> list[Problem]:
    problems: list[Problem] = []
    if isinstance(grid, dict):
        problems += _parameter_problems(grid, ("grid",))
        if all(isinstance(values, list) and values for values in grid.values()) and grid:
            size = grid_size(grid)
            if size > max_grid:
                sizes = " × ".join(str(len(values)) for values in grid.values())
                problems.append(_too_large(size, max_grid, f" ({sizes})"))
    elif isinstance(grid, list):
        for index, point in enumerate(grid):
            problems += _parameter_problems(point, ("grid", index))
        if len(grid) > max_grid:
            problems.append(_too_large(len(grid), max_grid, ""))
    return problems


def _too_large(size: int, max_grid: int, sizes: str) -> Problem:
    return Problem(
        "/grid",
        None,
        f"the grid makes {size} runs{sizes}, more than the {max_grid} a job may start: use fewer "
        "values, or raise the limit (server option job_max_grid_size, CLI --max-grid)",
    )


def schedule_problems(schedule: Any) -> list[Problem]:
    """What is wrong with a job's `schedule` object besides its shape (the schema's)."""
    if not isinstance(schedule, dict):
        return []
    problems = []
    cron = schedule.get("cron")
    if isinstance(cron, str) and cron.strip():
        message = cron_problem(cron)
        if message is not None:
            problems.append(Problem("/schedule/cron", None, message))
    zone = schedule.get("timezone")
    if isinstance(zone, str) and zone:
        try:
            time_zone(zone)
        except ValueError as error:
            problems.append(Problem("/schedule/timezone", None, str(error)))
    return problems


def _selection_problems(data: Mapping[str, Any], pipeline: Pipeline) -> list[Problem]:
    steps, mode = data.get("steps", []), data.get("mode", "all")
    if not isinstance(steps, list) or not all(isinstance(s, str) for s in steps):
        return []  # the schema said why
    problems = []
    known = pipeline.step_ids
    for index, step in enumerate(steps):
        if step not in known:
            fix = suggest_fix(step, known, "remove it or name one of the pipeline's steps")
            listed = ", ".join(map(repr, known)) or "none"
            problems.append(
                Problem(
                    pointer("steps", index),
                    None,
                    f"unknown step {step!r}: {fix} (steps: {listed})",
                )
            )
    if problems or mode not in {m.value for m in graph.Mode}:
        return problems  # an unknown mode: the schema said why
    try:
        graph.plan(pipeline.dependencies(), steps, mode)
    except RunnableError as error:
        if "mode" in (error.details or {}):
            return [Problem("/mode", None, error.message)]
    return []
