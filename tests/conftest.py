"""Shared pytest fixtures. The Jupyter server fixtures come from pytest-jupyter."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytest_jupyter.jupyter_server"]


@pytest.fixture
def jp_server_config(jp_server_config):  # type: ignore[no-untyped-def]
    """Every server test runs with the runnable_jupyter server extension enabled."""
    return {"ServerApp": {"jpserver_extensions": {"runnable_jupyter": True}}}
