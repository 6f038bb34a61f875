"""Confining user-given paths to a workspace root."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from .errors import InvalidPath, PathOutsideRoot

NAME_MAX_BYTES = 255  # the longest file name Linux (and most file systems) accept


def resolve_inside(root: Path, relative: str, *, base: Path | None = None) -> Path:
    """Resolve `relative` (against `base`, default `root`) and refuse anything leaving `root`.

    Refuses absolute paths, `..` escapes and symlinks that point outside; the returned path is
    fully resolved. `base` must itself lie inside `root`.
    """
    root = root.resolve()
    check_path_text(relative)
    if os.path.isabs(relative) or PurePosixPath(relative).is_absolute():
        raise PathOutsideRoot(
            f"'{relative}' is absolute: use a path relative to the workspace root",
            {"path": relative},
        )
    start = (base or root).resolve()
    candidate = resolve_path(start / relative, relative)
    if candidate != root and root not in candidate.parents:
        raise PathOutsideRoot(
            f"'{relative}' leaves the workspace root: keep files inside it",
            {"path": relative},
        )
    return candidate


def resolve_path(path: Path, shown: str) -> Path:
    """`path.resolve()`, with a symlink loop as `InvalidPath` (naming the path as `shown`)."""
    try:
        return path.resolve()
    except RuntimeError:  # Python 3.11's Path.resolve: "Symlink loop from ..."
        raise InvalidPath(
            f"'{shown}' is a symlink loop (links that point at each other): replace the "
            "links with the file itself",
            {"path": shown},
        ) from None


def check_path_text(relative: str) -> None:
    """Refuse, with the reason, a path no file can have (raises `InvalidPath`)."""
    shown = repr(relative)
    if not relative:
        raise InvalidPath("the path is empty: give a file path", {"path": relative})
    if "\x00" in relative:
        raise InvalidPath(
            f"{shown} contains a NUL character, which no file name can hold",
            {"path": relative},
        )
    try:
        encoded = os.fsencode(relative)
    except UnicodeEncodeError:
        raise InvalidPath(
            f"{shown} cannot be a file name: it holds characters that are not valid text "
            "(such as a lone surrogate)",
            {"path": relative},
        ) from None
    longest = max(len(part) for part in encoded.split(b"/"))
    if longest > NAME_MAX_BYTES:
        raise InvalidPath(
            f"a name in the path is {longest} bytes long; file names are at most "
            f"{NAME_MAX_BYTES} bytes: shorten it",
            {"path": relative[:80] + "..."},
        )


def relative_to_root(root: Path, path: Path) -> str:
    return path.resolve().relative_to(root.resolve()).as_posix()
