"""Per-step environment variables: pipeline and step `env` reach the kernel (the step's win),
secrets (`{"from_env": NAME}`) come from this process's environment, are masked in the executed
notebook, the step log, errors and run logs, and a missing one refuses the run up front."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import statuses, write_notebook

from runnable_jupyter.catalog.store import CatalogStore
from runnable_jupyter.errors import BadRequest
from runnable_jupyter.executors.local import LocalProcessExecutor
from runnable_jupyter.executors.secret_masking import MASK, SecretMask
from runnable_jupyter.pipeline.model import Pipeline
from runnable_jupyter.runlog.models import ErrorInfo, RunStatus
from runnable_jupyter.runs.manager import RunManager
from runnable_jupyter.runs.step_env import declared_env, env_record, missing_secrets
from runnable_jupyter.server.views import run_log_json

pytestmark = pytest.mark.timeout(240)

SECRET = "s3cr3t-value-42"
USE_ENV = """\
import os
from runnable_jupyter import catalog
catalog.put("seen", {k: os.environ.get(k) for k in ("REGION", "LEVEL")})
catalog.put("token_length", len(os.environ["TOKEN"]))
print("token is", os.environ["TOKEN"])
"""


def pipeline_document(**step_env: object) -> dict[str, object]:
    return {
        "version": 1,
        "env": {"REGION": "eu", "LEVEL": "pipeline"},
        "steps": [
            {
                "id": "a",
                "notebook": "a.ipynb",
                "env": {"LEVEL": "step", "TOKEN": {"from_env": "MY_SECRET"}, **step_env},
            }
        ],
    }


def test_the_steps_env_wins_and_secrets_are_recorded_by_their_source() -> None:
    model = Pipeline.model_validate(pipeline_document())
    declared = declared_env(model, "a")
    assert env_record(declared) == {
        "REGION": "eu",
        "LEVEL": "step",
        "TOKEN": {"from_env": "MY_SECRET"},
    }
    assert missing_secrets(model, ["a"], environ={}) == [
        "step 'a' takes TOKEN from the environment variable MY_SECRET, which is not set where "
        "the steps run"
    ]
    assert missing_secrets(model, ["a"], environ={"MY_SECRET": "x"}) == []


def test_a_mask_hides_every_secret_in_nested_output() -> None:
    mask = SecretMask(["abc", "abcdef", ""])
    message = {"content": {"data": {"text/plain": ["x abcdef y", "abc"]}, "n": 3}}
    assert mask.message(message)["content"] == {
        "data": {"text/plain": [f"x {MASK} y", MASK]},
        "n": 3,
    }
    assert SecretMask([]).message(message) is message


def test_an_error_keeps_its_colours_unless_they_split_a_secret() -> None:
    mask = SecretMask([SECRET])
    coloured = f"\x1b[31mValueError\x1b[39m: {SECRET}"
    error = mask.error(
        ErrorInfo(name="E", message=SECRET, traceback=coloured, cell_source=f"t = '{SECRET}'")
    )
    assert error.traceback == f"\x1b[31mValueError\x1b[39m: {MASK}"
    assert error.message == MASK and error.cell_source == f"t = '{MASK}'"
    # Highlighting put an escape inside the secret: no colours then, but no secret either.
    split = f"x = \x1b[33m{SECRET[:4]}\x1b[0m{SECRET[4:]}\n{coloured}"
    error = mask.error(ErrorInfo(name="E", message="m", traceback=split))
    assert error.traceback == f"x = {MASK}\nValueError: {MASK}"


@pytest.fixture
def manager(tmp_path: Path, executor: LocalProcessExecutor) -> Iterator[RunManager]:
    runs = RunManager(root=tmp_path, executor=executor)
    yield runs
    runs.shutdown()


def test_env_reaches_the_kernel_and_secrets_are_masked_everywhere(
    manager: RunManager, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MY_SECRET", SECRET)
    write_notebook(tmp_path / "a.ipynb", USE_ENV)
    (tmp_path / "p.pipeline.json").write_text(json.dumps(pipeline_document()))
    log = manager.wait(manager.start("p.pipeline.json").run_id, timeout=180)
    assert log.status == RunStatus.succeeded, log.steps["a"].last_attempt.error
    catalog = CatalogStore(tmp_path / "p.catalog")
    assert catalog.get("seen") == {"REGION": "eu", "LEVEL": "step"}
    assert catalog.get("token_length") == len(SECRET)  # the kernel had the real value
    attempt = log.steps["a"].last_attempt
    executed = Path(attempt.output_notebook).read_text(encoding="utf-8")
    step_log = Path(attempt.log_file).read_text(encoding="utf-8")
    assert f"token is {MASK}" in executed and f"token is {MASK}" in step_log
    for text in (executed, step_log, (Path(log.run_dir) / "run.json").read_text()):
        assert SECRET not in text
    assert SECRET not in json.dumps(run_log_json(log, tmp_path))  # what REST answers
    assert log.steps["a"].env["TOKEN"] == {"from_env": "MY_SECRET"}


def test_a_secret_in_an_error_message_is_masked(
    manager: RunManager, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MY_SECRET", SECRET)
    write_notebook(tmp_path / "a.ipynb", "import os\nraise ValueError(os.environ['TOKEN'])")
    (tmp_path / "p.pipeline.json").write_text(json.dumps(pipeline_document()))
    log = manager.wait(manager.start("p.pipeline.json").run_id, timeout=180)
    error = log.steps["a"].last_attempt.error
    assert statuses(log) == {"a": "failed"} and error is not None
    assert error.message == MASK and SECRET not in error.plain_traceback


def test_a_missing_secret_refuses_the_run_before_anything_is_written(
    manager: RunManager, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MY_SECRET", raising=False)
    write_notebook(tmp_path / "a.ipynb", USE_ENV)
    (tmp_path / "p.pipeline.json").write_text(json.dumps(pipeline_document()))
    with pytest.raises(BadRequest, match="MY_SECRET, which is not set where the steps run"):
        manager.start("p.pipeline.json")
    assert not (tmp_path / "p.runs").exists()


def test_a_changed_env_runs_the_step_again_with_skip_unchanged(
    manager: RunManager, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MY_SECRET", SECRET)
    write_notebook(tmp_path / "a.ipynb", USE_ENV)
    pipeline = tmp_path / "p.pipeline.json"
    pipeline.write_text(json.dumps(pipeline_document()))
    manager.wait(manager.start("p.pipeline.json").run_id, timeout=180)
    same = manager.wait(manager.start("p.pipeline.json", skip_unchanged=True).run_id, timeout=180)
    assert statuses(same) == {"a": "cached"}
    pipeline.write_text(json.dumps(pipeline_document(REGION="us")))
    changed = manager.wait(
        manager.start("p.pipeline.json", skip_unchanged=True).run_id, timeout=180
    )
    assert statuses(changed) == {"a": "succeeded"}
    assert CatalogStore(tmp_path / "p.catalog").get("seen")["REGION"] == "us"
