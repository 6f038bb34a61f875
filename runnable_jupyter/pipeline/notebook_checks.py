"""What validation reads besides the document: the notebooks steps name, the installed kernels.

Also the wording both share: why a path leaves the workspace, and "did you mean ...?" fixes.
Files are only ever read here.
"""

from __future__ import annotations

import difflib
import json
import os
import threading
import time
import warnings
from collections.abc import Collection
from pathlib import Path, PurePosixPath
from typing import Any

import nbformat.reader
from nbformat.reader import NotJSONError
from nbformat.warnings import MissingIDFieldWarning

from runnable_jupyter.pipeline.notebook_schema import schema_error


def suggest_fix(word: str, candidates: Collection[str], otherwise: str) -> str:
    """'did you mean X?' when a candidate is close to `word`, else the generic fix."""
    close = difflib.get_close_matches(word, list(candidates), n=1)
    return f"did you mean {close[0]!r}?" if close else otherwise


KERNELSPECS_MAX_AGE_S = 30.0  # kernelspecs found by a lookup are trusted this long
KERNELSPECS_MISS_MAX_AGE_S = 1.0  # ... but a kernel not among them triggers a fresh lookup
_kernelspecs_lock = threading.Lock()
_kernelspecs: tuple[tuple[str, ...], float, frozenset[str]] | None = None  # (key, time, names)


def installed_kernels(max_age_s: float = KERNELSPECS_MAX_AGE_S) -> frozenset[str]:
    """Names of the installed kernelspecs, remembered per process for `max_age_s`: looking them
    up walks every Jupyter data folder, which made each validation slow."""
    global _kernelspecs
    key = tuple(os.environ.get(name, "") for name in _KERNELSPEC_ENV)
    with _kernelspecs_lock:
        cached = _kernelspecs
    if cached is not None and cached[0] == key and time.monotonic() - cached[1] < max_age_s:
        return cached[2]
    names = find_kernelspec_names()
    with _kernelspecs_lock:
        _kernelspecs = (key, time.monotonic(), names)
    return names


# Where jupyter_client looks for kernelspecs: a change means another answer, not a cached one.
_KERNELSPEC_ENV = (
    "JUPYTER_PATH",
    "JUPYTER_DATA_DIR",
    "JUPYTER_PREFER_ENV_PATH",
    "HOME",
    "IPYTHONDIR",
)
NEARBY_DEPTH = 2  # "did you mean": notebooks this many folders below the pipeline's
NEARBY_LIMIT = 500
NATIVE_KERNEL = "python3"  # ipykernel's own kernelspec, there even when no folder holds it


def find_kernelspec_dirs() -> dict[str, str | None]:
    """{name: its folder} as `jupyter_client.kernelspec.KernelSpecManager().find_kernel_specs()`
    finds them (a folder holding `kernel.json` in each Jupyter data path's `kernels/` and in
    IPython's, lower-cased names, the first folder winning; ipykernel's native `python3`, with
    no folder of its own, when none is installed) without importing jupyter_client, whose
    import (zmq, asyncio, traitlets, IPython) was a good part of the CLI's start-up."""
    from importlib.util import find_spec

    from jupyter_core.paths import jupyter_path

    ipython_dir = os.environ.get("IPYTHONDIR") or os.path.join(os.path.expanduser("~"), ".ipython")
    found: dict[str, str | None] = {}
    for folder in [*jupyter_path("kernels"), os.path.join(ipython_dir, "kernels")]:
        try:
            entries = sorted(os.listdir(folder))
        except OSError:
            continue
        for entry in entries:
            path = os.path.join(folder, entry)
            if os.path.isfile(os.path.join(path, "kernel.json")):
                found.setdefault(entry.lower(), path)
    if NATIVE_KERNEL not in found and find_spec("ipykernel") is not None:
        found[NATIVE_KERNEL] = None
    return found


def find_kernelspec_names() -> frozenset[str]:
    """The names of `find_kernelspec_dirs`."""
    return frozenset(find_kernelspec_dirs())


def read_kernelspec(name: str) -> dict[str, Any] | None:
    """The `kernel.json` of kernelspec `name` (ipykernel's native one for a `python3` with no
    folder), or None when there is no such kernelspec or it cannot be read."""
    folder = find_kernelspec_dirs().get(name.lower(), "")
    if folder is None:
        return {"argv": ["python", "-m", "ipykernel_launcher"], "language": "python"}
    try:
        spec = (
            json.loads(Path(folder, "kernel.json").read_text(encoding="utf-8")) if folder else None
        )
    except (OSError, ValueError):
        return None
    return spec if isinstance(spec, dict) else None


def escape_reason(user_path: str, root: Path) -> str:
    """Why a path that `resolve_inside` refused leaves the root, phrased after the path."""
    if Path(user_path).is_absolute() or PurePosixPath(user_path).is_absolute():
        return "is absolute: give a path relative to the pipeline file's folder"
    if ".." in user_path.replace("\\", "/").split("/"):
        return "goes up ('..') out of the workspace root: keep it inside the workspace"
    # relative, without '..', yet outside: only a symlink can lead there
    return (
        "is (or lies in) a symlink pointing outside the workspace root: "
        "copy it into the workspace instead of linking it"
    )


def notebooks_near(base: Path, notebook: str) -> list[str]:
    """Notebooks a mistyped step path may have meant, as a step must name them (relative to
    the pipeline file's folder `base`): those beside the path typed, then those in `base` and
    its subfolders up to `NEARBY_DEPTH` levels down; at most `NEARBY_LIMIT`, none hidden."""
    typed_folder = PurePosixPath(notebook.replace("\\", "/")).parent
    found: list[str] = []
    try:
        beside = sorted((base / typed_folder).glob("*.ipynb"))
        found += [(typed_folder / path.name).as_posix() for path in beside]
        for depth in range(NEARBY_DEPTH + 1):
            for path in sorted(base.glob("*/" * depth + "*.ipynb")):
                found.append(path.relative_to(base).as_posix())
                if len(found) >= NEARBY_LIMIT:
                    break
    except (OSError, ValueError):  # an unreadable folder: suggest from what was found
        pass
    visible = [name for name in found if not any(part.startswith(".") for part in name.split("/"))]
    return list(dict.fromkeys(visible))[:NEARBY_LIMIT]


def notebook_fix(notebook: str, base: Path, otherwise: str) -> str:
    """'did you mean X?' with X the path to type (a notebook of that name in another folder,
    else one whose name is close, nearest folders first), else `otherwise`."""
    candidates = notebooks_near(base, notebook)
    name = PurePosixPath(notebook.replace("\\", "/")).name
    by_name: dict[str, str] = {}
    for candidate in candidates:  # nearest first: keep the first path of each name
        by_name.setdefault(PurePosixPath(candidate).name, candidate)
    if name in by_name and by_name[name] != notebook:
        return f"did you mean {by_name[name]!r}?"
    stems = {PurePosixPath(other).stem: other for other in by_name}  # ".ipynb" is no likeness
    close = difflib.get_close_matches(PurePosixPath(name).stem, list(stems), n=1)
    return f"did you mean {by_name[stems[close[0]]]!r}?" if close else otherwise


def inspect_notebook(
    notebook: str, path: Path, root: Path, base: Path | None = None
) -> tuple[str | None, str | None]:
    """(problem, kernelspec name) of the notebook a step names; the file is only read.

    `path` is the notebook resolved inside the (resolved) workspace `root`, `base` the pipeline
    file's folder the step names it from; problems name it relative to the root, since the
    server's answers must not show where its root lives.
    """
    if not path.exists():
        otherwise = "fix the path (relative to the pipeline file's folder)"
        fix = notebook_fix(notebook, base if base is not None else path.parent, otherwise)
        looked_for = path.relative_to(root).as_posix()
        return f"notebook {notebook!r} not found (looked for {looked_for}): {fix}", None
    if path.is_dir():
        return f"notebook {notebook!r} is a folder: give the path of a .ipynb file", None
    if PurePosixPath(notebook.replace("\\", "/")).suffix != ".ipynb":
        return f"{notebook!r} is not a notebook: steps run Jupyter notebooks (.ipynb files)", None
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        reason = error.strerror or str(error)
        return f"notebook {notebook!r} cannot be read ({reason}): check its permissions", None
    except UnicodeDecodeError:
        return f"notebook {notebook!r} is not UTF-8 text: is it really a Jupyter notebook?", None
    try:
        with warnings.catch_warnings():
            # Cells without ids (older nbformat 4 minors) are fine: papermill runs them as is.
            warnings.simplefilter("ignore", MissingIDFieldWarning)
            nb = nbformat.reader.reads(text)  # type: ignore[no-untyped-call]
            invalid = schema_error(nb)
            if invalid is not None:
                raise invalid
    except NotJSONError:
        return f"notebook {notebook!r} is not JSON: is it really a Jupyter notebook?", None
    except Exception as error:  # nbformat raises many types for malformed notebooks
        reason = getattr(error, "message", None) or str(error).splitlines()[0]
        return (
            f"notebook {notebook!r} is not a valid notebook ({reason}): open and save it "
            "in JupyterLab to repair it",
            None,
        )
    kernelspec = nb.get("metadata", {}).get("kernelspec", {})
    name = kernelspec.get("name") if isinstance(kernelspec, dict) else None
    return None, name if isinstance(name, str) and name else None
