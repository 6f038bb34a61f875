"""Which pipeline a notebook belongs to, read as plain JSON (the notebook-side `catalog` must
stay cheap to import: no pydantic), and what to say when a name is missing.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import CatalogError

if TYPE_CHECKING:
    from .store import CatalogStore

ENV_CATALOG_DIR = "RUNNABLE_JUPYTER_CATALOG_DIR"
ENV_PIPELINE = "RUNNABLE_JUPYTER_PIPELINE"
PIPELINE_SUFFIX = ".pipeline.json"  # same as pipeline.PIPELINE_SUFFIX (not imported: pydantic)
MAX_SEARCH_DEPTH = 32


class CatalogMissing(CatalogError, KeyError):
    """`get` of a name nobody has put yet; the message says which step produces it."""

    code = "catalog_missing"

    def __str__(self) -> str:  # KeyError would quote the message
        return self.message


def read_pipeline(pipeline: Path) -> dict[str, Any]:
    try:
        data = json.loads(pipeline.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CatalogError(
            f"cannot read pipeline {pipeline}: {exc}", {"path": str(pipeline)}
        ) from exc
    if not isinstance(data, dict):
        raise CatalogError(f"pipeline {pipeline} is not a JSON object", {"path": str(pipeline)})
    return data


def catalog_dir_of(pipeline: Path) -> Path:
    """Same rule as catalog_store.catalog_dir_for, on plain JSON."""
    settings = read_pipeline(pipeline).get("settings") or {}
    configured = settings.get("catalog_dir") if isinstance(settings, dict) else None
    name = pipeline.name
    stem = name[: -len(PIPELINE_SUFFIX)] if name.endswith(PIPELINE_SUFFIX) else pipeline.stem
    return pipeline.parent / (configured or f"{stem}.catalog")


def _step_notebooks(pipeline: Path) -> list[tuple[str, Path]]:
    """(step id, absolute notebook path) of every step; unreadable pipelines have none."""
    try:
        steps = read_pipeline(pipeline).get("steps") or []
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


def discover() -> Path:
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
    steps = read_pipeline(pipeline).get("steps") or []
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


def missing(name: str, folder: Path, pipeline: Path | None, store: CatalogStore) -> CatalogMissing:
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
