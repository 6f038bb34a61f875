"""Run artifacts stay as the run wrote them: the contents API refuses writes into runs folders.

A runs folder is any folder named `NAME.runs` (next to `NAME.pipeline.json`) and, when the
server sets `runs_root`, everything under that folder. Jupyter Server's contents manager has a
hook for saves (`register_pre_save_hook`: a raised `HTTPError` refuses the save) but none for
renames and deletes, so the guard also wraps the manager's `rename_file` and `delete_file`, and
its `is_writable` so that the lab sees these files as read-only (no autosave, a read-only
indicator). It wraps the configured manager's instance rather than replacing its class, so
any contents manager a deployment chooses keeps working. The engine writes run folders
directly, never through the contents manager, so runs are unaffected.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Any

from tornado.web import HTTPError

RUNS_SUFFIX = ".runs"


class RunsFolderGuard:
    """Which contents paths are run artifacts, and the refusal of writes to them."""

    def __init__(self, runs_root: str | None = None) -> None:
        # The configured runs_root as a contents path (relative to the server root), if any.
        self.runs_root = PurePosixPath(runs_root.strip("/")) if runs_root else None

    def runs_folder_of(self, path: str) -> str | None:
        """The runs folder (a contents path) that `path` is or lies in, else None."""
        parts = PurePosixPath(path.strip("/")).parts
        if (
            self.runs_root is not None
            and parts[: len(self.runs_root.parts)] == self.runs_root.parts
        ):
            return self.runs_root.as_posix()
        for index, name in enumerate(parts):
            if name.endswith(RUNS_SUFFIX) and len(name) > len(RUNS_SUFFIX):
                return PurePosixPath(*parts[: index + 1]).as_posix()
        return None

    def refuse_write(self, path: str, action: str) -> None:
        """Raise a 403 when `path` is a run artifact; `action` says what was asked."""
        folder = self.runs_folder_of(path)
        if folder is None:
            return
        raise HTTPError(
            403,
            f"cannot {action} '{path.strip('/')}': it is in the runs folder '{folder}', and run "
            "outputs stay as the run wrote them. Copy the file to another folder to change it; "
            "delete old runs with `runnable-jupyter prune`",
        )

    def install(self, contents_manager: Any) -> None:
        """Guard `contents_manager` (any Jupyter Server contents manager, sync or async)."""
        contents_manager.register_pre_save_hook(self._pre_save_hook)
        self._wrap(contents_manager, "delete_file", self._checked_delete)
        self._wrap(contents_manager, "rename_file", self._checked_rename)
        if callable(getattr(contents_manager, "is_writable", None)):
            self._wrap(contents_manager, "is_writable", self._writable)

    # --- the checks ---------------------------------------------------------------------------

    def _pre_save_hook(self, model: dict[str, Any], path: str, **_: Any) -> None:
        self.refuse_write(path, "save")

    def _checked_delete(self, original: Callable[..., Any], path: str) -> Any:
        self.refuse_write(path, "delete")
        return original(path)

    def _checked_rename(self, original: Callable[..., Any], old_path: str, new_path: str) -> Any:
        self.refuse_write(old_path, "rename")
        self.refuse_write(new_path, "move a file to")
        return original(old_path, new_path)

    def _writable(self, original: Callable[..., Any], path: str) -> Any:
        return self.runs_folder_of(path) is None and original(path)

    @staticmethod
    def _wrap(target: Any, name: str, check: Callable[..., Any]) -> None:
        original = getattr(target, name)

        @functools.wraps(original)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            return check(original, *args, **kwargs)

        setattr(target, name, guarded)
