"""Server configuration for the UI tests (galata's test configuration, plus root and loopback)."""

import os

from jupyterlab.galata import configure_jupyter_server

configure_jupyter_server(c)  # noqa: F821 (c is given by the config loader)

c.ServerApp.ip = "127.0.0.1"  # noqa: F821
c.ServerApp.port = int(os.environ.get("UI_TEST_PORT", "8888"))  # noqa: F821
if os.geteuid() == 0:
    c.ServerApp.allow_root = True  # noqa: F821
# No build check on each page load (GET /lab/api/build, ~0.45 s of server CPU per test): the
# extension is installed in develop mode, no test asks for a build, and CPU is shared.
c.ServerApp.tornado_settings = {  # noqa: F821
    "page_config_data": {"buildCheck": False, "buildAvailable": False}
}
