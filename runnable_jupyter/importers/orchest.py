"""Reading an Orchest pipeline (`*.orchest`, 1.0.0 to 1.2.3, and the 2020
`.orchest/pipeline.json`; FORMATS.md section 2) into a draft.

- Steps are keyed by uuid; `incoming_connections` are their parents, in order (the order of
  `orchest.get_inputs()["unnamed"]`, which `depends_on` keeps).
- `file_path` is relative to the pipeline file's folder (for the 2020 layout, the folder
  holding `.orchest`). Only `.ipynb` steps are imported; scripts are reported.
- Pipeline and step `parameters` become papermill parameters, renamed into Python identifiers
  (`test-output-file` -> `test_output_file`); `runnable_jupyter.compat.orchest` finds them under
  their Orchest names.
- A step's `kernel.name` (or its environment's language) picks the kernel (`kernels.py`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .draft import NO_FILE, NOTEBOOK, SCRIPT, Draft, Node, obj
from .naming import parameter_name
from .report import ImportReport, shown

SCRIPT_RUNNERS = {  # Orchest's runner picks the interpreter by extension
    ".py": "Python script",
    ".r": "R script",
    ".sh": "bash script",
    "": "bash script",
    ".jl": "Julia script",
    ".js": "JavaScript file",
}
KERNEL_LANGUAGES = {"python": "python", "r": "r", "ir": "r", "julia": "julia"}
STEP_KEYS = {"uuid", "title", "name", "file_path", "incoming_connections", "kernel"}
STEP_KEYS |= {"environment", "image", "parameters", "meta_data", "outgoing_connections"}
MAX_PROJECT_DEPTH = 32


def read_orchest(
    data: dict[str, Any], folder: Path, root: Path | None, report: ImportReport
) -> Draft:
    version = data.get("version")
    report.format_version = str(version) if version is not None else "none (2020 format)"
    draft = Draft(unit="step")
    name = data.get("name")
    if isinstance(name, str) and name:
        draft.name = name
        report.map("pipeline name", "/name", name)
    for key, (original, value) in _parameters(data.get("parameters"), "parameters", report).items():
        draft.parameters[key] = value
        report.map(
            f"parameter {original}", f"/parameters/{key}", _parameter_message(original, key, value)
        )
    _settings(draft, data.get("settings"), report)
    for service_name, service in obj(data.get("services")).items():
        image = service.get("image") if isinstance(service, dict) else None
        report.unmapped(
            f"service '{service_name}'",
            f"a long-running container ({shown(image)}) beside the steps: no equivalent; start "
            "it yourself and point the notebooks at it",
        )
    for key in sorted(set(data) - {"name", "uuid", "version", "settings", "parameters"}):
        if key not in ("steps", "services") and data[key] not in (None, "", {}, []):
            report.unmapped(f"pipeline {key}", f"{shown(data[key])}: no equivalent")
    environments = _Environments(folder, root)
    for key, raw in data["steps"].items():
        if isinstance(raw, dict):
            draft.nodes.append(_step(str(key), raw, folder, environments, report))
        else:
            report.unmapped(f"step {key}", f"{shown(raw)} is not a step object: skipped")
    report.note(
        "editor data",
        "uuids and display names are Orchest's own and not carried over; positions are kept",
    )
    return draft


def _settings(draft: Draft, settings: Any, report: ImportReport) -> None:
    for key, value in (settings or {}).items() if isinstance(settings, dict) else []:
        if key == "max_steps_parallelism" and isinstance(value, int) and value > 0:
            draft.settings["max_parallel"] = value
            report.map(f"settings {key}", "/settings/max_parallel", str(value))
        elif key == "max_steps_parallelism":
            continue  # 0: no limit, the default here too
        elif key == "data_passing_memory_size":
            report.unmapped(
                f"settings {key}",
                f"{shown(value)}: data passes through the catalog folder on disk, not memory",
            )
        elif key == "auto_eviction":
            if value:
                report.unmapped(f"settings {key}", "the catalog keeps every version (retention)")
        else:
            report.unmapped(f"settings {key}", f"{shown(value)}: no equivalent")


def _parameters(value: Any, where: str, report: ImportReport) -> dict[str, tuple[str, Any]]:
    """{identifier: (Orchest name, value)}: the names renamed into Python identifiers."""
    if value in (None, "", {}):
        return {}
    if not isinstance(value, dict):
        report.unmapped(where, f"{shown(value)} is not an object of parameters: ignored")
        return {}
    found: dict[str, tuple[str, Any]] = {}
    for name, item in value.items():
        key = parameter_name(name)
        if key in found:
            report.unmapped(
                f"{where} {name}",
                f"becomes {key}, as {found[key][0]!r} does: not carried over, rename one",
            )
        else:
            found[key] = (name, item)
    return found


def _parameter_message(name: str, key: str, value: Any) -> str:
    if key == name:
        return shown(value)
    return (
        f"{shown(value)}, renamed {key} (parameters are Python variables); "
        f"orchest.get_step_param/get_pipeline_param({name!r}) still finds it"
    )


def _step(
    key: str, raw: dict[str, Any], folder: Path, environments: _Environments, report: ImportReport
) -> Node:
    title = raw.get("title") if isinstance(raw.get("title"), str) else raw.get("name")
    file_path = raw.get("file_path")
    label = title.strip() if isinstance(title, str) and title.strip() else ""
    if not label and isinstance(file_path, str):
        label = Path(file_path).stem
    node = Node(key=key, label=label, kind=NOTEBOOK)
    incoming = raw.get("incoming_connections")
    node.parents = [str(p) for p in incoming] if isinstance(incoming, list) else []
    meta_data = obj(raw.get("meta_data"))
    position = meta_data.get("position")
    if (
        isinstance(position, list)
        and len(position) == 2
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in position)
    ):
        node.position = (float(position[0]), float(position[1]))
    if not isinstance(file_path, str) or not file_path.strip():
        node.kind, node.why_not = NO_FILE, "names no file: not imported"
        return node
    node.file_text = file_path
    node.file = (folder / file_path).resolve()
    suffix = node.file.suffix.lower()
    if suffix != ".ipynb":
        node.kind = SCRIPT
        node.why_not = (
            f"a {SCRIPT_RUNNERS.get(suffix, 'file Orchest cannot run')} ({file_path}): script "
            "steps are not supported yet, so it is not imported (its dependents are linked to "
            "its upstream steps); run it before the pipeline or turn it into a notebook"
        )
        return node
    for name, (original, value) in _parameters(raw.get("parameters"), node.where, report).items():
        node.parameters[name] = value
        node.map(
            f"parameter {original}", f"parameters/{name}", _parameter_message(original, name, value)
        )
    _environment(node, raw, environments, report)
    if meta_data.get("hidden"):
        report.unmapped(f"{node.where} hidden", "hidden in Orchest's editor: shown here")
    for extra in sorted(set(raw) - STEP_KEYS):
        report.unmapped(f"{node.where} {extra}", f"{shown(raw[extra])}: no equivalent")
    return node


def _environment(
    node: Node, raw: dict[str, Any], environments: _Environments, report: ImportReport
) -> None:
    kernel = obj(raw.get("kernel"))
    language = KERNEL_LANGUAGES.get(str(kernel.get("name", "")).lower())
    environment = raw.get("environment")
    if isinstance(environment, str) and environment:
        properties = environments.find(environment)
        if properties is None:
            described = f"environment {environment} (its properties.json is not in the project)"
        else:
            language = language or KERNEL_LANGUAGES.get(str(properties.get("language")).lower())
            described = (
                f"environment {shown(properties.get('name'))} (image "
                f"{shown(properties.get('base_image'))})"
            )
        report.unmapped(
            f"{node.where} environment",
            f"{described}: the step runs in a kernel of this machine; install here what its "
            "setup script installed",
        )
    elif raw.get("image"):
        report.unmapped(
            f"{node.where} image",
            f"{shown(raw['image'])}: the step runs in a kernel of this machine; install here "
            "what the image provided",
        )
    node.language = language


class _Environments:
    """`<project>/.orchest/environments/<uuid>/properties.json`, the project being the pipeline
    folder or one of its parents (pipelines may sit in subfolders)."""

    def __init__(self, folder: Path, root: Path | None) -> None:
        self.folders = [folder, *folder.parents][:MAX_PROJECT_DEPTH]
        if root is not None and root.resolve() in [f.resolve() for f in self.folders]:
            resolved = [f.resolve() for f in self.folders]
            self.folders = self.folders[: resolved.index(root.resolve()) + 1]

    def find(self, uuid: str) -> dict[str, Any] | None:
        if "/" in uuid or "\\" in uuid or uuid in ("", ".", ".."):
            return None
        for folder in self.folders:
            path = folder / ".orchest" / "environments" / uuid / "properties.json"
            try:
                properties = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if isinstance(properties, dict):
                return properties
        return None
