"""HTTP handlers. Every verb is authenticated and authorized through jupyter_server."""

from __future__ import annotations

import tornado.web
from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler

from .. import __version__

AUTH_RESOURCE = "runnable"


class BaseHandler(APIHandler):
    """Base of every runnable-jupyter handler (authorization resource `runnable`)."""

    auth_resource = AUTH_RESOURCE


class VersionHandler(BaseHandler):
    @tornado.web.authenticated
    @authorized
    def get(self) -> None:
        self.finish({"version": __version__})
