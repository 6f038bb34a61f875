"""Parameter names as runnable-jupyter needs them (Python identifiers, which papermill assigns
as variables), shared by the importer, which renames `test-output-file` to `test_output_file`,
and by the Orchest stand-in, which finds `test_output_file` when a notebook asks for
`get_step_param("test-output-file")`. Standard library only."""

from __future__ import annotations

import keyword
import re

_NOT_IDENTIFIER = re.compile(r"\W", re.ASCII)


def parameter_name(name: str) -> str:
    """A Python identifier for a parameter name: `'pipeline-param-A'` -> `'pipeline_param_A'`,
    `'1st'` -> `'_1st'`, `'class'` -> `'class_'`; unchanged when already one."""
    text = _NOT_IDENTIFIER.sub("_", name) or "parameter"
    if text[0].isdigit():
        text = "_" + text
    if keyword.iskeyword(text):
        text += "_"
    return text
