"""Handlers for pipelines and runs: thin HTTP shells around `operations`, run off the loop.

Authorization actions: reading is `read`, validating a document is `read` too (it changes
nothing), starting and retrying a run are `execute` (they run code), cancelling is `write`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import tornado.web
from jupyter_server.auth.decorator import authorized

from . import operations
from .bodies import RetryBody, StartRunBody, ValidateBody, parse_body
from .handlers import BaseHandler

WATCHER_SETTING = "runnable_jupyter_index_watcher"
RUN_ID_GROUP = r"(?P<run_id>[^/]+)"  # anything up to the next '/': the pattern is checked later
STEP_ID_GROUP = r"(?P<step_id>[^/]+)"


class WorkspaceHandler(BaseHandler):
    async def call(self, operation: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
        """Run a blocking operation in a worker thread, with this server's workspace rules."""
        workspace = operations.Workspace(self.run_manager, self.allow_hidden)
        return await asyncio.to_thread(operation, workspace, *args)

    def query(self, name: str) -> str | None:
        """A query argument as sent: tornado would strip its whitespace, and `?pipeline=%20p`
        would then name the pipeline `p`, and `?limit=%201` pass as a number."""
        return self.get_query_argument(name, None, strip=False)


class ValidateHandler(WorkspaceHandler):
    @tornado.web.authenticated
    @authorized("read")
    async def post(self) -> None:
        body = parse_body(ValidateBody, self.json_body())
        self.reply(200, await self.call(operations.validate, body))


class RunsHandler(WorkspaceHandler):
    @tornado.web.authenticated
    @authorized
    async def get(self) -> None:
        pipeline, limit, before = self.query("pipeline"), self.query("limit"), self.query("before")
        answer = await self.call(operations.list_runs, pipeline, limit, before, self.query("job"))
        watcher = self.settings.get(WATCHER_SETTING)
        if watcher is not None:  # a client looks at these runs: runs started elsewhere send events
            await asyncio.to_thread(watcher.watch, pipeline)
        self.reply(200, answer)

    @tornado.web.authenticated
    @authorized("execute")
    async def post(self) -> None:
        body = parse_body(StartRunBody, self.json_body())
        self.reply(202, await self.call(operations.start_run, body))


class RunHandler(WorkspaceHandler):
    @tornado.web.authenticated
    @authorized
    async def get(self, run_id: str) -> None:
        self.reply(200, await self.call(operations.get_run, run_id))


class StepLogHandler(WorkspaceHandler):
    @tornado.web.authenticated
    @authorized
    async def get(self, run_id: str, step_id: str) -> None:
        offset = self.query("offset")
        self.reply(200, await self.call(operations.step_log, run_id, step_id, offset))


class CancelHandler(WorkspaceHandler):
    @tornado.web.authenticated
    @authorized("write")
    async def post(self, run_id: str) -> None:
        self.reply(202, await self.call(operations.cancel_run, run_id))


class RetryHandler(WorkspaceHandler):
    @tornado.web.authenticated
    @authorized("execute")
    async def post(self, run_id: str) -> None:
        body = parse_body(RetryBody, self.json_body())
        self.reply(202, await self.call(operations.retry_run, run_id, body))


class CatalogHandler(WorkspaceHandler):
    @tornado.web.authenticated
    @authorized("read")
    async def get(self) -> None:
        args = (self.query("pipeline"), self.query("name"), self.query("run"))
        self.reply(200, await self.call(operations.catalog, *args))


class CatalogPreviewHandler(WorkspaceHandler):
    @tornado.web.authenticated
    @authorized("read")
    async def get(self) -> None:
        args = (self.query("pipeline"), self.query("name"), self.query("sha256"))
        self.reply(200, await self.call(operations.catalog_preview, *args))


class ParametersHandler(WorkspaceHandler):
    @tornado.web.authenticated
    @authorized("read")
    async def get(self) -> None:
        self.reply(200, await self.call(operations.parameters, self.query("pipeline")))


class CompareHandler(WorkspaceHandler):
    @tornado.web.authenticated
    @authorized("read")
    async def get(self) -> None:
        run_ids = self.get_query_arguments("run", strip=False)
        self.reply(200, await self.call(operations.compare, self.query("pipeline"), run_ids))


RUN_ROUTES: list[tuple[str, type[BaseHandler]]] = [
    ("/validate", ValidateHandler),
    ("/parameters", ParametersHandler),
    ("/runs", RunsHandler),
    (f"/runs/{RUN_ID_GROUP}", RunHandler),
    (f"/runs/{RUN_ID_GROUP}/steps/{STEP_ID_GROUP}/log", StepLogHandler),
    (f"/runs/{RUN_ID_GROUP}/cancel", CancelHandler),
    (f"/runs/{RUN_ID_GROUP}/retry", RetryHandler),
    ("/catalog", CatalogHandler),
    ("/compare", CompareHandler),
    ("/catalog/preview", CatalogPreviewHandler),
]
