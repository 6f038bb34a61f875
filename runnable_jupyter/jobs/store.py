"""Job files: `NAME.jobs/JOB.job.json` next to `NAME.pipeline.json`, readable in git.

A `JobStore` holds one pipeline's jobs: it lists, reads, writes (atomically, indented, defaults
left out) and deletes their files; their state lives beside them (`state.py`). `find_jobs_dirs`
finds every jobs folder of a workspace for the scheduler, in a bounded walk.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ..errors import JobExists, JobInvalid, JobNotFound
from ..files import atomic_write, walk_folders
from ..json_documents import JsonNumberInvalid, JsonTooDeep, load_json
from ..pipeline.model import PIPELINE_SUFFIX, pipeline_stem
from ..pipeline.validation import Problem
from .model import JOB_SUFFIX, JOBS_SUFFIX, Job, is_job_name
from .state import StateStore

MAX_JOB_FILE_BYTES = 4 << 20
# Folders never searched for jobs besides hidden ones and environments: runs and catalogs.
_OUTPUT_SUFFIXES = (".runs", ".catalog", JOBS_SUFFIX)


def jobs_dir_for(pipeline_path: Path) -> Path:
    """`WS/sub/etl.pipeline.json` -> `WS/sub/etl.jobs`."""
    return pipeline_path.parent / f"{pipeline_stem(pipeline_path)}{JOBS_SUFFIX}"


def pipeline_of_jobs_dir(jobs_dir: Path) -> Path:
    """`WS/sub/etl.jobs` -> `WS/sub/etl.pipeline.json`."""
    return jobs_dir.parent / f"{jobs_dir.name[: -len(JOBS_SUFFIX)]}{PIPELINE_SUFFIX}"


class JobStore:
    """The job files of one pipeline, and their states."""

    def __init__(self, pipeline_path: Path) -> None:
        self.dir = jobs_dir_for(pipeline_path)
        self.states = StateStore(self.dir)

    def path(self, name: str) -> Path:
        return self.dir / f"{name}{JOB_SUFFIX}"

    def relative_path(self, name: str, root: Path) -> str:
        return self.path(name).relative_to(root).as_posix()

    def names(self) -> list[str]:
        """The jobs' names (file stems that are job names), sorted."""
        try:
            entries = sorted(entry.name for entry in os.scandir(self.dir) if entry.is_file())
        except OSError:
            return []
        stems = [name[: -len(JOB_SUFFIX)] for name in entries if name.endswith(JOB_SUFFIX)]
        return [stem for stem in stems if is_job_name(stem)]

    def exists(self, name: str) -> bool:
        return self.path(name).is_file()

    def read_document(self, name: str) -> Any:
        """The job file parsed as JSON; JobNotFound, or JobInvalid when it is not JSON."""
        path = self.path(name)
        try:
            if path.stat().st_size > MAX_JOB_FILE_BYTES:
                raise JobInvalid(name, [Problem("", None, "the job file is over 4 MB")])
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise JobNotFound(
                f"{self.dir.name} has no job {name!r}", {"job_id": name, "file": path.name}
            ) from None
        except UnicodeDecodeError:
            raise JobInvalid(name, [Problem("", None, "the job file is not UTF-8 text")]) from None
        except OSError as error:
            raise JobInvalid(name, [Problem("", None, f"cannot be read: {error}")]) from None
        try:
            return load_json(text)
        except (JsonTooDeep, JsonNumberInvalid) as error:
            raise JobInvalid(name, [Problem("", None, str(error))]) from None
        except json.JSONDecodeError as error:
            message = f"not valid JSON at line {error.lineno}, column {error.colno}: {error.msg}"
            raise JobInvalid(name, [Problem("", None, message)]) from None

    def save(self, name: str, job: Job, *, create: bool = False) -> Path:
        """Write the job file; with `create`, refuse a name already taken."""
        path = self.path(name)
        if create and path.exists():
            raise JobExists(
                f"{self.dir.name} already has a job {name!r}: choose another name or delete it "
                "first",
                {"job_id": name},
            )
        data = (json.dumps(job.to_json(), indent=2) + "\n").encode("utf-8")
        atomic_write(path, lambda stream: stream.write(data))
        return path

    def delete(self, name: str) -> None:
        path = self.path(name)
        if not path.is_file():
            raise JobNotFound(f"{self.dir.name} has no job {name!r}", {"job_id": name})
        path.unlink()
        self.states.delete(name)


def find_jobs_dirs(root: Path, max_dirs: int = 20_000) -> list[Path]:
    """Every `*.jobs` folder under `root` beside its pipeline file, skipping hidden folders,
    environments, runs and catalogs; at most `max_dirs` folders are visited."""
    found: list[Path] = []
    for current, subdirs, files in walk_folders(root, max_dirs, "jobs"):
        names = set(files)
        for name in subdirs:
            if name.endswith(JOBS_SUFFIX):
                pipeline = f"{name[: -len(JOBS_SUFFIX)]}{PIPELINE_SUFFIX}"
                if pipeline in names:
                    found.append(current / name)
        subdirs[:] = [name for name in subdirs if not name.endswith(_OUTPUT_SUFFIXES)]
    return found
