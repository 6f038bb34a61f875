"""`runnable-jupyter exec-step`: steps of one run executed by separate processes at the same
time fill one coherent run log; upstream outcomes are honoured; a failed step can be executed
again; SIGTERM cancels; bad input is refused with exit 2 and nothing written."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path

import psutil
import pytest
from helpers import wait_until, write_notebook, write_step_pipeline

from runnable_jupyter.cli import main
from runnable_jupyter.runlog.models import RunLog
from runnable_jupyter.runs.manager import RunManager

pytestmark = pytest.mark.timeout(240)

RUN_ID = "20261203T120000-0a1b2c"
# Each step sleeps `delay` seconds in its second cell and fails when `fail` is true; it writes
# its name to the catalog, and `d` reads what b and c wrote.
STEP_CELLS = (
    "import time\ntime.sleep(float(delay))",
    "if fail:\n    raise ValueError(f'step {name} was told to fail')",
    "from runnable_jupyter import catalog\ncatalog.put(name, {'by': name})",
    "if name == 'd':\n    assert [catalog.get(s)['by'] for s in ('b', 'c')] == ['b', 'c']",
)
DIAMOND = {
    "a": {},
    "b": {"depends_on": ["a"], "parameters": {"delay": 3}},
    "c": {"depends_on": ["a"], "parameters": {"delay": 3}},
    "d": {"depends_on": ["b", "c"]},
}


def _write_step(path: Path) -> None:
    write_notebook(path, *STEP_CELLS, parameters="name = ''\ndelay = 0\nfail = False")


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Path]:
    write_step_pipeline(tmp_path, DIAMOND, _write_step, name="diamond")
    yield tmp_path
    assert _kernels_under(tmp_path) == [], "an exec-step left a kernel behind"


def _kernels_under(root: Path) -> list[psutil.Process]:
    """Kernels anywhere on the machine working in `root` (an exec-step's kernel outlives
    nothing: the processes that started them are gone)."""
    found = []
    for process in psutil.process_iter(["cmdline"]):
        try:
            if any("ipykernel" in part for part in process.info["cmdline"] or []):
                if Path(process.cwd()).is_relative_to(root):
                    found.append(process)
        except psutil.Error:
            continue
    return found


def _exec_step(root: Path, step: str, *extra: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "runnable_jupyter.cli", "exec-step", "diamond.pipeline.json"]
    return subprocess.Popen(
        [*command, "--run-id", RUN_ID, "--step", step, *extra],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _exec_step_here(root: Path, step: str, *extra: str) -> int:
    """exec-step in this process (its refusals need no kernel)."""
    pipeline = str(root / "diamond.pipeline.json")
    return main(
        ["--root", str(root), "exec-step", pipeline, "--run-id", RUN_ID, "--step", step, *extra]
    )


def _finish(processes: Sequence[subprocess.Popen[str]]) -> list[tuple[int, str]]:
    return [(p.wait(timeout=180), p.stdout.read() if p.stdout else "") for p in processes]


def _run_log(root: Path) -> RunLog:
    path = root / "diamond.runs" / RUN_ID / "run.json"
    return RunLog.model_validate_json(path.read_text(encoding="utf-8"))


def _statuses(root: Path) -> dict[str, str]:
    return {step: record.status.value for step, record in _run_log(root).steps.items()}


def _interval(log: RunLog, step: str) -> tuple[datetime, datetime]:
    attempt = log.steps[step].attempts[-1]
    assert attempt.start is not None and attempt.end is not None
    return attempt.start, attempt.end


def test_steps_executed_in_parallel_processes_fill_one_coherent_run_log(workspace: Path) -> None:
    [(code, output)] = _finish([_exec_step(workspace, "a", "-p", "extra=1")])
    assert code == 0, output
    assert "step a succeeded" in output and f"run {RUN_ID}: running" in output
    # Between steps no process runs: the run still reads as running, here and in a server.
    manager = RunManager(root=workspace)
    try:
        assert manager.mark_interrupted() == []
        assert manager.get(RUN_ID).status.value == "running"
    finally:
        manager.shutdown()
    # b and c at once, each saving cell progress while the other records its attempt.
    results = _finish([_exec_step(workspace, s, "-p", "extra=1") for s in ("b", "c")])
    assert [code for code, _ in results] == [0, 0], results
    assert _finish([_exec_step(workspace, "d", "-p", "extra=1")])[0][0] == 0
    log = _run_log(workspace)
    assert log.orchestrated and log.status.value == "succeeded" and log.end is not None
    assert {s: r.status.value for s, r in log.steps.items()} == dict.fromkeys(DIAMOND, "succeeded")
    assert all(len(record.attempts) == 1 for record in log.steps.values())
    assert log.parameters == {"extra": 1} and log.catalog_pins == {}
    (b_start, b_end), (c_start, c_end) = _interval(log, "b"), _interval(log, "c")
    assert b_start < c_end and c_start < b_end, "b and c did not overlap"
    assert [w.name for w in log.steps["d"].attempts[0].catalog_writes] == ["d"]
    assert {r.name for r in log.steps["d"].attempts[0].catalog_reads} == {"b", "c"}
    summary = json.loads((workspace / "diamond.runs" / ".index" / "runs.json").read_text())
    assert summary["runs"][RUN_ID]["status"] == "succeeded"
    assert summary["runs"][RUN_ID]["counts"] == {"succeeded": 4}
    # Executing a step that succeeded again changes nothing.
    before = (workspace / "diamond.runs" / RUN_ID / "run.json").read_bytes()
    assert _exec_step_here(workspace, "b", "-p", "extra=1") == 0
    assert (workspace / "diamond.runs" / RUN_ID / "run.json").read_bytes() == before


def test_a_failed_step_fails_its_descendants_and_can_be_executed_again(workspace: Path) -> None:
    [(code, output)] = _finish([_exec_step(workspace, "a", "-p", "fail=true")])
    assert code == 1 and "step a failed" in output and "ValueError" in output
    assert "was told to fail" in output  # the step's own log is printed
    assert _statuses(workspace) == {
        "a": "failed",
        "b": "upstream_failed",
        "c": "upstream_failed",
        "d": "upstream_failed",
    }
    assert _run_log(workspace).status.value == "failed"
    [(code, output)] = _finish([_exec_step(workspace, "b", "-p", "fail=true")])
    assert code == 1 and "step b upstream_failed" in output
    # The orchestrator retries a with the same parameters (say, after a fix in the notebook).
    notebook = workspace / "step.ipynb"
    notebook.write_text(notebook.read_text().replace("if fail:", "if fail and name != 'a':"))
    [(code, output)] = _finish([_exec_step(workspace, "a", "-p", "fail=true")])
    assert code == 0, output
    log = _run_log(workspace)
    assert log.status.value == "running" and len(log.attempts) == 2
    assert log.attempts[1].steps == ["a", "b", "c", "d"]
    assert [a.status.value for a in log.steps["a"].attempts] == ["failed", "succeeded"]
    assert _statuses(workspace) == {
        "a": "succeeded",
        "b": "pending",
        "c": "pending",
        "d": "pending",
    }


def _progress_of_b(root: Path) -> tuple[int, int] | None:
    attempts = _run_log(root).steps["b"].attempts
    return attempts[-1].cell_progress if attempts else None


def _slow_b(root: Path, delay: int) -> None:
    """Step b sleeps `delay` seconds (set before the run is created: its plan keeps it)."""
    path = root / "diamond.pipeline.json"
    document = json.loads(path.read_text())
    document["steps"][1]["parameters"]["delay"] = delay
    path.write_text(json.dumps(document))


def test_sigterm_cancels_the_step_and_what_depends_on_it(workspace: Path) -> None:
    _slow_b(workspace, 60)
    assert _finish([_exec_step(workspace, "a")])[0][0] == 0
    process = _exec_step(workspace, "b")
    wait_until(lambda: (_progress_of_b(workspace) or (0, 0))[0] >= 2, 120)  # in its sleep
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    code, output = _finish([process])[0]
    assert code == 1 and "step b cancelled" in output
    assert time.monotonic() - started < 15
    statuses = _statuses(workspace)
    assert statuses["b"] == "cancelled" and statuses["d"] == "cancelled"
    assert statuses["c"] == "pending"


def test_a_step_another_process_executes_is_refused(workspace: Path) -> None:
    _slow_b(workspace, 20)
    assert _finish([_exec_step(workspace, "a")])[0][0] == 0
    process = _exec_step(workspace, "b")
    try:
        wait_until(lambda: _progress_of_b(workspace) is not None, 120)  # saved while it runs
        before = (workspace / "diamond.runs" / RUN_ID / "run.json").read_bytes()
        assert _exec_step_here(workspace, "b") == 2
        assert (workspace / "diamond.runs" / RUN_ID / "run.json").read_bytes() == before
        assert _statuses(workspace)["b"] == "running"
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--run-id", "not-a-run", "--step", "a"], "is not a run id"),
        (["--run-id", RUN_ID, "--step", "zz"], "has no step 'zz'"),
        (["--run-id", RUN_ID, "--step", "a", "-p", "1x=2"], "not a valid parameter name"),
        (["--run-id", RUN_ID, "--step", "b"], "depends on a"),
    ],
)
def test_bad_input_for_a_new_run_is_refused_and_nothing_written(
    workspace: Path, capsys: pytest.CaptureFixture[str], arguments: list[str], message: str
) -> None:
    pipeline = str(workspace / "diamond.pipeline.json")
    assert main(["--root", str(workspace), "exec-step", pipeline, *arguments]) == 2
    assert message in capsys.readouterr().err
    assert not (workspace / "diamond.runs").exists()


def test_bad_input_for_a_started_run_is_refused_and_nothing_written(
    workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _finish([_exec_step(workspace, "a", "-p", "delay=0")])[0][0] == 0
    run_log = workspace / "diamond.runs" / RUN_ID / "run.json"
    before = run_log.read_bytes()
    pipeline = str(workspace / "diamond.pipeline.json")
    base = ["--root", str(workspace), "exec-step", pipeline, "--run-id", RUN_ID]
    assert main([*base, "--step", "b", "-p", "delay=1"]) == 2
    assert "same -p NAME=VALUE" in capsys.readouterr().err
    assert main([*base, "--step", "d", "-p", "delay=0"]) == 2
    assert "waits for b (pending), c (pending)" in capsys.readouterr().err
    document = json.loads((workspace / "diamond.pipeline.json").read_text())
    document["steps"][3]["depends_on"] = ["b"]
    (workspace / "diamond.pipeline.json").write_text(json.dumps(document))
    assert main([*base, "--step", "b", "-p", "delay=0"]) == 2
    assert "changed since run" in capsys.readouterr().err
    assert run_log.read_bytes() == before
    # A run started by `run` is not one exec-step adds steps to.
    manager = RunManager(root=workspace)
    try:
        started = manager.start("diamond.pipeline.json", steps=["a"], mode="only")
        manager.wait(started.run_id, timeout=120)
    finally:
        manager.shutdown()
    other = workspace / "diamond.runs" / started.run_id / "run.json"
    other_before = other.read_bytes()
    assert main([*base[:-1], started.run_id, "--step", "b"]) == 2
    assert "not by exec-step" in capsys.readouterr().err
    assert other.read_bytes() == other_before


def test_a_step_whose_process_died_is_taken_over_by_the_next_exec_step(workspace: Path) -> None:
    _slow_b(workspace, 60)
    assert _finish([_exec_step(workspace, "a")])[0][0] == 0
    process = _exec_step(workspace, "b")
    wait_until(lambda: _progress_of_b(workspace) is not None, 120)
    # The pod dies with everything in it: no chance to record anything.
    for kernel in _kernels_under(workspace):
        kernel.kill()
    process.kill()
    process.wait(timeout=30)
    assert _statuses(workspace)["b"] == "running"
    notebook = workspace / "step.ipynb"  # quicker this time
    notebook.write_text(notebook.read_text().replace("time.sleep(float(delay))", "pass"))
    [(code, output)] = _finish([_exec_step(workspace, "b")])
    assert code == 0, output
    first, second = _run_log(workspace).steps["b"].attempts
    assert (first.status.value, second.status.value) == ("cancelled", "succeeded")
    assert first.error is not None and first.error.name == "Interrupted"
