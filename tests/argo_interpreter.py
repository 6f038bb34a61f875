"""A small local interpreter of Argo `Workflow` documents with a DAG entrypoint of container
templates: what the exported workflows need, run on this machine instead of a cluster.

Tasks run in dependency order, the independent ones at the same time (at most `parallelism`),
each task's container `command` + `args` as a subprocess in the folder its volume mounts map
to, after Argo's placeholders are substituted: `{{workflow.parameters.NAME}}` (the workflow's
arguments, overridable as with `argo submit -p`), `{{workflow.name}}`, `{{workflow.uid}}`,
`{{workflow.creationTimestamp.X}}` (strftime character X) and the expression
`{{=sprig.substr(START, END, workflow.VARIABLE)}}`. Anything else left in `{{...}}` is an
error, as it would be for Argo. As in Argo, a task whose dependency did not succeed is not run
(omitted), and with `failFast: false` the other branches go on.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

_SIMPLE = re.compile(r"\{\{\s*(workflow\.[A-Za-z0-9_.-]+)\s*\}\}")
_SUBSTR = re.compile(
    r"\{\{=\s*sprig\.substr\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(workflow\.[A-Za-z0-9_]+)\s*\)\s*\}\}"
)
TASK_TIMEOUT_S = 240


@dataclass
class TaskRun:
    name: str
    argv: list[str]
    returncode: int | None = None  # None: omitted (a dependency did not succeed)
    output: str = ""
    start: float = 0.0
    end: float = 0.0


@dataclass
class WorkflowRun:
    name: str
    uid: str
    created: datetime
    tasks: dict[str, TaskRun] = field(default_factory=dict)

    @property
    def succeeded(self) -> bool:
        return all(task.returncode == 0 for task in self.tasks.values())


def run_workflow(
    document: dict[str, Any],
    volumes: dict[str, Path],
    parameters: dict[str, str] | None = None,
    created: datetime | None = None,
) -> WorkflowRun:
    """Run the workflow; `volumes`: volume name -> the local folder it stands for."""
    spec = document["spec"]
    templates = {template["name"]: template for template in spec["templates"]}
    dag = templates[spec["entrypoint"]]["dag"]
    arguments = {p["name"]: p["value"] for p in spec.get("arguments", {}).get("parameters", [])}
    unknown = set(parameters or {}) - set(arguments)
    assert not unknown, f"the workflow has no parameters {unknown}"
    arguments |= parameters or {}
    created = created or datetime.now(timezone.utc)
    name = document["metadata"].get("generateName", "workflow-") + uuid.uuid4().hex[:5]
    run = WorkflowRun(name=name, uid=str(uuid.uuid4()), created=created)
    variables = {
        "workflow.name": run.name,
        "workflow.uid": run.uid,
        **{f"workflow.parameters.{k}": v for k, v in arguments.items()},
        **{f"workflow.creationTimestamp.{c}": created.strftime(f"%{c}") for c in "YmdHMS"},
    }
    tasks = {task["name"]: task for task in dag["tasks"]}
    limit = spec.get("parallelism") or len(tasks)
    fail_fast = dag.get("failFast", True)
    lock = threading.Lock()

    def execute(task_name: str) -> TaskRun:
        template = templates[tasks[task_name]["template"]]
        container = template["container"]
        argv = [substitute(part, variables) for part in container["command"] + container["args"]]
        mounts = {m["mountPath"]: volumes[m["name"]] for m in container.get("volumeMounts", [])}
        argv = [_mapped(part, mounts) for part in argv]
        argv[0] = _executable(argv[0])
        cwd = _mapped(container.get("workingDir", "/"), mounts)
        timeout = template.get("activeDeadlineSeconds") or TASK_TIMEOUT_S
        task = TaskRun(task_name, argv)
        task.start = time.monotonic()
        done = subprocess.run(
            argv, cwd=cwd, capture_output=True, text=True, timeout=min(timeout, TASK_TIMEOUT_S)
        )
        task.end = time.monotonic()
        task.returncode, task.output = done.returncode, done.stdout + done.stderr
        with lock:
            run.tasks[task_name] = task
        return task

    waiting = dict(tasks)
    running: dict[Future[TaskRun], str] = {}
    failed = False
    with ThreadPoolExecutor(max_workers=limit) as pool:
        while waiting or running:
            for task_name, task in list(waiting.items()):
                deps = task.get("dependencies", [])
                if any(run.tasks.get(d) is not None and run.tasks[d].returncode != 0 for d in deps):
                    run.tasks[task_name] = TaskRun(task_name, [])  # omitted, never run
                    del waiting[task_name]
                elif all(d in run.tasks for d in deps) and not (failed and fail_fast):
                    if len(running) < limit:
                        running[pool.submit(execute, task_name)] = task_name
                        del waiting[task_name]
            if failed and fail_fast:
                for task_name in list(waiting):
                    run.tasks[task_name] = TaskRun(task_name, [])
                waiting.clear()
            if not running:
                assert not waiting, f"tasks can never run: {sorted(waiting)}"
                break
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                running.pop(future)
                failed = failed or future.result().returncode != 0
    return run


def substitute(text: str, variables: dict[str, str]) -> str:
    def simple(match: re.Match[str]) -> str:
        assert match.group(1) in variables, f"Argo would not know {match.group(0)}"
        return variables[match.group(1)]

    def substr(match: re.Match[str]) -> str:
        start, end, variable = int(match.group(1)), int(match.group(2)), match.group(3)
        assert variable in variables, f"Argo would not know {variable}"
        return variables[variable][start:end]

    result = _SUBSTR.sub(substr, _SIMPLE.sub(simple, text))
    assert "{{" not in result, (
        f"a placeholder this interpreter (and maybe Argo) cannot fill: {text}"
    )
    return result


def _mapped(text: str, mounts: dict[str, Path]) -> str:
    for mount, folder in mounts.items():
        if text == mount or text.startswith(mount.rstrip("/") + "/"):
            return str(folder) + text[len(mount.rstrip("/")) :]
    return text


def _executable(name: str) -> str:
    """The image's command, from this interpreter's environment."""
    found = shutil.which(name, path=str(Path(sys.executable).parent))
    assert found, f"{name} is not installed beside {sys.executable}"
    return found
