"""`POST import`: a thin HTTP shell around `importing.import_pipeline`, run off the loop.

Authorization action `write`: it writes a file (and runs nothing).
"""

from __future__ import annotations

import tornado.web
from jupyter_server.auth.decorator import authorized

from . import importing
from .bodies import ImportBody, parse_body
from .handlers import BaseHandler
from .runs_handlers import WorkspaceHandler


class ImportHandler(WorkspaceHandler):
    @tornado.web.authenticated
    @authorized("write")
    async def post(self) -> None:
        body = parse_body(ImportBody, self.json_body())
        self.reply(201, await self.call(importing.import_pipeline, body))


IMPORT_ROUTES: list[tuple[str, type[BaseHandler]]] = [("/import", ImportHandler)]
