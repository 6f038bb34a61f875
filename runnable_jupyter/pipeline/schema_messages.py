"""Human messages for JSON Schema errors in a pipeline file: what is wrong and how to fix it.

jsonschema's own messages ("Additional properties are not allowed ('x' was unexpected)") name
neither the field's purpose nor the fix; these do, one message per offending field.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any

from jsonschema.exceptions import ValidationError

_TYPE_NAMES = {
    "object": "an object ({...})",
    "array": "a list ([...])",
    "string": "a string",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "null",
}


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _subject(path: list[str | int], document: str = "pipeline") -> str:
    """`['steps', 0, 'depends_on', 1]` -> "entry 1 of 'depends_on'"."""
    if not path:
        return f"the {document} file"
    last = path[-1]
    if isinstance(last, int):
        parent = path[-2] if len(path) > 1 else "the list"
        if parent == "steps":
            return f"step {last}"
        return f"entry {last} of {parent!r}"
    return f"{last!r}"


def _field_context(path: list[str | int], document: str = "pipeline") -> str:
    if not path:
        return f"the {document}"
    if path[0] == "steps" and len(path) == 2:
        return "a step"
    return repr(path[-1])


def _safe_id_example(value: str) -> str:
    fixed = "".join(c if c.isalnum() and c.isascii() or c in "_-" else "_" for c in value)
    return fixed or "step_1"


def describe_schema_error(
    error: ValidationError, document: str = "pipeline"
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """(path below the error's location, message) for each problem `error` stands for;
    `document` names the kind of file ("pipeline", "job")."""
    path = list(error.absolute_path)
    subject = _subject(path, document)
    # jsonschema types these as unions with its own `Unset`: for a reported error they are set.
    value: Any = error.validator_value
    schema: Any = error.schema
    instance = error.instance
    kind = error.validator
    if kind == "additionalProperties" and isinstance(instance, dict):
        allowed = list(schema.get("properties", {}))
        for name in instance:
            if name not in allowed:
                close = difflib.get_close_matches(name, allowed, n=1)
                fix = f"did you mean {close[0]!r}?" if close else "rename or remove it"
                yield (
                    (name,),
                    (
                        f"unknown field {name!r} in {_field_context(path, document)}: {fix} "
                        f"(allowed fields: {', '.join(allowed)})"
                    ),
                )
    elif kind == "required" and isinstance(instance, dict):
        for name in value:
            if name not in instance:
                context = _field_context(path, document)
                yield (), f"{context} is missing the required field {name!r}: add it"
    elif kind == "type":
        types = [value] if isinstance(value, str) else value
        wanted = " or ".join(_TYPE_NAMES.get(t, t) for t in types)
        got = _TYPE_NAMES[json_type(instance)]
        if not path:
            yield (), f"the {document} file must contain {wanted}, not {got}"
        else:
            shown = "" if isinstance(instance, (dict, list)) else f" ({_short(instance)})"
            yield (), f"{subject} must be {wanted}, not {got}{shown}"
    elif kind == "pattern" and path[-1:] == ["id"]:
        yield (
            (),
            (
                f"step id {instance!r} may contain only letters, digits, '_' and '-' (no spaces, "
                f"dots or slashes): use e.g. {_safe_id_example(str(instance))!r}"
            ),
        )
    elif kind == "maxLength" and path[-1:] == ["id"]:
        yield (
            (),
            (
                f"step id {_short(instance)} is {len(str(instance))} characters long; step ids "
                f"have at most {value} (they name the step's files in a run folder): shorten it"
            ),
        )
    elif kind == "pattern" and "env" in path:
        # propertyNames (the variable's name) or a from_env name: both name variables
        yield (
            (),
            (
                f"environment variable name {_short(instance)} may contain only letters, digits "
                "and '_', not starting with a digit: e.g. 'API_URL'"
            ),
        )
    elif kind == "oneOf" and len(path) >= 2 and path[-2] == "env":
        yield (
            (),
            (
                f"environment variable {path[-1]!r} must be a string, or "
                '{"from_env": "NAME"} to take a secret from the environment of the process '
                f"that runs the step, not {_short(instance)}"
            ),
        )
    elif kind == "maximum":
        yield (), f"{subject} must be at most {value}, not {_short(instance)}"
    elif kind == "minimum":
        yield (), f"{subject} must be at least {value}, not {_short(instance)}"
    elif kind == "exclusiveMinimum":
        yield (), f"{subject} must be greater than {value}, not {_short(instance)}"
    elif kind == "minLength":
        yield (), f"{subject} must not be empty"
    elif kind == "uniqueItems" and isinstance(instance, list):
        seen: list[Any] = []
        for position, item in enumerate(instance):
            if item in seen:
                yield (position,), f"{_short(item)} is listed twice in {subject}: remove the repeat"
            else:
                seen.append(item)
    else:
        yield (), f"{subject}: {error.message}"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
