"""Saving an imported pipeline: whole or not at all, and never over an existing file unless
forced. Without `force` the file is linked into place from a complete temporary file, so even
a file that appears meanwhile is not overwritten."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..files import atomic_write
from .source import OutputExists

if TYPE_CHECKING:
    from . import Conversion


def serialize(document: dict[str, Any]) -> bytes:
    return (json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False) + "\n").encode()


def write(conversion: Conversion, *, force: bool = False) -> None:
    """Write the converted document to `conversion.output`; raises `OutputExists` when the file
    is there and `force` is not given."""
    target = conversion.output
    content = serialize(conversion.document)
    shown = conversion.report.output
    if force:
        if target.is_dir():
            raise OutputExists(f"{shown} is a folder: choose another output file")
        atomic_write(target, lambda handle: handle.write(content))
        return
    if target.exists() or target.is_symlink():
        raise _exists(shown)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temp, target)
        except FileExistsError:
            raise _exists(shown) from None
        except OSError:  # a file system without hard links: an exclusive create instead
            try:
                with open(target, "xb") as handle:
                    handle.write(content)
            except FileExistsError:
                raise _exists(shown) from None
    finally:
        Path(temp).unlink(missing_ok=True)


def _exists(shown: str) -> OutputExists:
    return OutputExists(
        f'{shown} exists already: overwrite it with --force (over REST, "force": true) or '
        "choose another output file",
        {"path": shown},
    )
