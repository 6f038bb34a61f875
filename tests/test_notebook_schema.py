"""The notebook schema check agrees with nbformat on either of its two validators."""

from __future__ import annotations

import copy
import json
import warnings
from typing import Any

import nbformat
import nbformat.reader
import pytest
from nbformat.warnings import MissingIDFieldWarning

from runnable_jupyter.pipeline import notebook_schema


def _notebook(**changes: Any) -> dict[str, Any]:
    nb = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_markdown_cell("# hi")]
    )
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    document: dict[str, Any] = json.loads(nbformat.writes(nb))
    for key, value in changes.items():
        document[key] = value
    return document


def _without_ids(minor: int) -> dict[str, Any]:
    document = _notebook(nbformat_minor=minor)
    for cell in document["cells"]:
        cell.pop("id", None)
    return document


def _bad_cell_type() -> dict[str, Any]:
    document = _notebook()
    document["cells"][1]["cell_type"] = "diagram"
    return document


def _code_cell_without_outputs() -> dict[str, Any]:
    document = _notebook()
    del document["cells"][0]["outputs"]
    return document


def _bad_source() -> dict[str, Any]:
    document = _notebook()
    document["cells"][0]["source"] = 5
    return document


CASES = {
    "valid": (_notebook(), True),
    "cells without ids, minor 4": (_without_ids(4), True),
    "cells without ids, minor 5 (given ids, as nbformat.reads does)": (_without_ids(5), True),
    "unknown top-level field": (_notebook(extra=1), False),
    "unknown cell type": (_bad_cell_type(), False),
    "code cell without outputs": (_code_cell_without_outputs(), False),
    "cell source a number": (_bad_source(), False),
}


def _read(document: dict[str, Any]) -> Any:
    return nbformat.reader.reads(json.dumps(document))  # type: ignore[no-untyped-call]


def _nbformat_says_valid(document: dict[str, Any]) -> bool:
    captured: dict[str, Exception] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MissingIDFieldWarning)
        nbformat.reads(
            json.dumps(document), as_version=nbformat.NO_CONVERT, capture_validation_error=captured
        )
    return "ValidationError" not in captured


@pytest.mark.parametrize("budget", [10_000, 0], ids=["jsonschema", "fastjsonschema"])
@pytest.mark.parametrize("name", list(CASES))
def test_each_validator_gives_nbformats_verdict(name, budget, monkeypatch):
    document, valid = CASES[name]
    assert _nbformat_says_valid(document) is valid  # the case means what it says
    monkeypatch.setattr(notebook_schema, "_budget_left", budget)
    nb = _read(copy.deepcopy(document))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MissingIDFieldWarning)
        error = notebook_schema.schema_error(nb)
    assert (error is None) is valid, error
    if error is not None:
        assert isinstance(error, nbformat.ValidationError)
        assert error.message


def test_small_notebooks_are_checked_without_compiling_and_large_ones_with(monkeypatch):
    small = _notebook()
    large = _notebook()
    large["cells"] = [dict(large["cells"][0], id=f"cell-{index}") for index in range(200)]
    assert notebook_schema._size(large) > notebook_schema.JSONSCHEMA_BUDGET
    calls: list[str] = []
    real = notebook_schema.get_validator

    def recording(version, minor, relax_add_props=False, name=None):
        calls.append(name or "default")
        return real(version, minor, relax_add_props=relax_add_props, name=name)

    monkeypatch.setattr(notebook_schema, "get_validator", recording)
    monkeypatch.setattr(nbformat.validator, "get_validator", recording)
    monkeypatch.setattr(notebook_schema, "_budget_left", notebook_schema.JSONSCHEMA_BUDGET)

    assert notebook_schema.schema_error(_read(small)) is None  # 3 of the budget
    assert calls == ["jsonschema"]
    calls.clear()
    assert notebook_schema.schema_error(_read(large)) is None
    assert calls == ["default"]  # over what is left of the budget: nbformat's own validator
    calls.clear()
    assert notebook_schema.schema_error(_read(small)) is None
    assert calls == ["default"], "once the compile is paid for, small notebooks use it too"


def test_the_jsonschema_path_leaves_the_read_notebook_unchanged(monkeypatch):
    monkeypatch.setattr(notebook_schema, "_budget_left", 10_000)
    nb = _read(_without_ids(5))
    before = copy.deepcopy(nb)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MissingIDFieldWarning)
        assert notebook_schema.schema_error(nb) is None
    assert nb == before
