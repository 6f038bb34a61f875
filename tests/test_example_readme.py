"""The README's pytest example (examples/test_wine_pipeline.py: the shipped example with its
`load` step mocked) passes, run as the README says. A module of its own: a pytest process running
six scikit-learn kernels on its own pool, about as long as the rest of tests/test_example.py,
which another xdist worker runs meanwhile."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_the_readme_pytest_example_with_a_mocked_load_step_passes(tmp_path: Path) -> None:
    """`examples/test_wine_pipeline.py`, run as the README says, in a copy of the examples."""
    workspace = tmp_path / "examples"
    shutil.copytree(
        EXAMPLES, workspace, ignore=shutil.ignore_patterns("*.runs", "*.catalog", "__pycache__")
    )
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    # A user's pytest: none of this environment's test plugins (schemathesis, hypothesis, xdist,
    # ...), whose imports cost the subprocess seconds of CPU and which the example does not use.
    done = subprocess.run(
        [*command, "test_wine_pipeline.py"],
        cwd=workspace,
        env=os.environ | {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 passed" in done.stdout
