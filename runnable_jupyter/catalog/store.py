"""A pipeline's catalog folder: versioned entries, the current version of each, and what one
step of a run sees.

Every `put` (and every file a step hands over) stores a new immutable version (`versions.py`).
The folder's visible files (`NAME.EXT`, or plain files in subfolders) are the *current*
versions, with a sidecar `.meta/NAME.json` naming the version's sha256, format, and the run
and step that produced it. Current moves only when a step succeeds (`promote`), or at once
outside runs (a notebook used interactively).

A store made with a `CatalogView` is one step of a run: it reads the versions the view pins
(what the step's upstream wrote in this run, else what was current when the run started) and
its own writes, and never touches the current files. Without a view it reads and writes the
current versions. Visible files without a version (an earlier catalog layout, a file copied
in by hand, an edited file) become versions when first read.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from fnmatch import fnmatch
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from ..clock import utcnow
from ..errors import CatalogError
from ..files import HASH_CHUNK, atomic_write
from ..runlog.models import CatalogAccess
from .formats import EXTENSIONS, FORMAT_BY_EXTENSION, encoder_for, load_file, write_pickle
from .version_store import VersionStore
from .views import CatalogView

if TYPE_CHECKING:
    from ..pipeline.model import Pipeline

META_DIR = ".meta"


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


def glob_matches(path: str, pattern: str) -> bool:
    """Whether the relative path `path` matches the glob `pattern` as `Path.glob` would: `*`
    and `?` stay within one folder, `**` matches any number of folders."""

    def match(parts: list[str], patterns: list[str]) -> bool:
        if not patterns:
            return not parts
        if patterns[0] == "**":
            return any(match(parts[i:], patterns[1:]) for i in range(len(parts) + 1))
        return bool(parts) and fnmatch(parts[0], patterns[0]) and match(parts[1:], patterns[1:])

    return match(path.split("/"), pattern.replace("\\", "/").split("/"))


def _visible(relative: Path) -> bool:
    """Hidden parts are metadata (`.meta`, `.versions`) or temp files: never catalog content."""
    return not any(part.startswith(".") for part in relative.parts)


def _copy(source: Path, target: Path) -> None:
    def write(out: Any) -> None:
        with open(source, "rb") as handle:
            while chunk := handle.read(HASH_CHUNK):
                out.write(chunk)

    atomic_write(target, write)


class CatalogStore:
    """One pipeline's catalog folder, as the current versions or as one step of a run sees it."""

    def __init__(
        self,
        directory: Path,
        view: CatalogView | None = None,
        *,
        run_id: str | None = None,
        step: str | None = None,
    ) -> None:
        self.directory = Path(directory)
        self.meta_dir = self.directory / META_DIR
        self.versions = VersionStore(self.directory)
        self.view = view
        self.run_id = run_id
        self.step = step
        self.written: dict[str, dict[str, Any]] = {}  # this step's own writes, by name

    # -- writing -----------------------------------------------------------------------------

    def put(self, name: str, obj: Any) -> CatalogAccess:
        """Store `obj` as a new version of `name` (format chosen by its type)."""
        check_name(name)
        fmt, write, extra = encoder_for(obj)
        try:
            sha256, size = self.versions.add(write)
        except Exception:
            if fmt != "parquet":
                raise
            # content pyarrow cannot store (mixed-type object columns...): pickle keeps it all
            fmt, extra = "pickle", {}
            sha256, size = self.versions.add(lambda out: write_pickle(obj, out))
        return self._new_version(name, sha256, size, fmt, f"{name}{EXTENSIONS[fmt]}", extra)

    def put_file(self, name: str, source: Path, *, typed: bool = False) -> CatalogAccess:
        """Store a copy of the file `source` as a new version of the plain-file entry `name`;
        `typed`: a file named like what `put` writes (`raw.parquet`) becomes that entry (`raw`,
        format parquet) instead."""
        check_name(name, allow_subfolders=True)
        if not source.is_file():
            raise CatalogError(f"cannot store '{name}': no such file {source}", {"name": name})
        sha256, size = self.versions.add_file(source)
        suffix = PurePosixPath(name).suffix.lower()
        fmt = (
            {v: k for k, v in EXTENSIONS.items()}.get(suffix) if typed and "/" not in name else None
        )
        if fmt is not None:
            return self._new_version(name[: -len(suffix)], sha256, size, fmt, name, {})
        return self._new_version(name, sha256, size, "file", name, {})

    def _new_version(
        self, name: str, sha256: str, size: int, fmt: str, file: str, extra: dict[str, Any]
    ) -> CatalogAccess:
        record = self.versions.record(
            name, sha256, size, fmt, file, run_id=self.run_id, step=self.step, extra=extra
        )
        if self.view is None:
            self._make_current(record, self.run_id, self.step)
        else:
            self.written[name] = record
        return self._access(record)

    # -- reading -----------------------------------------------------------------------------

    def lookup(self, name: str) -> dict[str, Any] | None:
        """The version record `get(name)` reads, or None."""
        if name in self.written:
            return self.written[name]
        if self.view is not None:
            return self.view.get(name)
        return self.current_record(name)

    def get(self, name: str) -> Any:
        record = self.lookup(check_name(name, allow_subfolders=True))
        if record is None:
            raise CatalogError(f"'{name}' is not in the catalog {self.directory}", {"name": name})
        return self.load(record)

    def load(self, record: dict[str, Any]) -> Any:
        """The object a version record stands for."""
        fmt, file = record["format"], str(record["file"])
        if fmt == "file":
            fmt = FORMAT_BY_EXTENSION.get(PurePosixPath(file).suffix.lower(), "")
            if not fmt:
                raise CatalogError(
                    f"'{record['name']}' is a plain file: open catalog.path('{record['name']}') "
                    "yourself",
                    {"name": record["name"]},
                )
        return load_file(self.versions.object_path(record["sha256"]), fmt, record)

    def exists(self, name: str) -> bool:
        return self.lookup(name) is not None

    def access(self, name: str) -> CatalogAccess:
        """The read of `name`: its name, the version's sha256 and size, the entry's file."""
        record = self.lookup(name)
        if record is None:
            raise CatalogError(f"'{name}' is not in the catalog {self.directory}", {"name": name})
        return self._access(record)

    def _access(self, record: dict[str, Any]) -> CatalogAccess:
        return CatalogAccess(
            name=record["name"],
            sha256=record["sha256"],
            size=record["size"],
            path=str(self.directory / record["file"]),
        )

    def names(self) -> list[str]:
        if self.view is not None:
            return sorted(set(self.view.entries) | set(self.written))
        return sorted(self.current())

    def path(self, name: str) -> Path:
        """The current file of `name`, for a notebook that writes or reads it itself."""
        check_name(name)
        self.directory.mkdir(parents=True, exist_ok=True)
        return self.directory / name

    def metadata(self, name: str) -> dict[str, Any] | None:
        """The sidecar of the current version of `name`."""
        try:
            meta: dict[str, Any] = json.loads(
                (self.meta_dir / f"{name}.json").read_text(encoding="utf-8")
            )
            return meta
        except (OSError, ValueError):
            return None

    # -- current versions --------------------------------------------------------------------

    def current_record(self, name: str) -> dict[str, Any] | None:
        """The current version of `name`; a visible file without one becomes one."""
        meta = self.metadata(name)
        file = self.directory / (meta or {}).get("file", name)
        try:
            stat = file.stat()
        except OSError:
            return None
        if not file.is_file():
            return None
        if meta and (meta.get("size"), meta.get("mtime_ns")) == (stat.st_size, stat.st_mtime_ns):
            record = self.versions.version(name, str(meta.get("sha256")))
            if record is not None:
                return record
        return self._adopt(name, file, meta)

    def _adopt(self, name: str, file: Path, meta: dict[str, Any] | None) -> dict[str, Any]:
        """A visible file with no version yet (earlier layout, copied or edited by hand)."""
        sha256, size = self.versions.add_file(file)
        unchanged = meta is not None and meta.get("sha256") == sha256
        fmt = (meta or {}).get("format", "file") if unchanged else "file"
        extra = {k: v for k, v in (meta or {}).items() if k in ("python_type", "series_name")}
        relative = file.relative_to(self.directory).as_posix()
        run_id, step = ((meta or {}).get("run_id"), (meta or {}).get("step"))
        if not unchanged:
            run_id, step = None, None  # changed outside any run
        record = self.versions.record(
            name, sha256, size, fmt, relative, run_id=run_id, step=step, extra=extra
        )
        self._write_sidecar(record, file, run_id, step)
        return record

    def current(self) -> dict[str, dict[str, Any]]:
        """Every entry's current version, by name (entries with a sidecar, and plain files)."""
        found: dict[str, dict[str, Any]] = {}
        claimed: set[str] = set()
        for sidecar in self.meta_dir.rglob("*.json") if self.meta_dir.is_dir() else []:
            name = sidecar.relative_to(self.meta_dir).as_posix()[: -len(".json")]
            record = self.current_record(name)
            if record is not None:
                found[name] = record
                claimed.add(str(record["file"]))
        for relative in self._files(self.directory, "**/*"):
            name = relative.as_posix()
            if name not in claimed and name not in found:
                record = self.current_record(name)
                if record is not None:
                    found[name] = record
        return found

    def promote(
        self, writes: Iterable[CatalogAccess], run_id: str | None, step: str | None
    ) -> None:
        """Make these versions (a succeeded step's writes) the current ones."""
        for access in writes:
            record = self.versions.version(access.name, access.sha256)
            if record is not None:
                self._make_current(record, run_id, step)

    def _make_current(self, record: dict[str, Any], run_id: str | None, step: str | None) -> None:
        name, target = record["name"], self.directory / record["file"]
        previous = self.metadata(name)
        _copy(self.versions.object_path(record["sha256"]), target)
        self._write_sidecar(record, target, run_id, step)
        if previous and previous.get("file") not in (None, record["file"]):
            # the entry changed type: drop the file of the old format
            (self.directory / previous["file"]).unlink(missing_ok=True)

    def _write_sidecar(
        self, record: dict[str, Any], file: Path, run_id: str | None, step: str | None
    ) -> None:
        stat = file.stat()
        meta = {
            **{k: v for k, v in record.items() if k not in ("run_id", "step", "time")},
            "run_id": run_id,
            "step": step,
            "time": utcnow().isoformat(),
            "mtime_ns": stat.st_mtime_ns,  # the file is this version while size and mtime hold
        }
        payload = json.dumps(meta, indent=1).encode("utf-8")
        atomic_write(self.meta_dir / f"{record['name']}.json", lambda out: out.write(payload))

    # -- declarative globs -------------------------------------------------------------------

    def copy_in(self, globs: list[str], dest_dir: Path) -> list[CatalogAccess]:
        """Copy the entries whose files match `globs` into `dest_dir` (the step's reads)."""
        for pattern in globs:
            _check_glob(pattern, self.directory)
        entries = self.view.entries if self.view is not None else self.current()
        matched: dict[str, dict[str, Any]] = {}
        empty = []
        for pattern in globs:
            found = [r for r in entries.values() if glob_matches(str(r["file"]), pattern)]
            if not found:
                empty.append(pattern)
            matched.update((str(record["file"]), record) for record in found)
        _refuse_empty(empty, f"in the catalog folder {self.directory}")
        accesses = []
        for file in sorted(matched):
            _copy(self.versions.object_path(matched[file]["sha256"]), Path(dest_dir) / file)
            accesses.append(self._access(matched[file]))
        return accesses

    def copy_out(self, globs: list[str], src_dir: Path) -> list[CatalogAccess]:
        """Store the files matching `globs` (relative to `src_dir`) as new versions."""
        for pattern in globs:
            _check_glob(pattern, Path(src_dir))
        matches: dict[str, Path] = {}
        empty = []
        for pattern in globs:
            found = self._files(Path(src_dir), pattern)
            if not found:
                empty.append(pattern)
            matches.update((relative.as_posix(), relative) for relative in found)
        _refuse_empty(empty, f"in the step's folder {src_dir}")
        return [self.put_file(name, Path(src_dir) / matches[name]) for name in sorted(matches)]

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


def _refuse_empty(empty: list[str], where: str) -> None:
    if empty:
        listed = ", ".join(f"'{pattern}'" for pattern in empty)
        raise CatalogError(
            f"catalog glob{'s' if len(empty) > 1 else ''} {listed} matched no file {where}",
            {"globs": empty},
        )
