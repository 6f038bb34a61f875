"""The catalog: CatalogStore on real files, and the notebook-side API in each resolution mode."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import sha256, write_notebook

from runnable_jupyter import catalog
from runnable_jupyter.catalog.store import CatalogStore, catalog_dir_for
from runnable_jupyter.errors import CatalogError
from runnable_jupyter.pipeline.model import Pipeline

REPO = Path(__file__).resolve().parents[1]
RUN_ENV = (
    "RUNNABLE_JUPYTER_CATALOG_DIR",
    "RUNNABLE_JUPYTER_PIPELINE",
    "RUNNABLE_JUPYTER_RUN_ID",
    "RUNNABLE_JUPYTER_STEP_ID",
    "RUNNABLE_JUPYTER_ACCESS_LOG",
    "JPY_SESSION_NAME",
)


class Point:  # not JSON-able, not a pandas/numpy object: pickled
    def __init__(self, x: int, y: int) -> None:
        self.x, self.y = x, y

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Point) and (self.x, self.y) == (other.x, other.y)


class Unpicklable:
    def __reduce__(self):
        raise TypeError("cannot pickle this")


def visible_and_hidden(folder: Path) -> list[str]:
    """Files in the catalog folder, but the version store's (`test_catalog_versions.py`)."""
    return sorted(
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and p.relative_to(folder).parts[0] != ".versions"
    )


@pytest.fixture
def store(tmp_path: Path) -> CatalogStore:
    return CatalogStore(tmp_path / "etl.catalog")


@pytest.fixture(autouse=True)
def clean_catalog_api(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """Each test starts with no run environment, no use() choice and cwd in tmp_path."""
    for name in RUN_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    catalog.use(None)
    catalog._pending_paths.clear()
    yield
    catalog.use(None)
    catalog._pending_paths.clear()


def make_workspace(root: Path, name: str = "etl", steps: list[dict] | None = None) -> Path:
    """root/NAME.pipeline.json with steps 'load' (nb/load.ipynb) and 'train' (nb/train.ipynb)."""
    steps = steps or [
        {"id": "load", "notebook": "nb/load.ipynb", "catalog": {"put": ["raw.csv"]}},
        {"id": "train", "notebook": "nb/train.ipynb", "depends_on": ["load"]},
    ]
    for step in steps:
        if not (root / step["notebook"]).exists():
            write_notebook(root / step["notebook"], "x = 1")
    pipeline = root / f"{name}.pipeline.json"
    pipeline.write_text(json.dumps({"version": 1, "steps": steps}))
    return pipeline


# -- format dispatch -------------------------------------------------------------------------


def test_dataframe_is_stored_as_parquet_and_read_back_equal(store: CatalogStore) -> None:
    frame = pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"]})
    access = store.put("frame", frame)
    assert Path(access.path).name == "frame.parquet"
    assert Path(access.path).read_bytes()[:4] == b"PAR1"
    pd.testing.assert_frame_equal(store.get("frame"), frame)
    assert store.metadata("frame")["format"] == "parquet"


def test_series_round_trips_through_parquet_with_its_name(store: CatalogStore) -> None:
    series = pd.Series([1.5, 2.5], name="price")
    assert Path(store.put("prices", series).path).suffix == ".parquet"
    pd.testing.assert_series_equal(store.get("prices"), series)


def test_dataframe_parquet_cannot_hold_falls_back_to_pickle(store: CatalogStore) -> None:
    frame = pd.DataFrame({0: [1, 2], "mixed": [1, "x"]})  # int column name, mixed objects
    assert Path(store.put("odd", frame).path).name == "odd.pkl"
    pd.testing.assert_frame_equal(store.get("odd"), frame)
    assert visible_and_hidden(store.directory) == [".meta/odd.json", "odd.pkl"]


def test_numpy_array_is_stored_as_npy(store: CatalogStore) -> None:
    array = np.arange(12, dtype=np.float32).reshape(3, 4)
    access = store.put("weights", array)
    assert Path(access.path).name == "weights.npy"
    loaded = store.get("weights")
    assert loaded.dtype == np.float32 and np.array_equal(loaded, array)


@pytest.mark.parametrize("value", [{"a": [1, 2.5, None, True], "b": "text"}, [1, 2], "s", 3, None])
def test_json_able_values_are_stored_as_json(store: CatalogStore, value: object) -> None:
    access = store.put("value", value)
    assert Path(access.path).name == "value.json"
    assert json.loads(Path(access.path).read_text()) == value
    assert store.get("value") == value


@pytest.mark.parametrize(
    "value",
    [Point(1, 2), (1, 2), {1: "int key"}, float("nan")],
    ids=["custom-class", "tuple", "int-keys", "nan"],
)
def test_values_json_would_change_are_pickled(store: CatalogStore, value: object) -> None:
    access = store.put("value", value)
    assert Path(access.path).name == "value.pkl"
    loaded = store.get("value")
    assert loaded == value or (loaded != loaded and value != value)  # nan != nan
    assert type(loaded) is type(value)


# -- atomicity and metadata ------------------------------------------------------------------


def test_replacing_an_entry_with_another_type_leaves_one_file_and_no_temp_files(
    store: CatalogStore,
) -> None:
    store.put("model", {"kind": "json first"})
    store.put("model", Point(3, 4))
    store.put("model", np.zeros(2))
    assert visible_and_hidden(store.directory) == [".meta/model.json", "model.npy"]
    assert store.metadata("model")["file"] == "model.npy"
    assert store.names() == ["model"]


def test_a_failing_write_keeps_the_previous_entry_and_leaves_no_temp_file(
    store: CatalogStore,
) -> None:
    store.put("model", Point(1, 1))
    before = visible_and_hidden(store.directory)
    with pytest.raises(TypeError, match="cannot pickle"):
        store.put("model", Unpicklable())
    assert visible_and_hidden(store.directory) == before
    assert store.get("model") == Point(1, 1)


def test_metadata_records_step_run_sha256_size_and_time(store: CatalogStore) -> None:
    store = CatalogStore(store.directory, run_id="20260101T000000-abcdef", step="load")
    access = store.put("frame", pd.DataFrame({"a": [1]}))
    file = store.directory / "frame.parquet"
    meta = store.metadata("frame")
    assert {k: meta[k] for k in ("name", "file", "format", "step", "run_id")} == {
        "name": "frame",
        "file": "frame.parquet",
        "format": "parquet",
        "step": "load",
        "run_id": "20260101T000000-abcdef",
    }
    assert meta["sha256"] == sha256(file) == access.sha256
    assert meta["size"] == file.stat().st_size == access.size
    assert meta["time"].startswith(str(access.time.year))
    assert json.loads((store.directory / ".meta" / "frame.json").read_text()) == meta


def test_missing_entry_raises_catalog_error(store: CatalogStore) -> None:
    with pytest.raises(CatalogError, match="'nope' is not in the catalog"):
        store.get("nope")
    assert store.metadata("nope") is None


@pytest.mark.parametrize("name", ["", "  ", "a/b", "../x", "..", ".hidden", "a\\b"])
def test_names_that_leave_or_hide_in_the_catalog_are_refused(
    store: CatalogStore,
    name: str,
) -> None:
    with pytest.raises(CatalogError):
        store.put(name, 1)
    with pytest.raises(CatalogError):
        store.path(name)
    assert not store.directory.exists() or visible_and_hidden(store.directory) == []


def test_path_then_put_file_adds_a_plain_file_entry(store: CatalogStore) -> None:
    target = store.path("plot.png")
    assert target == store.directory / "plot.png" and store.directory.is_dir()
    target.write_bytes(b"\x89PNG fake image")
    store = CatalogStore(store.directory, run_id="r1", step="evaluate")
    access = store.put_file("plot.png", target)
    meta = store.metadata("plot.png")
    assert meta["format"] == "file" and meta["step"] == "evaluate" and meta["run_id"] == "r1"
    assert meta["sha256"] == access.sha256 == sha256(target)
    assert store.names() == ["plot.png"]
    with pytest.raises(CatalogError, match=r"open catalog.path\('plot.png'\)"):
        store.get("plot.png")  # no loader for .png: the notebook reads it itself


def test_put_file_of_a_missing_file_is_refused(store: CatalogStore) -> None:
    with pytest.raises(CatalogError, match="no such file"):
        store.put_file("ghost.txt", store.directory / "ghost.txt")


def test_names_lists_hand_placed_files_and_skips_entries_whose_file_is_gone(
    store: CatalogStore,
) -> None:
    store.put("kept", 1)
    store.put("deleted", 2)
    (store.directory / "deleted.json").unlink()
    (store.directory / "sub").mkdir()
    (store.directory / "sub" / "hand.json").write_text('{"by": "hand"}')
    assert store.names() == ["kept", "sub/hand.json"]
    assert store.get("sub/hand.json") == {"by": "hand"}  # loaded by its extension


def test_catalog_dir_defaults_to_stem_catalog_and_follows_settings(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "etl.pipeline.json"
    assert catalog_dir_for(path, Pipeline()) == tmp_path / "sub" / "etl.catalog"
    configured = Pipeline.model_validate({"settings": {"catalog_dir": "data/cat"}})
    assert catalog_dir_for(path, configured) == tmp_path / "sub" / "data" / "cat"


# -- declarative globs -----------------------------------------------------------------------


def test_copy_out_copies_matches_with_subfolders_and_metadata(
    store: CatalogStore,
    tmp_path: Path,
) -> None:
    work = tmp_path / "work"
    (work / "out" / "deep").mkdir(parents=True)
    (work / "out" / "a.csv").write_text("a\n1\n")
    (work / "out" / "deep" / "b.csv").write_text("b\n2\n")
    (work / "model.json").write_text('{"w": 1}')
    (work / "notes.txt").write_text("not declared")
    store = CatalogStore(store.directory, run_id="r9", step="train")
    accesses = store.copy_out(["out/**/*.csv", "model.json"], work)
    assert [a.name for a in accesses] == ["model.json", "out/a.csv", "out/deep/b.csv"]
    assert (store.directory / "out" / "deep" / "b.csv").read_text() == "b\n2\n"
    assert not (store.directory / "notes.txt").exists()
    meta = store.metadata("out/deep/b.csv")
    assert meta["step"] == "train" and meta["run_id"] == "r9"
    assert meta["sha256"] == accesses[2].sha256 == sha256(work / "out" / "deep" / "b.csv")
    assert store.names() == ["model.json", "out/a.csv", "out/deep/b.csv"]
    assert store.get("model.json") == {"w": 1}


def test_copy_out_glob_matching_nothing_fails_and_copies_nothing(
    store: CatalogStore, tmp_path: Path
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (work / "a.csv").write_text("a")
    with pytest.raises(CatalogError, match=r"'\*\.parquet' matched no file .*work") as info:
        store.copy_out(["a.csv", "*.parquet"], work)
    assert info.value.details["globs"] == ["*.parquet"]
    assert not store.directory.exists() or store.names() == []


def test_copy_in_copies_catalog_files_keeping_subfolders_never_meta(
    store: CatalogStore, tmp_path: Path
) -> None:
    store.put("table", pd.DataFrame({"a": [1]}))
    store.put("params", {"k": 1})
    sub = store.path("reports")
    sub.mkdir()
    (sub / "r.txt").write_text("report")
    dest = tmp_path / "step"
    accesses = store.copy_in(["*", "reports/*.txt"], dest)
    assert visible_and_hidden(dest) == ["params.json", "reports/r.txt", "table.parquet"]
    assert {a.name: a.sha256 for a in accesses}["table"] == sha256(dest / "table.parquet")
    assert pd.read_parquet(dest / "table.parquet")["a"].tolist() == [1]


def test_copy_in_glob_matching_nothing_names_glob_and_catalog(
    store: CatalogStore,
    tmp_path: Path,
) -> None:
    store.put("params", {"k": 1})
    dest = tmp_path / "step"
    with pytest.raises(CatalogError) as info:
        store.copy_in(["params.json", "features.*"], dest)
    assert "'features.*'" in info.value.message and str(store.directory) in info.value.message
    assert not dest.exists()  # checked before anything is copied


@pytest.mark.parametrize("glob", ["/etc/*", "../*", "sub/../../x"])
def test_globs_leaving_the_folder_are_refused(
    store: CatalogStore,
    tmp_path: Path,
    glob: str,
) -> None:
    with pytest.raises(CatalogError, match="relative|'\\.\\.'"):
        store.copy_in([glob], tmp_path / "dest")
    with pytest.raises(CatalogError, match="relative|'\\.\\.'"):
        store.copy_out([glob], tmp_path)


# -- notebook API: which catalog -------------------------------------------------------------


def test_api_uses_the_catalog_dir_a_run_sets(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    folder = tmp_path / "somewhere" / "cat"
    monkeypatch.setenv("RUNNABLE_JUPYTER_CATALOG_DIR", str(folder))
    monkeypatch.setenv("RUNNABLE_JUPYTER_STEP_ID", "load")
    monkeypatch.setenv("RUNNABLE_JUPYTER_RUN_ID", "r1")
    assert catalog.put("x", [1, 2]) == folder / "x.json"
    assert catalog.get("x") == [1, 2]
    assert catalog.names() == ["x"]
    assert catalog.location() == folder
    meta = CatalogStore(folder).metadata("x")
    assert meta["step"] == "load" and meta["run_id"] == "r1"


def test_api_uses_the_pipeline_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    pipeline = make_workspace(tmp_path / "ws")
    monkeypatch.setenv("RUNNABLE_JUPYTER_PIPELINE", str(pipeline))
    catalog.put("x", 1)
    assert (tmp_path / "ws" / "etl.catalog" / "x.json").is_file()


def test_use_chooses_the_pipeline_and_wins_over_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    pipeline = make_workspace(tmp_path / "ws")
    monkeypatch.setenv("RUNNABLE_JUPYTER_CATALOG_DIR", str(tmp_path / "env-cat"))
    assert catalog.use("ws/etl.pipeline.json") == pipeline.parent / "etl.catalog"
    catalog.put("x", 1)
    assert (pipeline.parent / "etl.catalog" / "x.json").is_file()
    assert not (tmp_path / "env-cat").exists()


def test_use_of_a_missing_pipeline_is_refused_and_keeps_the_choice(tmp_path: Path) -> None:
    make_workspace(tmp_path / "ws")
    catalog.use("ws/etl.pipeline.json")
    with pytest.raises(CatalogError, match="no pipeline file at .*nope.pipeline.json"):
        catalog.use("ws/nope.pipeline.json")
    assert catalog.location() == tmp_path / "ws" / "etl.catalog"


@pytest.mark.parametrize("form", ["absolute", "relative-to-cwd", "relative-to-server-root"])
def test_interactive_discovery_finds_the_one_pipeline_of_the_notebook(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, form: str
) -> None:
    pipeline = make_workspace(tmp_path / "ws")
    # another pipeline nearby that does not contain this notebook is not a candidate
    make_workspace(tmp_path / "ws", "other", [{"id": "o", "notebook": "nb/other.ipynb"}])
    settings = {
        "version": 1,
        "settings": {"catalog_dir": "shared"},
        "steps": json.loads(pipeline.read_text())["steps"],
    }
    pipeline.write_text(json.dumps(settings))
    notebook_dir = tmp_path / "ws" / "nb"
    monkeypatch.chdir(notebook_dir)  # a kernel's cwd is the notebook's folder
    session = {
        "absolute": str(notebook_dir / "train.ipynb"),
        "relative-to-cwd": "train.ipynb",
        "relative-to-server-root": "nb/train.ipynb",
    }[form]
    monkeypatch.setenv("JPY_SESSION_NAME", session)
    CatalogStore(tmp_path / "ws" / "shared", step="load").put("features", {"n": 3})
    assert catalog.get("features") == {"n": 3}
    assert catalog.location() == tmp_path / "ws" / "shared"


def test_interactive_discovery_without_a_notebook_path_uses_the_cwd(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    make_workspace(tmp_path / "ws")
    monkeypatch.chdir(tmp_path / "ws" / "nb")
    assert catalog.location() == tmp_path / "ws" / "etl.catalog"


def test_interactive_discovery_with_two_pipelines_lists_both_and_how_to_choose(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    first = make_workspace(tmp_path / "ws")
    second = make_workspace(tmp_path, "outer", [{"id": "t", "notebook": "ws/nb/train.ipynb"}])
    monkeypatch.setenv("JPY_SESSION_NAME", str(tmp_path / "ws" / "nb" / "train.ipynb"))
    with pytest.raises(CatalogError) as info:
        catalog.get("x")
    message = info.value.message
    assert str(first) in message and str(second) in message
    assert "catalog.use(" in message and "RUNNABLE_JUPYTER_PIPELINE" in message


def test_interactive_discovery_with_no_pipeline_says_how_to_choose(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    notebook = write_notebook(tmp_path / "lonely" / "alone.ipynb", "x = 1")
    monkeypatch.setenv("JPY_SESSION_NAME", str(notebook))
    with pytest.raises(
        CatalogError, match="no pipeline has a step running notebook .*alone.ipynb.*catalog.use\\("
    ):
        catalog.names()


# -- notebook API: access log and missing names ----------------------------------------------


def test_puts_gets_and_path_writes_are_logged_during_a_run(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    folder = tmp_path / "cat"
    log = tmp_path / "run" / "step.catalog.jsonl"
    log.parent.mkdir()
    monkeypatch.setenv("RUNNABLE_JUPYTER_CATALOG_DIR", str(folder))
    monkeypatch.setenv("RUNNABLE_JUPYTER_ACCESS_LOG", str(log))
    monkeypatch.setenv("RUNNABLE_JUPYTER_STEP_ID", "evaluate")
    catalog.put("scores", {"acc": 0.9})
    assert catalog.get("scores") == {"acc": 0.9}
    catalog.path("report.txt").write_text("fine")
    catalog.flush()
    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert [(line["op"], line["name"]) for line in lines] == [
        ("write", "scores"),
        ("read", "scores"),
        ("write", "report.txt"),
    ]
    assert lines[0]["sha256"] == lines[1]["sha256"] == sha256(folder / "scores.json")
    assert lines[2]["size"] == 4 and lines[2]["path"] == str(folder / "report.txt")
    assert all({"op", "name", "sha256", "size", "path", "time"} <= set(line) for line in lines)
    assert CatalogStore(folder).metadata("report.txt")["step"] == "evaluate"


def test_reading_an_existing_file_through_path_is_logged_as_a_read(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    folder = tmp_path / "cat"
    log = tmp_path / "access.jsonl"
    CatalogStore(folder).path("input.txt").write_text("data")
    monkeypatch.setenv("RUNNABLE_JUPYTER_CATALOG_DIR", str(folder))
    monkeypatch.setenv("RUNNABLE_JUPYTER_ACCESS_LOG", str(log))
    assert catalog.path("input.txt").read_text() == "data"
    catalog.flush()
    (line,) = [json.loads(line) for line in log.read_text().splitlines()]
    assert line["op"] == "read" and line["sha256"] == sha256(folder / "input.txt")


def test_missing_name_error_names_the_step_declaring_it_in_put_globs(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    pipeline = make_workspace(tmp_path / "ws")  # step 'load' declares put ["raw.csv"]
    monkeypatch.setenv("RUNNABLE_JUPYTER_PIPELINE", str(pipeline))
    catalog.put("other", 1)
    for name in ("raw.csv", "raw"):
        with pytest.raises(catalog.CatalogMissing) as info:
            catalog.get(name)
        message = str(info.value)
        assert "step 'load' (nb/load.ipynb)" in message and "train" not in message
        assert str(tmp_path / "ws" / "etl.catalog") in message and "holds: other" in message
    assert isinstance(info.value, KeyError) and isinstance(info.value, CatalogError)


def test_missing_name_error_names_the_step_whose_source_puts_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    pipeline = make_workspace(tmp_path / "ws")
    write_notebook(
        tmp_path / "ws" / "nb" / "train.ipynb",
        "from runnable_jupyter import catalog",
        "catalog.put('model', {'w': 1})\ncatalog.put(\"metrics\", {})",
    )
    monkeypatch.setenv("RUNNABLE_JUPYTER_PIPELINE", str(pipeline))
    for name in ("model", "metrics"):
        with pytest.raises(catalog.CatalogMissing, match="step 'train' \\(nb/train.ipynb\\)"):
            catalog.get(name)
    with pytest.raises(catalog.CatalogMissing, match="no step of .* puts it.*holds: nothing yet"):
        catalog.get("mode")  # a prefix of 'model' is not produced by 'train'


def test_import_of_the_notebook_api_loads_no_heavy_library() -> None:
    code = (
        "import runnable_jupyter.catalog, sys; print(sorted(m for m in ('pandas','numpy',"
        "'papermill','pydantic','nbclient','jupyter_client') if m in sys.modules))"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=REPO, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


# -- inside a real kernel --------------------------------------------------------------------


def test_notebooks_pass_data_through_the_catalog_inside_real_kernels(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import papermill

    folder = tmp_path / "cat"
    log = tmp_path / "access.jsonl"
    monkeypatch.setenv("RUNNABLE_JUPYTER_CATALOG_DIR", str(folder))
    monkeypatch.setenv("RUNNABLE_JUPYTER_ACCESS_LOG", str(log))
    monkeypatch.setenv("RUNNABLE_JUPYTER_STEP_ID", "produce")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]))
    produce = write_notebook(
        tmp_path / "produce.ipynb",
        "from runnable_jupyter import catalog\ncatalog.put('x', {'a': 1})",
        "catalog.path('note.txt').write_text('written in a kernel')",
        # recorded right after the cell that wrote it, not only when the kernel exits
        "from runnable_jupyter.catalog.store import CatalogStore\n"
        "assert CatalogStore(catalog.location()).metadata('note.txt')['step'] == 'produce'",
    )
    consume = write_notebook(
        tmp_path / "consume.ipynb",
        "from runnable_jupyter import catalog\nx = catalog.get('x')\nassert x == {'a': 1}, x",
        "catalog.put('y', x['a'] + 1)",
    )
    papermill.execute_notebook(
        str(produce),
        str(tmp_path / "out1.ipynb"),
        kernel_name="python3",
        progress_bar=False,
        cwd=str(tmp_path),
    )
    monkeypatch.setenv("RUNNABLE_JUPYTER_STEP_ID", "consume")
    papermill.execute_notebook(
        str(consume),
        str(tmp_path / "out2.ipynb"),
        kernel_name="python3",
        progress_bar=False,
        cwd=str(tmp_path),
    )
    store = CatalogStore(folder)
    assert store.get("y") == 2
    assert store.metadata("x")["step"] == "produce" and store.metadata("y")["step"] == "consume"
    assert store.metadata("note.txt")["sha256"] == sha256(folder / "note.txt")
    ops = [(line["op"], line["name"]) for line in map(json.loads, log.read_text().splitlines())]
    assert ops == [("write", "x"), ("write", "note.txt"), ("read", "x"), ("write", "y")]
