"""`POST import`: an Elyra or Orchest pipeline file of the workspace becomes a pipeline file.

A plain blocking function like those of `operations.py`, run off the event loop by its
handler. Both paths are confined to the server root (and refused when hidden, unless the
server allows hidden files) before anything is read; the conversion is complete before the one
file is written, and an existing file is kept unless `force`. No answer names the root folder:
paths in the answer and the report are relative to it.
"""

from __future__ import annotations

from typing import Any

from ..importers import convert, default_output, write
from .bodies import ImportBody
from .confinement import hidden_path_problems
from .operations import Workspace


def import_pipeline(ws: Workspace, body: ImportBody) -> dict[str, Any]:
    source = ws.confine(body.path, "file to import")
    if body.output is not None:
        output = ws.confine(body.output, "output")
    else:  # beside the source, which is inside the root: confined too, for its hidden check
        output = ws.confine(ws.relative(default_output(source)), "output")
    conversion = convert(
        source,
        output=output,
        kernel=body.kernel,
        root=ws.root,
        shown_source=ws.relative(source),
        shown_output=ws.relative(output),
    )
    if not ws.allow_hidden:
        hidden = hidden_path_problems(conversion.document, output.parent, ws.root)
        conversion.report.problems += [str(problem) for problem in hidden]
    write(conversion, force=body.force)
    return {"pipeline": ws.relative(output), "report": conversion.report.to_json()}
