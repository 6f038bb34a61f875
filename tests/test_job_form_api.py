"""What the New Job form asks the server: the parameters the pipeline's notebooks declare
(`GET parameters`, typed from papermill's inspection) and the next due times of a schedule
(`GET schedule`, the scheduler's own computation), with bad input refused naming the field."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from helpers import write_notebook
from server_support import call

from runnable_jupyter.jobs.model import Schedule
from runnable_jupyter.jobs.schedule import next_due, upcoming
from runnable_jupyter.pipeline.validation import load_pipeline
from runnable_jupyter.runs.declared_parameters import declared_parameters

pytestmark = pytest.mark.timeout(60)


def write_sweep_pipeline(root: Path) -> str:
    write_notebook(
        root / "train.ipynb",
        "print(alpha, depth)",
        parameters='alpha = 0.1\ndepth: int = 3  # tree depth\nlabel = "x"\n'
        "flags = [1, 2]\nwhen = f()",
    )
    write_notebook(root / "report.ipynb", "print(alpha)", parameters="alpha = 0.5\nverbose = True")
    write_notebook(root / "plain.ipynb", "print(1)")
    document = {
        "version": 1,
        "parameters": {"seed": 7},
        "steps": [
            {"id": "train", "notebook": "train.ipynb", "parameters": {"label": "y"}},
            {"id": "report", "notebook": "report.ipynb", "depends_on": ["train"]},
            {"id": "plain", "notebook": "plain.ipynb"},
        ],
    }
    (root / "p.pipeline.json").write_text(json.dumps(document), encoding="utf-8")
    return "p.pipeline.json"


def by_name(answer: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {entry["name"]: entry for entry in answer["parameters"]}


def test_declared_parameters_are_typed_with_their_defaults_and_steps(tmp_path: Path) -> None:
    pipeline = write_sweep_pipeline(tmp_path)
    path = tmp_path / pipeline
    answer = declared_parameters(tmp_path, path, load_pipeline(path, tmp_path))
    found = by_name(answer)
    assert list(found) == ["alpha", "depth", "label", "flags", "when", "verbose", "seed"]
    assert found["alpha"] | {"help": ""} == {
        "name": "alpha",
        "type": "float",
        "default": 0.1,
        "default_text": "0.1",
        "help": "",
        "steps": ["train", "report"],
    }
    assert (found["depth"]["type"], found["depth"]["default"]) == ("int", 3)
    assert found["depth"]["help"] == "tree depth"
    assert (found["label"]["type"], found["label"]["default"]) == ("str", "y")  # the step's
    assert (found["flags"]["type"], found["flags"]["default"]) == ("list", [1, 2])
    assert (found["when"]["type"], found["when"]["default"]) == ("any", None)  # an expression
    assert found["when"]["default_text"] == "f()"
    assert (found["verbose"]["type"], found["verbose"]["steps"]) == ("bool", ["report"])
    assert found["seed"] | {"default_text": ""} == {
        "name": "seed",
        "type": "int",
        "default": 7,
        "default_text": "",
        "help": "",
        "steps": [],
    }
    assert answer["problems"] == []


def test_a_notebook_papermill_cannot_read_is_a_problem_of_its_step(tmp_path: Path) -> None:
    pipeline = write_sweep_pipeline(tmp_path)
    path = tmp_path / pipeline
    # Validation reads notebooks as JSON too: build the model before breaking the file.
    model = load_pipeline(path, tmp_path)
    (tmp_path / "plain.ipynb").write_text("{not json", encoding="utf-8")
    answer = declared_parameters(tmp_path, path, model)
    assert [problem["step"] for problem in answer["problems"]] == ["plain"]
    assert "plain.ipynb" in answer["problems"][0]["message"]
    assert "alpha" in by_name(answer)


async def test_get_parameters_answers_the_declared_parameters(
    jp_fetch: Any, jp_root_dir: Path
) -> None:
    pipeline = write_sweep_pipeline(jp_root_dir)
    code, answer = await call(jp_fetch, "GET", "parameters", params={"pipeline": pipeline})
    assert code == 200, answer
    assert answer["pipeline"] == pipeline
    assert by_name(answer)["depth"]["type"] == "int"
    assert by_name(answer)["alpha"]["steps"] == ["train", "report"]


@pytest.mark.parametrize(
    ("params", "status", "error"),
    [
        ({}, 400, "bad_request"),
        ({"pipeline": "missing.pipeline.json"}, 404, "pipeline_not_found"),
        ({"pipeline": "../p.pipeline.json"}, 403, "path_outside_root"),
    ],
)
async def test_get_parameters_refuses_what_names_no_pipeline(
    jp_fetch: Any, jp_root_dir: Path, params: dict[str, str], status: int, error: str
) -> None:
    write_sweep_pipeline(jp_root_dir)
    code, answer = await call(jp_fetch, "GET", "parameters", params=params)
    assert (code, answer["error"]["code"]) == (status, error), answer


def test_upcoming_lists_what_the_scheduler_fires_in_the_zone() -> None:
    schedule = Schedule(cron="0 2 * * *", timezone="Europe/Paris")
    now = datetime(2026, 3, 28, 12, 0, tzinfo=timezone.utc)  # the eve of the summer time change
    times = upcoming(schedule, now, 3)
    assert [moment.isoformat() for moment in times] == [
        "2026-03-29T03:00:00+02:00",  # 02:00 does not exist that night: croniter's next hour
        "2026-03-30T02:00:00+02:00",
        "2026-03-31T02:00:00+02:00",
    ]
    assert times[0] == next_due(schedule, now)
    assert times[1] == next_due(schedule, times[0])


async def test_get_schedule_previews_the_next_due_times(jp_fetch: Any) -> None:
    params = {"cron": "30 6 * * 1-5", "timezone": "America/New_York", "count": "2"}
    code, answer = await call(jp_fetch, "GET", "schedule", params=params)
    assert code == 200, answer
    assert (answer["cron"], answer["timezone"]) == ("30 6 * * 1-5", "America/New_York")
    assert len(answer["next"]) == 2
    for text in answer["next"]:
        moment = datetime.fromisoformat(text)
        assert (moment.hour, moment.minute) == (6, 30) and moment.weekday() < 5
    code, default = await call(jp_fetch, "GET", "schedule", params={"cron": "@daily"})
    assert code == 200 and default["timezone"] == "UTC" and len(default["next"]) == 3
    assert all(text.endswith("T00:00:00+00:00") for text in default["next"])


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({}, "cron", "say which schedule"),
        ({"cron": "61 * * * *"}, "cron", "is not a cron expression"),
        ({"cron": "0 2 * * *", "timezone": "Mars/Olympus"}, "timezone", "not a known time zone"),
        ({"cron": "0 2 * * *", "count": "21"}, "count", "from 1 to 20"),
        ({"cron": "0 2 * * *", "count": "1" * 5000}, "count", "from 1 to 20"),
    ],
)
async def test_get_schedule_refuses_bad_input_naming_the_field(
    jp_fetch: Any, params: dict[str, str], field: str, words: str
) -> None:
    code, answer = await call(jp_fetch, "GET", "schedule", params=params)
    assert (code, answer["error"]["code"]) == (400, "bad_request"), answer
    assert answer["error"]["details"] == {"field": field}
    assert words in answer["error"]["message"]
