"""runnable-jupyter: notebooks of a JupyterLab workspace as a pipeline.

Kept import-light on purpose: notebooks do `from runnable_jupyter import catalog`, which must not
pull in Jupyter Server, papermill or pydantic. The server extension is imported only when
Jupyter Server asks for it.
"""

from __future__ import annotations

import importlib
from typing import Any

try:
    from ._version import __version__
except ImportError:  # a source checkout that was never built: fall back to the metadata
    from importlib.metadata import PackageNotFoundError, version

    try:
        __version__ = version("runnable-jupyter")
    except PackageNotFoundError:
        __version__ = "0.0.0+unknown"

__all__ = ["__version__", "run_pipeline"]


def __getattr__(name: str) -> Any:
    """`run_pipeline` is loaded on first use: importing the package must stay cheap."""
    if name == "run_pipeline":
        # By name: the package's facade must not make every module (the server's too) depend
        # on the scripting layer that sits beside them.
        return importlib.import_module(".scripting", __name__).run_pipeline
    raise AttributeError(f"module 'runnable_jupyter' has no attribute {name!r}")


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "labextension", "dest": "runnable-jupyter"}]


def _jupyter_server_extension_points() -> list[dict[str, Any]]:
    from .server.app import RunnableJupyterApp

    return [{"module": "runnable_jupyter", "app": RunnableJupyterApp}]
