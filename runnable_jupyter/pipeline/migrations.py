"""Pipeline file format versions: older files are upgraded here, and only here.

To change the format: bump `pipeline.CURRENT_VERSION`, update the JSON Schema, and register in
`MIGRATIONS` a function turning a document of the previous version into the new one (it receives
a private copy and may change it in place). `migrate` applies them in order, so a file of any
older version reaches the current one. The server calls `migrate` for the UI.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

from ..errors import PipelineInvalid
from .model import CURRENT_VERSION

FIRST_VERSION = 1

Migration = Callable[[dict[str, Any]], dict[str, Any]]

# version N -> function turning a version-N document into a version-(N+1) document.
MIGRATIONS: dict[int, Migration] = {}


class UnsupportedVersion(PipelineInvalid):
    """The file comes from a newer runnable-jupyter; reading it could silently lose data."""

    def __init__(self, found: int, supported: int) -> None:
        message = (
            f"this pipeline was written by a newer runnable-jupyter (format {found}, this one "
            f"reads up to {supported}): upgrade runnable-jupyter"
        )
        super().__init__("pipeline", [{"pointer": "/version", "step": None, "message": message}])
        self.message = message
        self.args = (message,)
        self.found = found
        self.supported = supported


def format_version(data: Any) -> int | None:
    """The document's `version` when it is an integer, else None (schema validation reports it)."""
    if isinstance(data, dict):
        version = data.get("version")
        if isinstance(version, int) and not isinstance(version, bool):
            return version
    return None


def migrate(
    data: Any,
    *,
    migrations: Mapping[int, Migration] = MIGRATIONS,
    current: int = CURRENT_VERSION,
) -> Any:
    """A copy of `data` in the current format; `data` itself is never changed.

    A document without a usable integer `version` (or below the first version) is returned
    unchanged so that schema validation reports it with every other problem. A version newer
    than `current` raises `UnsupportedVersion`.
    """
    data = copy.deepcopy(data)
    version = format_version(data)
    if version is None or version < FIRST_VERSION or version == current:
        return data
    if version > current:
        raise UnsupportedVersion(version, current)
    while version < current:
        upgrade = migrations.get(version)
        if upgrade is None:  # a programming error: every old version must have a migration
            raise RuntimeError(f"no migration registered from pipeline format {version}")
        data = upgrade(data)
        version += 1
        data["version"] = version
    return data
