"""Shared pytest fixtures. The Jupyter server fixtures come from pytest-jupyter."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from helpers import PoolLender

from runnable_jupyter.startup import skip_iri_format_checker

if TYPE_CHECKING:
    from runnable_jupyter.executors.local import LocalProcessExecutor

# Before the plugin below imports Jupyter Server (so nbformat and jsonschema): every pytest
# process (the xdist controller and each worker) saves the ~1.5 s CPU of `rfc3987_syntax`'s
# grammar, a quarter of a worker's start-up. The only loss is jsonschema's `iri` format check,
# which neither the engine's documents nor the server's events use.
skip_iri_format_checker()

pytest_plugins = ["pytest_jupyter.jupyter_server"]


@pytest.fixture
def jp_server_config(jp_server_config):  # type: ignore[no-untyped-def]
    """Every server test runs with the runnable_jupyter server extension enabled."""
    return {"ServerApp": {"jpserver_extensions": {"runnable_jupyter": True}}}


@pytest.fixture(scope="module")
def executor() -> Iterator[LocalProcessExecutor]:
    """One pool of two workers per test module: its tests share the warm worker processes."""
    from runnable_jupyter.executors.local import LocalProcessExecutor

    pool = LocalProcessExecutor(max_workers=2)
    yield pool
    pool.shutdown()


@pytest.fixture(scope="module")
def lender(executor: LocalProcessExecutor) -> PoolLender:
    """The module's pool, for the RunManagers its tests do not make (see `borrowed_pool`)."""
    return PoolLender(executor)


@pytest.fixture
def borrowed_pool(lender: PoolLender, monkeypatch: pytest.MonkeyPatch) -> PoolLender:
    """During the test, a RunManager made without an executor runs its steps in the module's
    pool (`executor`) instead of starting workers of its own."""
    lender.lend_to_new_managers(monkeypatch)
    return lender


@pytest.fixture
def events() -> list[Any]:
    """Collects the `RunEvent`s a test's RunManager reports (pass `events.append`)."""
    return []
