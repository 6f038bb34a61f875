"""Configuration traitlets of the extension reach the server's RunManager; bad values are
refused with a message naming the option.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from server_support import call, record_run, write_pipeline
from traitlets import TraitError

from runnable_jupyter.runlog.models import StepStatus
from runnable_jupyter.server.app import RunnableJupyterApp, configured_folder


@pytest.fixture
def jp_server_config(jp_server_config):  # type: ignore[no-untyped-def]
    return {
        "ServerApp": {"jpserver_extensions": {"runnable_jupyter": True}},
        "RunnableJupyterApp": {
            "max_parallel": 3,
            "skip_tags": ["no-run"],
            "runs_root": "all/runs",
            "catalog_root": "all/catalogs",
            "default_timeout_s": 30.5,
            "output_limit_mb": 7.5,
        },
    }


def test_configuration_reaches_the_run_manager(jp_serverapp, jp_root_dir):
    manager = jp_serverapp.web_app.settings["runnable_jupyter"].run_manager
    root = Path(jp_root_dir).resolve()
    assert manager.root == root
    assert (manager.max_parallel, manager.skip_tags, manager.default_timeout_s) == (
        3,
        ["no-run"],
        30.5,
    )
    assert manager.default_output_limit_mb == 7.5
    assert (manager.runs_root, manager.catalog_root) == (root / "all/runs", root / "all/catalogs")


async def test_runs_are_found_in_the_configured_runs_folder(jp_fetch, jp_root_dir):
    pipeline = write_pipeline(jp_root_dir, {"a": {}}, folder="sub")
    # record_run writes next to the pipeline; move it where this server keeps runs
    log = record_run(jp_root_dir, pipeline, StepStatus.succeeded)
    target = jp_root_dir / "all" / "runs" / "sub__p.pipeline.json"
    target.parent.mkdir(parents=True)
    (jp_root_dir / "sub" / "p.runs").rename(target)
    code, body = await call(jp_fetch, "GET", "runs", params={"pipeline": pipeline})
    assert code == 200
    assert [run["run_id"] for run in body["runs"]] == [log.run_id]


@pytest.mark.parametrize("value", ["../elsewhere", "/etc", "{root}/../x"])
def test_a_configured_folder_outside_the_root_is_refused(tmp_path, value):
    with pytest.raises(TraitError, match="runs_root .* is outside the server root"):
        configured_folder(tmp_path, "runs_root", value.format(root=tmp_path))


def test_a_configured_folder_inside_the_root_may_be_absolute_or_relative(tmp_path):
    root = tmp_path.resolve()
    assert configured_folder(root, "runs_root", "runs") == root / "runs"
    assert configured_folder(root, "runs_root", str(root / "runs")) == root / "runs"
    assert configured_folder(root, "runs_root", None) is None


@pytest.mark.parametrize(
    ("trait", "value", "message"),
    [
        ("max_parallel", 0, "at least 1"),
        ("default_timeout_s", 0.0, "more than 0"),
        ("default_timeout_s", 2_147_468.0, "at most 604800 seconds"),
        ("default_timeout_s", float("inf"), "at most 604800 seconds"),
        ("skip_tags", ["ok", " "], "empty tags"),
        ("retention_keep_last", 0, "more than 0"),
        ("output_limit_mb", 0.0, "more than 0"),
        ("output_limit_mb", float("inf"), "at most 102400"),
        ("retention_keep_days", -1.0, "more than 0"),
    ],
)
def test_invalid_settings_are_refused(trait, value, message):
    with pytest.raises(TraitError, match=message):
        RunnableJupyterApp(**{trait: value})
