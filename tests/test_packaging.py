"""The distribution installs the prebuilt lab extension and enables the server extension.

The wheel test builds from a clean copy of the tree (what git would commit) and installs the
wheel into a fresh virtual environment: no `jupyter ... enable` command is run by hand.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def jupyter_output(python: Path, *args: str) -> str:
    done = subprocess.run(
        [str(python), "-m", "jupyter", *args], capture_output=True, text=True, timeout=120
    )
    return ANSI.sub("", done.stdout + done.stderr)


def assert_extensions_enabled(python: Path) -> None:
    labext = jupyter_output(python, "labextension", "list")
    assert re.search(r"runnable-jupyter v\S+ enabled\s+OK", labext), labext
    serverext = jupyter_output(python, "server", "extension", "list")
    assert re.search(r"runnable_jupyter\s+enabled", serverext), serverext
    assert re.search(r"runnable_jupyter \S+ OK", serverext), serverext


def test_development_install_has_both_extensions_enabled():
    assert_extensions_enabled(Path(sys.executable))


def run(*command: str, **kwargs) -> None:
    """Run a command; on failure, fail the test with the end of its output."""
    done = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if done.returncode != 0:
        pytest.fail(
            f"{' '.join(command)} exited {done.returncode}:\n{(done.stdout + done.stderr)[-4000:]}"
        )


def clean_tree_copy(dest: Path) -> None:
    """Copy the files git would commit (tracked or untracked, not ignored), nothing built."""
    listed = (
        subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=REPO,
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file():
            target = dest / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


@pytest.mark.timeout(900)
def test_wheel_from_clean_tree_installs_both_extensions(tmp_path: Path):
    tree = tmp_path / "tree"
    clean_tree_copy(tree)
    assert not (tree / "runnable_jupyter" / "labextension").exists()
    # Build with this environment's build tools (no isolation: nothing to download), from scratch.
    # jlpm ships with jupyterlab in this environment's bin folder.
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    env = os.environ | {"YARN_ENABLE_GLOBAL_CACHE": "1", "PATH": path}
    run(
        sys.executable,
        "-m",
        "pip",
        "wheel",
        "--no-deps",
        "--no-build-isolation",
        "-w",
        str(tmp_path / "dist"),
        str(tree),
        env=env,
        timeout=600,
    )
    wheels = list((tmp_path / "dist").glob("runnable_jupyter-*.whl"))
    assert len(wheels) == 1, wheels

    fresh = tmp_path / "venv"
    venv.create(fresh, with_pip=True)
    python = fresh / "bin" / "python"
    run(str(python), "-m", "pip", "install", "-q", str(wheels[0]), timeout=600)
    prefix = fresh / "share" / "jupyter" / "labextensions" / "runnable-jupyter"
    assert (prefix / "package.json").is_file()
    server_config = fresh / "etc" / "jupyter" / "jupyter_server_config.d"
    assert (server_config / "runnable_jupyter.json").is_file()
    assert_extensions_enabled(python)
