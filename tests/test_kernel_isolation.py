"""Every step starts in a fresh kernel process, whatever path started it: forked by the kernel
zygote (with and without `preload`), started the normal way (zygote switched off), or started
from a kernelspec the zygote does not serve. A first step leaves every kind of state behind (a
variable, an imported module, a monkeypatch of a module, a changed cwd, an env var); the second
step, in the same process as the first (as in a worker), records what it sees in a JSON file.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest
from test_step_execution import make_job, write_notebook

from runnable_jupyter.executors import zygote_client
from runnable_jupyter.executors.interface import StepJob
from runnable_jupyter.executors.step_execution import execute_step
from runnable_jupyter.executors.step_preparation import ZYGOTE_SWITCH
from runnable_jupyter.executors.zygote_client import process_zygotes
from runnable_jupyter.runlog.models import StepStatus

pytestmark = pytest.mark.timeout(180)

LEAVE_STATE = """
import os, string, sys, fractions
leftover = 42
string.capwords = lambda *args, **kwargs: "patched"  # a module every kernel has imported
fractions.MARK = "set by the first step"
os.makedirs("elsewhere", exist_ok=True)
os.chdir("elsewhere")
os.environ["LEFT_BY_FIRST"] = "1"
import wave  # imported by the first step only
"""

RECORD_STATE = """
import json, os, string, sys, psutil
parent = psutil.Process(os.getppid())
seen = {
    "pid": os.getpid(),
    "pgid": os.getpgid(0),
    "sid": os.getsid(0),
    "leftover": "leftover" in globals(),
    "capwords": string.capwords("a b"),
    "fractions_loaded": "fractions" in sys.modules,
    "fractions_mark": getattr(sys.modules.get("fractions"), "MARK", None),
    "wave_loaded": "wave" in sys.modules,
    "cwd": os.getcwd(),
    "left_env": os.environ.get("LEFT_BY_FIRST"),
    "step_env": os.environ.get("STEP_VALUE"),
    "spec_env": os.environ.get("SPEC_MARK"),
    "parent_cmdline": " ".join(parent.cmdline()),
    "own_cmdline": " ".join(psutil.Process().cmdline()),
    "path0_imports": __import__("neighbour").WHERE,
}
with open(os.environ["RECORD_TO"], "w") as stream:
    json.dump(seen, stream)
"""

ZYGOTE = "kernel_zygote.py"


@pytest.fixture
def zygotes_stopped() -> Iterator[None]:
    """Each test starts with no zygote in this process, and leaves none (nor its kernels)."""
    process_zygotes().stop_all()
    yield
    registry = process_zygotes()
    pids = [z.pid for z in list(registry._zygotes.values())]
    registry.stop_all()
    for pid in pids:
        assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == "zombie"


def two_steps(tmp_path: Path, **job_fields: Any) -> tuple[StepJob, dict[str, Any]]:
    """Run the state-leaving step then the recording step in this process; what the second
    step saw."""
    folder = tmp_path / "notebooks"
    folder.mkdir(parents=True)
    (folder / "neighbour.py").write_text("WHERE = 'the notebook folder'\n")
    first = write_notebook(folder / "first.ipynb", [LEAVE_STATE], **job_fields.pop("nb", {}))
    second = write_notebook(folder / "second.ipynb", [RECORD_STATE], **job_fields.pop("nb2", {}))
    record = tmp_path / "seen.json"
    results = []
    for source in (first, second):
        job = make_job(
            source,
            tmp_path / "run",
            env={"STEP_VALUE": source.stem, "RECORD_TO": str(record)},
            **job_fields,
        )
        result = execute_step(job, lambda _: None)
        assert result.status == StepStatus.succeeded, (result.error, Path(job.log_file).read_text())
        results.append(result)
    return job, json.loads(record.read_text())


def assert_fresh(seen: dict[str, Any], job: StepJob, *, preloaded: bool = False) -> None:
    assert seen["leftover"] is False
    assert seen["capwords"] == "A B"  # the first step's monkeypatch is gone
    assert seen["fractions_loaded"] is preloaded  # imported by the zygote only with preload
    assert seen["fractions_mark"] is None
    assert seen["wave_loaded"] is False
    assert seen["cwd"] == job.cwd
    assert seen["left_env"] is None
    assert seen["step_env"] == "second"
    assert seen["path0_imports"] == "the notebook folder"  # the cwd on sys.path, as with -m
    assert seen["pid"] == seen["pgid"] == seen["sid"]  # a session of its own
    assert "ipykernel_launcher" in seen["own_cmdline"]
    assert seen["pid"] != os.getpid()


def test_forked_kernel_starts_fresh(tmp_path: Path, zygotes_stopped: None) -> None:
    job, seen = two_steps(tmp_path)
    assert_fresh(seen, job)
    assert ZYGOTE in seen["parent_cmdline"]  # this kernel was forked


def test_forked_kernel_with_preload_shares_only_the_imports(
    tmp_path: Path, zygotes_stopped: None
) -> None:
    job, seen = two_steps(tmp_path, preload=["fractions"])
    assert_fresh(seen, job, preloaded=True)
    assert ZYGOTE in seen["parent_cmdline"]


def test_normally_started_kernel_starts_fresh(
    tmp_path: Path, zygotes_stopped: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ZYGOTE_SWITCH, "0")
    job, seen = two_steps(tmp_path)
    assert_fresh(seen, job)
    assert ZYGOTE not in seen["parent_cmdline"]
    assert not process_zygotes()._zygotes


def install_kernelspec(
    root: Path, name: str, argv: list[str], env: dict[str, str] | None = None
) -> None:
    spec = root / "kernels" / name
    spec.mkdir(parents=True)
    fields: dict[str, Any] = {"argv": argv, "display_name": name, "language": "python"}
    if env:
        fields["env"] = env
    (spec / "kernel.json").write_text(json.dumps(fields))


def test_kernelspec_env_is_honoured_by_a_forked_kernel(
    tmp_path: Path, zygotes_stopped: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    standard = ["python", "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    install_kernelspec(tmp_path / "jupyter", "marked", standard, {"SPEC_MARK": "from the spec"})
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    spec = {"name": "marked", "display_name": "marked", "language": "python"}
    job, seen = two_steps(tmp_path, nb={"kernelspec": spec}, nb2={"kernelspec": spec})
    assert_fresh(seen, job)
    assert seen["spec_env"] == "from the spec"
    assert ZYGOTE in seen["parent_cmdline"]


def test_another_kernelspec_form_starts_the_normal_way(
    tmp_path: Path, zygotes_stopped: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Flags the zygote was not started with (here -X utf8): the kernelspec's own command."""
    argv = [sys.executable, "-X", "utf8", "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    install_kernelspec(tmp_path / "jupyter", "flagged", argv, {"SPEC_MARK": "flagged"})
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    spec = {"name": "flagged", "display_name": "flagged", "language": "python"}
    job, seen = two_steps(tmp_path, nb={"kernelspec": spec}, nb2={"kernelspec": spec})
    assert_fresh(seen, job)
    assert seen["spec_env"] == "flagged"
    assert ZYGOTE not in seen["parent_cmdline"]
    assert "-X utf8" in seen["own_cmdline"]


def test_a_zygote_that_died_is_replaced(tmp_path: Path, zygotes_stopped: None) -> None:
    two_steps(tmp_path / "before")
    (zygote,) = process_zygotes()._zygotes.values()
    zygote.process.kill()
    zygote.process.wait()
    job, seen = two_steps(tmp_path / "after")
    assert_fresh(seen, job)
    (replacement,) = process_zygotes()._zygotes.values()
    assert replacement.pid != zygote.pid


def test_a_preload_that_cannot_be_imported_falls_back_to_the_normal_launch(
    tmp_path: Path, zygotes_stopped: None
) -> None:
    job, seen = two_steps(tmp_path, preload=["no_such_module_here"])
    assert_fresh(seen, job)
    assert ZYGOTE not in seen["parent_cmdline"]


def test_a_zygote_that_stops_answering_is_replaced_and_its_step_still_runs(
    tmp_path: Path, zygotes_stopped: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(zygote_client, "FORK_TIMEOUT_S", 1.0)
    two_steps(tmp_path / "before")
    (frozen,) = process_zygotes()._zygotes.values()
    os.kill(frozen.pid, signal.SIGSTOP)  # alive, but it never answers
    try:
        job, seen = two_steps(tmp_path / "after")
    finally:
        if frozen.process.poll() is None:
            frozen.process.kill()
    assert_fresh(seen, job)
    assert frozen.process.wait(10) == -signal.SIGKILL  # discarded, not left stopped
    (replacement,) = process_zygotes()._zygotes.values()  # the second step forked again
    assert replacement.pid != frozen.pid and ZYGOTE in seen["parent_cmdline"]
