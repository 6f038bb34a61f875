"""JSON from people and clients: deep nesting is a clear error, never a RecursionError."""

from __future__ import annotations

import json

import pytest

from runnable_jupyter.json_documents import MAX_JSON_DEPTH, JsonTooDeep, load_json


def nested_lists(levels: int) -> str:
    return "[" * levels + "]" * levels


def test_documents_up_to_the_limit_load_as_json_does() -> None:
    text = nested_lists(MAX_JSON_DEPTH)
    assert load_json(text) == json.loads(text)
    assert load_json('{"a": [1, {"b": null}]}') == {"a": [1, {"b": None}]}


@pytest.mark.parametrize("levels", [MAX_JSON_DEPTH + 1, 300, 100_000])
def test_deeper_documents_raise_one_clear_value_error(levels: int) -> None:
    with pytest.raises(JsonTooDeep, match="nested more than"):
        load_json(nested_lists(levels))
    assert issubclass(JsonTooDeep, ValueError)  # callers treat it like bad syntax


def test_bad_syntax_is_still_a_json_decode_error() -> None:
    with pytest.raises(json.JSONDecodeError):
        load_json("{oops")
