"""Property-based fuzzing of a live server from `runnable_jupyter/openapi.yaml` (schemathesis).

A real Jupyter server process (this extension enabled, a known token, a temporary root holding
a one-step pipeline `x.pipeline.json` and a failed run of it) answers generated requests for
every operation of the OpenAPI document: schemathesis' coverage requests (boundary and
just-out-of-bounds values of each parameter and body) and `MAX_EXAMPLES` fuzzed requests per
operation, valid and invalid ones. Every request carries the token (unauthenticated requests
are `test_server_auth`'s business), and every answer must be:

- no 5xx (`not_a_server_error`): a bad request is the client's fault, never a crash;
- documented: its status code (`status_code_conformance`), its content type
  (`content_type_conformance`) and its body (`response_schema_conformance`) are ones the
  document describes for the operation (a path leaving the root is a documented 403).

Generated ids and paths almost never name anything, so the generators also draw, about one
time in two, the pipeline, the run and the step that exist: reads find data, and runs and
retries start real (tiny) runs, cut short by the server's `default_timeout_s` if ever stuck.

Bounded and reproducible, to stay well under a minute: a fixed seed and example count, no
Hypothesis example database and Hypothesis' caches in a temporary folder (nothing written into
the repository), every wait bounded, and the server and everything it started (run workers,
kernels) stopped at the end of the module.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
import psutil
import pytest
import requests
import schemathesis
import yaml
from helpers import sha256, write_notebook, write_step_pipeline
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from runnable_jupyter.runlog.models import (
    Attempt,
    RunAttempt,
    RunLog,
    RunStatus,
    StepRecord,
    StepStatus,
)
from runnable_jupyter.runlog.store import RunStore

pytestmark = pytest.mark.timeout(180)

SEED = 20240611
MAX_EXAMPLES = 75  # fuzzed requests per operation, on top of the coverage requests
TOKEN = secrets.token_hex(16)
AUTHORIZATION = f"token {TOKEN}"
API = "/runnable-jupyter/api"
PIPELINE = "x.pipeline.json"
STEP = "a"
JOB = "sweep"  # a job of the pipeline: one run, so fuzzed job runs stay cheap
PAST_RUN_ID = "20240101T000000-0a1b2c"  # fixed: the generators are built at collection time
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
START_DEADLINE_S = 90.0
STOP_DEADLINE_S = 30.0
RUNS_DEADLINE_S = 60.0
REQUEST_TIMEOUT_S = 30.0
STEP_TIMEOUT_S = 20  # the server's default_timeout_s: no fuzzed run outlives it
FINISHED = {"succeeded", "failed", "cancelled", "interrupted"}

# Hypothesis caches what it computes (text alphabets, constants) in `.hypothesis` of the current
# folder, from collection on (the strategies are built then): in the temporary folder instead.
if "HYPOTHESIS_STORAGE_DIRECTORY" not in os.environ:
    set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "runnable-jupyter-hypothesis")

# The configured Authorization header replaces the one schemathesis would generate.
config = schemathesis.Config.from_dict(
    {
        "seed": SEED,
        "headers": {"Authorization": AUTHORIZATION},
        "generation": {"with-security-parameters": False},
    }
)
schema = schemathesis.openapi.from_path(
    str(files("runnable_jupyter").joinpath("openapi.yaml")), config=config
)


# --- the generators also name what exists ------------------------------------------------------


def _now_and_then(strategy: st.SearchStrategy[Any], known: dict[str, Any]) -> Any:
    """`strategy`, or its value with those of the `known` keys it has set to what exists."""
    return st.one_of(strategy, strategy.map(lambda value: _with_known(value, known)))


def _with_known(value: Any, known: dict[str, Any]) -> Any:
    if not isinstance(value, dict):
        return value
    return value | {key: known[key] for key in known if key in value}


@schema.hook
def before_generate_path_parameters(
    context: schemathesis.HookContext, strategy: st.SearchStrategy[Any]
) -> Any:
    return _now_and_then(strategy, {"run_id": PAST_RUN_ID, "step_id": STEP, "job_id": JOB})


@schema.hook
def before_generate_query(
    context: schemathesis.HookContext, strategy: st.SearchStrategy[Any]
) -> Any:
    return _now_and_then(strategy, {"pipeline": PIPELINE, "before": PAST_RUN_ID})


@schema.hook
def before_generate_body(
    context: schemathesis.HookContext, strategy: st.SearchStrategy[Any]
) -> Any:
    return _now_and_then(strategy, {"pipeline": PIPELINE, "steps": [STEP]})


# --- the live server -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Server:
    base_url: str  # up to the API prefix
    process: subprocess.Popen[bytes]
    folder: Path  # the server's working folder: the root, its runs and its log are in it

    def get(self, path: str, **params: str) -> requests.Response:
        return requests.get(
            f"{self.base_url}{path}",
            params=params,
            headers={"Authorization": AUTHORIZATION},
            timeout=REQUEST_TIMEOUT_S,
        )

    def post(self, path: str, body: Any = None) -> requests.Response:
        return requests.post(
            f"{self.base_url}{path}",
            json={} if body is None else body,
            headers={"Authorization": AUTHORIZATION},
            timeout=REQUEST_TIMEOUT_S,
        )


def write_step_notebook(path: Path) -> None:
    write_notebook(path, "print(f'step {name}')", parameters="name = 'a'")


def write_workspace(root: Path) -> None:
    """`x.pipeline.json`: one step, `a`, running a notebook that prints a line; a failed run of
    it, `PAST_RUN_ID`, with its log (reads find data, and a retry has work to do); a job of it,
    `JOB`, without a grid."""
    pipeline = write_step_pipeline(root, {STEP: {}}, write_step_notebook, name="x")
    (root / "x.jobs").mkdir()
    (root / "x.jobs" / f"{JOB}.job.json").write_text('{"version": 1, "parameters": {"name": "j"}}')
    store = RunStore(root / "x.runs")
    run_dir = store.run_dir(PAST_RUN_ID)
    run_dir.mkdir(parents=True)
    (run_dir / "a.log").write_text("step a\nValueError: on purpose\n", encoding="utf-8")
    end = datetime(2024, 1, 1, 0, 0, 5, tzinfo=timezone.utc)
    attempt = Attempt(
        number=1,
        status=StepStatus.failed,
        start=end - timedelta(seconds=3),
        end=end,
        output_notebook=str(run_dir / "a.ipynb"),
        log_file=str(run_dir / "a.log"),
    )
    step = StepRecord(
        id=STEP,
        notebook="step.ipynb",
        status=StepStatus.failed,
        source_sha256=sha256(root / "step.ipynb"),
        parameters={"name": STEP},
        attempts=[attempt],
    )
    store.save(
        RunLog(
            run_id=PAST_RUN_ID,
            pipeline=pipeline,
            pipeline_sha256=sha256(root / pipeline),
            pipeline_structure={STEP: []},
            status=RunStatus.failed,
            start=end - timedelta(seconds=4),
            end=end,
            attempts=[RunAttempt(number=1, start=end, end=end, steps=[STEP])],
            run_dir=str(run_dir),
            catalog_dir=str(root / "x.catalog"),
            steps={STEP: step},
        )
    )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(tmp: Path) -> Server:
    """A Jupyter server on a free port of 127.0.0.1, once `GET version` answers."""
    root, jupyter = tmp / "root", tmp / "jupyter"
    root.mkdir()
    write_workspace(root)
    port = _free_port()
    env = os.environ | {  # no user or machine Jupyter configuration or runtime files
        "JUPYTER_CONFIG_DIR": str(jupyter / "config"),
        "JUPYTER_RUNTIME_DIR": str(jupyter / "runtime"),
        "JUPYTER_PLATFORM_DIRS": "1",
    }
    log = tmp / "server.log"
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "jupyter_server",
                f"--ServerApp.token={TOKEN}",
                f"--ServerApp.port={port}",
                "--ServerApp.port_retries=0",
                "--ServerApp.ip=127.0.0.1",
                f"--ServerApp.root_dir={root}",
                "--ServerApp.open_browser=False",
                "--ServerApp.allow_root=True",  # containers run tests as root
                "--ServerApp.jpserver_extensions={'runnable_jupyter': True}",
                f"--RunnableJupyterApp.default_timeout_s={STEP_TIMEOUT_S}",
                "--RunnableJupyterApp.job_max_grid_size=4",  # fuzzed sweeps stay small
            ],
            cwd=tmp,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a Ctrl-C reaches pytest only, whose teardown stops it
        )
    server = Server(f"http://127.0.0.1:{port}{API}", process, tmp)
    give_up = time.monotonic() + START_DEADLINE_S
    while time.monotonic() < give_up and process.poll() is None:
        try:
            if server.get("/version").status_code == 200:
                return server
        except requests.ConnectionError:
            pass
        time.sleep(0.25)
    stop_server(server)
    pytest.fail(f"the server did not answer in time:\n{server_log(server)}")


def server_log(server: Server) -> str:
    return (server.folder / "server.log").read_text(encoding="utf-8", errors="replace")[-4000:]


def finish_runs(server: Server) -> None:
    """Cancel the runs still going and wait (bounded) until they have finished."""
    give_up = time.monotonic() + RUNS_DEADLINE_S
    while True:
        runs = server.get("/runs", pipeline=PIPELINE).json()["runs"]
        going = [run["run_id"] for run in runs if run["status"] not in FINISHED]
        if not going:
            return
        assert time.monotonic() < give_up, f"runs {going} still going after being cancelled"
        for job in server.get("/jobs", pipeline=PIPELINE).json()["jobs"]:  # no more job runs
            server.post(f"/jobs/{job['id']}/cancel?pipeline={PIPELINE}")
        for run_id in going:
            server.post(f"/runs/{run_id}/cancel")
        time.sleep(0.5)


def stop_server(server: Server) -> None:
    """SIGTERM (the server cancels its runs and stops their kernels), SIGKILL after a while,
    then SIGKILL whatever it started that is left (kernels run in sessions of their own, so
    they are found by their working folder, inside the server's)."""
    process = server.process
    started = processes_in(server.folder)
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(STOP_DEADLINE_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
    left = {p.pid: p for p in started + processes_in(server.folder)}.values()
    for member in left:
        try:
            member.kill()
        except psutil.Error:  # gone already
            pass
    psutil.wait_procs(list(left), timeout=10)


def processes_in(folder: Path) -> list[psutil.Process]:
    """The live processes working in `folder` or below (zombies are dead already)."""
    found = []
    for process in psutil.process_iter():
        try:
            if (
                Path(process.cwd()).is_relative_to(folder)
                and process.status() != psutil.STATUS_ZOMBIE
            ):
                found.append(process)
        except (OSError, psutil.Error):  # gone meanwhile, or not ours to look at
            continue
    return found


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = start_server(tmp_path_factory.mktemp("fuzz"))
    try:
        yield running
        finish_runs(running)
    finally:
        stop_server(running)
    assert running.process.returncode is not None
    assert processes_in(running.folder) == []  # no worker or kernel left behind


# --- the fuzzing -------------------------------------------------------------------------------


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    database=None,
    deadline=None,
    # Each example is an HTTP request to a server that may be starting a kernel.
    suppress_health_check=[HealthCheck.too_slow],
)
def test_every_answer_is_documented_and_none_is_a_server_error(
    case: schemathesis.Case[Any], server: Server
) -> None:
    response = case.call(base_url=server.base_url, timeout=REQUEST_TIMEOUT_S)
    assert response.request.headers["Authorization"] == AUTHORIZATION
    case.validate_response(response, checks=CHECKS)


# --- what the fuzzing found (regressions) ------------------------------------------------------


def error_code(response: requests.Response) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


def test_query_arguments_are_taken_as_sent_not_stripped(server: Server) -> None:
    """Tornado strips query arguments by default: `?pipeline=%20x.pipeline.json` listed the
    runs of `x.pipeline.json`, `?pipeline=%09` was refused as empty, and ` 1` passed as a
    number. A query argument is a path or a number as sent, like a path in a JSON body."""
    assert error_code(server.get("/runs", pipeline=f" {PIPELINE}")) == (404, "pipeline_not_found")
    assert error_code(server.get("/runs", pipeline="\t")) == (404, "pipeline_not_found")
    assert error_code(server.get("/runs", pipeline=PIPELINE, limit=" 1")) == (400, "bad_request")
    log = f"/runs/{PAST_RUN_ID}/steps/{STEP}/log"
    assert error_code(server.get(log, offset="1 ")) == (400, "bad_request")
    assert server.get(log, offset="1").status_code == 200


def test_validate_takes_content_of_any_json_type_and_reports_a_non_object_as_invalid(
    server: Server,
) -> None:
    """The document said `content` is an object, but the server validates any JSON value, as
    for a pipeline file: not an object is an invalid pipeline (a 200), as now described."""
    request = {"content": [None, None]}
    described = yaml.safe_load(files("runnable_jupyter").joinpath("openapi.yaml").read_text())
    jsonschema.validate(request, described["components"]["schemas"]["ValidateRequest"])
    response = server.post("/validate", request)
    assert response.status_code == 200, response.text
    assert response.json() | {"errors": None} == {"valid": False, "errors": None, "pipeline": None}
    [problem] = response.json()["errors"]
    assert problem["pointer"] == "" and "must contain an object" in problem["message"]
