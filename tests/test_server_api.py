"""Each route's answers and errors, without kernels: validation, refused starts (which write
nothing), listing and reading recorded runs, step log chunks, cancel/retry refusals, and the
error envelope (never HTML, never a traceback).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from server_support import call, files_under, record_run, write_pipeline

from runnable_jupyter.runlog.models import RunStatus, StepStatus
from runnable_jupyter.runlog.ownership import RunOwnership
from runnable_jupyter.runlog.store import RunStore
from runnable_jupyter.server.handlers import MANAGER_SETTING

UNKNOWN_RUN = "20260101T000000-abcdef"


def assert_error(answer: tuple[int, Any], status: int, code: str) -> dict[str, Any]:
    got_status, body = answer
    assert (got_status, body["error"]["code"]) == (status, code), body
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["message"]
    return body["error"]  # type: ignore[no-any-return]


# --- POST validate ------------------------------------------------------------------------------


async def test_validate_a_valid_pipeline_file_returns_its_migrated_content(jp_fetch, jp_root_dir):
    pipeline = write_pipeline(jp_root_dir, {"a": {}, "b": {"depends_on": ["a"]}}, folder="sub")
    code, body = await call(jp_fetch, "POST", "validate", body={"pipeline": pipeline})
    assert code == 200
    assert (body["valid"], body["errors"]) == (True, [])
    assert body["pipeline"] == json.loads((jp_root_dir / pipeline).read_text())


async def test_validate_reports_every_problem_of_a_pipeline_file_at_once(jp_fetch, jp_root_dir):
    pipeline = write_pipeline(
        jp_root_dir, {"a": {"depends_on": ["ghost"]}, "b": {"notebook": "missing.ipynb"}}
    )
    before = files_under(jp_root_dir)
    code, body = await call(jp_fetch, "POST", "validate", body={"pipeline": pipeline})
    assert code == 200 and body["valid"] is False
    located = {(e["pointer"], e["step"]) for e in body["errors"]}
    assert located == {("/steps/0/depends_on/0", "a"), ("/steps/1/notebook", "b")}
    assert all(e["message"] for e in body["errors"])
    assert body["pipeline"]["steps"][0]["id"] == "a"
    assert files_under(jp_root_dir) == before


async def test_validate_a_file_that_is_not_json_has_no_content(jp_fetch, jp_root_dir):
    (jp_root_dir / "broken.pipeline.json").write_text("{ not json")
    code, body = await call(jp_fetch, "POST", "validate", body={"pipeline": "broken.pipeline.json"})
    assert code == 200
    assert body["valid"] is False and body["pipeline"] is None
    assert "not valid JSON" in body["errors"][0]["message"]


async def test_validate_unsaved_content_relative_to_its_base_folder(jp_fetch, jp_root_dir):
    write_pipeline(jp_root_dir, {"a": {}}, folder="sub")  # puts sub/step.ipynb in place
    content = {"version": 1, "steps": [{"id": "a", "notebook": "step.ipynb"}]}
    code, body = await call(jp_fetch, "POST", "validate", body={"content": content, "base": "sub"})
    assert (code, body["valid"], body["pipeline"]) == (200, True, content)
    code, body = await call(jp_fetch, "POST", "validate", body={"content": content})
    assert code == 200 and body["valid"] is False  # no step.ipynb at the root
    assert [e["pointer"] for e in body["errors"]] == ["/steps/0/notebook"]


async def test_validate_content_from_a_newer_version_is_invalid_without_content(jp_fetch):
    content = {"version": 99, "steps": []}
    code, body = await call(jp_fetch, "POST", "validate", body={"content": content})
    assert (code, body["valid"], body["pipeline"]) == (200, False, None)
    assert body["errors"][0]["pointer"] == "/version"


@pytest.mark.parametrize(
    "request_body",
    [
        {},
        {"pipeline": "p.pipeline.json", "content": {}},
        {"pipline": "p.pipeline.json"},
        {"pipeline": 3},
        {"content": {}, "base": "no-such-folder"},
    ],
    ids=["neither", "both", "unknown-field", "not-a-string", "missing-base"],
)
async def test_validate_refuses_a_malformed_request(jp_fetch, request_body):
    assert_error(await call(jp_fetch, "POST", "validate", body=request_body), 400, "bad_request")


async def test_validate_refuses_a_body_that_is_not_json(jp_fetch):
    error = assert_error(await call(jp_fetch, "POST", "validate", body="{oops"), 400, "bad_request")
    assert "not valid JSON" in error["message"]


DEEP_JSON = "[" * 100_000 + "]" * 100_000  # RecursionError in json.loads: answered 500


def nested(levels: int) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for _ in range(levels):
        value = {"x": value}
    return value


async def test_a_request_body_nested_100000_levels_deep_is_a_400(jp_fetch, jp_root_dir):
    before = files_under(jp_root_dir)
    for route in ("validate", "runs"):
        error = assert_error(
            await call(jp_fetch, "POST", route, body=DEEP_JSON), 400, "bad_request"
        )
        assert "nested more than" in error["message"]
    assert files_under(jp_root_dir) == before


async def test_run_parameters_nested_300_levels_deep_are_refused_before_the_run(
    jp_fetch, jp_root_dir
):
    # They passed, and the run log could not be saved: the run never ended.
    pipeline = write_pipeline(jp_root_dir, {"a": {}})
    before = files_under(jp_root_dir)
    body = {"pipeline": pipeline, "parameters": {"deep": nested(300)}}
    error = assert_error(await call(jp_fetch, "POST", "runs", body=body), 400, "bad_request")
    assert "nested more than" in error["message"]
    assert files_under(jp_root_dir) == before


async def test_a_pipeline_file_nested_100000_levels_deep_is_invalid(jp_fetch, jp_root_dir):
    (jp_root_dir / "deep.pipeline.json").write_text(DEEP_JSON)
    code, body = await call(jp_fetch, "POST", "validate", body={"pipeline": "deep.pipeline.json"})
    assert (code, body["valid"]) == (200, False)
    assert "nested more than" in body["errors"][0]["message"]
    before = files_under(jp_root_dir)
    code, body = await call(jp_fetch, "POST", "runs", body={"pipeline": "deep.pipeline.json"})
    assert (code, body["error"]["code"]) == (400, "pipeline_invalid")
    assert files_under(jp_root_dir) == before


async def test_validate_a_missing_pipeline_is_not_found(jp_fetch):
    answer = await call(jp_fetch, "POST", "validate", body={"pipeline": "nope.pipeline.json"})
    assert_error(answer, 404, "pipeline_not_found")


# --- POST runs (refusals; real runs are in test_server_runs.py) --------------------------------


async def test_start_refuses_an_invalid_pipeline_with_its_problems_and_writes_nothing(
    jp_fetch, jp_root_dir
):
    pipeline = write_pipeline(jp_root_dir, {"a": {"depends_on": ["ghost"]}})
    before = files_under(jp_root_dir)
    error = assert_error(
        await call(jp_fetch, "POST", "runs", body={"pipeline": pipeline}), 400, "pipeline_invalid"
    )
    assert [(p["pointer"], p["step"]) for p in error["details"]] == [("/steps/0/depends_on/0", "a")]
    assert files_under(jp_root_dir) == before


@pytest.mark.parametrize(
    ("request_body", "status", "code"),
    [
        ({"pipeline": "nope.pipeline.json"}, 404, "pipeline_not_found"),
        ({"pipeline": "p.pipeline.json", "steps": ["zz"], "mode": "only"}, 400, "unknown_step"),
        ({"pipeline": "p.pipeline.json", "steps": ["a"], "mode": "sideways"}, 400, "bad_request"),
        ({"pipeline": "p.pipeline.json", "mode": "only"}, 400, "bad_request"),
        ({"pipeline": "p.pipeline.json", "parameters": {"not valid": 1}}, 400, "bad_request"),
        ({"pipeline": "p.pipeline.json", "parameters": []}, 400, "bad_request"),
        ({"pipeline": "p.pipeline.json", "step": ["a"]}, 400, "bad_request"),
        ({"pipeline": "p.pipeline.json", "steps": "a"}, 400, "bad_request"),
        ({"steps": ["a"]}, 400, "bad_request"),
        ({"pipeline": "p.pipeline.json", "skip_unchanged": "yes"}, 400, "bad_request"),
        ({"pipeline": "p.pipeline.json", "skip_unchanged": 1}, 400, "bad_request"),
    ],
    ids=[
        "missing",
        "unknown-step",
        "bad-mode",
        "mode-without-steps",
        "bad-parameter-name",
        "parameters-not-object",
        "unknown-field",
        "steps-not-list",
        "no-pipeline",
        "skip-unchanged-not-bool",
        "skip-unchanged-number",
    ],
)
async def test_start_refuses_a_bad_request_and_writes_nothing(
    jp_fetch, jp_root_dir, request_body, status, code
):
    write_pipeline(jp_root_dir, {"a": {}})
    before = files_under(jp_root_dir)
    assert_error(await call(jp_fetch, "POST", "runs", body=request_body), status, code)
    assert files_under(jp_root_dir) == before


async def test_a_shutting_down_server_refuses_new_runs_and_retries_with_503(
    jp_fetch, jp_root_dir, jp_serverapp
):
    pipeline = write_pipeline(jp_root_dir, {"a": {}})
    failed = record_run(jp_root_dir, pipeline, StepStatus.failed)
    jp_serverapp.web_app.settings[MANAGER_SETTING].shutdown()  # what the server's cleanup does
    before = files_under(jp_root_dir)
    error = assert_error(
        await call(jp_fetch, "POST", "runs", body={"pipeline": pipeline}), 503, "shutting_down"
    )
    assert "shutting down" in error["message"]
    assert_error(
        await call(jp_fetch, "POST", "runs", failed.run_id, "retry", body={}), 503, "shutting_down"
    )
    assert files_under(jp_root_dir) == before
    code, _ = await call(jp_fetch, "GET", "runs", failed.run_id)  # reading still works
    assert code == 200


# --- GET runs, GET runs/{id} ----------------------------------------------------------------------


async def test_list_runs_of_a_pipeline_without_runs_is_empty(jp_fetch, jp_root_dir):
    pipeline = write_pipeline(jp_root_dir, {"a": {}})
    answer = await call(jp_fetch, "GET", "runs", params={"pipeline": pipeline})
    assert answer == (200, {"runs": [], "next": None})


async def test_list_runs_summarizes_recorded_runs_newest_first(jp_fetch, jp_root_dir):
    pipeline = write_pipeline(jp_root_dir, {"a": {}})
    older = record_run(jp_root_dir, pipeline, StepStatus.failed)
    newer = record_run(jp_root_dir, pipeline, StepStatus.succeeded)
    code, body = await call(jp_fetch, "GET", "runs", params={"pipeline": pipeline})
    assert code == 200
    assert [run["run_id"] for run in body["runs"]] == [newer.run_id, older.run_id]
    assert body["runs"][1] == {
        "run_id": older.run_id,
        "status": "failed",
        "start": older.model_dump(mode="json")["start"],
        "end": older.model_dump(mode="json")["end"],
        "selection": [],
        "mode": "all",
        "counts": {"failed": 1},
        "job": None,
        "attempts": [  # each attempt's time: a retried run's duration is their sum
            {key: attempt[key] for key in ("number", "start", "end")}
            for attempt in older.model_dump(mode="json")["attempts"]
        ],
    }


async def test_list_runs_pages_with_limit_and_the_before_cursor(jp_fetch, jp_root_dir):
    pipeline = write_pipeline(jp_root_dir, {"a": {}})
    for _ in range(5):
        record_run(jp_root_dir, pipeline, StepStatus.succeeded)
    code, body = await call(jp_fetch, "GET", "runs", params={"pipeline": pipeline})
    everything = [run["run_id"] for run in body["runs"]]
    assert len(everything) == 5 and body["next"] is None

    pages, cursor = [], None
    for _ in range(5):  # bounded: 3 pages expected
        params = {"pipeline": pipeline, "limit": "2"} | ({"before": cursor} if cursor else {})
        code, body = await call(jp_fetch, "GET", "runs", params=params)
        assert code == 200
        pages.append([run["run_id"] for run in body["runs"]])
        cursor = body["next"]
        if cursor is None:
            break
    assert pages == [everything[0:2], everything[2:4], everything[4:]]


@pytest.mark.parametrize(
    "params",
    [{"limit": "0"}, {"limit": "1001"}, {"limit": "two"}, {"limit": "\u00b2"}, {"before": "x"}],
    ids=["zero", "too-many", "word", "superscript", "bad-cursor"],
)
async def test_list_runs_refuses_a_bad_page(jp_fetch, jp_root_dir, params):
    pipeline = write_pipeline(jp_root_dir, {"a": {}})
    answer = await call(jp_fetch, "GET", "runs", params={"pipeline": pipeline} | params)
    assert_error(answer, 400, "bad_request")


async def test_list_runs_needs_an_existing_pipeline(jp_fetch):
    assert_error(await call(jp_fetch, "GET", "runs"), 400, "bad_request")
    answer = await call(jp_fetch, "GET", "runs", params={"pipeline": "nope.pipeline.json"})
    assert_error(answer, 404, "pipeline_not_found")


async def test_get_run_returns_the_run_log_with_root_relative_paths(jp_fetch, jp_root_dir):
    pipeline = write_pipeline(jp_root_dir, {"a": {}}, folder="deep/er")
    log = record_run(jp_root_dir, pipeline, StepStatus.succeeded)
    code, body = await call(jp_fetch, "GET", "runs", log.run_id)
    assert code == 200
    run_dir = f"deep/er/p.runs/{log.run_id}"
    assert (body["run_id"], body["pipeline"], body["run_dir"]) == (log.run_id, pipeline, run_dir)
    assert body["catalog_dir"] == "deep/er/p.catalog"
    attempt = body["steps"]["a"]["attempts"][0]
    assert (attempt["output_notebook"], attempt["log_file"]) == (
        f"{run_dir}/a.ipynb",
        f"{run_dir}/a.log",
    )
    assert str(jp_root_dir) not in json.dumps(body)


@pytest.mark.parametrize(
    ("run_id", "status", "code"),
    [
        (UNKNOWN_RUN, 404, "run_not_found"),
        ("not-a-run-id", 400, "bad_request"),
        ("20260101T000000-ABCDEF", 400, "bad_request"),
    ],
    ids=["unknown", "malformed", "uppercase"],
)
async def test_run_routes_check_the_run_id(jp_fetch, run_id, status, code):
    assert_error(await call(jp_fetch, "GET", "runs", run_id), status, code)
    assert_error(await call(jp_fetch, "GET", "runs", run_id, "steps", "a", "log"), status, code)
    assert_error(await call(jp_fetch, "POST", "runs", run_id, "cancel"), status, code)
    assert_error(await call(jp_fetch, "POST", "runs", run_id, "retry"), status, code)


async def test_an_unexpected_failure_is_a_json_500_without_traceback(jp_fetch, jp_root_dir):
    pipeline = write_pipeline(jp_root_dir, {"a": {}})
    log = record_run(jp_root_dir, pipeline, StepStatus.succeeded)
    (jp_root_dir / "p.runs" / log.run_id / "run.json").write_text('{"run_id": 42}')  # damaged
    error = assert_error(await call(jp_fetch, "GET", "runs", log.run_id), 500, "internal_error")
    assert "Traceback" not in error["message"] and "<html" not in error["message"]


# --- step logs ------------------------------------------------------------------------------------


async def test_step_log_is_read_from_any_offset_to_the_end(jp_fetch, jp_root_dir):
    pipeline = write_pipeline(jp_root_dir, {"a": {}})
    output = "line one\nhéllo wörld\n".encode()
    log = record_run(jp_root_dir, pipeline, StepStatus.succeeded, output)
    route = ("runs", log.run_id, "steps", "a", "log")
    assert await call(jp_fetch, "GET", *route) == (
        200,
        {"text": output.decode(), "offset": len(output), "complete": True},
    )
    code, chunk = await call(jp_fetch, "GET", *route, params={"offset": "9"})
    assert chunk == {"text": "héllo wörld\n", "offset": len(output), "complete": True}
    code, chunk = await call(jp_fetch, "GET", *route, params={"offset": str(len(output) + 50)})
    assert chunk == {"text": "", "offset": len(output), "complete": True}


async def test_step_log_of_a_running_step_holds_back_a_partial_character(jp_fetch, jp_root_dir):
    pipeline = write_pipeline(jp_root_dir, {"a": {}})
    log = record_run(jp_root_dir, pipeline, StepStatus.succeeded)
    log.steps["a"].status = log.steps["a"].attempts[0].status = StepStatus.running
    log.status = RunStatus.running
    RunStore(jp_root_dir / "p.runs").save(log)
    partial = "ok é".encode()[:-1]  # the last byte of 'é' is not written yet
    (jp_root_dir / "p.runs" / log.run_id / "a.log").write_bytes(partial)
    owner = RunOwnership(jp_root_dir / "p.runs" / log.run_id, log.run_id)
    owner.take()  # a live owner (this process): without one the run shows as interrupted
    try:
        code, chunk = await call(jp_fetch, "GET", "runs", log.run_id, "steps", "a", "log")
    finally:
        owner.give_up()
    assert (code, chunk) == (200, {"text": "ok ", "offset": 3, "complete": False})


@pytest.mark.parametrize(
    ("step_id", "params", "code"),
    [
        ("zz", {}, "unknown_step"),
        ("a", {"offset": "-1"}, "bad_request"),
        ("a", {"offset": "ten"}, "bad_request"),
        ("a", {"offset": "\u00b2"}, "bad_request"),  # "²".isdigit() is True, int("²") fails
        ("a.b", {}, "bad_request"),
    ],
    ids=[
        "unknown-step",
        "negative-offset",
        "offset-not-a-number",
        "offset-superscript-digit",
        "malformed-step-id",
    ],
)
async def test_step_log_refuses_bad_steps_and_offsets(jp_fetch, jp_root_dir, step_id, params, code):
    pipeline = write_pipeline(jp_root_dir, {"a": {}})
    log = record_run(jp_root_dir, pipeline, StepStatus.succeeded)
    answer = await call(jp_fetch, "GET", "runs", log.run_id, "steps", step_id, "log", params=params)
    assert_error(answer, 400, code)


# --- cancel and retry -----------------------------------------------------------------------------


async def test_cancel_of_a_finished_run_changes_nothing(jp_fetch, jp_root_dir):
    pipeline = write_pipeline(jp_root_dir, {"a": {}})
    log = record_run(jp_root_dir, pipeline, StepStatus.succeeded)
    run_json = jp_root_dir / "p.runs" / log.run_id / "run.json"
    before = run_json.read_bytes()
    answer = await call(jp_fetch, "POST", "runs", log.run_id, "cancel")
    assert answer == (202, {"run_id": log.run_id})
    assert run_json.read_bytes() == before


async def test_retry_refuses_a_run_with_nothing_to_retry(jp_fetch, jp_root_dir):
    pipeline = write_pipeline(jp_root_dir, {"a": {}})
    log = record_run(jp_root_dir, pipeline, StepStatus.succeeded)
    assert_error(await call(jp_fetch, "POST", "runs", log.run_id, "retry"), 400, "bad_request")


async def test_retry_refuses_a_changed_pipeline_unless_forced_and_a_bad_force(
    jp_fetch, jp_root_dir
):
    pipeline = write_pipeline(jp_root_dir, {"a": {}})
    log = record_run(jp_root_dir, pipeline, StepStatus.failed)
    write_pipeline(jp_root_dir, {"a": {}, "extra": {"depends_on": ["a"]}})
    before = files_under(jp_root_dir)
    error = assert_error(
        await call(jp_fetch, "POST", "runs", log.run_id, "retry"), 409, "structure_changed"
    )
    assert error["details"]["added_steps"] == ["extra"]
    answer = await call(jp_fetch, "POST", "runs", log.run_id, "retry", body={"force": "yes"})
    assert_error(answer, 400, "bad_request")
    assert files_under(jp_root_dir) == before


async def test_a_method_a_route_lacks_answers_405_saying_which_it_has(jp_fetch):
    response = await jp_fetch("runnable-jupyter", "api", "runs", method="DELETE", raise_error=False)
    assert response.code == 405
    assert response.headers["Allow"] == "GET, POST"
    assert json.loads(response.body)["error"]["code"] == "method_not_allowed"
