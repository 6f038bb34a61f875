"""Every path a request names stays inside the server root: `..`, absolute paths, symlinks
pointing outside and percent-encoded variants are refused, directly or through a notebook path
inside a pipeline file; hidden files follow `ContentsManager.allow_hidden`. Refusals write
nothing, inside or outside the root.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from server_support import call, files_under, write_pipeline, write_step_notebook

from runnable_jupyter.server.app import API_PREFIX


@pytest.fixture
def allow_hidden() -> bool:
    return False  # jupyter_server's default; tests parametrize it


@pytest.fixture
def jp_server_config(jp_server_config, allow_hidden):  # type: ignore[no-untyped-def]
    return {
        "ServerApp": {"jpserver_extensions": {"runnable_jupyter": True}},
        "ContentsManager": {"allow_hidden": allow_hidden},
    }


@pytest.fixture
def outside(jp_root_dir: Path) -> Path:
    """A valid pipeline next to the server root, with a symlink to it from inside the root."""
    folder = jp_root_dir.parent / "outside"
    write_pipeline(folder, {"a": {}})
    (jp_root_dir / "link.pipeline.json").symlink_to(folder / "p.pipeline.json")
    (jp_root_dir / "linked-folder").symlink_to(folder, target_is_directory=True)
    return folder


ESCAPES = {
    "dot-dot": "../outside/p.pipeline.json",
    "dot-dot-inside": "sub/../../outside/p.pipeline.json",
    "absolute-outside": "{outside}/p.pipeline.json",
    "absolute-inside": "{root}/link.pipeline.json",
    "symlink-file": "link.pipeline.json",
    "symlink-folder": "linked-folder/p.pipeline.json",
    "percent-encoded": "%2e%2e/outside/p.pipeline.json",
    "percent-encoded-upper": "%2E%2E%2Foutside%2Fp.pipeline.json",
}


def escape(name: str, root: Path, outside: Path) -> str:
    return ESCAPES[name].format(root=root, outside=outside)


async def every_way_to_name_a_pipeline(
    jp_fetch: Any, path: str, in_url: bool = True
) -> list[tuple[int, Any]]:
    answers = [
        await call(jp_fetch, "POST", "validate", body={"pipeline": path}),
        await call(jp_fetch, "POST", "validate", body={"content": {}, "base": path}),
        await call(jp_fetch, "POST", "runs", body={"pipeline": path}),
    ]
    if in_url:
        answers.append(await call(jp_fetch, "GET", "runs", params={"pipeline": path}))
    return answers


@pytest.mark.parametrize("name", ESCAPES)
async def test_a_pipeline_path_leaving_the_root_is_refused_everywhere(
    jp_fetch, jp_root_dir, outside, name
):
    before = files_under(jp_root_dir), files_under(outside)
    for status, body in await every_way_to_name_a_pipeline(
        jp_fetch, escape(name, jp_root_dir, outside)
    ):
        assert (status, body["error"]["code"]) == (403, "path_outside_root"), body
    assert (files_under(jp_root_dir), files_under(outside)) == before


async def test_a_percent_encoded_escape_names_what_it_decodes_to(jp_fetch):
    status, body = await call(
        jp_fetch, "POST", "runs", body={"pipeline": "%2e%2e/outside/p.pipeline.json"}
    )
    assert status == 403
    assert "percent-decoded" in body["error"]["message"]


@pytest.mark.parametrize(
    "notebook",
    ["../outside/step.ipynb", "{outside}/step.ipynb", "linked-folder/step.ipynb"],
    ids=["dot-dot", "absolute", "symlink"],
)
async def test_a_notebook_path_leaving_the_root_inside_a_pipeline_is_refused(
    jp_fetch, jp_root_dir, outside, notebook
):
    document = {"version": 1, "steps": [{"id": "a", "notebook": notebook.format(outside=outside)}]}
    (jp_root_dir / "escape.pipeline.json").write_text(json.dumps(document))
    before = files_under(jp_root_dir), files_under(outside)

    request = {"pipeline": "escape.pipeline.json"}
    status, body = await call(jp_fetch, "POST", "validate", body=request)
    assert (status, body["valid"]) == (200, False)
    assert [(e["pointer"], e["step"]) for e in body["errors"]] == [("/steps/0/notebook", "a")]
    status, body = await call(jp_fetch, "POST", "validate", body={"content": document})
    assert [e["pointer"] for e in body["errors"]] == ["/steps/0/notebook"]

    status, body = await call(jp_fetch, "POST", "runs", body=request)
    assert (status, body["error"]["code"]) == (400, "pipeline_invalid")
    assert body["error"]["details"][0]["pointer"] == "/steps/0/notebook"
    assert (files_under(jp_root_dir), files_under(outside)) == before


async def test_a_catalog_folder_leaving_the_root_is_refused(jp_fetch, jp_root_dir):
    pipeline = write_pipeline(jp_root_dir, {"a": {}})
    document = json.loads((jp_root_dir / pipeline).read_text())
    document["settings"] = {"catalog_dir": "../elsewhere"}
    (jp_root_dir / pipeline).write_text(json.dumps(document))
    before = files_under(jp_root_dir)
    status, body = await call(jp_fetch, "POST", "runs", body={"pipeline": pipeline})
    assert (status, body["error"]["code"]) == (400, "pipeline_invalid")
    assert body["error"]["details"][0]["pointer"] == "/settings/catalog_dir"
    assert files_under(jp_root_dir) == before
    assert not (jp_root_dir.parent / "elsewhere").exists()


@pytest.mark.parametrize(
    "raw",
    ["%2e%2e%2f%2e%2e%2fetc", "..%2F..%2Fetc", "20260101T000000-abcdef%2f..%2f.."],
    ids=["encoded-dots-and-slashes", "encoded-slashes", "valid-prefix"],
)
async def test_a_percent_encoded_run_id_in_the_url_is_refused(
    http_server_client, jp_base_url, jp_auth_header, raw
):
    for suffix, method in (("", "GET"), ("/steps/a/log", "GET"), ("/cancel", "POST")):
        url = f"{jp_base_url.rstrip('/')}/{API_PREFIX}/runs/{raw}{suffix}"
        response = await http_server_client.fetch(
            url,
            method=method,
            headers=jp_auth_header,
            body=b"{}" if method == "POST" else None,
            raise_error=False,
        )
        assert response.code == 400, (url, response.body)
        assert json.loads(response.body)["error"]["code"] == "bad_request"


async def test_a_percent_encoded_step_id_in_the_url_is_refused(
    http_server_client, jp_base_url, jp_auth_header
):
    run = "20260101T000000-abcdef"
    url = f"{jp_base_url.rstrip('/')}/{API_PREFIX}/runs/{run}/steps/..%2F..%2Fx/log"
    response = await http_server_client.fetch(url, headers=jp_auth_header, raise_error=False)
    assert response.code == 400
    assert json.loads(response.body)["error"]["code"] == "bad_request"


# --- hidden files -------------------------------------------------------------------------------


def write_hidden_cases(root: Path) -> None:
    write_pipeline(root, {"a": {}}, folder=".hidden")
    write_step_notebook(root / ".secret" / "step.ipynb")
    document = {"version": 1, "steps": [{"id": "a", "notebook": ".secret/step.ipynb"}]}
    (root / "visible.pipeline.json").write_text(json.dumps(document))


@pytest.mark.parametrize("path", [".hidden/p.pipeline.json", "%2ehidden/p.pipeline.json"])
async def test_a_hidden_pipeline_is_refused_when_the_server_hides_hidden_files(
    jp_fetch, jp_root_dir, path
):
    write_hidden_cases(jp_root_dir)
    before = files_under(jp_root_dir)
    for status, body in await every_way_to_name_a_pipeline(jp_fetch, path):
        assert (status, body["error"]["code"]) == (403, "hidden_path"), body
    assert files_under(jp_root_dir) == before


async def test_a_hidden_notebook_in_a_pipeline_is_refused_when_the_server_hides_hidden_files(
    jp_fetch, jp_root_dir
):
    write_hidden_cases(jp_root_dir)
    before = files_under(jp_root_dir)
    request = {"pipeline": "visible.pipeline.json"}
    status, body = await call(jp_fetch, "POST", "validate", body=request)
    assert (status, body["valid"]) == (200, False)
    assert [(e["pointer"], e["step"]) for e in body["errors"]] == [("/steps/0/notebook", "a")]
    assert "hidden" in body["errors"][0]["message"]
    status, body = await call(jp_fetch, "POST", "runs", body=request)
    assert (status, body["error"]["code"]) == (400, "pipeline_invalid")
    assert files_under(jp_root_dir) == before


@pytest.mark.parametrize("allow_hidden", [True])
async def test_hidden_files_are_served_when_the_server_allows_them(jp_fetch, jp_root_dir):
    write_hidden_cases(jp_root_dir)
    for path in (".hidden/p.pipeline.json", "visible.pipeline.json"):
        status, body = await call(jp_fetch, "POST", "validate", body={"pipeline": path})
        assert (status, body["valid"], body["errors"]) == (200, True, []), path
        assert await call(jp_fetch, "GET", "runs", params={"pipeline": path}) == (
            200,
            {"runs": [], "next": None},
        )


IMPOSSIBLE_PATHS = {
    "name-over-255-bytes": "x" * 300 + ".pipeline.json",
    "lone-surrogate": "\ud800.pipeline.json",
    "nul": "a\x00.pipeline.json",
    "symlink-loop": "loop1.pipeline.json",
}


def make_symlink_loop(folder: Path, suffix: str) -> None:
    (folder / f"loop1{suffix}").symlink_to(f"loop2{suffix}")
    (folder / f"loop2{suffix}").symlink_to(f"loop1{suffix}")


@pytest.mark.parametrize("name", IMPOSSIBLE_PATHS)
async def test_a_path_no_file_can_have_is_a_clear_400_everywhere(jp_fetch, jp_root_dir, name):
    # Each of these answered 500 (ENAMETOOLONG, UnicodeEncodeError, RuntimeError: Symlink loop).
    make_symlink_loop(jp_root_dir, ".pipeline.json")
    before = files_under(jp_root_dir)
    # A URL cannot carry a lone surrogate or a NUL: only bodies can.
    in_url = name not in ("lone-surrogate", "nul")
    answers = await every_way_to_name_a_pipeline(jp_fetch, IMPOSSIBLE_PATHS[name], in_url)
    for status, body in answers:
        assert (status, body["error"]["code"]) == (400, "bad_request"), body
        assert str(jp_root_dir) not in body["error"]["message"]
    assert files_under(jp_root_dir) == before


async def test_a_notebook_symlink_loop_is_a_located_validation_problem(jp_fetch, jp_root_dir):
    make_symlink_loop(jp_root_dir, ".ipynb")
    document = {"version": 1, "steps": [{"id": "a", "notebook": "loop1.ipynb"}]}
    status, body = await call(jp_fetch, "POST", "validate", body={"content": document})
    assert (status, body["valid"]) == (200, False)
    [error] = body["errors"]
    assert error["pointer"] == "/steps/0/notebook" and "symlink loop" in error["message"]


async def test_refusals_speak_in_paths_relative_to_the_root(jp_fetch, jp_root_dir, outside):
    answers = [
        await call(jp_fetch, "POST", "runs", body={"pipeline": "missing.pipeline.json"}),
        await call(jp_fetch, "GET", "runs", "20260101T000000-abcdef"),
        await call(jp_fetch, "POST", "runs", body={"pipeline": str(outside / "p.pipeline.json")}),
        await call(jp_fetch, "POST", "runs", body={"pipeline": "../outside/p.pipeline.json"}),
    ]
    assert [status for status, _ in answers] == [404, 404, 403, 403]
    for _, body in answers:
        assert str(jp_root_dir) not in json.dumps(body), body
