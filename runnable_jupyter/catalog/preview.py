"""Previews of catalog versions, for people (the catalog view, `GET catalog/preview`).

A preview is a small JSON document: the head of a table (parquet, .npy) as columns and at most
`MAX_ROWS` rows of JSON-safe values, an image as base64 (at most `MAX_IMAGE_BYTES`), JSON
pretty-printed or the start of a text file (at most `MAX_TEXT_BYTES`), or `kind: "none"` with the
reason. Pickles are never unpickled, and nothing is loaded whole to show its head: parquet is read
by row batches through pyarrow, .npy memory-mapped without pickle, files up to a bound. pyarrow
and numpy are imported only here, when a preview needs them.
"""

from __future__ import annotations

import base64
import codecs
import datetime
import decimal
import json
import math
import re
from pathlib import Path, PurePosixPath
from typing import Any

from ..errors import BadRequest, CatalogError, EntryNotFound
from ..paths import check_path_text
from .formats import FORMAT_BY_EXTENSION, SERIES_COLUMN
from .store import CatalogStore, check_name

MAX_ROWS = 20
MAX_COLUMNS = 50
MAX_CELL_CHARS = 200
MAX_TEXT_BYTES = 64 * 1024
MAX_IMAGE_BYTES = 2 * 1024 * 1024
MAX_JSON_PARSE_BYTES = 2 * 1024 * 1024
MAX_SAFE_INTEGER = 2**53 - 1  # beyond it a browser's numbers lose digits: sent as text
SHA256 = re.compile(r"[0-9a-f]{64}")

IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
}
TEXT_TYPES = {
    ".md": "text/markdown",
    ".txt": "text/plain",
    ".csv": "text/csv",
    ".tsv": "text/tab-separated-values",
    ".log": "text/plain",
    ".html": "text/html",
    ".xml": "application/xml",
    ".yaml": "application/yaml",
    ".yml": "application/yaml",
    ".toml": "application/toml",
    ".py": "text/x-python",
}


# -- which version ---------------------------------------------------------------------------


def find_version(catalog_dir: Path, name: str, sha256: str | None = None) -> dict[str, Any]:
    """The version record of `name` to preview: `sha256`'s, else the current version, else the
    newest. Raises BadRequest for a name or sha256 no version can have, EntryNotFound else."""
    check_path_text(name)
    try:
        check_name(name, allow_subfolders=True)
    except CatalogError as error:  # a name no entry can have
        raise BadRequest(str(error), {"name": name}) from None
    if sha256 is not None and not SHA256.fullmatch(sha256):
        raise BadRequest(
            "sha256 must be 64 lowercase hexadecimal digits (a version's sha256 as GET catalog "
            "lists it)",
            {"sha256": sha256[:80]},
        )
    store = CatalogStore(catalog_dir)
    if sha256 is not None:
        record = store.versions.version(name, sha256)
        if record is None:
            raise EntryNotFound(
                f"catalog entry '{name}' has no version {sha256[:12]}",
                {"name": name, "sha256": sha256},
            )
        return record
    record = _current(store, name)
    if record is None:
        versions = store.versions.versions(name)
        if not versions:
            known = sorted(set(store.versions.names()) | set(store.current()))
            shown = ", ".join(known[:10]) + (", ..." if len(known) > 10 else "")
            raise EntryNotFound(
                f"the catalog has no entry '{name}'; it holds: {shown or 'nothing yet'}",
                {"name": name},
            )
        record = versions[-1]
    return record


def _current(store: CatalogStore, name: str) -> dict[str, Any] | None:
    """The current version of `name`, unless its file leads out of the catalog folder."""
    meta = store.metadata(name) or {}
    file = store.directory / str(meta.get("file", name))
    try:
        inside = store.directory.resolve() in file.resolve().parents
    except (OSError, RuntimeError):  # a symlink loop
        return None
    return store.current_record(name) if inside else None


# -- the preview -----------------------------------------------------------------------------


def preview(content: Path, record: dict[str, Any]) -> dict[str, Any]:
    """The preview of the version `record`, whose content is the file `content`."""
    answer: dict[str, Any] = {
        "name": record["name"],
        "sha256": record["sha256"],
        "format": record["format"],
        "file": record["file"],
        "size": record["size"],
        "kind": "none",
        "reason": None,
        "truncated": False,
        "columns": None,
        "rows": None,
        "rows_total": None,
        "media_type": None,
        "data": None,
        "text": None,
    }
    kind, media_type = _kind(record)
    answer["media_type"] = media_type
    try:
        answer.update(_PREVIEWS[kind](content, record))
    except Exception as error:  # a corrupt or unexpected file: say so, never a server error
        answer.update(kind="none", reason=f"cannot preview this version: {_clip(str(error))}")
    return answer


def _kind(record: dict[str, Any]) -> tuple[str, str | None]:
    """(how to preview, media type) from the version's format, else its file's extension."""
    fmt = str(record["format"])
    suffix = PurePosixPath(str(record["file"])).suffix.lower()
    if fmt == "file":
        if suffix in IMAGE_TYPES:
            return "image", IMAGE_TYPES[suffix]
        if suffix in TEXT_TYPES:
            return "text", TEXT_TYPES[suffix]
        fmt = FORMAT_BY_EXTENSION.get(suffix, "sniff")
    media_types = {"json": "application/json", "parquet": "application/vnd.apache.parquet"}
    return (fmt if fmt in _PREVIEWS else "unknown"), media_types.get(fmt)


def _pickle(_content: Path, _record: dict[str, Any]) -> dict[str, Any]:
    return {"kind": "none", "reason": "pickle"}


def _unknown(_content: Path, record: dict[str, Any]) -> dict[str, Any]:
    return {"kind": "none", "reason": f"no preview for the format '{record['format']}'"}


def _image(content: Path, record: dict[str, Any]) -> dict[str, Any]:
    size = content.stat().st_size
    if size > MAX_IMAGE_BYTES:
        return {
            "kind": "none",
            "reason": f"the image is {_megabytes(size)}; previews show images up to "
            f"{_megabytes(MAX_IMAGE_BYTES)}",
        }
    return {"kind": "image", "data": base64.b64encode(content.read_bytes()).decode("ascii")}


def _text(content: Path, record: dict[str, Any]) -> dict[str, Any]:
    text, truncated = _head_text(content)
    if text is None:
        return {"kind": "none", "reason": "a binary file"}
    return {"kind": "text", "text": text, "truncated": truncated}


def _sniff(content: Path, record: dict[str, Any]) -> dict[str, Any]:
    """A file of an unknown type: its text if it reads as text."""
    answer = _text(content, record)
    if answer["kind"] == "text":
        answer["media_type"] = "text/plain"
    return answer


def _json(content: Path, record: dict[str, Any]) -> dict[str, Any]:
    size = content.stat().st_size
    if size > MAX_JSON_PARSE_BYTES:
        text, truncated = _head_text(content)
        return {
            "kind": "text",
            "text": text,
            "truncated": truncated,
            "reason": f"{_megabytes(size)} of JSON: its start as written, not pretty-printed",
        }
    try:
        pretty = json.dumps(
            json.loads(content.read_bytes()), indent=2, ensure_ascii=False, allow_nan=True
        )
    except (ValueError, RecursionError) as error:
        text, truncated = _head_text(content)
        return {"kind": "text", "text": text, "truncated": truncated, "reason": _clip(str(error))}
    encoded = pretty.encode("utf-8")
    if len(encoded) <= MAX_TEXT_BYTES:
        return {"kind": "json", "text": pretty}
    return {"kind": "json", "text": _decode_head(encoded[:MAX_TEXT_BYTES]), "truncated": True}


def _parquet(content: Path, record: dict[str, Any]) -> dict[str, Any]:
    try:
        import pyarrow.parquet as parquet
    except ImportError:
        return {"kind": "none", "reason": "pyarrow is not installed on the server"}
    table = parquet.ParquetFile(content)
    names = list(table.schema_arrow.names)
    shown = names[:MAX_COLUMNS]
    rows: list[list[Any]] = []
    if shown:
        for batch in table.iter_batches(batch_size=MAX_ROWS, columns=shown):
            columns = [column.to_pylist() for column in batch.columns]
            rows = [[_json_safe(v) for v in row] for row in zip(*columns, strict=True)][:MAX_ROWS]
            break
    total = int(table.metadata.num_rows)
    return _table(
        [_column_name(name, record) for name in shown], rows, total, len(names) > len(shown)
    )


def _npy(content: Path, record: dict[str, Any]) -> dict[str, Any]:
    import numpy

    array = numpy.load(content, mmap_mode="r", allow_pickle=False)
    if array.ndim == 0:
        return {"kind": "text", "text": _clip(str(array.item()))}
    if array.ndim > 2:
        shape = " x ".join(str(n) for n in array.shape)
        return {"kind": "none", "reason": f"a {array.ndim}-dimensional array ({shape})"}
    head = array[:MAX_ROWS]
    if array.dtype.names:  # a structured array: one column per field
        fields = list(array.dtype.names)[:MAX_COLUMNS]
        rows = [[_json_safe(item[field]) for field in fields] for item in head]
        return _table(fields, rows, array.shape[0], len(array.dtype.names) > len(fields))
    if array.ndim == 1:
        return _table(["value"], [[_json_safe(v)] for v in head], array.shape[0], False)
    width = min(array.shape[1], MAX_COLUMNS)
    rows = [[_json_safe(v) for v in row[:width]] for row in head]
    return _table([str(i) for i in range(width)], rows, array.shape[0], array.shape[1] > width)


def _table(
    columns: list[str], rows: list[list[Any]], total: int, more_columns: bool
) -> dict[str, Any]:
    return {
        "kind": "table",
        "columns": columns,
        "rows": rows,
        "rows_total": total,
        "truncated": more_columns or total > len(rows),
        "reason": f"the first {len(columns)} columns" if more_columns else None,
    }


_PREVIEWS = {
    "parquet": _parquet,
    "npy": _npy,
    "json": _json,
    "pickle": _pickle,
    "image": _image,
    "text": _text,
    "sniff": _sniff,
    "unknown": _unknown,
}


# -- helpers ---------------------------------------------------------------------------------


def _column_name(name: str, record: dict[str, Any]) -> str:
    if name == SERIES_COLUMN:
        series_name = record.get("series_name")
        return str(series_name) if series_name is not None else "value"
    if name.startswith("__index_level_"):
        return "(index)"
    return _clip(str(name))


def _head_text(content: Path) -> tuple[str | None, bool]:
    """(the file's first `MAX_TEXT_BYTES` as text, whether there is more); None for binary."""
    with open(content, "rb") as handle:
        head = handle.read(MAX_TEXT_BYTES + 1)
    truncated = len(head) > MAX_TEXT_BYTES
    head = head[:MAX_TEXT_BYTES]
    if b"\x00" in head:
        return None, truncated
    return _decode_head(head, final=not truncated), truncated


def _decode_head(data: bytes, final: bool = False) -> str:
    """UTF-8 text of `data`; an incomplete character cut at its end is left out."""
    return codecs.getincrementaldecoder("utf-8")(errors="replace").decode(data, final=final)


def _json_safe(value: Any) -> Any:
    """A table cell as JSON: numbers, text, booleans and null as they are (non-finite numbers
    and integers a browser cannot hold as text), times in ISO format, anything else as text."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value if abs(value) <= MAX_SAFE_INTEGER else str(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, str):
        return _clip(value)
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (datetime.timedelta, decimal.Decimal)):
        return str(value)
    if hasattr(value, "item") and getattr(value, "ndim", None) == 0:  # a numpy scalar
        return _json_safe(value.item())
    return _clip(repr(value) if isinstance(value, (bytes, bytearray)) else str(value))


def _clip(text: str) -> str:
    return text if len(text) <= MAX_CELL_CHARS else text[: MAX_CELL_CHARS - 1] + "…"


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"
