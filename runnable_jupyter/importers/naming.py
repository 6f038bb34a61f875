"""Names the new file needs and the sources do not guarantee: step ids (letters, digits, '_'
and '-', at most 128, unique), parameter names (Python identifiers), environment variable names.

Step ids follow the editor's rule for notebook names (`stepIdFromNotebook` in
src/editor/graphOps.ts), so an imported step is named as if its notebook had been added by hand.
`parameter_name` is also what `runnable_jupyter.compat.orchest` applies to the names notebooks
ask for, so `get_step_param("test-output-file")` finds the parameter `test_output_file`.
"""

from __future__ import annotations

import re

from ..compat.names import parameter_name

MAX_STEP_ID_LENGTH = 128
STEP_ID_BASE_LENGTH = MAX_STEP_ID_LENGTH - 8  # room for the "_N" suffix of a duplicate
__all__ = ["parameter_name", "step_id_from", "unique", "is_env_name"]
ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NOT_ID = re.compile(r"[^A-Za-z0-9_-]+")


def step_id_from(label: str) -> str:
    """`'Part 1 - Data Cleaning.ipynb'` -> `'Part_1_-_Data_Cleaning'`; `'step'` when nothing
    usable is left."""
    stem = re.sub(r"\.ipynb$", "", label.strip(), flags=re.IGNORECASE)
    text = re.sub(r"_+", "_", _NOT_ID.sub("_", stem)).strip("_")
    return text[:STEP_ID_BASE_LENGTH].rstrip("_") or "step"


def unique(base: str, taken: set[str]) -> str:
    """`base`, or `base_2`, `base_3`, ... whichever is not taken (and takes it)."""
    candidate, index = base, 2
    while candidate in taken:
        candidate = f"{base}_{index}"
        index += 1
    taken.add(candidate)
    return candidate


def is_env_name(name: str) -> bool:
    return ENV_NAME.fullmatch(name) is not None and len(name) <= 256
