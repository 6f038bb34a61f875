"""The distribution installs the prebuilt lab extension and enables the server extension.

The wheel test builds from a clean copy of the tree (what git would commit), JavaScript included
(with this checkout's npm packages),
and installs the wheel alone into a fresh virtual environment: no `jupyter ... enable` command is
run by hand. The fresh environment borrows its dependencies from this one through a plain path
line in a `.pth` file (which adds the folder but runs none of its `.pth` hooks, so this checkout's
editable install stays invisible), so the wheel is the only source of the extension there.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
ANSI = re.compile(r"\x1b\[[0-9;]*m")


# The modules behind `jupyter labextension list` and `jupyter server extension list`, run as
# `python -m` runs them (the fresh environment has no console scripts of its borrowed
# dependencies), both in one interpreter: the second one saves a start-up and an import of
# Jupyter Server (about 3 s of CPU). Each command's app is a traitlets singleton, cleared after it.
# Like the engine's own processes (runnable_jupyter/startup.py), the interpreter skips the grammar
# `rfc3987_syntax` builds at import (1.5-2 s of CPU) for jsonschema's `iri` format check, which
# neither listing uses.
LIST_EXTENSIONS = """
import runpy, sys
sys.modules.setdefault("rfc3987_syntax", None)
from traitlets.config import Application
for module in ("jupyterlab.labextensions", "jupyter_server.extension.serverextension"):
    sys.argv = [module, "list"]
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    except SystemExit as exit:
        assert not exit.code, f"{module} list exited {exit.code}"
    if Application.initialized():
        type(Application.instance()).clear_instance()
    print(f"--- end of {module}", flush=True)
"""


def extension_lists(python: Path, cwd: Path | None = None) -> tuple[str, str]:
    """What `jupyter labextension list` and `jupyter server extension list` say (ANSI removed).

    `cwd`: where to run (the current folder comes first on the module path, as with `-m`)."""
    done = subprocess.run(
        [str(python), "-c", LIST_EXTENSIONS],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,  # in order: the markers split the two commands' output
        text=True,
        timeout=120,
        cwd=cwd,
    )
    output = ANSI.sub("", done.stdout)
    assert done.returncode == 0, output
    labext, _, rest = output.partition("--- end of jupyterlab.labextensions")
    serverext, found, _ = rest.partition("--- end of jupyter_server.extension.serverextension")
    assert found, output
    return labext, serverext


def assert_extensions_enabled(python: Path, cwd: Path | None = None) -> None:
    labext, serverext = extension_lists(python, cwd)
    assert re.search(r"runnable-jupyter v\S+ enabled\s+OK", labext), labext
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
    # The npm packages of the same lockfile are hard-linked rather than downloaded and unpacked
    # again (30 s saved); TypeScript and the production bundle are still built from the copied
    # sources. Not a symlink: the builder would resolve it and write into this checkout.
    run("cp", "-al", str(REPO / "node_modules"), str(tree / "node_modules"))
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
    venv.create(fresh, with_pip=False)
    python = fresh / "bin" / "python"
    fresh_site = Path(
        subprocess.check_output(
            [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], text=True
        ).strip()
    )
    ours = sysconfig.get_path("purelib")
    (fresh_site / "borrowed-dependencies.pth").write_text(ours + "\n")
    # The fresh interpreter's pip (borrowed too) installs into the fresh prefix only: it leaves
    # this checkout's editable install alone, being outside its environment.
    run(
        str(python),
        "-m",
        "pip",
        "install",
        "-q",
        "--no-deps",
        str(wheels[0]),
        timeout=600,
        cwd=tmp_path,
    )
    found = subprocess.check_output(
        [python, "-c", "import runnable_jupyter; print(runnable_jupyter.__file__)"],
        text=True,
        cwd=tmp_path,
    )
    assert found.startswith(str(fresh)), found  # the wheel's copy, not this checkout
    prefix = fresh / "share" / "jupyter" / "labextensions" / "runnable-jupyter"
    assert (prefix / "package.json").is_file()
    server_config = fresh / "etc" / "jupyter" / "jupyter_server_config.d"
    assert (server_config / "runnable_jupyter.json").is_file()
    assert_extensions_enabled(python, cwd=tmp_path)
