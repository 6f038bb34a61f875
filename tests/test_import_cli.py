"""`runnable-jupyter import` and `POST import`: the contract around the importer.

CLI: exit 0 with the report and the file written (NAME.pipeline.json beside FILE by default),
exit 2 with one sentence and nothing written otherwise; never an overwrite without --force.
REST (pytest-jupyter's server): 201 with the pipeline's path and the report, the documented
4xx for everything refused, paths confined to the root and hidden ones refused, no answer
naming the root folder.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from corpus_support import entry, rebuild
from server_support import call, files_under

from runnable_jupyter.cli.commands import main

MULTI_NODE = "kfp-multi-node-generic"
PIPELINE = "elyra/tests/pipeline/resources/test_pipelines/kfp/kfp-multi-node-generic.pipeline"


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the corpus' elyra-ai/elyra repository holding the multi-node pipeline; the
    current folder."""
    root, _ = rebuild(entry(MULTI_NODE), tmp_path)
    monkeypatch.chdir(root)
    return root


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["import", *argv])
    out, err = capsys.readouterr()
    return code, out, err


# --- CLI ----------------------------------------------------------------------------------------


def test_import_writes_the_pipeline_beside_the_file_and_prints_the_report(workspace, capsys):
    code, out, err = run_cli(capsys, PIPELINE)
    assert (code, err) == (0, "")
    written = workspace / (PIPELINE + ".json")
    document = json.loads(written.read_text())
    assert [s["id"] for s in document["steps"]] == [
        "consume_a_file",
        "consumer-producer",
        "produce_a_file",
    ]
    assert "3 step(s):" in out and "no equivalent (not carried over):" in out
    assert "runtime_image" in out and "the new file is valid" in out
    assert out.rstrip().endswith(f"wrote {PIPELINE}.json")
    assert main(["validate", PIPELINE + ".json"]) == 0


def test_import_never_overwrites_without_force(workspace, capsys):
    target = workspace / (PIPELINE + ".json")
    target.write_text("my own work")
    code, out, err = run_cli(capsys, PIPELINE)
    assert code == 2 and out == ""
    assert err == (
        f"error: {PIPELINE}.json exists already: overwrite it with --force (over REST, "
        '"force": true) or choose another output file\n'
    )
    assert target.read_text() == "my own work"
    code, out, _ = run_cli(capsys, PIPELINE, "--force")
    assert code == 0 and json.loads(target.read_text())["steps"]


def test_import_to_another_file_with_a_kernel(workspace, capsys):
    code, out, _ = run_cli(
        capsys, PIPELINE, "-o", "flows/multi.pipeline.json", "--kernel", "python3"
    )
    assert code == 0
    document = json.loads((workspace / "flows/multi.pipeline.json").read_text())
    assert {s["kernel"] for s in document["steps"]} == {"python3"}
    assert document["steps"][0]["notebook"].startswith("../elyra/tests/")
    assert "python3 (--kernel)" in out


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["nope.pipeline"], "error: nope.pipeline: no such file\n"),
        ([PIPELINE, "-o", "out.json"], "must be named NAME.pipeline.json"),
        ([PIPELINE, "--kernel", "nope"], "--kernel nope: no such kernel is installed"),
        (["bad.pipeline"], "bad.pipeline is not valid JSON (line 1, column 2"),
        (["cycle.orchest"], "its steps form a cycle 'A' → 'B' → 'A'"),
        (["script.orchest"], "has no notebook step to import, only 'A' (script)"),
        ([PIPELINE, "-o", PIPELINE], "must be named NAME.pipeline.json"),
    ],
)
def test_import_refusals_are_one_sentence_with_nothing_written(workspace, capsys, argv, expected):
    (workspace / "bad.pipeline").write_text("{oops")
    cycle = {
        "a": {"uuid": "a", "title": "A", "file_path": "a.ipynb", "incoming_connections": ["b"]},
        "b": {"uuid": "b", "title": "B", "file_path": "a.ipynb", "incoming_connections": ["a"]},
    }
    (workspace / "cycle.orchest").write_text(json.dumps({"name": "c", "steps": cycle}))
    script = {"a": {"uuid": "a", "title": "A", "file_path": "a.py", "incoming_connections": []}}
    (workspace / "script.orchest").write_text(json.dumps({"name": "s", "steps": script}))
    before = files_under(workspace)
    code, out, err = run_cli(capsys, *argv)
    assert (code, out) == (2, "")
    assert err.startswith("error: ") and err.count("\n") == 1 and expected in err, err
    assert files_under(workspace) == before


def test_the_command_line_entry_point(workspace):
    result = subprocess.run(
        [sys.executable, "-m", "runnable_jupyter.cli", "import", PIPELINE],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert (workspace / (PIPELINE + ".json")).is_file()
    again = subprocess.run(
        [sys.executable, "-m", "runnable_jupyter.cli", "import", PIPELINE],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert again.returncode == 2 and "exists already" in again.stderr
    assert "Traceback" not in again.stderr


# --- REST ---------------------------------------------------------------------------------------


@pytest.fixture
def served(jp_root_dir: Path) -> Path:
    """The multi-node pipeline's repository copy as the server root."""
    copy, _ = rebuild(entry(MULTI_NODE), jp_root_dir.parent / "copy")
    for path in sorted(copy.iterdir()):
        path.rename(jp_root_dir / path.name)
    return jp_root_dir


async def post_import(jp_fetch: Any, body: Any) -> tuple[int, Any]:
    return await call(jp_fetch, "POST", "import", body=body)


async def test_post_import_writes_the_pipeline_and_answers_the_report(jp_fetch, served):
    code, answer = await post_import(jp_fetch, {"path": PIPELINE})
    assert code == 201, answer
    assert answer["pipeline"] == PIPELINE + ".json"
    report = answer["report"]
    assert report["format"] == "elyra" and report["format_version"] == "8"
    assert [s["id"] for s in report["steps"]] == [
        "consume_a_file",
        "consumer-producer",
        "produce_a_file",
    ]
    assert report["problems"] == []
    assert any("runtime_image" in item["source"] for item in report["not_mapped"])
    assert str(served) not in json.dumps(answer)  # no answer names the root folder
    assert (served / answer["pipeline"]).is_file()


async def test_post_import_refuses_to_overwrite_unless_forced(jp_fetch, served):
    target = served / (PIPELINE + ".json")
    target.write_text("mine")
    code, answer = await post_import(jp_fetch, {"path": PIPELINE})
    assert code == 409 and answer["error"]["code"] == "output_exists"
    assert target.read_text() == "mine"
    code, answer = await post_import(
        jp_fetch, {"path": PIPELINE, "output": "out/x.pipeline.json", "kernel": "python3"}
    )
    assert code == 201 and answer["pipeline"] == "out/x.pipeline.json"
    code, _ = await post_import(jp_fetch, {"path": PIPELINE, "force": True})
    assert code == 201 and json.loads(target.read_text())["steps"]


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        ({"path": "nope.pipeline"}, 404, "pipeline_not_found"),
        ({"path": "../outside.pipeline"}, 403, "path_outside_root"),
        ({"path": "/etc/passwd"}, 403, "path_outside_root"),
        ({"path": ".orchest/pipeline.json"}, 403, "hidden_path"),
        ({"path": PIPELINE, "output": ".hidden/x.pipeline.json"}, 403, "hidden_path"),
        ({"path": PIPELINE, "output": "../x.pipeline.json"}, 403, "path_outside_root"),
        ({"path": "bad.pipeline"}, 400, "bad_request"),
        ({"path": PIPELINE, "kernel": "nope"}, 400, "bad_request"),
        ({"path": PIPELINE, "output": "x.json"}, 400, "bad_request"),
        ({"path": PIPELINE, "force": "yes"}, 400, "bad_request"),
        ({"pipeline": PIPELINE}, 400, "bad_request"),
        ({}, 400, "bad_request"),
    ],
)
async def test_post_import_refusals_are_documented_errors_with_nothing_written(
    jp_fetch, served, body, status, error
):
    (served / "bad.pipeline").write_text("{oops")
    (served / ".orchest").mkdir()
    (served / ".orchest" / "pipeline.json").write_text(json.dumps({"steps": {}}))
    before = files_under(served)
    code, answer = await post_import(jp_fetch, body)
    assert (code, answer["error"]["code"]) == (status, error), answer
    assert str(served) not in answer["error"]["message"]
    assert files_under(served) == before
