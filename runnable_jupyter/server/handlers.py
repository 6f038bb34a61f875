"""HTTP handlers. Every verb is authenticated and authorized through jupyter_server.

`BaseHandler` is the one place that turns errors into answers: an engine error becomes
`{"error": {"code", "message", "details"}}` with the status its `code` maps to, a tornado
`HTTPError` keeps its status, and anything unexpected becomes a 500 with the same shape, never
an HTML page or a traceback (the traceback goes to the server log).
"""

from __future__ import annotations

import json
from http.client import responses
from pathlib import Path
from typing import TYPE_CHECKING, Any

import tornado.web
from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler

from .. import __version__
from ..errors import BadRequest, RunnableError
from ..json_documents import load_json
from .confinement import confine

if TYPE_CHECKING:
    from ..runs.manager import RunManager

AUTH_RESOURCE = "runnable"
MANAGER_SETTING = "runnable_jupyter_manager"

STATUS_BY_CODE = {
    "bad_request": 400,
    "pipeline_invalid": 400,
    "unknown_step": 400,
    "path_outside_root": 403,
    "hidden_path": 403,
    "pipeline_not_found": 404,
    "run_not_found": 404,
    "entry_not_found": 404,
    "run_in_progress": 409,
    "structure_changed": 409,
    "output_exists": 409,
    "job_invalid": 400,
    "job_not_found": 404,
    "job_exists": 409,
    "shutting_down": 503,
    "missing_dependency": 501,  # an optional feature not installed on the server
}
UNMAPPED_ERROR_STATUS = 500  # a domain error the API does not expect (e.g. catalog_error)
HTTP_ERROR_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
}


class BaseHandler(APIHandler):
    """Base of every runnable-jupyter handler (authorization resource `runnable`)."""

    auth_resource = AUTH_RESOURCE

    # --- what handlers use ------------------------------------------------------------------

    @property
    def run_manager(self) -> RunManager:
        return self.settings[MANAGER_SETTING]  # type: ignore[no-any-return]

    @property
    def root(self) -> Path:
        return self.run_manager.root

    @property
    def allow_hidden(self) -> bool:
        return bool(getattr(self.contents_manager, "allow_hidden", False))

    def confine(self, user_path: Any, what: str = "path", base: Path | None = None) -> Path:
        return confine(self.root, user_path, allow_hidden=self.allow_hidden, what=what, base=base)

    def json_body(self) -> dict[str, Any]:
        """The request body as a JSON object; an empty body is `{}`."""
        if not self.request.body.strip():
            return {}
        try:
            body = load_json(self.request.body)
        except ValueError as error:  # bad syntax, or JsonTooDeep
            raise BadRequest(f"the request body is not valid JSON: {error}") from None
        if not isinstance(body, dict):
            raise BadRequest("the request body must be a JSON object")
        return body

    def reply(self, status: int, body: Any) -> None:
        self.set_status(status)
        self.finish(json.dumps(body))

    # --- errors -----------------------------------------------------------------------------

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        error = kwargs["exc_info"][1] if kwargs.get("exc_info") else None
        if isinstance(error, RunnableError):
            status_code = STATUS_BY_CODE.get(error.code, UNMAPPED_ERROR_STATUS)
            body = error.to_json()
        elif isinstance(error, tornado.web.HTTPError) or error is None:
            message = (error.log_message if error else None) or responses.get(status_code, "")
            code = HTTP_ERROR_CODES.get(status_code, "http_error")
            body = {"code": code, "message": message, "details": None}
        else:
            body = {
                "code": "internal_error",
                "message": f"unexpected server error ({type(error).__name__}: {error}); "
                "the server log has the details",
                "details": None,
            }
        self.set_status(status_code)
        self.set_header("Content-Type", "application/json")
        if status_code == 405:  # HTTP requires saying which methods the route has
            self.set_header("Allow", ", ".join(self.allowed_methods()))
        self.finish(json.dumps({"error": body}))

    def allowed_methods(self) -> list[str]:
        """The methods this route's handler implements."""
        default = tornado.web.RequestHandler
        return [
            verb
            for verb in ("GET", "POST", "PUT", "PATCH", "DELETE")
            if getattr(type(self), verb.lower()) is not getattr(default, verb.lower())
        ]

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        if isinstance(value, RunnableError):  # an expected refusal, not a server problem
            self.log.info("%s refused (%s): %s", self._request_summary(), value.code, value)
        else:
            super().log_exception(typ, value, tb)


class UnknownRouteHandler(BaseHandler):
    """Any other path under the API prefix: the documented JSON 404, not Jupyter's HTML page."""

    async def prepare(self) -> None:  # type: ignore[override]  # as APIHandler does
        await super().prepare()
        if self.current_user is None:  # no token: say nothing about what exists
            raise tornado.web.HTTPError(403)
        raise tornado.web.HTTPError(
            404, f"no such runnable-jupyter API route: {self.request.method} {self.request.path}"
        )


class VersionHandler(BaseHandler):
    @tornado.web.authenticated
    @authorized
    def get(self) -> None:
        self.finish({"version": __version__})
