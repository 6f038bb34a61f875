"""Server configuration for the UI tests (galata's test configuration, plus root and loopback)."""

import os

from jupyterlab.galata import configure_jupyter_server

configure_jupyter_server(c)  # noqa: F821 (c is given by the config loader)

c.ServerApp.ip = "127.0.0.1"  # noqa: F821
c.ServerApp.port = int(os.environ.get("UI_TEST_PORT", "8888"))  # noqa: F821
if os.geteuid() == 0:
    c.ServerApp.allow_root = True  # noqa: F821
