"""Whether a notebook's JSON follows its nbformat schema, at the lowest cost for this process.

nbformat validates with fastjsonschema, which first compiles the schema into Python: 25-35 ms
of CPU, once per process, a tenth of what `run --skip-unchanged` costs when nothing changed.
jsonschema (imported already, for the pipeline schema) needs no compile but is ~20x slower per
cell. So each process checks its first cells with jsonschema and, once they would have paid
for the compile, hands every later notebook to nbformat's fastjsonschema: a CLI command checking
a few small notebooks never compiles, and a long-lived server compiles once.
Both validators check the same schema and both reject the same notebooks.
"""

from __future__ import annotations

import threading
from typing import Any

import nbformat
from nbformat.reader import get_version
from nbformat.validator import better_validation_error, get_validator, normalize

# Cells and outputs jsonschema checks in about the time fastjsonschema's compile takes: 0.3 ms
# each (a notebook of 300 cells with an image each: 0.19 s with jsonschema, 0.01 s compiled).
JSONSCHEMA_BUDGET = 100

_budget_lock = threading.Lock()
_budget_left = JSONSCHEMA_BUDGET


def _take_from_budget(size: int) -> bool:
    global _budget_left
    with _budget_lock:
        if size > _budget_left:
            _budget_left = 0  # the compile is due: later notebooks use it too
            return False
        _budget_left -= size
        return True


def _size(nb: Any) -> int:
    cells = nb.get("cells")
    if not isinstance(cells, list):
        return 1
    outputs = sum(
        len(cell["outputs"])
        for cell in cells
        if isinstance(cell, dict) and isinstance(cell.get("outputs"), list)
    )
    return 1 + len(cells) + outputs


def schema_error(nb: Any) -> Exception | None:
    """nbformat's ValidationError for the notebook read by `nbformat.reader.reads`, or None.

    Cells without ids (older nbformat 4 minors) are given ids first, as nbformat.reads does;
    `nb` itself is left unchanged on the jsonschema path and normalized on the other.
    """
    if _take_from_budget(_size(nb)):
        version, minor = get_version(nb)  # type: ignore[no-untyped-call]
        validator = get_validator(version, minor, name="jsonschema")  # type: ignore[no-untyped-call]
        if validator is not None:
            _, normalized = normalize(nb)
            for error in validator.iter_errors(normalized):
                better: Exception = better_validation_error(error, version, minor)  # type: ignore[no-untyped-call]
                return better
            return None
    try:
        nbformat.validate(nb)
    except nbformat.ValidationError as error:
        return error
    return None
