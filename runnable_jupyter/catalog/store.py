"""The catalog folder: typed put/get, metadata sidecars, atomic writes and declarative glob copies.

Layout: each entry `NAME.EXT` (or a plain file placed by a declarative put, possibly in a
subfolder) has a sidecar `.meta/NAME.json` with `name`, `file`, `format`, `step`, `run_id`,
`sha256`, `size`, `time`. Every write goes to a hidden temp file in the same folder first and is
then `os.replace`d, so readers never see half a file.

pandas, numpy and pyarrow are imported only when an object of theirs is stored or loaded: the
notebook-side `catalog` module must stay cheap to import.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import sys
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import IO, TYPE_CHECKING, Any

from ..clock import utcnow
from ..errors import CatalogError
from ..files import HASH_CHUNK, atomic_write, sha256_of_file
from ..runlog.models import CatalogAccess

if TYPE_CHECKING:
    from ..pipeline.model import Pipeline

META_DIR = ".meta"
# format -> file extension of entries written by put()
EXTENSIONS = {"parquet": ".parquet", "npy": ".npy", "json": ".json", "pickle": ".pkl"}
# how get() loads plain files (declarative puts, path() files) by their extension
FORMAT_BY_EXTENSION = {
    ".parquet": "parquet",
    ".npy": "npy",
    ".json": "json",
    ".pkl": "pickle",
    ".pickle": "pickle",
}
_SERIES_COLUMN = "__series__"
# (format, writer of the file content, extra metadata)
Encoder = tuple[str, Callable[[IO[bytes]], object], dict[str, Any]]


def catalog_dir_for(pipeline_path: Path, pipeline: Pipeline) -> Path:
    """`WS/sub/etl.pipeline.json` -> `WS/sub/etl.catalog` (or `settings.catalog_dir`)."""
    from ..pipeline.model import pipeline_stem  # pydantic stays out of the notebook-side import

    folder = pipeline.settings.catalog_dir or f"{pipeline_stem(pipeline_path)}.catalog"
    return pipeline_path.parent / folder


def check_name(name: str, *, allow_subfolders: bool = False) -> str:
    """Refuse names that would leave the catalog, hide the entry or clash with `.meta`."""
    if not isinstance(name, str) or not name.strip():
        raise CatalogError("a catalog name must be a non-empty string", {"name": repr(name)})
    parts = name.split("/")
    if "\\" in name or "\x00" in name or (len(parts) > 1 and not allow_subfolders):
        raise CatalogError(
            f"catalog name '{name}' contains a path separator: use a plain name like 'model.pkl'",
            {"name": name},
        )
    for part in parts:
        if part in ("", ".", ".."):
            raise CatalogError(
                f"catalog name '{name}' is not a plain relative name", {"name": name}
            )
        if part.startswith("."):
            raise CatalogError(
                f"catalog name '{name}' is hidden (starts with '.'): choose a visible name",
                {"name": name},
            )
    return name


def _check_glob(pattern: str, folder: Path) -> None:
    if not pattern or os.path.isabs(pattern) or PurePosixPath(pattern).is_absolute():
        raise CatalogError(
            f"catalog glob '{pattern}' must be relative to {folder}", {"glob": pattern}
        )
    if ".." in PurePosixPath(pattern.replace("\\", "/")).parts:
        raise CatalogError(
            f"catalog glob '{pattern}' contains '..': globs cannot leave {folder}",
            {"glob": pattern},
        )


def _visible(relative: Path) -> bool:
    """Hidden parts are metadata (`.meta`) or in-flight temp files: never catalog content."""
    return not any(part.startswith(".") for part in relative.parts)


def _copy_hashing(source: Path, target: Path) -> tuple[str, int]:
    """Atomic copy that hashes while it copies (one read of the source)."""
    digest = hashlib.sha256()
    size = 0

    def write(out: IO[bytes]) -> None:
        nonlocal size
        with open(source, "rb") as handle:
            while chunk := handle.read(HASH_CHUNK):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)

    atomic_write(target, write)
    return digest.hexdigest(), size


def _is_json_able(obj: Any) -> bool:
    """True when JSON gives back an equal object (tuples, int keys, NaN... are not)."""
    if not isinstance(obj, (dict, list, str, int, float, bool, type(None))):
        return False
    try:
        return bool(json.loads(json.dumps(obj, allow_nan=False)) == obj)
    except (TypeError, ValueError, RecursionError):
        return False


def _encoder_for(obj: Any) -> Encoder:
    """(format, writer, extra metadata) for `obj`. Checks types without importing libraries."""
    pandas = sys.modules.get("pandas")
    if pandas is not None and isinstance(obj, (pandas.DataFrame, pandas.Series)):
        encoded = _parquet_encoder(obj, pandas)
        if encoded is not None:
            return encoded
    numpy = sys.modules.get("numpy")
    if numpy is not None and isinstance(obj, numpy.ndarray) and obj.dtype != object:
        return "npy", lambda out: numpy.save(out, obj, allow_pickle=False), {}
    if _is_json_able(obj):
        return "json", lambda out: out.write(json.dumps(obj, indent=1).encode("utf-8")), {}
    return "pickle", lambda out: _pickle(obj, out), {}


def _pickle(obj: Any, out: IO[bytes]) -> None:
    pickle.dump(obj, out, protocol=pickle.HIGHEST_PROTOCOL)


def _parquet_encoder(obj: Any, pandas: Any) -> Encoder | None:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return None  # pickle it
    extra: dict[str, Any] = {"python_type": f"pandas.{type(obj).__name__}"}
    frame = obj
    if isinstance(obj, pandas.Series):
        if obj.name is not None and not isinstance(obj.name, str):
            return None  # a name parquet cannot carry faithfully
        frame = obj.to_frame(name=_SERIES_COLUMN)
        extra["series_name"] = obj.name
    if not all(isinstance(column, str) for column in frame.columns):
        return None  # parquet needs string column names
    return "parquet", lambda out: frame.to_parquet(out), extra


def _load(path: Path, fmt: str, meta: dict[str, Any]) -> Any:
    if fmt == "json":
        return json.loads(path.read_text(encoding="utf-8"))
    if fmt == "npy":
        import numpy

        return numpy.load(path, allow_pickle=False)
    if fmt == "parquet":
        import pandas

        frame = pandas.read_parquet(path)
        if meta.get("python_type") == "pandas.Series":
            series = frame[_SERIES_COLUMN]
            series.name = meta.get("series_name")
            return series
        return frame
    if fmt == "pickle":
        with open(path, "rb") as handle:
            return pickle.load(handle)
    raise CatalogError(f"unknown catalog format '{fmt}' for {path}", {"path": str(path)})


class CatalogStore:
    """One pipeline's catalog folder."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self.meta_dir = self.directory / META_DIR

    # -- entries -----------------------------------------------------------------------------

    def put(
        self, name: str, obj: Any, *, step: str | None = None, run_id: str | None = None
    ) -> CatalogAccess:
        check_name(name)
        fmt, write, extra = _encoder_for(obj)
        target = self.directory / f"{name}{EXTENSIONS[fmt]}"
        previous = self.metadata(name)
        try:
            atomic_write(target, write)
        except Exception:
            if fmt != "parquet":
                raise
            # content pyarrow cannot store (mixed-type object columns...): pickle keeps it all
            fmt, extra = "pickle", {}
            target = self.directory / f"{name}{EXTENSIONS[fmt]}"
            atomic_write(target, lambda out: _pickle(obj, out))
        access = self._write_metadata(name, target, fmt, step, run_id, extra)
        if previous and previous.get("file") and previous["file"] != target.name:
            # the entry changed type: drop the file of the old format
            (self.directory / previous["file"]).unlink(missing_ok=True)
        return access

    def get(self, name: str) -> Any:
        meta = self._entry_meta(name)
        file = self.directory / meta["file"]
        fmt = meta["format"]
        if fmt == "file":
            fmt = FORMAT_BY_EXTENSION.get(file.suffix.lower(), "")
            if not fmt:
                raise CatalogError(
                    f"'{name}' is a plain file in {self.directory}: open catalog.path('{name}') "
                    "yourself",
                    {"name": name, "path": str(file)},
                )
        return _load(file, fmt, meta)

    def exists(self, name: str) -> bool:
        try:
            self._entry_meta(name)
        except CatalogError:
            return False
        return True

    def path(self, name: str) -> Path:
        """Where a notebook writes or reads a file of its own (call record_file after writing)."""
        check_name(name)
        self.directory.mkdir(parents=True, exist_ok=True)
        return self.directory / name

    def record_file(
        self, name_or_relpath: str, step: str | None = None, run_id: str | None = None
    ) -> CatalogAccess:
        check_name(name_or_relpath, allow_subfolders=True)
        file = self.directory / name_or_relpath
        if not file.is_file():
            raise CatalogError(
                f"cannot record '{name_or_relpath}': no such file in {self.directory}",
                {"name": name_or_relpath, "catalog": str(self.directory)},
            )
        return self._write_metadata(name_or_relpath, file, "file", step, run_id, {})

    def metadata(self, name: str) -> dict[str, Any] | None:
        sidecar = self.meta_dir / f"{name}.json"
        try:
            meta: dict[str, Any] = json.loads(sidecar.read_text(encoding="utf-8"))
            return meta
        except (FileNotFoundError, NotADirectoryError, json.JSONDecodeError):
            return None

    def access(self, name: str) -> CatalogAccess:
        """Name, sha256 and size of an entry (from its sidecar while the file is unchanged)."""
        meta = self._entry_meta(name)
        file = self.directory / meta["file"]
        stat = file.stat()
        if meta.get("size") == stat.st_size and meta.get("mtime_ns") == stat.st_mtime_ns:
            sha256 = meta["sha256"]
        else:
            sha256 = sha256_of_file(file)
        return CatalogAccess(name=name, sha256=sha256, size=stat.st_size, path=str(file))

    def names(self) -> list[str]:
        """Entries with metadata plus plain files put there without it (e.g. by hand)."""
        found: set[str] = set()
        claimed: set[str] = set()
        if self.meta_dir.is_dir():
            for sidecar in self.meta_dir.rglob("*.json"):
                name = sidecar.relative_to(self.meta_dir).as_posix()[: -len(".json")]
                meta = self.metadata(name)
                if meta and (self.directory / meta.get("file", "")).is_file():
                    found.add(name)
                    claimed.add(meta["file"])
        for relative in self._files(self.directory, "**/*"):
            if relative.as_posix() not in claimed:
                found.add(relative.as_posix())
        return sorted(found)

    # -- declarative globs -------------------------------------------------------------------

    def copy_in(self, globs: list[str], dest_dir: Path) -> list[CatalogAccess]:
        """Copy catalog files matching `globs` into `dest_dir`, keeping relative paths."""
        matches = self._match_all(globs, self.directory, "in the catalog folder")
        accesses = []
        for relative in matches:
            source = self.directory / relative
            sha256, size = _copy_hashing(source, Path(dest_dir) / relative)
            accesses.append(
                CatalogAccess(name=relative.as_posix(), sha256=sha256, size=size, path=str(source))
            )
        return accesses

    def copy_out(
        self, globs: list[str], src_dir: Path, *, step: str | None, run_id: str | None
    ) -> list[CatalogAccess]:
        """Copy files matching `globs` (relative to `src_dir`) into the catalog, with metadata."""
        matches = self._match_all(globs, Path(src_dir), "in the step's folder")
        accesses = []
        for relative in matches:
            target = self.directory / relative
            _copy_hashing(Path(src_dir) / relative, target)
            accesses.append(
                self._write_metadata(relative.as_posix(), target, "file", step, run_id, {})
            )
        return accesses

    # -- internals ---------------------------------------------------------------------------

    def _entry_meta(self, name: str) -> dict[str, Any]:
        check_name(name, allow_subfolders=True)
        meta = self.metadata(name)
        if meta and (self.directory / meta.get("file", "")).is_file():
            return meta
        plain = self.directory / name
        if plain.is_file():  # placed without metadata
            return {"name": name, "file": name, "format": "file"}
        raise CatalogError(f"'{name}' is not in the catalog {self.directory}", {"name": name})

    def _write_metadata(
        self,
        name: str,
        file: Path,
        fmt: str,
        step: str | None,
        run_id: str | None,
        extra: dict[str, Any],
    ) -> CatalogAccess:
        stat = file.stat()
        access = CatalogAccess(
            name=name, sha256=sha256_of_file(file), size=stat.st_size, path=str(file), time=utcnow()
        )
        meta = {
            "name": name,
            "file": file.relative_to(self.directory).as_posix(),
            "format": fmt,
            "step": step,
            "run_id": run_id,
            "sha256": access.sha256,
            "size": access.size,
            "time": access.time.isoformat(),
            "mtime_ns": stat.st_mtime_ns,  # lets reads trust sha256 while the file is unchanged
            **extra,
        }
        payload = json.dumps(meta, indent=1).encode("utf-8")
        atomic_write(self.meta_dir / f"{name}.json", lambda out: out.write(payload))
        return access

    @staticmethod
    def _files(folder: Path, pattern: str) -> list[Path]:
        if not folder.is_dir():
            return []
        root = folder.resolve()
        out = []
        for match in folder.glob(pattern):
            relative = match.relative_to(folder)
            if not _visible(relative) or not match.is_file():
                continue
            if root not in match.resolve().parents:  # a symlink leading out of the folder
                continue
            out.append(relative)
        return out

    def _match_all(self, globs: list[str], folder: Path, where: str) -> list[Path]:
        """Every file matching the globs; all globs are checked before anything is copied."""
        for pattern in globs:
            _check_glob(pattern, folder)
        matches: dict[str, Path] = {}
        empty = []
        for pattern in globs:
            found = self._files(folder, pattern)
            if not found:
                empty.append(pattern)
            for relative in found:
                matches.setdefault(relative.as_posix(), relative)
        if empty:
            listed = ", ".join(f"'{pattern}'" for pattern in empty)
            raise CatalogError(
                f"catalog glob{'s' if len(empty) > 1 else ''} {listed} matched no file {where} "
                f"{folder}",
                {"globs": empty, "folder": str(folder)},
            )
        return [matches[key] for key in sorted(matches)]
