"""The server extension application: configuration traitlets and route registration."""

from __future__ import annotations

from jupyter_server.extension.application import ExtensionApp

from .handlers import VersionHandler

API_PREFIX = "runnable-jupyter/api"


class RunnableJupyterApp(ExtensionApp):
    name = "runnable_jupyter"
    # No page of its own: the lab extension is the user interface.
    load_other_extensions = True

    def initialize_handlers(self) -> None:
        self.handlers.extend([(rf"/{API_PREFIX}/version", VersionHandler)])
