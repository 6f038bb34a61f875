"""Files the engine writes and compares: atomic writes (readers see the old file or the new one,
never half of one) and content hashes."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO

HASH_CHUNK = 1 << 20


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
