"""Reading JSON written by people and clients: documents nested deeper than any pipeline, run
log or parameter set needs are refused with a clear error instead of a `RecursionError` (in the
parser, in validation, or when the run log is saved)."""

from __future__ import annotations

import json
from typing import Any

MAX_JSON_DEPTH = 64  # a pipeline file is 5 levels deep; parameters leave room for real nesting


class JsonTooDeep(ValueError):
    """JSON nested deeper than `MAX_JSON_DEPTH`. A `ValueError`, like a syntax error."""

    def __init__(self) -> None:
        super().__init__(f"the JSON is nested more than {MAX_JSON_DEPTH} levels deep: flatten it")


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
    """`json.loads`, raising `JsonTooDeep` for documents nested deeper than `MAX_JSON_DEPTH`
    (and `json.JSONDecodeError` for bad syntax)."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise JsonTooDeep() from None
    if json_depth_exceeds(value):
        raise JsonTooDeep()
    return value
