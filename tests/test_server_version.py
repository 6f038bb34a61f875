"""The server extension answers its version endpoint, only to authenticated callers."""

from __future__ import annotations

import json

import pytest
import tornado.httpclient

from runnable_jupyter import __version__


async def test_version_endpoint_returns_the_python_package_version(jp_fetch):
    response = await jp_fetch("runnable-jupyter", "api", "version")
    assert response.code == 200
    assert json.loads(response.body) == {"version": __version__}


async def test_version_endpoint_refuses_a_request_without_a_token(jp_fetch):
    with pytest.raises(tornado.httpclient.HTTPClientError) as refused:
        await jp_fetch("runnable-jupyter", "api", "version", headers={"Authorization": ""})
    assert refused.value.code == 403
