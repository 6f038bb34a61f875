"""Every route and verb the extension registers is refused without a valid token, and refused
by an authorizer that says no, which is asked about the resource `runnable`.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from jupyter_server.auth.authorizer import Authorizer
from server_support import files_under, write_pipeline

from runnable_jupyter.server.app import API_PREFIX
from runnable_jupyter.server.handlers import BaseHandler

SAMPLE_IDS = {"run_id": "20260101T000000-abcdef", "step_id": "a", "job_id": "sweep"}
VERBS = ("get", "post", "put", "patch", "delete", "head")


class RefusingAuthorizer(Authorizer):
    """Says no to everything, and remembers what it was asked."""

    asked: list[tuple[str, str]] = []

    def is_authorized(self, handler: Any, user: Any, action: str, resource: str) -> bool:
        RefusingAuthorizer.asked.append((action, resource))
        return False


@pytest.fixture
def authorizer_class() -> type[Authorizer] | None:
    return None  # the server's default; tests parametrize it


@pytest.fixture
def jp_server_config(jp_server_config, authorizer_class):  # type: ignore[no-untyped-def]
    config = {"ServerApp": {"jpserver_extensions": {"runnable_jupyter": True}}}
    if authorizer_class is not None:
        config["ServerApp"]["authorizer_class"] = authorizer_class
    return config


def registered_routes(serverapp: Any) -> list[tuple[str, str, str]]:
    """(verb, route pattern, concrete URL path) for every verb of every registered route."""
    extension = serverapp.web_app.settings["runnable_jupyter"]
    found = []
    for pattern, handler in extension.handlers:
        path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: SAMPLE_IDS[m.group(1)], pattern)
        own = {
            verb
            for cls in handler.__mro__
            if issubclass(cls, BaseHandler)
            for verb in VERBS
            if verb in vars(cls)
        }
        found += [(verb.upper(), pattern, path) for verb in sorted(own)]
    return found


async def request(jp_fetch: Any, verb: str, path: str, pipeline: str, **kwargs: Any) -> Any:
    body = json.dumps({"pipeline": pipeline}) if verb in ("POST", "PATCH") else None
    return await jp_fetch(
        *path.lstrip("/").split("/"),
        method=verb,
        body=body,
        params={"pipeline": pipeline},
        raise_error=False,
        **kwargs,
    )


def test_the_walk_covers_every_route_of_the_api(jp_serverapp):
    routes = {(verb, pattern) for verb, pattern, _ in registered_routes(jp_serverapp)}
    api = f"/{API_PREFIX}"
    assert routes == {
        ("GET", f"{api}/version"),
        ("POST", f"{api}/validate"),
        ("GET", f"{api}/runs"),
        ("POST", f"{api}/runs"),
        ("GET", f"{api}/runs/(?P<run_id>[^/]+)"),
        ("GET", f"{api}/runs/(?P<run_id>[^/]+)/steps/(?P<step_id>[^/]+)/log"),
        ("POST", f"{api}/runs/(?P<run_id>[^/]+)/cancel"),
        ("POST", f"{api}/runs/(?P<run_id>[^/]+)/retry"),
        ("GET", f"{api}/catalog"),
        ("GET", f"{api}/compare"),
        ("GET", f"{api}/catalog/preview"),
        ("GET", f"{api}/jobs"),
        ("POST", f"{api}/jobs"),
        ("GET", f"{api}/jobs/(?P<job_id>[^/]+)"),
        ("PATCH", f"{api}/jobs/(?P<job_id>[^/]+)"),
        ("DELETE", f"{api}/jobs/(?P<job_id>[^/]+)"),
        ("POST", f"{api}/jobs/(?P<job_id>[^/]+)/run"),
        ("POST", f"{api}/jobs/(?P<job_id>[^/]+)/cancel"),
        ("POST", f"{api}/import"),
        ("POST", f"{api}/export"),
        ("GET", f"{api}/parameters"),
        ("GET", f"{api}/schedule"),
    }


async def test_every_route_refuses_a_request_without_a_valid_token(
    jp_fetch, jp_root_dir, jp_serverapp
):
    pipeline = write_pipeline(jp_root_dir, {"a": {}})
    before = files_under(jp_root_dir)
    for verb, _, path in registered_routes(jp_serverapp):
        for header in ("", "token not-the-token"):
            response = await request(
                jp_fetch, verb, path, pipeline, headers={"Authorization": header}
            )
            assert response.code in (401, 403), (verb, path, header, response.code)
            assert json.loads(response.body)["error"]["code"] in ("forbidden", "unauthenticated")
    assert files_under(jp_root_dir) == before  # in particular, no run was started


@pytest.mark.parametrize("authorizer_class", [RefusingAuthorizer])
async def test_every_route_asks_the_authorizer_about_runnable_and_obeys_a_refusal(
    jp_fetch, jp_root_dir, jp_serverapp
):
    pipeline = write_pipeline(jp_root_dir, {"a": {}})
    before = files_under(jp_root_dir)
    expected_actions = {
        ("GET", "version"): "read",
        ("POST", "validate"): "read",
        ("GET", "runs"): "read",
        ("POST", "runs"): "execute",
        ("GET", SAMPLE_IDS["run_id"]): "read",
        ("GET", "log"): "read",
        ("POST", "cancel"): "write",
        ("POST", "retry"): "execute",
        ("GET", "catalog"): "read",
        ("GET", "compare"): "read",
        ("GET", "preview"): "read",
        ("GET", "jobs"): "read",
        ("POST", "jobs"): "execute",
        ("GET", "sweep"): "read",
        ("PATCH", "sweep"): "write",
        ("DELETE", "sweep"): "write",
        ("POST", "run"): "execute",
        ("POST", "import"): "write",
        ("POST", "export"): "read",
        ("GET", "parameters"): "read",
        ("GET", "schedule"): "read",
    }
    for verb, _, path in registered_routes(jp_serverapp):
        RefusingAuthorizer.asked.clear()
        response = await request(jp_fetch, verb, path, pipeline)
        assert response.code == 403, (verb, path, response.code)
        assert json.loads(response.body)["error"]["code"] == "forbidden"
        action = expected_actions[verb, path.rsplit("/", 1)[-1]]
        assert RefusingAuthorizer.asked == [(action, "runnable")], (verb, path)
    assert files_under(jp_root_dir) == before
