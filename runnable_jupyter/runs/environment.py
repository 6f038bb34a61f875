"""What a run ran with: interpreter, library versions, kernels and the git state of the workspace.

Recorded in every run log so that a run can be reproduced. Nothing here may fail a run: any
information that cannot be found is left empty.
"""

from __future__ import annotations

import functools
import platform
import subprocess
import sys
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

from ..pipeline.notebook_checks import read_kernelspec
from ..runlog.models import Environment

GIT_TIMEOUT_S = 5.0
KERNEL_PROBE_TIMEOUT_S = 10.0
# jupyter_client launches these kernel commands with its own interpreter (sys.executable).
_MAJOR, _MINOR = sys.version_info[:2]
_SAME_INTERPRETER = {"python", f"python{_MAJOR}", f"python{_MAJOR}.{_MINOR}"}


def collect_environment(workspace_dir: Path, kernel_names: Iterable[str]) -> Environment:
    commit, dirty = git_state(workspace_dir)
    return Environment(
        python=platform.python_version(),
        papermill=package_version("papermill"),
        nbclient=package_version("nbclient"),
        runnable_jupyter=package_version("runnable-jupyter") or _source_version(),
        kernels={name: kernel_description(name) for name in sorted(set(kernel_names))},
        git_commit=commit,
        git_dirty=dirty,
    )


@functools.cache
def package_version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return ""


def _source_version() -> str:
    """The version of a source checkout that is not installed as a distribution."""
    package = sys.modules.get(__package__ or "")
    return str(getattr(package, "__version__", ""))


def kernel_description(name: str) -> str:
    """`python3` -> `python 3.11.2`: the kernelspec's language and, for Python, its version."""
    spec = read_kernelspec(name)  # read as jupyter_client would, without importing it
    if spec is None:
        return ""
    language = str(spec.get("language") or "")
    argv = spec.get("argv")
    if language.lower() != "python" or not isinstance(argv, list) or not argv:
        return language
    version = _python_version(str(argv[0]))
    return f"{language} {version}".strip()


@functools.cache
def _python_version(executable: str) -> str:
    if executable in _SAME_INTERPRETER:
        return platform.python_version()
    try:
        completed = subprocess.run(
            [executable, "-c", "import platform; print(platform.python_version())"],
            capture_output=True,
            text=True,
            timeout=KERNEL_PROBE_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return completed.stdout.strip() if completed.returncode == 0 else ""


def git_state(folder: Path) -> tuple[str | None, bool | None]:
    """(HEAD commit, whether tracked files differ from it), or (None, None) outside a git repo."""
    commit = _git(folder, "rev-parse", "--verify", "HEAD")
    if commit is None:
        return None, None
    # Untracked files are ignored: runs and catalogs are written next to the pipeline.
    status = _git(folder, "status", "--porcelain", "--untracked-files=no")
    return commit, (bool(status) if status is not None else None)


def _git(folder: Path, *arguments: str) -> str | None:
    try:
        completed = subprocess.run(
            ["git", "-C", str(folder), *arguments],
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT_S,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.SubprocessError):  # no git, or it hung
        return None
    return completed.stdout.strip() if completed.returncode == 0 else None
