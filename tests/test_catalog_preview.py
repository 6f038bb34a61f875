"""`GET catalog/preview`: the head of a table, an image, JSON and text previews of catalog
versions (current, newest or a given sha256), pickles never unpickled, bounded answers that match
the OpenAPI document, and clear 4xx errors. No kernels: catalogs are written with the store.
"""

from __future__ import annotations

import base64
import json
import os
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
import pandas as pd
import pytest
import yaml
from server_support import call, files_under, write_pipeline

from runnable_jupyter.catalog.preview import MAX_IMAGE_BYTES, MAX_ROWS, MAX_TEXT_BYTES
from runnable_jupyter.catalog.store import CatalogStore
from runnable_jupyter.catalog.views import CatalogView

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


def _json_schema(node: Any) -> Any:
    """OpenAPI 3.0's `nullable` as JSON Schema (`type: [T, "null"]`), everything else as is."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable") and "type" in node:
        converted["type"] = [node["type"], "null"]
    return converted


DOCUMENT = _json_schema(
    yaml.safe_load(files("runnable_jupyter").joinpath("openapi.yaml").read_text())
)


def assert_documented(body: Any) -> None:
    """The answer matches the OpenAPI document's CatalogPreview schema."""
    schema = {"$ref": "#/components/schemas/CatalogPreview", "components": DOCUMENT["components"]}
    jsonschema.validate(body, schema)


async def preview(jp_fetch: Any, pipeline: str, name: str, **params: str) -> tuple[int, Any]:
    return await call(
        jp_fetch, "GET", "catalog", "preview", params={"pipeline": pipeline, "name": name} | params
    )


@pytest.fixture
def pipeline(jp_root_dir: Path) -> str:
    return write_pipeline(jp_root_dir, {"a": {}, "b": {"depends_on": ["a"]}}, folder="sub")


@pytest.fixture
def store(jp_root_dir: Path, pipeline: str) -> CatalogStore:
    """The pipeline's catalog, written outside any run (each put is current at once)."""
    return CatalogStore(jp_root_dir / "sub" / "p.catalog")


async def test_a_dataframe_is_the_head_of_a_table_with_json_safe_cells(jp_fetch, pipeline, store):
    frame = pd.DataFrame(
        {
            "alcohol": [13.5, float("nan")] * 25,
            "cultivar": ["a", "b"] * 25,
            "day": pd.date_range("2026-01-01", periods=50),
            "count": range(50),
        }
    )
    access = store.put("wine", frame)
    code, body = await preview(jp_fetch, pipeline, "wine")
    assert code == 200, body
    assert_documented(body)
    assert body["kind"] == "table" and body["format"] == "parquet"
    assert (body["name"], body["sha256"], body["size"]) == ("wine", access.sha256, access.size)
    assert body["columns"] == ["alcohol", "cultivar", "day", "count"]
    assert (len(body["rows"]), body["rows_total"], body["truncated"]) == (MAX_ROWS, 50, True)
    assert body["rows"][0] == [13.5, "a", "2026-01-01T00:00:00", 0]
    assert body["rows"][1][0] is None  # NaN: no invalid JSON
    assert body["data"] is None and body["text"] is None


async def test_a_series_and_a_small_array_are_tables_too(jp_fetch, pipeline, store):
    store.put("ratio", pd.Series([0.5, 0.25], name="ratio"))
    code, body = await preview(jp_fetch, pipeline, "ratio")
    assert (code, body["columns"], body["rows"], body["truncated"]) == (
        200,
        ["ratio"],
        [[0.5], [0.25]],
        False,
    )
    import numpy as np

    store.put("grid", np.arange(6).reshape(2, 3))
    code, body = await preview(jp_fetch, pipeline, "grid")
    assert (code, body["kind"], body["rows"]) == (200, "table", [[0, 1, 2], [3, 4, 5]])
    assert_documented(body)


async def test_any_version_by_its_sha256_and_the_current_one_by_default(jp_fetch, pipeline, store):
    first = store.put("params", {"k": 1})
    second = store.put("params", {"k": 2, "nested": {"deep": [1, 2]}})
    code, body = await preview(jp_fetch, pipeline, "params")
    assert code == 200 and body["sha256"] == second.sha256
    assert body["kind"] == "json" and json.loads(body["text"]) == {
        "k": 2,
        "nested": {"deep": [1, 2]},
    }
    assert body["text"].startswith('{\n  "k": 2')  # pretty-printed
    code, body = await preview(jp_fetch, pipeline, "params", sha256=first.sha256)
    assert (code, body["sha256"], json.loads(body["text"])) == (200, first.sha256, {"k": 1})
    assert_documented(body)


async def test_an_entry_without_a_current_version_shows_its_newest(jp_fetch, pipeline, store):
    # A step of a run that failed after its put: the version exists, nothing made it current.
    in_run = CatalogStore(store.directory, CatalogView(), run_id="r", step="a")
    written = in_run.put("draft", {"v": 1})
    code, body = await preview(jp_fetch, pipeline, "draft")
    assert (code, body["sha256"]) == (200, written.sha256)


async def test_images_are_base64_up_to_a_bound(jp_fetch, jp_root_dir, pipeline, store):
    (jp_root_dir / "plot.png").write_bytes(PNG)
    store.put_file("plots/confusion.png", jp_root_dir / "plot.png")
    code, body = await preview(jp_fetch, pipeline, "plots/confusion.png")
    assert code == 200, body
    assert (body["kind"], body["media_type"], body["format"]) == ("image", "image/png", "file")
    assert base64.b64decode(body["data"]) == PNG
    assert_documented(body)

    (jp_root_dir / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>')
    store.put_file("logo.svg", jp_root_dir / "logo.svg")
    code, body = await preview(jp_fetch, pipeline, "logo.svg")
    assert (body["kind"], body["media_type"]) == ("image", "image/svg+xml")

    (jp_root_dir / "huge.png").write_bytes(PNG + b"\0" * MAX_IMAGE_BYTES)
    store.put_file("huge.png", jp_root_dir / "huge.png")
    code, body = await preview(jp_fetch, pipeline, "huge.png")
    assert (code, body["kind"], body["data"]) == (200, "none", None)
    assert "up to 2.0 MB" in body["reason"]
    assert_documented(body)


async def test_text_files_are_their_start_up_to_64_kb(jp_fetch, jp_root_dir, pipeline, store):
    (jp_root_dir / "report.md").write_text("# Report\n\naccuracy: 0.97 ✓\n", encoding="utf-8")
    store.put_file("report.md", jp_root_dir / "report.md")
    code, body = await preview(jp_fetch, pipeline, "report.md")
    assert (code, body["kind"], body["media_type"]) == (200, "text", "text/markdown")
    assert (body["text"], body["truncated"]) == ("# Report\n\naccuracy: 0.97 ✓\n", False)

    # Cut within a character: the partial character is left out, not garbled.
    (jp_root_dir / "big.csv").write_bytes(b"a" * (MAX_TEXT_BYTES - 1) + "é,more\n".encode())
    store.put_file("big.csv", jp_root_dir / "big.csv")
    code, body = await preview(jp_fetch, pipeline, "big.csv")
    assert (code, body["kind"], body["media_type"], body["truncated"]) == (
        200,
        "text",
        "text/csv",
        True,
    )
    assert body["text"] == "a" * (MAX_TEXT_BYTES - 1)
    assert_documented(body)

    (jp_root_dir / "blob.bin").write_bytes(b"\x00\x01\x02")
    store.put_file("blob.bin", jp_root_dir / "blob.bin")
    code, body = await preview(jp_fetch, pipeline, "blob.bin")
    assert (code, body["kind"], body["reason"]) == (200, "none", "a binary file")


class Trap:
    """Unpickling this creates the folder `path`: the proof that a pickle was loaded."""

    def __init__(self, path: Path) -> None:
        self.path = str(path)

    def __reduce__(self) -> tuple[Any, ...]:
        return (os.mkdir, (self.path,))


async def test_pickles_are_never_unpickled(jp_fetch, jp_root_dir, pipeline, store):
    marker = jp_root_dir / "unpickled"
    store.put("model", Trap(marker))
    before = files_under(jp_root_dir)
    code, body = await preview(jp_fetch, pipeline, "model")
    assert code == 200, body
    assert (body["kind"], body["format"], body["reason"]) == ("none", "pickle", "pickle")
    assert not marker.exists()
    assert files_under(jp_root_dir) == before
    assert_documented(body)


async def test_a_corrupt_version_says_so_and_is_not_a_server_error(
    jp_fetch, jp_root_dir, pipeline, store
):
    (jp_root_dir / "bad.parquet").write_bytes(b"not parquet at all")
    store.put_file("bad.parquet", jp_root_dir / "bad.parquet", typed=True)
    code, body = await preview(jp_fetch, pipeline, "bad")
    assert (code, body["format"], body["kind"]) == (200, "parquet", "none")
    assert body["reason"].startswith("cannot preview this version")


async def test_refusals_are_clear_4xx_errors(jp_fetch, jp_root_dir, pipeline, store):
    store.put("wine", {"k": 1})
    (jp_root_dir / ".hidden").mkdir()
    write_pipeline(jp_root_dir, {"a": {}}, folder=".hidden")
    (jp_root_dir / "outside.txt").write_text("secret")
    os.symlink(jp_root_dir / "outside.txt", store.directory / "linked.txt")
    cases = [
        ({}, 400, "bad_request"),
        ({"pipeline": pipeline}, 400, "bad_request"),
        ({"pipeline": "nope.pipeline.json", "name": "wine"}, 404, "pipeline_not_found"),
        ({"pipeline": "../p.pipeline.json", "name": "wine"}, 403, "path_outside_root"),
        ({"pipeline": ".hidden/p.pipeline.json", "name": "wine"}, 403, "hidden_path"),
        ({"pipeline": pipeline, "name": "ghost"}, 404, "entry_not_found"),
        ({"pipeline": pipeline, "name": "wine", "sha256": "0" * 64}, 404, "entry_not_found"),
        ({"pipeline": pipeline, "name": "wine", "sha256": "ABC"}, 400, "bad_request"),
        ({"pipeline": pipeline, "name": "../p.pipeline.json"}, 400, "bad_request"),
        ({"pipeline": pipeline, "name": ".versions/objects"}, 400, "bad_request"),
        ({"pipeline": pipeline, "name": "x" * 300}, 400, "bad_request"),
    ]
    for params, status, error in cases:
        code, body = await call(jp_fetch, "GET", "catalog", "preview", params=params)
        assert (code, body["error"]["code"]) == (status, error), (params, body)
        assert body["error"]["message"] and str(jp_root_dir) not in body["error"]["message"]
    # A file linked from outside the catalog folder is not an entry that can be previewed.
    code, body = await preview(jp_fetch, pipeline, "linked.txt")
    assert (code, body["error"]["code"]) == (404, "entry_not_found")
    assert "secret" not in json.dumps(body)
