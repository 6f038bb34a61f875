"""Shared pytest fixtures. The Jupyter server fixtures come from pytest-jupyter."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from runnable_jupyter.startup import skip_iri_format_checker

if TYPE_CHECKING:
    from helpers import PoolLender

    from runnable_jupyter.executors.local import LocalProcessExecutor

# Before anything imports jsonschema (helpers imports nbformat, the plugin below Jupyter Server,
# so `helpers` is imported in the fixtures, not here): every pytest process (the xdist
# controller and each worker) saves the ~1.5 s CPU of `rfc3987_syntax`'s grammar, a quarter of a
# worker's start-up. The only loss is jsonschema's `iri` format check, which neither the
# engine's documents nor the server's events use.
skip_iri_format_checker()

pytest_plugins = ["pytest_jupyter.jupyter_server"]


# --- spreading the modules over the xdist workers ----------------------------------------------
#
# addopts: `-n 3 --dist loadfile --no-loadscope-reorder`. Each module runs on one worker (its
# module-scoped pools, kernels and example run are made once), and the workers take the modules in
# the order below, the slowest first, so that none of them starts last and keeps the others
# waiting; the quick ones (not listed) fill the end. (xdist would order them by number of tests:
# test_packaging's two tests would come last.) Three workers on two cores: the modules waiting on
# kernels, sleeps and timeouts leave CPU another worker uses; a fourth worker costs its start-up
# and collection (~7 s of CPU) and gained nothing measurable. Seconds per module on one worker of
# a full run (junit report, setup included, summed per module; 2026-12-07 16:54, warm, idle but
# for the suite itself: 364 s wall; in the order before these figures the three workers ended
# within 5 s of each other); only their order matters.
SLOW_MODULES = {
    "test_packaging.py": 111,
    "test_example_readme.py": 85,
    "test_exec_step.py": 83,
    "test_dask_executor.py": 78,
    "test_example.py": 58,
    "test_local_executor.py": 51,
    "test_export_argo.py": 44,
    "test_cli.py": 42,
    "test_faults.py": 41,
    "test_malformed_inputs.py": 36,
    "test_dask_local_cluster.py": 34,
    "test_reruns_and_mocks.py": 30,
    "test_caching.py": 21,
    "test_kernel_isolation.py": 21,
    "test_step_execution.py": 21,
    "test_runner.py": 20,
    "test_metrics_and_compare.py": 19,
    "test_output_limit.py": 16,
    "test_export_script.py": 16,
    "test_import_runs.py": 15,
    "test_conformance.py": 13,
    "test_server_runs.py": 13,
    "test_run_index_watch.py": 12,
    "test_jobs_api.py": 11,
    "test_isolated_runs.py": 11,
    "test_job_cli.py": 10,
    "test_server_api.py": 10,
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not hasattr(config, "workerinput"):
        return  # not an xdist worker: the usual order (each worker must collect the same one)
    # A stable sort: each module's tests stay together and in their order.
    items.sort(key=lambda item: -SLOW_MODULES.get(item.path.name, 0))


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
    from helpers import PoolLender

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
