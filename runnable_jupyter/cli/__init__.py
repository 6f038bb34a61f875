"""The `runnable-jupyter` command line: a thin layer over the engine."""

from .commands import main

__all__ = ["main"]
