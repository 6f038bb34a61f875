"""The notebook-side catalog API: `from runnable_jupyter import catalog`.

    catalog.put("features", df)        # parquet / .npy / .json / pickle, chosen by type
    df = catalog.get("features")       # in a run: what this step's upstream wrote in the run
    png = catalog.path("plot.png")     # a file the notebook writes or reads itself
    catalog.names()
    catalog.versions("features")       # every stored version, with the run and step of each
    old = catalog.get("features", run="20261203T101500-3fa9c1")  # what a past run wrote

Every put stores a new immutable version; inside a run nothing another run writes meanwhile is
seen (see `store.py`).

Which catalog folder, in order: `catalog.use("path/to.pipeline.json")`; the environment a run sets
(`RUNNABLE_JUPYTER_CATALOG_DIR`); `RUNNABLE_JUPYTER_PIPELINE`; else the one pipeline whose steps
include this notebook, searched in the notebook's folder and its parents.

Cheap to import: standard library only at import time (the store, pandas, numpy are loaded by the
calls that need them); pipeline files are read as plain JSON, not through pydantic.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..clock import utcnow
from ..errors import CatalogError

if TYPE_CHECKING:
    from ..runlog.models import CatalogAccess
    from .store import CatalogStore

ENV_CATALOG_DIR = "RUNNABLE_JUPYTER_CATALOG_DIR"
ENV_PIPELINE = "RUNNABLE_JUPYTER_PIPELINE"
ENV_RUN_ID = "RUNNABLE_JUPYTER_RUN_ID"
ENV_STEP_ID = "RUNNABLE_JUPYTER_STEP_ID"
ENV_ACCESS_LOG = "RUNNABLE_JUPYTER_ACCESS_LOG"
ENV_CATALOG_VIEW = "RUNNABLE_JUPYTER_CATALOG_VIEW"  # the step's view (inside runs only)
ENV_CATALOG_FILES = "RUNNABLE_JUPYTER_CATALOG_FILES"  # where path() files go inside runs
PIPELINE_SUFFIX = ".pipeline.json"  # same as pipeline.PIPELINE_SUFFIX (not imported: pydantic)
MAX_SEARCH_DEPTH = 32

__all__ = [
    "CatalogMissing",
    "flush",
    "get",
    "location",
    "names",
    "path",
    "put",
    "use",
    "versions",
]


class CatalogMissing(CatalogError, KeyError):
    """`get` of a name nobody has put yet; the message says which step produces it."""

    code = "catalog_missing"

    def __str__(self) -> str:  # KeyError would quote the message
        return self.message


_chosen_pipeline: Path | None = None
# path() files not yet settled: name -> (size, mtime_ns) before the notebook touched them
_pending_paths: dict[str, tuple[int, int] | None] = {}
_hook_installed = False
# The store of this process (kept: inside a run it remembers the step's own writes).
_cached_store: tuple[tuple[Path, str], CatalogStore] | None = None


# -- public API ------------------------------------------------------------------------------


def use(pipeline_path: str | os.PathLike[str] | None) -> Path:
    """Choose the pipeline (and so the catalog) explicitly; `None` goes back to automatic."""
    global _chosen_pipeline
    if pipeline_path is None:
        _chosen_pipeline = None
        return Path()
    candidate = Path(pipeline_path).expanduser().absolute()
    if not candidate.is_file():
        raise CatalogError(
            f"catalog.use: no pipeline file at {candidate}: pass the path of a "
            f"*{PIPELINE_SUFFIX} (relative to {Path.cwd()} or absolute)",
            {"path": str(candidate)},
        )
    folder = _catalog_dir_of(candidate)
    _chosen_pipeline = candidate
    return folder


def location() -> Path:
    """The catalog folder the calls below use."""
    return _resolve()[0]


def put(name: str, obj: Any) -> Path:
    """Store `obj` as a new version of `name`; returns the entry's file in the catalog folder
    (inside a run it holds this version once the step succeeds)."""
    access = _store().put(name, obj)
    _log("write", access)
    return Path(access.path)


def get(name: str, run: str | None = None) -> Any:
    """Load `name`: inside a run, the version this step's upstream wrote in the run, else the
    one current when the run started; outside a run, the current version. `run="RUN_ID"`: the
    version that run wrote (or else read)."""
    folder, pipeline = _resolve()
    store = _store()
    if run is not None:
        return store.load(_version_of_run(store, name, run))
    if not store.exists(name):
        raise _missing(name, folder, pipeline, store)
    value = store.get(name)
    _log("read", store.access(name))
    return value


def versions(name: str) -> list[dict[str, Any]]:
    """Every stored version of `name`, oldest first: sha256, size, format, file, the run and
    step that first produced it, and when."""
    return _store().versions.versions(name)


def path(name: str) -> Path:
    """A path for a file the notebook writes or reads itself (e.g. "plot.png"). Inside a run it
    is in the step's run folder (holding the version the step would `get`, if any); outside,
    the current file in the catalog folder.

    Writes are recorded as new versions after the cell that made them, or by `flush()`.
    """
    store = _store()
    staging = os.environ.get(ENV_CATALOG_FILES)
    if staging and store.view is not None:
        from .store import check_name

        target = Path(staging) / check_name(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        record = store.lookup(name)
        if record is not None and not target.exists():
            shutil.copyfile(store.versions.object_path(record["sha256"]), target)
    else:
        target = store.path(name)
    if name not in _pending_paths:
        _pending_paths[name] = _stat(target)
    _install_hook()
    return target


def names() -> list[str]:
    return _store().names()


def flush() -> None:
    """Record files written through `path()` (run automatically after every cell)."""
    if not _pending_paths:
        return
    store = _store()
    staging = os.environ.get(ENV_CATALOG_FILES)
    folder = Path(staging) if staging and store.view is not None else store.directory
    for name, before in list(_pending_paths.items()):
        now = _stat(folder / name)
        if now is None:
            continue  # not written yet: maybe by a later cell
        del _pending_paths[name]
        if now != before:
            _log("write", store.put_file(name, folder / name))
        elif store.exists(name):
            _log("read", store.access(name))


# -- resolution ------------------------------------------------------------------------------


def _store() -> CatalogStore:
    """The catalog store of this process: in a run, the step's view of the catalog."""
    global _cached_store
    folder = _resolve()[0]
    run_catalog = os.environ.get(ENV_CATALOG_DIR, "")
    # The run's view applies to the run's own catalog, not to one chosen with use().
    same_catalog = bool(run_catalog) and Path(run_catalog).expanduser().absolute() == folder
    view_file = os.environ.get(ENV_CATALOG_VIEW, "") if same_catalog else ""
    key = (folder, view_file)
    if _cached_store is not None and _cached_store[0] == key:
        return _cached_store[1]
    from .store import CatalogStore
    from .views import CatalogView

    store = CatalogStore(
        folder,
        CatalogView.load(Path(view_file)) if view_file else None,
        run_id=os.environ.get(ENV_RUN_ID) or None,
        step=os.environ.get(ENV_STEP_ID) or None,
    )
    _cached_store = (key, store)
    return store


def _version_of_run(store: CatalogStore, name: str, run_id: str) -> dict[str, Any]:
    """The version of `name` the run `run_id` wrote, else read, else had pinned."""
    from .version_store import RunRecord

    record = RunRecord.load(store.versions, run_id)
    if record is None:
        raise CatalogError(
            f"no run {run_id} is recorded in the catalog {store.directory} (deleted by "
            "retention, or a run of another pipeline)",
            {"run_id": run_id},
        )
    sha256 = record.version_of(name)
    found = store.versions.version(name, sha256) if sha256 else None
    if found is None:
        raise CatalogMissing(
            f"run {run_id} neither wrote nor read '{name}'; it used: "
            f"{', '.join(record.names()) or 'nothing'}",
            {"name": name, "run_id": run_id},
        )
    return found


def _resolve() -> tuple[Path, Path | None]:
    """(catalog folder, pipeline file when known)."""
    if _chosen_pipeline is not None:
        return _catalog_dir_of(_chosen_pipeline), _chosen_pipeline
    pipeline_env = os.environ.get(ENV_PIPELINE)
    pipeline = Path(pipeline_env).expanduser().absolute() if pipeline_env else None
    if os.environ.get(ENV_CATALOG_DIR):
        return Path(os.environ[ENV_CATALOG_DIR]).expanduser().absolute(), pipeline
    if pipeline is not None:
        if not pipeline.is_file():
            raise CatalogError(
                f"{ENV_PIPELINE} names {pipeline}, which is not a file: fix the variable or "
                "call catalog.use('path/to.pipeline.json')",
                {"path": str(pipeline)},
            )
        return _catalog_dir_of(pipeline), pipeline
    pipeline = _discover()
    return _catalog_dir_of(pipeline), pipeline


def _read_pipeline(pipeline: Path) -> dict[str, Any]:
    try:
        data = json.loads(pipeline.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CatalogError(
            f"cannot read pipeline {pipeline}: {exc}", {"path": str(pipeline)}
        ) from exc
    if not isinstance(data, dict):
        raise CatalogError(f"pipeline {pipeline} is not a JSON object", {"path": str(pipeline)})
    return data


def _catalog_dir_of(pipeline: Path) -> Path:
    """Same rule as catalog_store.catalog_dir_for, on plain JSON."""
    settings = _read_pipeline(pipeline).get("settings") or {}
    configured = settings.get("catalog_dir") if isinstance(settings, dict) else None
    name = pipeline.name
    stem = name[: -len(PIPELINE_SUFFIX)] if name.endswith(PIPELINE_SUFFIX) else pipeline.stem
    return pipeline.parent / (configured or f"{stem}.catalog")


def _step_notebooks(pipeline: Path) -> list[tuple[str, Path]]:
    """(step id, absolute notebook path) of every step; unreadable pipelines have none."""
    try:
        steps = _read_pipeline(pipeline).get("steps") or []
    except CatalogError:
        return []
    out = []
    for step in steps if isinstance(steps, list) else []:
        if isinstance(step, dict) and isinstance(step.get("notebook"), str):
            out.append((str(step.get("id", "")), (pipeline.parent / step["notebook"]).resolve()))
    return out


def _notebook_path() -> Path | None:
    """The notebook this kernel serves, when Jupyter tells (JPY_SESSION_NAME / __session__)."""
    candidates = [os.environ.get("JPY_SESSION_NAME")]
    ipython_module = sys.modules.get("IPython")
    shell = ipython_module.get_ipython() if ipython_module else None
    if shell is not None:
        candidates.append(shell.user_ns.get("__session__"))
    cwd = Path.cwd()
    for raw in candidates:
        if not raw or not isinstance(raw, str):
            continue
        given = Path(raw).expanduser()
        if given.is_absolute():
            if given.is_file():
                return given.resolve()
            continue
        # relative to the cwd, or to the server root, which is one of the cwd's parents
        for base in (cwd, *cwd.parents):
            if (base / given).is_file():
                return (base / given).resolve()
    return None


def _search_folders(start: Path) -> list[Path]:
    home = Path.home().resolve()
    folders = []
    for folder in (start, *start.parents)[:MAX_SEARCH_DEPTH]:
        folders.append(folder)
        if folder == home:
            break
    return folders


def _discover() -> Path:
    notebook = _notebook_path()
    cwd = Path.cwd().resolve()
    folders = _search_folders(notebook.parent if notebook else cwd)
    matching = []
    for folder in folders:
        for pipeline in sorted(folder.glob(f"*{PIPELINE_SUFFIX}")):
            for _step, step_notebook in _step_notebooks(pipeline):
                if (step_notebook == notebook) if notebook else (step_notebook.parent == cwd):
                    matching.append(pipeline)
                    break
    if len(matching) == 1:
        return matching[0]
    subject = f"notebook {notebook}" if notebook else f"a notebook in {cwd}"
    how = (
        f"choose with catalog.use('path/to{PIPELINE_SUFFIX}') or the environment variable "
        f"{ENV_PIPELINE} (or {ENV_CATALOG_DIR} for a catalog folder)"
    )
    if not matching:
        raise CatalogError(
            f"no pipeline has a step running {subject} (searched *{PIPELINE_SUFFIX} in "
            f"{folders[0]} and its parents up to {folders[-1]}): {how}",
            {"searched": [str(folder) for folder in folders]},
        )
    listed = ", ".join(str(pipeline) for pipeline in matching)
    raise CatalogError(
        f"{len(matching)} pipelines have a step running {subject}: {listed}; {how}",
        {"candidates": [str(pipeline) for pipeline in matching]},
    )


# -- missing names ---------------------------------------------------------------------------


def _producers(name: str, pipeline: Path) -> list[str]:
    """Steps that declare `name` in their catalog.put globs or call catalog.put("name", ...)."""
    from fnmatch import fnmatch

    call = re.compile(r"catalog\.put\(\s*(['\"])" + re.escape(name) + r"\1")
    steps = _read_pipeline(pipeline).get("steps") or []
    found = []
    for step in steps if isinstance(steps, list) else []:
        if not isinstance(step, dict):
            continue
        declared = step.get("catalog")
        catalog_globs: dict[str, Any] = declared if isinstance(declared, dict) else {}
        globs = [g for g in catalog_globs.get("put", []) if isinstance(g, str)]
        # 'model.*' declares 'model.pkl'; a glob 'model.pkl' declares the name 'model' too
        if any(fnmatch(name, g) or fnmatch(g, f"{name}.*") for g in globs) or (
            isinstance(step.get("notebook"), str)
            and call.search(_notebook_source(pipeline.parent / step["notebook"]))
        ):
            found.append(f"'{step.get('id')}' ({step.get('notebook')})")
    return found


def _notebook_source(notebook: Path) -> str:
    try:
        cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, AttributeError):
        return ""
    sources = []
    for cell in cells if isinstance(cells, list) else []:
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            source = cell.get("source", "")
            sources.append("".join(source) if isinstance(source, list) else str(source))
    return "\n".join(sources)


def _missing(name: str, folder: Path, pipeline: Path | None, store: CatalogStore) -> CatalogMissing:
    available = store.names()
    have = ", ".join(available) if available else "nothing yet"
    if pipeline is None:
        origin = f"set {ENV_PIPELINE} or call catalog.use(...) to learn which step produces it"
    else:
        producers = _producers(name, pipeline)
        if producers:
            origin = (
                f"it is produced by step {' and '.join(producers)} of {pipeline}: "
                "run that step first"
            )
        else:
            origin = (
                f"no step of {pipeline} puts it (neither a catalog.put glob nor a "
                f"catalog.put('{name}', ...) call)"
            )
    return CatalogMissing(
        f"'{name}' is not in the catalog {folder}; {origin}. The catalog holds: {have}",
        {"name": name, "catalog": str(folder), "available": available},
    )


# -- run log ---------------------------------------------------------------------------------


def _log(op: str, access: CatalogAccess) -> None:
    """One JSON line per read/write in the step's access log (only during runs)."""
    log_file = os.environ.get(ENV_ACCESS_LOG)
    if not log_file:
        return
    line = json.dumps(
        {
            "op": op,
            "name": access.name,
            "sha256": access.sha256,
            "size": access.size,
            "path": access.path,
            "time": utcnow().isoformat(),
        }
    )
    with open(log_file, "a", encoding="utf-8") as handle:
        handle.write(line + "\n")


def _stat(file: Path) -> tuple[int, int] | None:
    try:
        stat = file.stat()
    except (FileNotFoundError, NotADirectoryError):
        return None
    return stat.st_size, stat.st_mtime_ns


def _install_hook() -> None:
    """Settle path() files after each cell in IPython, else at interpreter exit."""
    global _hook_installed
    if _hook_installed:
        return
    _hook_installed = True
    ipython_module = sys.modules.get("IPython")
    shell = ipython_module.get_ipython() if ipython_module else None
    if shell is not None:
        shell.events.register("post_run_cell", lambda *_: _flush_quietly())
    import atexit

    atexit.register(_flush_quietly)


def _flush_quietly() -> None:
    try:
        flush()
    except Exception as exc:  # a hook must not break the user's next cell
        print(f"runnable_jupyter.catalog: could not record path() files: {exc}", file=sys.stderr)
