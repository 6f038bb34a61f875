"""runnable-jupyter: notebooks of a JupyterLab workspace as a pipeline.

Kept import-light on purpose: notebooks do `from runnable_jupyter import catalog`, which must not
pull in Jupyter Server, papermill or pydantic. The server extension is imported only when
Jupyter Server asks for it.
"""

from __future__ import annotations

from typing import Any

try:
    from ._version import __version__
except ImportError:  # a source checkout that was never built: fall back to the metadata
    from importlib.metadata import PackageNotFoundError, version

    try:
        __version__ = version("runnable-jupyter")
    except PackageNotFoundError:
        __version__ = "0.0.0+unknown"

__all__ = ["__version__"]


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "labextension", "dest": "runnable-jupyter"}]


def _jupyter_server_extension_points() -> list[dict[str, Any]]:
    from .server.app import RunnableJupyterApp

    return [{"module": "runnable_jupyter", "app": RunnableJupyterApp}]
