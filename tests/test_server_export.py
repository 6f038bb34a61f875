"""`POST export`: a pipeline of the workspace as a script or an Argo Workflow, answered as
text; refusals write nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hera.workflows.models import Workflow as ArgoWorkflow
from server_support import call, files_under, write_pipeline


@pytest.fixture
def pipeline(jp_root_dir: Path) -> str:
    return write_pipeline(jp_root_dir, {"a": {}, "b_2": {"depends_on": ["a"]}}, folder="sub")


async def test_a_pipeline_exports_as_a_script(jp_fetch: Any, jp_root_dir: Path, pipeline: str):
    before = files_under(jp_root_dir)
    status, answer = await call(
        jp_fetch, "POST", "export", body={"path": pipeline, "format": "script"}
    )
    assert status == 200, answer
    assert answer["format"] == "script" and answer["file"] == "sub/p_pipeline.py"
    text = answer["text"]
    assert "import papermill" in text
    assert "import runnable_jupyter" not in text and "from runnable_jupyter" not in text
    compile(text, "p_pipeline.py", "exec")
    assert files_under(jp_root_dir) == before  # the client writes it, not the server


async def test_a_pipeline_exports_as_an_argo_workflow(
    jp_fetch: Any, jp_root_dir: Path, pipeline: str
):
    body = {"path": pipeline, "format": "argo", "image": "ghcr.io/a/b:1", "volume_claim": "nb"}
    status, answer = await call(jp_fetch, "POST", "export", body=body)
    assert status == 200, answer
    assert answer["file"] == "sub/p.argo.yaml"
    document = yaml.safe_load(answer["text"])
    model = ArgoWorkflow.model_validate(document)
    assert model.model_dump(mode="json", by_alias=True, exclude_none=True) == document
    tasks = {t["name"]: t for t in document["spec"]["templates"][0]["dag"]["tasks"]}
    assert tasks["b-2"]["dependencies"] == ["a"]
    container = document["spec"]["templates"][2]["container"]
    assert container["args"][2:4] == ["exec-step", "sub/p.pipeline.json"]  # root-relative
    assert document["spec"]["volumes"][0]["persistentVolumeClaim"]["claimName"] == "nb"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"path": "sub/p.pipeline.json", "format": "argo"}, 400, "bad_request"),
        ({"path": "sub/p.pipeline.json", "format": "argo", "image": "a b"}, 400, "bad_request"),
        ({"path": "sub/p.pipeline.json", "format": "yaml"}, 400, "bad_request"),
        ({"path": "sub/p.pipeline.json", "format": "script", "image": "x"}, 400, "bad_request"),
        ({"path": "sub/p.pipeline.json", "format": "script", "extra": 1}, 400, "bad_request"),
        ({"path": "../outside.pipeline.json", "format": "script"}, 403, "path_outside_root"),
        ({"path": ".hidden/p.pipeline.json", "format": "script"}, 403, "hidden_path"),
        ({"path": "sub/none.pipeline.json", "format": "script"}, 404, "pipeline_not_found"),
    ],
)
async def test_bad_export_requests_are_refused(
    jp_fetch: Any, jp_root_dir: Path, pipeline: str, body: dict[str, Any], status: int, code: str
):
    before = files_under(jp_root_dir)
    got, answer = await call(jp_fetch, "POST", "export", body=body)
    assert (got, answer["error"]["code"]) == (status, code), answer
    assert files_under(jp_root_dir) == before
