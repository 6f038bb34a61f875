from __future__ import annotations

import copy

import pytest

from runnable_jupyter.errors import PipelineInvalid
from runnable_jupyter.pipeline.migrations import (
    FIRST_VERSION,
    MIGRATIONS,
    UnsupportedVersion,
    format_version,
    migrate,
)
from runnable_jupyter.pipeline.model import CURRENT_VERSION

CURRENT_DOC = {
    "version": CURRENT_VERSION,
    "name": "etl",
    "steps": [{"id": "load", "notebook": "load.ipynb", "depends_on": []}],
}


def test_every_older_version_has_a_registered_migration():
    assert set(MIGRATIONS) == set(range(FIRST_VERSION, CURRENT_VERSION))


def test_a_current_document_comes_back_equal_as_a_copy():
    original = copy.deepcopy(CURRENT_DOC)
    migrated = migrate(CURRENT_DOC)
    assert migrated == original
    migrated["steps"][0]["id"] = "changed"
    assert CURRENT_DOC == original


def test_a_newer_version_is_refused_with_an_upgrade_message():
    with pytest.raises(UnsupportedVersion) as raised:
        migrate({"version": CURRENT_VERSION + 1, "steps": []})
    expected = (
        f"written by a newer runnable-jupyter (format {CURRENT_VERSION + 1}, this one reads up "
        f"to {CURRENT_VERSION}): upgrade runnable-jupyter"
    )
    assert expected in raised.value.message
    assert str(raised.value) == raised.value.message
    # it is a PipelineInvalid so callers treat it like any invalid file
    assert isinstance(raised.value, PipelineInvalid)
    assert raised.value.code == "pipeline_invalid"
    assert raised.value.details == [
        {"pointer": "/version", "step": None, "message": raised.value.message}
    ]


@pytest.mark.parametrize("doc", [{"steps": []}, {"version": "1"}, {"version": True}, [1, 2], "x"])
def test_documents_without_an_integer_version_are_left_for_schema_validation(doc):
    assert migrate(doc) == doc


def test_format_version_reads_only_integers():
    assert format_version({"version": 3}) == 3
    assert format_version({"version": 3.0}) is None
    assert format_version({"version": False}) is None
    assert format_version(["version"]) is None


def _rename_steps_field(doc):  # format 1 -> 2 in this test's imaginary history
    doc["steps"] = doc.pop("nodes")
    return doc


def _add_default_settings(doc):  # format 2 -> 3: mutates in place, as migrations may
    doc.setdefault("settings", {})["max_parallel"] = 2
    return doc


HISTORY = {1: _rename_steps_field, 2: _add_default_settings}


def test_migrations_apply_in_order_from_the_documents_version():
    old = {"version": 1, "nodes": [{"id": "a", "notebook": "a.ipynb"}]}
    assert migrate(old, migrations=HISTORY, current=3) == {
        "version": 3,
        "steps": [{"id": "a", "notebook": "a.ipynb"}],
        "settings": {"max_parallel": 2},
    }
    from_two = {"version": 2, "steps": []}
    assert migrate(from_two, migrations=HISTORY, current=3) == {
        "version": 3,
        "steps": [],
        "settings": {"max_parallel": 2},
    }


def test_migrating_never_changes_the_callers_document():
    old = {"version": 1, "nodes": [{"id": "a", "notebook": "a.ipynb"}]}
    snapshot = copy.deepcopy(old)
    migrate(old, migrations=HISTORY, current=3)
    assert old == snapshot


def test_a_gap_in_the_migration_registry_is_a_programming_error():
    with pytest.raises(RuntimeError, match="no migration registered from pipeline format 2"):
        migrate({"version": 1, "nodes": []}, migrations={1: _rename_steps_field}, current=3)
