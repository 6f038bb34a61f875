"""Confining the paths of a request to the server root, and honouring `allow_hidden`.

The engine's `resolve_inside` refuses absolute paths, `..` escapes and symlinks leading out of
the root. On top of that the server refuses a path whose percent-decoded form escapes (a client
or a later layer may decode it once more) and, when the server's contents manager does not
allow hidden files, any path with a component starting with '.': as given or once resolved.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote

from ..errors import BadRequest, InvalidPath, PathOutsideRoot, RunnableError
from ..json_documents import load_json
from ..paths import resolve_inside
from ..pipeline.migrations import migrate
from ..pipeline.validation import Problem, pointer


class HiddenPath(RunnableError):
    """A hidden file or folder, on a server that does not serve hidden files."""

    code = "hidden_path"


def confine(
    root: Path, user_path: Any, *, allow_hidden: bool, what: str = "path", base: Path | None = None
) -> Path:
    """The resolved path inside `root`; raises PathOutsideRoot, HiddenPath or BadRequest."""
    if not isinstance(user_path, str) or not user_path:
        raise BadRequest(f"the {what} must be a non-empty path string, not {user_path!r}")
    resolved = resolve_inside(root, user_path, base=base)
    decoded = unquote(user_path)
    if decoded != user_path:
        try:
            resolve_inside(root, decoded, base=base)
        except PathOutsideRoot:
            raise PathOutsideRoot(
                f"'{user_path}' leaves the server root once percent-decoded ('{decoded}'): "
                "give a plain path inside the server root",
                {"path": user_path},
            ) from None
    if not allow_hidden:
        hidden = hidden_component(root, resolved, user_path, decoded)
        if hidden is not None:
            raise HiddenPath(
                f"'{user_path}' is hidden ('{hidden}' starts with '.') and this server does not "
                "serve hidden files: rename it, or start the server with "
                "--ContentsManager.allow_hidden=True",
                {"path": user_path, "hidden": hidden},
            )
    return resolved


def hidden_component(root: Path, resolved: Path, *given: str) -> str | None:
    """The first hidden name in the given spellings of a path or in its resolved form."""
    for name in _names(root, resolved, given):
        if name.startswith(".") and name not in (".", ".."):
            return name
    return None


def _names(root: Path, resolved: Path, given: tuple[str, ...]) -> Iterator[str]:
    for spelling in given:
        yield from PurePosixPath(spelling.replace("\\", "/")).parts
    yield from resolved.relative_to(root.resolve()).parts


def hidden_path_problems(document: Any, base_dir: Path, root: Path) -> list[Problem]:
    """Problems for the hidden notebooks and catalog folder a pipeline document names.

    Paths that leave the root or do not exist are left to the engine's validation, which
    reports them with a better message.
    """
    if not isinstance(document, dict):
        return []
    problems = []
    steps = document.get("steps")
    for index, step in enumerate(steps if isinstance(steps, list) else []):
        notebook = step.get("notebook") if isinstance(step, dict) else None
        hidden = _hidden_in(root, base_dir, notebook)
        if hidden is not None:
            step_id = step.get("id") if isinstance(step.get("id"), str) else None
            problems.append(
                Problem(
                    pointer("steps", index, "notebook"),
                    step_id,
                    f"notebook {notebook!r} is hidden ('{hidden}' starts with '.') and this "
                    "server does not serve hidden files: move the notebook out of it",
                )
            )
    settings = document.get("settings")
    catalog_dir = settings.get("catalog_dir") if isinstance(settings, dict) else None
    hidden = _hidden_in(root, base_dir, catalog_dir)
    if hidden is not None:
        problems.append(
            Problem(
                "/settings/catalog_dir",
                None,
                f"catalog_dir {catalog_dir!r} is hidden ('{hidden}' starts with '.') and this "
                "server does not serve hidden files: choose a folder without a leading '.'",
            )
        )
    return problems


def _hidden_in(root: Path, base_dir: Path, user_path: Any) -> str | None:
    if not isinstance(user_path, str) or not user_path:
        return None
    try:
        resolved = resolve_inside(root, user_path, base=base_dir)
    except (PathOutsideRoot, InvalidPath):  # validation reports these, located
        return None
    return hidden_component(root, resolved, user_path)


def hidden_problems_of_file(pipeline_path: Path, root: Path) -> list[Problem]:
    """`hidden_path_problems` of a pipeline file; [] if unreadable (the engine will say why)."""
    try:
        document = migrate(load_json(pipeline_path.read_text(encoding="utf-8")))
    except (OSError, ValueError, RunnableError):
        return []
    return hidden_path_problems(document, pipeline_path.parent, root)
