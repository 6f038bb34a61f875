"""Reading JSON written by people and clients: documents nested deeper than any pipeline, run
log or parameter set needs are refused with a clear error instead of a `RecursionError` (in the
parser, in validation, or when the run log is saved), and so are numbers JSON cannot carry
(`NaN`, `Infinity`, `1e999`, whole numbers too long for Python to read), which Python's parser
would otherwise accept, silently turn into null in the run log, or crash on."""

from __future__ import annotations

import json
import math
from typing import Any, NoReturn

MAX_JSON_DEPTH = 64  # a pipeline file is 5 levels deep; parameters leave room for real nesting
_SHOWN_NUMBER_CHARS = 24


class JsonTooDeep(ValueError):
    """JSON nested deeper than `MAX_JSON_DEPTH`. A `ValueError`, like a syntax error."""

    def __init__(self) -> None:
        super().__init__(f"the JSON is nested more than {MAX_JSON_DEPTH} levels deep: flatten it")


class JsonNumberInvalid(ValueError):
    """A number that is not a finite JSON number (`NaN`, `Infinity`, `1e999`) or that is too
    long to read. A `ValueError`, like a syntax error."""


def _shown(text: str) -> str:
    if len(text) <= _SHOWN_NUMBER_CHARS:
        return text
    return f"{text[:_SHOWN_NUMBER_CHARS]}... ({len(text)} characters)"


def _refuse_constant(name: str) -> NoReturn:
    raise JsonNumberInvalid(
        f"{name} is not a JSON value (JSON numbers are finite): write a number, or null"
    )


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise JsonNumberInvalid(
            f"the number {_shown(text)} is too large for JSON (a JSON number stays below about "
            "1.8e308): write a smaller number"
        )
    return value


def _whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:  # longer than sys.get_int_max_str_digits() (4300 by default)
        raise JsonNumberInvalid(
            f"the number {_shown(text)} has too many digits to be read: write a shorter number"
        ) from None


def json_depth_exceeds(value: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when lists and objects in `value` nest deeper than `limit` (iterative walk)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def load_json(text: str | bytes) -> Any:
    """`json.loads`, raising `JsonTooDeep` for documents nested deeper than `MAX_JSON_DEPTH`,
    `JsonNumberInvalid` for `NaN`, `Infinity` and numbers out of range (and
    `json.JSONDecodeError` for bad syntax)."""
    try:
        value = json.loads(
            text,
            parse_constant=_refuse_constant,
            parse_float=_finite_float,
            parse_int=_whole_number,
        )
    except RecursionError:
        raise JsonTooDeep() from None
    if json_depth_exceeds(value):
        raise JsonTooDeep()
    return value
