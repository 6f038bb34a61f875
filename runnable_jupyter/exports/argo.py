"""Export a pipeline as an Argo Workflows `Workflow`, built with hera (Argo's Python SDK, whose
models are generated from Argo's OpenAPI schema).

One DAG template, `main`, has a task per step with the pipeline's dependencies; each task runs
its own container template: `runnable-jupyter exec-step` of that step in IMAGE, the workspace
mounted from a PersistentVolumeClaim at `/workspace` (the workspace root, so every pod sees the
same notebooks, catalog and run log). Every task of one workflow joins the same run: its id is
made from the workflow's creation time and uid (`20261203T141500-5f2a9c`, a valid run id). The
pipeline's parameters are the workflow's arguments, passed to every exec-step as `-p` (so they
can be set at submission: `argo submit -p NAME=VALUE`). `settings.max_parallel` becomes the
workflow's `parallelism`; a step's `timeout_s` its template's `activeDeadlineSeconds` (with a
margin: exec-step enforces the limit itself and records the timeout; the deadline is the
backstop). The DAG does not fail fast: independent branches go on after a failure, as in a
local run, and the failed step's descendants are recorded as `upstream_failed` by exec-step.

hera is an optional dependency (`runnable-jupyter[argo]`): only this export imports it.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from ..errors import BadRequest, MissingDependency
from ..json_documents import load_json
from ..pipeline import graph
from ..pipeline.model import Pipeline

WORKSPACE_MOUNT = "/workspace"
WORKSPACE_VOLUME = "workspace"
DEFAULT_VOLUME_CLAIM = "runnable-jupyter-workspace"
DEADLINE_MARGIN_S = 60
ENTRYPOINT = "main"
_STAMP = "".join(f"{{{{workflow.creationTimestamp.{part}}}}}" for part in "Ymd")
_CLOCK = "".join(f"{{{{workflow.creationTimestamp.{part}}}}}" for part in "HMS")
# YYYYMMDDTHHMMSS-xxxxxx from the workflow: its creation time and the start of its uid (hex).
RUN_ID = f"{_STAMP}T{_CLOCK}-{{{{=sprig.substr(0, 6, workflow.uid)}}}}"
_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_IMAGE = re.compile(r"^[^\s]+$")
MAX_NAME = 50  # generateName adds 5 characters; pod names add the template's


def export_argo(model: Pipeline, pipeline: str, image: str, volume_claim: str | None = None) -> str:
    """The Workflow as YAML. `pipeline`: the pipeline file's path relative to the workspace
    root (as exec-step is given it in the pods)."""
    try:
        from hera.workflows import DAG, Container, Parameter, Task, Workflow
        from hera.workflows import models as argo
    except ImportError:
        raise MissingDependency(
            "export argo needs hera, Argo's Python SDK: install runnable-jupyter[argo] "
            "(pip install 'runnable-jupyter[argo]') where the export runs"
        ) from None
    claim = volume_claim if volume_claim is not None else DEFAULT_VOLUME_CLAIM
    _check_image(image)
    _check_claim(claim)
    names = task_names(model.step_ids)
    templates: list[Any] = []
    tasks: list[Any] = []
    for step_id in graph.topological_order(model.dependencies()):
        step = model.step(step_id)
        deadline = None
        if step.timeout_s is not None:
            deadline = math.ceil(step.timeout_s) + DEADLINE_MARGIN_S
        templates.append(
            Container(
                name=f"step-{names[step_id]}",
                image=image,
                command=["runnable-jupyter"],
                args=exec_step_arguments(pipeline, step_id, list(model.parameters)),
                working_dir=WORKSPACE_MOUNT,
                volume_mounts=[argo.VolumeMount(name=WORKSPACE_VOLUME, mount_path=WORKSPACE_MOUNT)],
                active_deadline_seconds=deadline,
            )
        )
        tasks.append(
            Task(
                name=names[step_id],
                template=f"step-{names[step_id]}",
                dependencies=[names[dep] for dep in step.depends_on] or None,
            )
        )
    templates.insert(0, DAG(name=ENTRYPOINT, fail_fast=False, tasks=tasks))
    workflow = Workflow(
        generate_name=f"{workflow_name(model, pipeline)}-",
        entrypoint=ENTRYPOINT,
        annotations={
            "runnable-jupyter/pipeline": pipeline,
            "workflows.argoproj.io/description": model.description or f"pipeline {pipeline}",
        },
        parallelism=model.settings.max_parallel,
        arguments=[
            Parameter(name=name, value=parameter_text(value))
            for name, value in model.parameters.items()
        ],
        volumes=[
            argo.Volume(
                name=WORKSPACE_VOLUME,
                persistent_volume_claim=argo.PersistentVolumeClaimVolumeSource(claim_name=claim),
            )
        ],
        templates=templates,
    )
    return str(workflow.to_yaml())


def exec_step_arguments(pipeline: str, step_id: str, parameters: list[str]) -> list[str]:
    """What a step's container runs after `runnable-jupyter`."""
    arguments = ["--root", WORKSPACE_MOUNT, "exec-step", pipeline, "--run-id", RUN_ID]
    arguments += ["--step", step_id]
    for name in parameters:
        arguments += ["-p", f"{name}={{{{workflow.parameters.{name}}}}}"]
    return arguments


def parameter_text(value: Any) -> str:
    """A parameter's value as `-p` reads it back: JSON, except a string that is not JSON."""
    if isinstance(value, str):
        try:
            load_json(value)
        except ValueError:
            return value  # `-p name=abc` gives the string "abc"
    return json.dumps(value)


def task_names(step_ids: list[str]) -> dict[str, str]:
    """Step id -> a unique Argo task name (letters, digits and '-', as Argo requires)."""
    names: dict[str, str] = {}
    taken: set[str] = set()
    for step_id in step_ids:
        base = re.sub(r"[^a-z0-9-]+", "-", step_id.lower()).strip("-")[:MAX_NAME] or "step"
        name, number = base, 2
        while name in taken:
            name, number = f"{base}-{number}", number + 1
        taken.add(name)
        names[step_id] = name
    return names


def workflow_name(model: Pipeline, pipeline: str) -> str:
    stem = pipeline.rsplit("/", 1)[-1].removesuffix(".pipeline.json")
    name = re.sub(r"[^a-z0-9-]+", "-", (model.name or stem).lower()).strip("-")
    return name[:MAX_NAME].strip("-") or "pipeline"


def _check_image(image: str) -> None:
    if not isinstance(image, str) or not _IMAGE.fullmatch(image):
        raise BadRequest(
            f"{image!r} is not a container image name: give one like "
            "ghcr.io/team/notebooks:1.0 (no spaces), with runnable-jupyter installed",
            {"image": str(image)},
        )


def _check_claim(claim: str) -> None:
    if not isinstance(claim, str) or len(claim) > 63 or not _DNS_LABEL.fullmatch(claim):
        raise BadRequest(
            f"{claim!r} is not a volume claim name: Kubernetes names are lower-case letters, "
            "digits and '-', starting and ending with a letter or digit, at most 63 characters",
            {"volume_claim": str(claim)},
        )
