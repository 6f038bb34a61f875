"""`POST export`: a thin HTTP shell around `exporting.export_pipeline`, run off the loop.

Authorization action `read`: it reads the pipeline and writes nothing.
"""

from __future__ import annotations

import tornado.web
from jupyter_server.auth.decorator import authorized

from . import exporting
from .bodies import parse_body
from .handlers import BaseHandler
from .runs_handlers import WorkspaceHandler


class ExportHandler(WorkspaceHandler):
    @tornado.web.authenticated
    @authorized("read")
    async def post(self) -> None:
        body = parse_body(exporting.ExportBody, self.json_body())
        self.reply(200, await self.call(exporting.export_pipeline, body))


EXPORT_ROUTES: list[tuple[str, type[BaseHandler]]] = [("/export", ExportHandler)]
