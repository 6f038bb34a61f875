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
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..clock import utcnow
from ..errors import CatalogError
from .discovery import (
    ENV_CATALOG_DIR,
    ENV_PIPELINE,
    PIPELINE_SUFFIX,
    CatalogMissing,
    catalog_dir_of,
    discover,
    missing,
)

if TYPE_CHECKING:
    from ..runlog.models import CatalogAccess
    from .store import CatalogStore

ENV_RUN_ID = "RUNNABLE_JUPYTER_RUN_ID"
ENV_STEP_ID = "RUNNABLE_JUPYTER_STEP_ID"
ENV_ACCESS_LOG = "RUNNABLE_JUPYTER_ACCESS_LOG"
ENV_CATALOG_VIEW = "RUNNABLE_JUPYTER_CATALOG_VIEW"  # the step's view (inside runs only)
ENV_CATALOG_FILES = "RUNNABLE_JUPYTER_CATALOG_FILES"  # where path() files go inside runs
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
    folder = catalog_dir_of(candidate)
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
        raise missing(name, folder, pipeline, store)
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
        return catalog_dir_of(_chosen_pipeline), _chosen_pipeline
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
        return catalog_dir_of(pipeline), pipeline
    pipeline = discover()
    return catalog_dir_of(pipeline), pipeline


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
