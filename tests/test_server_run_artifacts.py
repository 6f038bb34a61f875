"""Run artifacts stay as the run wrote them: the contents API refuses to save, rename or delete
anything in a runs folder (`NAME.runs/`, or under the configured `runs_root`) with a 403 that
says why, reports those files as not writable (the lab opens them read-only, never autosaves),
and changes nothing; files elsewhere are saved as usual."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import nbformat
import pytest

from runnable_jupyter.server.run_artifacts import RunsFolderGuard

RUN_NOTEBOOK = "work/p.runs/20261202T120400-abcdef/profile.ipynb"


@pytest.fixture
def runs_root() -> str | None:
    return None  # the default layout; a test parametrizes it


@pytest.fixture
def jp_server_config(jp_server_config, runs_root):  # type: ignore[no-untyped-def]
    config: dict[str, Any] = {"ServerApp": {"jpserver_extensions": {"runnable_jupyter": True}}}
    if runs_root is not None:
        config["RunnableJupyterApp"] = {"runs_root": runs_root}
    return config


def write_notebook(root: Path, path: str) -> bytes:
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, target)
    return target.read_bytes()


async def contents(jp_fetch: Any, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    options: dict[str, Any] = {"method": method, "raise_error": False}
    if body is not None:
        options["body"] = json.dumps(body)
    response = await jp_fetch("api", "contents", *path.split("/"), **options)
    return response.code, json.loads(response.body) if response.body else None


def saved_model(text: str = "edited") -> dict[str, Any]:
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(text)])
    return {"type": "notebook", "format": "json", "content": notebook}


async def test_a_run_notebook_is_read_only_and_refuses_save_rename_and_delete(
    jp_fetch: Any, jp_root_dir: Path
) -> None:
    original = write_notebook(jp_root_dir, RUN_NOTEBOOK)

    code, model = await contents(jp_fetch, "GET", RUN_NOTEBOOK)
    assert code == 200 and model["writable"] is False

    code, answer = await contents(jp_fetch, "PUT", RUN_NOTEBOOK, saved_model())
    assert code == 403
    assert "runs folder 'work/p.runs'" in answer["message"], answer
    assert "run outputs stay as the run wrote them" in answer["message"]

    code, answer = await contents(
        jp_fetch, "PATCH", RUN_NOTEBOOK, {"path": "work/p.runs/20261202T120400-abcdef/x.ipynb"}
    )
    assert code == 403 and "cannot rename" in answer["message"], answer

    code, answer = await contents(jp_fetch, "DELETE", RUN_NOTEBOOK)
    assert code == 403 and "cannot delete" in answer["message"], answer
    code, answer = await contents(jp_fetch, "DELETE", "work/p.runs")
    assert code == 403, answer

    assert (jp_root_dir / RUN_NOTEBOOK).read_bytes() == original
    assert sorted(p.name for p in (jp_root_dir / RUN_NOTEBOOK).parent.iterdir()) == [
        "profile.ipynb"
    ]


async def test_nothing_new_goes_into_a_runs_folder(jp_fetch: Any, jp_root_dir: Path) -> None:
    write_notebook(jp_root_dir, RUN_NOTEBOOK)
    write_notebook(jp_root_dir, "work/mine.ipynb")
    before = sorted(p.relative_to(jp_root_dir).as_posix() for p in jp_root_dir.rglob("*"))

    code, _ = await contents(jp_fetch, "PUT", "work/p.runs/new.ipynb", saved_model())
    assert code == 403
    code, answer = await contents(
        jp_fetch, "PATCH", "work/mine.ipynb", {"path": "work/p.runs/mine.ipynb"}
    )
    assert code == 403 and "cannot move a file to" in answer["message"], answer
    code, _ = await contents(jp_fetch, "POST", "work/p.runs", {"copy_from": "work/mine.ipynb"})
    assert code == 403

    after = sorted(p.relative_to(jp_root_dir).as_posix() for p in jp_root_dir.rglob("*"))
    assert after == before


async def test_files_outside_runs_folders_are_saved_as_usual(
    jp_fetch: Any, jp_root_dir: Path
) -> None:
    write_notebook(jp_root_dir, "work/p.runs.notes/ok.ipynb")  # only `NAME.runs` folders count
    code, model = await contents(jp_fetch, "GET", "work/p.runs.notes/ok.ipynb")
    assert code == 200 and model["writable"] is True
    code, _ = await contents(jp_fetch, "PUT", "work/p.runs.notes/ok.ipynb", saved_model("y = 2"))
    assert code == 200
    assert "y = 2" in (jp_root_dir / "work/p.runs.notes/ok.ipynb").read_text()
    code, _ = await contents(jp_fetch, "DELETE", "work/p.runs.notes/ok.ipynb")
    assert code == 204


@pytest.mark.parametrize("runs_root", ["all-runs"])
async def test_the_configured_runs_root_is_guarded_too(
    jp_fetch: Any, jp_root_dir: Path, runs_root: str
) -> None:
    path = "all-runs/work__p.pipeline.json/20261202T120400-abcdef/profile.ipynb"
    original = write_notebook(jp_root_dir, path)
    code, answer = await contents(jp_fetch, "PUT", path, saved_model())
    assert code == 403 and "runs folder 'all-runs'" in answer["message"], answer
    assert (jp_root_dir / path).read_bytes() == original


def test_which_paths_are_run_artifacts() -> None:
    guard = RunsFolderGuard()
    assert guard.runs_folder_of("/a/etl.runs/R/s.ipynb") == "a/etl.runs"
    assert guard.runs_folder_of("etl.runs") == "etl.runs"
    assert guard.runs_folder_of("a/.runs/x") is None  # no pipeline name
    assert guard.runs_folder_of("a/etl.runs.bak/x") is None
    assert RunsFolderGuard("out/runs").runs_folder_of("out/runs/p/R/a.log") == "out/runs"
    assert RunsFolderGuard("out/runs").runs_folder_of("out/runsx/a.log") is None
