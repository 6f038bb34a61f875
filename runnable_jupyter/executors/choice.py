"""Which executor runs the steps: "local" (the default), "dask", or an `Executor` class named by
an import string (`package.module:Class` or `package.module.Class`).

Only the chosen one is imported: `dask`/`distributed` load when "dask" is chosen, never
otherwise.
"""

from __future__ import annotations

import importlib
import importlib.util
import re

from .interface import Executor

BUILT_IN = ("local", "dask")
EXECUTOR_METHODS = ("submit", "cancel", "reserve", "shutdown")
_IMPORT_STRING = re.compile(r"^[A-Za-z_][\w.]*[:.][A-Za-z_]\w*$")
_SCHEDULER_ADDRESS = re.compile(r"^(?:[a-z]+://)?(?:\[[0-9A-Fa-f:.]+\]|[\w.\-]+):\d{1,5}$")


class ExecutorChoiceError(ValueError):
    """The executor named in the configuration or on the command line cannot be used."""


def check_scheduler_address(address: str) -> str:
    """`address` when it looks like a Dask scheduler address (tcp://HOST:PORT), else an error."""
    if not _SCHEDULER_ADDRESS.match(address):
        raise ExecutorChoiceError(
            f"'{address}' is not a Dask scheduler address: write tcp://HOST:PORT, e.g. "
            "tcp://10.0.0.5:8786 (what `dask scheduler` prints)"
        )
    return address


def check_executor_name(name: str) -> str:
    """`name` when it names an executor that can be made here, else an error saying why."""
    if name == "local":
        return name
    if name == "dask":
        if importlib.util.find_spec("distributed") is None:
            raise ExecutorChoiceError(
                "the Dask executor needs dask.distributed: pip install 'runnable-jupyter[dask]'"
            )
        return name
    executor_class(name)
    return name


def executor_class(spec: str) -> type:
    """The class an import string names, checked to have the `Executor` methods."""
    if not _IMPORT_STRING.match(spec):
        raise ExecutorChoiceError(
            f"executor '{spec}' is neither 'local', 'dask' nor an import string of an Executor "
            "class (package.module:Class)"
        )
    module_name, _, class_name = spec.replace(":", ".").rpartition(".")
    try:
        found = getattr(importlib.import_module(module_name), class_name)
    except (ImportError, AttributeError) as error:
        raise ExecutorChoiceError(f"executor '{spec}' cannot be imported: {error}") from None
    missing = [m for m in EXECUTOR_METHODS if not callable(getattr(found, m, None))]
    if not isinstance(found, type) or missing:
        raise ExecutorChoiceError(
            f"executor '{spec}' is not an Executor class (it needs the methods "
            f"{', '.join(EXECUTOR_METHODS)}; missing: {', '.join(missing) or 'not a class'})"
        )
    return found


def make_executor(
    name: str, *, max_workers: int, scheduler_address: str | None = None
) -> Executor | None:
    """The executor `name` asks for; None for "local" (a `RunManager` then makes and owns its
    pool of worker processes). "dask" connects to `scheduler_address`, or starts a
    `LocalCluster` of `max_workers` workers; a class is called with `max_workers=`."""
    check_executor_name(name)
    if name == "local":
        return None
    if name == "dask":
        from .dask_executor import DaskExecutor

        address = check_scheduler_address(scheduler_address) if scheduler_address else None
        return DaskExecutor(address, n_workers=max_workers)
    made: Executor = executor_class(name)(max_workers=max_workers)
    return made
