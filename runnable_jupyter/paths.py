"""Confining user-given paths to a workspace root."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from .errors import PathOutsideRoot


def resolve_inside(root: Path, relative: str, *, base: Path | None = None) -> Path:
    """Resolve `relative` (against `base`, default `root`) and refuse anything leaving `root`.

    Refuses absolute paths, `..` escapes and symlinks that point outside; the returned path is
    fully resolved. `base` must itself lie inside `root`.
    """
    root = root.resolve()
    if not relative or "\x00" in relative:
        raise PathOutsideRoot(f"'{relative}' is not a valid path", {"path": relative})
    if os.path.isabs(relative) or PurePosixPath(relative).is_absolute():
        raise PathOutsideRoot(
            f"'{relative}' is absolute: use a path relative to the workspace root {root}",
            {"path": relative},
        )
    start = (base or root).resolve()
    candidate = (start / relative).resolve()
    if candidate != root and root not in candidate.parents:
        raise PathOutsideRoot(
            f"'{relative}' leaves the workspace root {root}: keep files inside it",
            {"path": relative},
        )
    return candidate


def relative_to_root(root: Path, path: Path) -> str:
    return path.resolve().relative_to(root.resolve()).as_posix()
