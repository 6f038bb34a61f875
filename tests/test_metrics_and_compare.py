"""Metrics logged by notebooks land in the run log; comparing runs shows what differs
(parameters, metrics, steps, catalog content) from the engine, the CLI and REST."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import write_notebook
from server_support import call, wait_for_run

from runnable_jupyter import metrics
from runnable_jupyter.cli import main
from runnable_jupyter.errors import BadRequest
from runnable_jupyter.executors.local import LocalProcessExecutor
from runnable_jupyter.runlog.models import RunLog, RunStatus, StepStatus
from runnable_jupyter.runs.comparison import compare_runs
from runnable_jupyter.runs.manager import RunManager

pytestmark = pytest.mark.timeout(240)

TRAIN = """\
from runnable_jupyter import catalog, metrics
for epoch in range(3):
    metrics.log("loss", 1.0 / (epoch + 1) + alpha, step=epoch)
metrics.log("accuracy", 0.5 + alpha / 10)
catalog.put("model", {"alpha": alpha})
catalog.put("fixed", "same in every run")
"""


def write_sweep(root: Path) -> str:
    write_notebook(root / "train.ipynb", TRAIN, parameters="alpha = 0.0")
    steps = [{"id": "train", "notebook": "train.ipynb"}]
    (root / "sweep.pipeline.json").write_text(json.dumps({"version": 1, "steps": steps}))
    return "sweep.pipeline.json"


def test_outside_a_run_log_records_nothing_and_says_so_once(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(metrics.ENV_METRICS_LOG, raising=False)
    monkeypatch.setattr(metrics, "_warned", False)
    metrics.log("accuracy", 0.9)
    metrics.log("accuracy", 0.91)
    assert capsys.readouterr().err.count("not in a pipeline run") == 1


@pytest.mark.parametrize(
    ("name", "value", "step", "error"),
    [
        ("", 1.0, None, ValueError),
        ("acc", "high", None, TypeError),
        ("acc", True, None, TypeError),
        ("acc", float("nan"), None, ValueError),
        ("acc", 1.0, 1.5, TypeError),
    ],
)
def test_bad_metrics_are_refused_with_a_clear_error(
    name: str, value: object, step: object, error: type[Exception]
) -> None:
    with pytest.raises(error):
        metrics.log(name, value, step=step)  # type: ignore[arg-type]


@pytest.fixture
def manager(tmp_path: Path, executor: LocalProcessExecutor) -> Iterator[RunManager]:
    runs = RunManager(root=tmp_path, executor=executor)
    yield runs
    runs.shutdown()


def run(manager: RunManager, pipeline: str, alpha: float) -> RunLog:
    log = manager.wait(manager.start(pipeline, parameters={"alpha": alpha}).run_id, timeout=180)
    assert log.status == RunStatus.succeeded, log.steps["train"].last_attempt.error
    return log


def test_metrics_are_recorded_and_compare_shows_what_differs(
    manager: RunManager, tmp_path: Path
) -> None:
    pipeline = write_sweep(tmp_path)
    low, high = run(manager, pipeline, 0.1), run(manager, pipeline, 1.0)
    recorded = low.steps["train"].last_attempt.metrics
    assert [(m.name, m.step) for m in recorded] == [
        ("loss", 0),
        ("loss", 1),
        ("loss", 2),
        ("accuracy", None),
    ]
    assert recorded[-1].value == pytest.approx(0.51)

    comparison = compare_runs([low, high])
    assert comparison["parameters"] == {"alpha": {low.run_id: 0.1, high.run_id: 1.0}}
    assert comparison["metrics"]["train.accuracy"][high.run_id] == {"value": 0.6, "points": 1}
    assert comparison["metrics"]["train.loss"][low.run_id]["points"] == 3
    assert set(comparison["catalog"]) == {"model"}  # "fixed" was written with equal content
    assert comparison["steps"]["train"][low.run_id]["status"] == "succeeded"
    with pytest.raises(BadRequest, match="compare 2 to"):
        compare_runs([low])


def test_a_step_reused_from_an_earlier_run_shows_that_runs_metrics_in_a_comparison(
    manager: RunManager, tmp_path: Path
) -> None:
    pipeline = write_sweep(tmp_path)
    first = run(manager, pipeline, 0.1)
    started = manager.start(pipeline, parameters={"alpha": 0.1}, skip_unchanged=True)
    reused = manager.wait(started.run_id, timeout=180)
    assert reused.steps["train"].status == StepStatus.cached

    shown = compare_runs([first, reused])["metrics"]
    for run_id in (first.run_id, reused.run_id):
        assert shown["train.accuracy"][run_id]["value"] == pytest.approx(0.51)
        assert shown["train.loss"][run_id]["points"] == 3


def test_the_cli_compares_runs_as_a_table_and_as_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    pipeline = write_sweep(tmp_path)
    ids = []
    for alpha in ("0.2", "0.4"):
        assert main(["run", pipeline, "-p", f"alpha={alpha}"]) == 0
        ids.append(capsys.readouterr().out.splitlines()[0])
    assert main(["compare", pipeline, *ids]) == 0
    table = capsys.readouterr().out
    assert "parameters that differ" in table and "train.accuracy" in table
    assert main(["compare", pipeline, *ids, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["parameters"]["alpha"] == {
        ids[0]: 0.2,
        ids[1]: 0.4,
    }
    assert main(["compare", pipeline, ids[0], "20000101T000000-abcdef"]) == 2
    assert "no run 20000101T000000-abcdef" in capsys.readouterr().err


async def test_rest_compare_answers_the_comparison_and_refuses_bad_requests(jp_fetch, jp_root_dir):
    pipeline = write_sweep(jp_root_dir)
    ids = []
    for alpha in (0.3, 0.6):
        code, body = await call(
            jp_fetch, "POST", "runs", body={"pipeline": pipeline, "parameters": {"alpha": alpha}}
        )
        assert code == 202, body
        ids.append((await wait_for_run(jp_fetch, body["run_id"]))["run_id"])
    # a repeated query argument: tornado's url_concat takes (name, value) pairs
    both = [("pipeline", pipeline), ("run", ids[0]), ("run", ids[1])]
    code, body = await call(jp_fetch, "GET", "compare", params=both)  # type: ignore[arg-type]
    assert code == 200, body
    assert body["parameters"]["alpha"] == {ids[0]: 0.3, ids[1]: 0.6}
    code, body = await call(
        jp_fetch, "GET", "compare", params={"pipeline": pipeline, "run": ids[0]}
    )
    assert code == 400 and "compare 2 to 50 runs" in body["error"]["message"]


def test_a_retried_runs_duration_in_a_comparison_is_its_attempts_not_the_wait() -> None:
    from datetime import UTC, datetime, timedelta

    from runnable_jupyter.runlog.models import RunAttempt, RunLog, RunStatus
    from runnable_jupyter.runs.comparison import compare_runs

    t0 = datetime(2026, 12, 3, 12, tzinfo=UTC)

    def at(seconds: float) -> datetime:
        return t0 + timedelta(seconds=seconds)

    def run(run_id: str, passes: list[tuple[float, float]]) -> RunLog:
        return RunLog(
            run_id=run_id,
            pipeline="p.pipeline.json",
            pipeline_sha256="0" * 64,
            status=RunStatus.succeeded,
            start=at(passes[0][0]),
            end=at(passes[-1][1]),
            attempts=[
                RunAttempt(number=i + 1, start=at(s), end=at(e)) for i, (s, e) in enumerate(passes)
            ],
        )

    once = run("20261203T120000-aaaaaa", [(0, 4)])
    retried = run("20261203T120000-bbbbbb", [(0, 3), (3600, 3602)])
    durations = [r["duration_s"] for r in compare_runs([once, retried])["runs"]]
    assert durations == [4, 5]
