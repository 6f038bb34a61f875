"""The published contract matches the code: openapi.yaml describes exactly the registered routes
and verbs and every field of a step's run log record, and the run-status event schema ships in
the package and accepts what is emitted.
"""

from __future__ import annotations

import importlib.resources
import json
import logging
import re
from typing import Any

import pytest
import yaml
from jupyter_events import EventLogger
from tornado.ioloop import IOLoop

from runnable_jupyter.runlog.models import Attempt, ErrorInfo, StepRecord
from runnable_jupyter.runs.events import RunEvent
from runnable_jupyter.server.app import API_PREFIX, ROUTES, UNKNOWN_ROUTE
from runnable_jupyter.server.events import (
    RUN_STATUS_SCHEMA_ID,
    RUN_STATUS_SCHEMA_VERSION,
    EventForwarder,
    event_data,
)
from runnable_jupyter.server.handlers import BaseHandler

OPERATIONS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    text = importlib.resources.files("runnable_jupyter").joinpath("openapi.yaml").read_text()
    return yaml.safe_load(text)  # type: ignore[no-any-return]


def routes_as_openapi_paths() -> dict[str, set[str]]:
    """Route -> verbs, spelled as OpenAPI paths (`(?P<run_id>[^/]+)` -> `{run_id}`)."""
    found = {}
    for pattern, handler in ROUTES:
        path = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"{\1}", pattern)
        found[path] = {
            verb
            for cls in handler.__mro__
            if issubclass(cls, BaseHandler)
            for verb in OPERATIONS
            if verb in vars(cls)
        }
    return found


def test_every_registered_route_and_verb_is_described_in_openapi_and_nothing_else(spec):
    described = {
        path: {key for key in item if key in OPERATIONS} for path, item in spec["paths"].items()
    }
    assert described == routes_as_openapi_paths()
    assert spec["servers"] == [{"url": f"/{API_PREFIX}"}]


def test_the_registered_routes_are_the_ones_the_server_serves(jp_serverapp):
    extension = jp_serverapp.web_app.settings["runnable_jupyter"]
    assert [tuple(h[:2]) for h in extension.handlers] == [
        *((f"/{API_PREFIX}{pattern}", handler) for pattern, handler in ROUTES),
        UNKNOWN_ROUTE,
    ]


def _resolve(spec: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), ref
    node: Any = spec
    for part in ref[2:].split("/"):
        node = node[part]
    return node


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _refs(value)]
    return []


def test_openapi_document_is_structurally_valid_openapi_3(spec):
    assert re.fullmatch(r"3\.0\.\d+", spec["openapi"])
    assert spec["info"]["title"] and spec["info"]["version"]
    for ref in _refs(spec):  # every reference points at something that exists
        assert isinstance(_resolve(spec, ref), dict), ref
    operation_ids = []
    for path, item in spec["paths"].items():
        declared = {
            (p if "$ref" not in p else _resolve(spec, p["$ref"]))["name"]
            for p in item.get("parameters", [])
        }
        for verb in OPERATIONS & set(item):
            operation = item[verb]
            operation_ids.append(operation["operationId"])
            assert operation["responses"], (path, verb)
            assert all(re.fullmatch(r"[1-5]\d\d", code) for code in operation["responses"])
            names = declared | {p["name"] for p in operation.get("parameters", [])}
            assert set(re.findall(r"{(\w+)}", path)) <= names, (path, verb)
    assert len(operation_ids) == len(set(operation_ids))


def test_openapi_document_passes_the_openapi_spec_validator(spec):
    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate(spec)


def test_run_status_schema_ships_in_the_package_and_validates_emitted_events():
    schema_file = importlib.resources.files("runnable_jupyter").joinpath("events/run-status.yaml")
    schema = yaml.safe_load(schema_file.read_text())
    assert schema["$id"] == RUN_STATUS_SCHEMA_ID
    assert schema["version"] == str(RUN_STATUS_SCHEMA_VERSION)

    received: list[dict[str, Any]] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            received.append(record.msg)  # type: ignore[arg-type]

    event_logger = EventLogger(handlers=[Collect()])
    loop = IOLoop(make_current=False)
    try:
        forwarder = EventForwarder(event_logger, loop, logging.getLogger("test"))
        forwarder.register_schema()
        forwarder.register_schema()  # idempotent: a second server in the same process
        for event in (
            RunEvent("run", "p.pipeline.json", "20260101T000000-abcdef", status="pending"),
            RunEvent(
                "step",
                "p.pipeline.json",
                "20260101T000000-abcdef",
                "a",
                "failed",
                error_name="ValueError",
                error_message="bad value: 3",
            ),
            RunEvent(
                "progress",
                "p.pipeline.json",
                "20260101T000000-abcdef",
                "a",
                "running",
                cell=2,
                cells=5,
            ),
        ):
            forwarder.forward(event)
        loop.add_callback(loop.stop)
        loop.start()
    finally:
        loop.close()
    assert [(e["kind"], e["error_name"], e["error_message"], e["cell"]) for e in received] == [
        ("run", "", "", 0),
        ("step", "ValueError", "bad value: 3", 0),
        ("progress", "", "", 2),
    ]
    assert all(e["__schema__"] == RUN_STATUS_SCHEMA_ID for e in received)


def test_event_data_never_holds_nulls():
    data = event_data(RunEvent("run", "p.pipeline.json", "20260101T000000-abcdef"))
    assert None not in data.values()


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "nope"), ("POST", "runs/20260101T000000-abcdef/explode"), ("DELETE", "version/x")],
)
async def test_unknown_routes_under_the_api_answer_the_documented_json_error(
    jp_fetch, method, path
):
    body = "{}" if method == "POST" else None
    response = await jp_fetch(
        "runnable-jupyter", "api", *path.split("/"), method=method, body=body, raise_error=False
    )
    assert response.code == 404
    assert response.headers["Content-Type"].startswith("application/json")
    error = json.loads(response.body)["error"]
    assert error["code"] == "not_found" and path.split("/")[-1] in error["message"]


def test_openapi_says_what_the_server_enforces_on_request_bodies(spec):
    schemas = spec["components"]["schemas"]
    validate_request = schemas["ValidateRequest"]
    assert len(validate_request["oneOf"]) == 2  # exactly one of pipeline and content
    assert validate_request["properties"]["pipeline"]["minLength"] == 1
    assert schemas["StartRunRequest"]["properties"]["pipeline"]["minLength"] == 1


@pytest.mark.parametrize("model", [ErrorInfo, Attempt, StepRecord])
def test_openapi_describes_every_field_the_run_log_records(spec, model):
    described = set(spec["components"]["schemas"][model.__name__]["properties"])
    assert set(model.model_fields) - described == set()
