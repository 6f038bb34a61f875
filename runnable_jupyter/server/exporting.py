"""`POST export`: a pipeline file of the workspace as a standalone papermill script or an Argo
Workflow, answered as text (the client decides where to save it: JupyterLab writes it beside
the pipeline through the contents API).

A plain blocking function like those of `operations.py`, run off the event loop by its handler.
The pipeline path is confined to the server root (and refused when hidden, unless the server
allows hidden files) before it is read; nothing is written. Paths in the answer are relative to
the root.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import StrictStr

from ..errors import BadRequest
from ..exports.argo import export_argo
from ..exports.script import export_script
from ..pipeline.model import pipeline_stem
from ..pipeline.validation import load_pipeline
from ..runs.environment import package_version
from .bodies import _Body
from .operations import Workspace


class ExportBody(_Body):
    path: StrictStr  # the pipeline file, relative to the server root
    format: Literal["script", "argo"]
    image: StrictStr | None = None  # argo: the container image every step runs in
    volume_claim: StrictStr | None = None  # argo: the PersistentVolumeClaim of the workspace


SUFFIXES = {"script": "_pipeline.py", "argo": ".argo.yaml"}


def export_pipeline(ws: Workspace, body: ExportBody) -> dict[str, Any]:
    pipeline_path = ws.confine(body.path, "pipeline")
    if body.format == "argo" and not body.image:
        raise BadRequest(
            "exporting to Argo needs 'image': the container image every step runs in, with "
            "runnable-jupyter and the steps' kernels installed",
            {"field": "image"},
        )
    if body.format == "script" and (body.image is not None or body.volume_claim is not None):
        raise BadRequest("'image' and 'volume_claim' are for the argo format only")
    model = load_pipeline(pipeline_path, ws.root)
    relative = ws.relative(pipeline_path)
    target = pipeline_path.parent / f"{pipeline_stem(pipeline_path)}{SUFFIXES[body.format]}"
    if body.format == "argo":
        assert body.image is not None
        text = export_argo(model, relative, body.image, body.volume_claim)
    else:
        version = package_version("runnable-jupyter") or "(a source checkout)"
        catalog_dir = ws.manager.catalog_dir(relative)
        text = export_script(model, pipeline_path, target, catalog_dir, version)
    return {"format": body.format, "file": ws.relative(target), "text": text}
