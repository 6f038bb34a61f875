"""The `runnable-jupyter` command on tiny real pipelines with real kernels.

Runs go through a subprocess (the whole command, as a user types it) where the process matters
(exit codes, no traceback, Ctrl-C, a terminal); cases that start nothing call `main(argv)`, and
so do runs whose process does not matter: those borrow the module's pool of two warm workers
instead of starting their own (a command's own pool, from start to shutdown, is what the
subprocess runs show).
"""

from __future__ import annotations

import json
import os
import pty
import re
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil
import pytest
from helpers import write_notebook

from runnable_jupyter.catalog.store import CatalogStore
from runnable_jupyter.cli import main

REPO = Path(__file__).resolve().parents[1]
RUN_ID = re.compile(r"^\d{8}T\d{6}-[0-9a-f]{6}$")
PIPELINE = "flow.pipeline.json"


# --- helpers ------------------------------------------------------------------------------


def write_pipeline(folder: Path, steps: list[dict[str, Any]], **fields: Any) -> Path:
    path = folder / PIPELINE
    path.write_text(json.dumps({"version": 1, "name": "flow", **fields, "steps": steps}))
    return path


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    """`a` puts its parameters, `b` doubles a's n, `c` is independent of both."""
    root = tmp_path / "ws"
    write_notebook(
        root / "a.ipynb",
        "from runnable_jupyter import catalog\n"
        "catalog.put('a', {'n': n, 'label': label, 'flags': flags})",
        parameters="n = 1\nlabel = 'x'\nflags = []",
    )
    write_notebook(
        root / "b.ipynb",
        "from runnable_jupyter import catalog\ncatalog.put('b', catalog.get('a')['n'] * 2)",
    )
    write_notebook(root / "c.ipynb", "from runnable_jupyter import catalog\ncatalog.put('c', 'c')")
    write_pipeline(
        root,
        [
            {"id": "a", "notebook": "a.ipynb"},
            {"id": "b", "notebook": "b.ipynb", "depends_on": ["a"]},
            {"id": "c", "notebook": "c.ipynb"},
        ],
    )
    return root


def cli_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "160"}


def cli(cwd: Path, *args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "runnable_jupyter.cli", *args]
    return subprocess.run(
        command, cwd=cwd, env=cli_env(), capture_output=True, text=True, timeout=timeout
    )


@dataclass
class Done:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def run_main(ws: Path, capsys: Any, monkeypatch: Any, borrowed_pool: Any) -> Callable[..., Done]:
    """`main(argv)` in this process, from the workspace (saves an interpreter start-up); the
    RunManager of a `run` or `retry` borrows the module's warm pool instead of starting one."""
    monkeypatch.chdir(ws)

    def call(*args: str) -> Done:
        capsys.readouterr()
        code = main(list(args))
        return Done(code, *capsys.readouterr())

    return call


def show_json(run_main: Callable[..., Done], *args: str) -> dict[str, Any]:
    done = run_main("show", PIPELINE, *args, "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def statuses(log: dict[str, Any]) -> dict[str, str]:
    return {step_id: record["status"] for step_id, record in log["steps"].items()}


def catalog(ws: Path) -> CatalogStore:
    return CatalogStore(ws / "flow.catalog")


def assert_no_traceback(done: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in done.stdout + done.stderr


# --- validate -----------------------------------------------------------------------------


def test_validate_accepts_a_valid_pipeline_with_exit_0(ws: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(ws)
    assert main(["validate", PIPELINE]) == 0
    assert "valid" in capsys.readouterr().out


def test_validate_prints_every_problem_and_exits_2_without_traceback(ws: Path, run_main) -> None:
    # In this process: a traceback would fail the test; the exit status of a refusing process
    # (2, no traceback on the terminal) is test_malformed_inputs.py's subprocess cases'.
    write_pipeline(
        ws,
        [
            {"id": "a", "notebook": "a.ipynb", "depends_on": ["ghost"]},
            {"id": "b", "notebook": "missing.ipynb", "parameters": {"not-a-name": 1}},
            {"id": "a", "notebook": "../outside.ipynb"},
        ],
    )
    done = run_main("validate", PIPELINE)
    assert done.returncode == 2
    assert "Traceback" not in done.stdout + done.stderr
    problems = [line for line in done.stderr.splitlines() if line.startswith("  /steps/")]
    assert len(problems) >= 5, done.stderr
    for expected in ("ghost", "missing.ipynb", "not-a-name", "already used", "outside.ipynb"):
        assert expected in done.stderr
    assert "/steps/0/depends_on/0 (step 'a')" in done.stderr


# --- bad input: exit 2, one sentence, nothing run -----------------------------------------


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["run", PIPELINE, "-p", "n"], "has no '='"),
        (["run", PIPELINE, "-p", "1n=3"], "not a valid parameter name"),
        (["run", PIPELINE, "-p", "class=3"], "not a valid parameter name"),
        (["run", PIPELINE, "--step", "ghost"], "ghost"),
        (["run", "nothing.pipeline.json"], "not found"),
        (["run", "../elsewhere.pipeline.json"], "outside the workspace root"),
        (["show", PIPELINE], "no runs yet"),
        (["show", PIPELINE, "20250101T000000-abcdef"], "20250101T000000-abcdef"),
        (["show", PIPELINE, "not-a-run-id"], "not a run id"),
        (["retry", PIPELINE], "no runs yet"),
        (["run", PIPELINE, "--upstream"], "need at least one --step"),
        (["--root", "no/such/folder", "validate", PIPELINE], "no such folder"),
        (["run", PIPELINE, "-p", "n=" + "[" * 100_000 + "]" * 100_000], "nested more than"),
        (["validate", "x" * 300 + ".pipeline.json"], "at most 255 bytes"),
        (["run", "loop1.pipeline.json"], "symlink loop"),
        (["validate", "deep.pipeline.json"], "nested more than"),
    ],
)
def test_bad_input_exits_2_with_one_clear_sentence(
    ws: Path, capsys, monkeypatch, argv: list[str], message: str
) -> None:
    monkeypatch.chdir(ws)
    (ws / "loop1.pipeline.json").symlink_to("loop2.pipeline.json")
    (ws / "loop2.pipeline.json").symlink_to("loop1.pipeline.json")
    (ws / "deep.pipeline.json").write_text("[" * 100_000 + "]" * 100_000)
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert message in captured.err
    assert captured.err.startswith("error: ")
    assert not (ws / "flow.runs").exists() or not any((ws / "flow.runs").iterdir())


@pytest.mark.parametrize("timeout", ["2147468", "1e999", "inf", "nan"])
def test_a_timeout_beyond_seven_days_is_refused(ws: Path, capsys, monkeypatch, timeout) -> None:
    monkeypatch.chdir(ws)
    with pytest.raises(SystemExit) as exited:
        main(["run", PIPELINE, "--timeout", timeout])
    assert exited.value.code == 2
    assert not (ws / "flow.runs").exists()


def test_argparse_errors_exit_2(ws: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(ws)
    with pytest.raises(SystemExit) as exited:
        main(["run", PIPELINE, "--max-parallel", "0"])
    assert exited.value.code == 2
    assert "must be at least 1" in capsys.readouterr().err


def test_pipeline_given_from_another_folder_uses_root_option(ws: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(ws.parent)
    assert main(["--root", "ws", "validate", f"ws/{PIPELINE}"]) == 0
    assert main(["validate", f"ws/{PIPELINE}", "--root", "ws"]) == 0  # either position
    assert main(["validate", f"ws/{PIPELINE}"]) == 0  # root = cwd, which holds ws/
    assert "valid" in capsys.readouterr().out
    (ws.parent / PIPELINE).write_text((ws / PIPELINE).read_text())
    assert main(["--root", "ws", "validate", PIPELINE]) == 2
    assert "outside the workspace root" in capsys.readouterr().err


# --- run, show, runs, retry ---------------------------------------------------------------


def test_run_all_with_json_and_string_parameters(ws: Path, run_main) -> None:
    done = run_main(
        "run",
        PIPELINE,
        "-p",
        "n=21",
        "-p",
        "label=hello world",
        "-p",
        "flags=[1, true]",
        "--max-parallel",
        "1",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert RUN_ID.match(lines[0])
    for step_id in "abc":
        assert any(
            re.fullmatch(rf"\d\d:\d\d:\d\d {step_id} succeeded \S+s", line) for line in lines
        ), done.stdout
    assert catalog(ws).get("a") == {"n": 21, "label": "hello world", "flags": [1, True]}
    assert catalog(ws).get("b") == 42

    log = show_json(run_main, lines[0])
    assert log["parameters"] == {"n": 21, "label": "hello world", "flags": [1, True]}
    assert set(statuses(log).values()) == {"succeeded"}
    # --max-parallel 1: no two steps overlapped (timestamps from the run log, no timing)
    spans = sorted(
        (r["attempts"][-1]["start"], r["attempts"][-1]["end"]) for r in log["steps"].values()
    )
    assert all(end <= next_start for (_, end), (next_start, _) in zip(spans, spans[1:]))  # noqa: B905


def test_downstream_then_only_selection(run_main) -> None:
    downstream = run_main("run", PIPELINE, "--step", "a", "--downstream")
    assert downstream.returncode == 0, downstream.stderr
    assert statuses(show_json(run_main)) == {
        "a": "succeeded",
        "b": "succeeded",
        "c": "not_selected",
    }
    only = run_main("run", PIPELINE, "--step", "b")  # reads a's catalog entry from the last run
    assert only.returncode == 0, only.stderr
    assert statuses(show_json(run_main)) == {
        "a": "not_selected",
        "b": "succeeded",
        "c": "not_selected",
    }

    runs = run_main("runs", PIPELINE)
    assert runs.returncode == 0
    for started in (downstream, only):
        assert started.stdout.splitlines()[0] in runs.stdout
    assert "downstream: a" in runs.stdout and "only: b" in runs.stdout
    newest = run_main("runs", PIPELINE, "--limit", "1")
    assert only.stdout.splitlines()[0] in newest.stdout
    assert downstream.stdout.splitlines()[0] not in newest.stdout
    assert "(the newest 1; --limit N shows more)" in newest.stdout


def test_skip_unchanged_reuses_steps_whose_inputs_did_not_change(ws: Path, run_main) -> None:
    first = run_main("run", PIPELINE)
    assert first.returncode == 0, first.stdout + first.stderr
    first_id = first.stdout.splitlines()[0]
    again = run_main("run", PIPELINE, "--skip-unchanged", "--step", "a", "--downstream")
    assert again.returncode == 0, again.stdout + again.stderr
    for step_id in "ab":
        assert re.search(
            rf"\d\d:\d\d:\d\d {step_id} cached 0.0s \(reused from run {first_id}\)", again.stdout
        ), again.stdout
    log = show_json(run_main)
    assert log["skip_unchanged"] is True
    assert statuses(log) == {"a": "cached", "b": "cached", "c": "not_selected"}
    assert log["steps"]["a"]["cached_from"] == {"run_id": first_id, "attempt": 1}
    assert "skip unchanged" in run_main("show", PIPELINE).stdout
    # a changed parameter: a runs again, and b after it
    changed = run_main("run", PIPELINE, "--skip-unchanged", "-p", "n=4")
    assert changed.returncode == 0, changed.stdout + changed.stderr
    assert set(statuses(show_json(run_main)).values()) == {"succeeded"}
    assert catalog(ws).get("b") == 8


def test_failed_step_exits_1_and_show_explains_it(ws: Path, run_main) -> None:
    put_boom = "from runnable_jupyter import catalog\ncatalog.put('boom', 1)"
    write_notebook(ws / "boom.ipynb", "x = 1", "1 / 0", put_boom)
    write_notebook(ws / "after.ipynb", "from runnable_jupyter import catalog\ncatalog.get('boom')")
    write_pipeline(
        ws,
        [
            {"id": "boom", "notebook": "boom.ipynb"},
            {"id": "after", "notebook": "after.ipynb", "depends_on": ["boom"]},
            {"id": "c", "notebook": "c.ipynb"},
        ],
    )
    done = cli(ws, "run", PIPELINE)  # the whole command: exit status of the process
    assert done.returncode == 1
    assert_no_traceback(done)
    assert re.search(
        r"boom failed \S+s: ZeroDivisionError: division by zero \(cell 2\)", done.stdout
    ), done.stdout
    assert "after upstream_failed" in done.stdout

    shown = run_main("show", PIPELINE)
    assert shown.returncode == 0
    for expected in ("failed", "ZeroDivisionError", "upstream_failed", "succeeded"):
        assert expected in shown.stdout

    timeline = run_main("show", PIPELINE, "--timeline")
    assert timeline.returncode == 0
    rows = {line.split()[0]: line for line in timeline.stdout.splitlines() if line.strip()}
    assert "█" in rows["boom"] and "#1 failed" in rows["boom"], timeline.stdout
    assert "█" in rows["c"] and "#1 succeeded" in rows["c"], timeline.stdout
    assert "█" not in rows["after"] and "upstream_failed" in rows["after"], timeline.stdout

    log = show_json(run_main)
    assert statuses(log) == {"boom": "failed", "after": "upstream_failed", "c": "succeeded"}
    assert Path(log["catalog_dir"]).is_absolute() and Path(log["catalog_dir"]).is_dir()
    assert Path(log["run_log"]).is_file()
    for step_id in ("boom", "c"):
        attempt = log["steps"][step_id]["attempts"][-1]
        for key in ("output_notebook", "log_file"):
            assert Path(attempt[key]).is_absolute() and Path(attempt[key]).is_file()
        # the kernel was ready when the first cell started: the timeline's kernel start-up
        assert attempt["start"] < attempt["kernel_ready"] < attempt["end"]

    # fixing the notebook and retrying re-runs the failed step and what depends on it
    write_notebook(ws / "boom.ipynb", "x = 1", "1 / 1", put_boom)
    retried = run_main("retry", PIPELINE)
    assert retried.returncode == 0, retried.stdout + retried.stderr
    assert retried.stdout.splitlines()[0] == log["run_id"]
    log = show_json(run_main, log["run_id"])
    assert set(statuses(log).values()) == {"succeeded"}
    assert [len(log["steps"][s]["attempts"]) for s in ("boom", "after", "c")] == [2, 1, 1]


def test_retry_refuses_a_changed_structure_unless_forced(ws: Path, run_main) -> None:
    write_notebook(ws / "boom.ipynb", "1 / 0")
    write_pipeline(ws, [{"id": "boom", "notebook": "boom.ipynb"}])
    assert run_main("run", PIPELINE).returncode == 1
    write_notebook(ws / "boom.ipynb", "1 / 1")
    write_pipeline(
        ws, [{"id": "boom", "notebook": "boom.ipynb"}, {"id": "c", "notebook": "c.ipynb"}]
    )
    refused = run_main("retry", PIPELINE)
    assert refused.returncode == 2
    assert "changed" in refused.stderr and "--force" in refused.stderr
    forced = run_main("retry", PIPELINE, "--force")
    assert forced.returncode == 0, forced.stdout + forced.stderr


def test_timeout_option_fails_a_slow_step(ws: Path, run_main) -> None:
    write_notebook(ws / "slow.ipynb", "import time\ntime.sleep(60)")
    write_pipeline(ws, [{"id": "slow", "notebook": "slow.ipynb"}])
    done = run_main("run", PIPELINE, "--timeout", "2")
    assert done.returncode == 1
    assert "slow failed" in done.stdout
    assert statuses(show_json(run_main)) == {"slow": "failed"}


# --- Ctrl-C and the terminal display ------------------------------------------------------


def read_until(stream: Any, pattern: str, timeout: float) -> str:
    """Output of an unbuffered binary pipe up to the first match of `pattern` (or fail)."""
    seen = ""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([stream], [], [], 0.5)
        if ready:
            chunk = os.read(stream.fileno(), 65536)
            if not chunk:
                break
            seen += chunk.decode("utf-8", "replace")
            if re.search(pattern, seen):
                return seen
    raise AssertionError(f"no output matching {pattern!r} within {timeout} s; got:\n{seen}")


def test_ctrl_c_cancels_the_run_and_leaves_no_kernel(ws: Path, tmp_path: Path, run_main) -> None:
    marker, errors = ws / "started", tmp_path / "stderr.txt"
    write_notebook(
        ws / "sleepy.ipynb", "open('started', 'w').close()", "import time\ntime.sleep(120)"
    )
    write_pipeline(ws, [{"id": "sleepy", "notebook": "sleepy.ipynb"}])
    process = subprocess.Popen(
        [sys.executable, "-m", "runnable_jupyter.cli", "run", PIPELINE],
        cwd=ws,
        env=cli_env(),
        stdout=subprocess.PIPE,
        stderr=errors.open("wb"),
        bufsize=0,
        start_new_session=True,  # its own process group: a terminal's Ctrl-C reaches the group
    )
    try:
        out = read_until(process.stdout, r"sleepy running", timeout=60)
        deadline = time.monotonic() + 60
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert marker.exists(), "the step's kernel never started"
        descendants = psutil.Process(process.pid).children(recursive=True)
        assert any("ipykernel" in " ".join(p.cmdline()) for p in descendants)
        os.killpg(process.pid, signal.SIGINT)
        rest, _ = process.communicate(timeout=30)
        out += rest.decode("utf-8", "replace")
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 1, out
    assert out.splitlines()[-1] == "cancelled"
    assert "sleepy cancelled" in out
    assert "Traceback" not in errors.read_text()
    _, alive = psutil.wait_procs(descendants, timeout=10)
    assert not alive, [p.cmdline() for p in alive]
    assert statuses(show_json(run_main)) == {"sleepy": "cancelled"}


def test_run_on_a_terminal_draws_a_live_table(ws: Path, run_main) -> None:
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "runnable_jupyter.cli",
            "run",
            PIPELINE,
            "--step",
            "c",
            "--upstream",
        ],
        cwd=ws,
        env={**cli_env(), "TERM": "xterm"},
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=follower,
    )
    os.close(follower)
    output = b""
    try:
        while True:
            ready, _, _ = select.select([leader], [], [], 120)
            if not ready:
                break
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the pty closes when the process ends
                break
            if not chunk:
                break
            output += chunk
        assert process.wait(timeout=60) == 0
    finally:
        os.close(leader)
        if process.poll() is None:
            process.kill()
    text = output.decode("utf-8", "replace")
    assert "\x1b[" in text  # drawn with terminal control sequences, not plain lines
    for expected in ("step", "status", "elapsed", "succeeded"):
        assert expected in text
    assert not re.search(r"\d\d:\d\d:\d\d c succeeded", text)
    assert statuses(show_json(run_main)) == {
        "a": "not_selected",
        "b": "not_selected",
        "c": "succeeded",
    }


def test_the_cli_process_does_not_pay_for_jsonschema_iri_format_grammar(tmp_path: Path) -> None:
    """`rfc3987_syntax` (pulled in by jsonschema) builds a grammar at import: ~1.5 s per process."""
    pipeline = tmp_path / "p.pipeline.json"
    pipeline.write_text(json.dumps({"version": 1, "steps": []}))
    probe = (
        "import sys; from runnable_jupyter import cli; code = cli.main(['validate', "
        "'p.pipeline.json']); print(code, sys.modules.get('rfc3987_syntax'))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert done.stdout.split()[-2:] == ["0", "None"], done.stdout + done.stderr
