"""Files the engine writes, compares and looks for: atomic writes (readers see the old file or the
new one, never half of one), content hashes, and a bounded walk of the workspace's folders."""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

HASH_CHUNK = 1 << 20

# Folders never searched: tool caches and environments, often huge.
SKIPPED_DIRS = frozenset({"node_modules", "__pycache__", "site-packages", "venv", "env"})

logger = logging.getLogger(__name__)


def atomic_write(
    target: Path, write: Callable[[IO[bytes]], object], *, durable: bool = True
) -> None:
    """Write through `write` into a hidden temp file beside `target`, flush it to disk (unless
    not `durable`: a file that can be rebuilt), then `os.replace` it over `target` (creating the
    folder when needed)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def sha256_of_file(path: Path) -> str:
    """Hex sha256 of a file's content, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def walk_folders(
    root: Path, max_dirs: int, looking_for: str
) -> Iterator[tuple[Path, list[str], list[str]]]:
    """`os.walk(root)` without hidden folders and `SKIPPED_DIRS`, each folder's subfolders sorted.

    It stops (logging what it was `looking_for`) after `max_dirs` folders, so a huge workspace
    cannot stall the caller; a caller removes a name from the subfolders to not descend there.
    """
    visited = 0
    for current, subdirs, files in os.walk(root):
        visited += 1
        if visited > max_dirs:
            logger.warning(
                "stopped looking for %s after %d folders under %s", looking_for, max_dirs, root
            )
            return
        subdirs[:] = sorted(
            name for name in subdirs if not name.startswith(".") and name not in SKIPPED_DIRS
        )
        yield Path(current), subdirs, files
