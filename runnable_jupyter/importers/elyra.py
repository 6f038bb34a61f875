"""Reading an Elyra pipeline (pipeline-flow 3.0 + Elyra `app_data`, versions 0 to 8;
FORMATS.md section 1) into a draft.

- The primary pipeline is found by id; supernodes are flattened as Elyra's parser does: their
  sub-pipeline's execution nodes join the graph, binding nodes are skipped, and a link to a
  supernode port `<inner>_inPort` / from `<inner>_outPort` is a link to that inner node.
- Node properties sit in `app_data.component_parameters` from v4 on, directly in `app_data`
  before (and pre-v1 files use older names); both are read, whatever the version says.
- File paths are relative to the pipeline's folder from v2 on; up to v1 they were relative to
  the workspace root, so both are tried (and the report says which one matched).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .assembly import relative
from .draft import CUSTOM, NO_FILE, NOTEBOOK, SCRIPT, Draft, Node, obj, seq
from .elyra_properties import apply_node_properties, apply_pipeline_defaults, pipeline_parameters
from .report import ImportReport, shown
from .source import ImportRefused

GENERIC_OPS = {
    "execute-notebook-node": NOTEBOOK,
    "execute-python-node": SCRIPT,
    "execute-r-node": SCRIPT,
}
# app_data keys that are no node property (before v4, properties sit beside them)
NODE_APP_DATA = {"ui_data", "label", "component_source", "component_parameters", "invalidNodeError"}
PRE_V1_NAMES = {  # peditor migrateV1
    "notebook": "filename",
    "artifact": "filename",
    "docker_image": "runtime_image",
    "image": "runtime_image",
    "vars": "env_vars",
    "file_dependencies": "dependencies",
    "recursive_dependencies": "include_subdirectories",
}
SCRIPT_LANGUAGES = {".py": "a Python script", ".r": "an R script"}
RUNTIME_NAMES = {
    "kfp": "Kubeflow Pipelines",
    "KUBEFLOW_PIPELINES": "Kubeflow Pipelines",
    "airflow": "Apache Airflow",
    "APACHE_AIRFLOW": "Apache Airflow",
}


def read_elyra(
    data: dict[str, Any], folder: Path, root: Path | None, shown_source: str, report: ImportReport
) -> Draft:
    pipelines = data.get("pipelines")
    if not isinstance(pipelines, list) or not pipelines:
        what = "has no 'pipelines'" if not isinstance(pipelines, list) else "has an empty list"
        raise ImportRefused(
            f"{shown_source} {what} of pipelines, so Elyra cannot open it either: save it again "
            "from Elyra's pipeline editor"
        )
    by_id = {str(p.get("id")): p for p in pipelines if isinstance(p, dict)}
    primary = by_id.get(str(data.get("primary_pipeline")))
    if primary is None:
        primary = next((p for p in pipelines if isinstance(p, dict)), None)
        if primary is None:
            raise ImportRefused(f"{shown_source} holds no pipeline object: save it again")
        report.note("primary_pipeline", "names no pipeline of the file: the first one is read")
    app_data = obj(primary.get("app_data"))
    version = app_data.get("version")
    report.format_version = str(version) if version is not None else "0 (no version)"
    if data.get("version") not in (None, "3.0"):
        report.note("version", f"pipeline-flow {shown(data.get('version'))}, read as 3.0")
    reader = _Reader(version, folder, root, by_id, report)
    draft = reader.draft
    _pipeline_properties(draft, app_data, report)
    reader.walk(primary, None, (0.0, 0.0))
    draft.outputs_reach_descendants = True
    draft.unit = "node"
    for pipeline in pipelines:
        if isinstance(pipeline, dict):
            _comments(pipeline, reader.labels, report)
    report.note(
        "editor data",
        "canvas layout (zoom, icons, port definitions), ids and json_schema are the editor's "
        "own and not carried over; node positions are kept",
    )
    return draft


def _pipeline_properties(draft: Draft, app_data: dict[str, Any], report: ImportReport) -> None:
    properties = obj(app_data.get("properties"))
    name = properties.get("name") or app_data.get("name") or app_data.get("title")
    if isinstance(name, str) and name:
        draft.name = name
        report.map("pipeline name", "/name", name)
    description = properties.get("description")
    if isinstance(description, str) and description:
        draft.description = description
        report.map("pipeline description", "/description", shown(description))
    runtime = properties.get("runtime") or app_data.get("runtime_type") or app_data.get("runtime")
    if isinstance(runtime, str) and runtime and runtime != "Generic":
        config = app_data.get("runtime_config")
        on = f" (runtime configuration {config!r})" if config else ""
        report.unmapped(
            "pipeline runtime",
            f"{RUNTIME_NAMES.get(runtime, runtime)}{on}: runnable-jupyter runs the steps on this "
            "machine (or where its server runs)",
        )
    draft.parameters = pipeline_parameters(properties.get("pipeline_parameters"), report)
    apply_pipeline_defaults(draft, properties.get("pipeline_defaults"), report)
    for key in sorted(set(properties) - {"name", "description", "runtime"}):
        if key not in ("pipeline_defaults", "pipeline_parameters") and properties[key]:
            report.unmapped(f"pipeline {key}", f"{shown(properties[key])}: no equivalent")


class _Reader:
    def __init__(
        self,
        version: Any,
        folder: Path,
        root: Path | None,
        by_id: dict[Any, dict[str, Any]],
        report: ImportReport,
    ) -> None:
        # up to v1, paths were relative to the workspace root (unless the nodes have the v4
        # structure, as hand-edited files saying v1 do: then they are v4 paths)
        self.old_paths = not isinstance(version, (int, float)) or version < 2
        self.folder = folder
        self.root = root
        self.by_id = by_id
        self.report = report
        self.draft = Draft()
        self.labels: dict[str, str] = {}
        self.walked: set[Any] = set()

    def walk(self, pipeline: dict[str, Any], supernode: dict[str, Any] | None, offset: Any) -> None:
        self.walked.add(str(pipeline.get("id")))
        for raw in seq(pipeline.get("nodes")):
            if not isinstance(raw, dict):
                continue
            kind = raw.get("type")
            if kind == "binding":
                continue
            if kind == "super_node":
                self.supernode(raw, offset)
            else:
                self.node(raw, supernode, offset)

    def supernode(self, raw: dict[str, Any], offset: tuple[float, float]) -> None:
        ref = obj(raw.get("subflow_ref"))
        sub = self.by_id.get(str(ref.get("pipeline_id_ref")))
        label = _label(raw) or "supernode"
        if sub is None or str(sub.get("id")) in self.walked:
            self.report.unmapped(f"supernode '{label}'", "names no (new) sub-pipeline: skipped")
            return
        x, y = _position(raw) or (0.0, 0.0)
        self.report.note(
            f"supernode '{label}'",
            "flattened: its nodes are steps of the pipeline, linked as they were",
        )
        self.walk(sub, raw, (offset[0] + x, offset[1] + y))

    def node(self, raw: dict[str, Any], supernode: dict[str, Any] | None, offset: Any) -> None:
        app_data = obj(raw.get("app_data"))
        props = _properties(app_data)
        filename = props.get("filename")
        op = "execute-notebook-node" if raw.get("type") == "pipeline_node" else raw.get("op")
        key = str(raw.get("id"))
        label = _label(raw) or (Path(filename).name if isinstance(filename, str) else "")
        node = Node(key=key, label=label, kind=GENERIC_OPS.get(str(op), CUSTOM))
        self.labels[key] = label or key
        position = _position(raw)
        if position is not None:
            node.position = (position[0] + offset[0], position[1] + offset[1])
        node.parents = self.parents(raw, supernode)
        if node.kind == CUSTOM:
            node.why_not = (
                f"a custom component ({shown(op)}) of a Kubeflow Pipelines or Airflow runtime: "
                "no equivalent, so it is not imported (its dependents are linked to its "
                "upstream steps); write a notebook doing the same to keep it"
            )
        elif not isinstance(filename, str) or not filename.strip():
            node.kind, node.why_not = NO_FILE, "names no file: not imported"
        else:
            node.file_text = filename
            old = self.old_paths and "component_parameters" not in app_data
            node.file = self.resolve(filename.strip(), node, old)
            if node.kind == NOTEBOOK and node.file.suffix.lower() != ".ipynb":
                node.kind = SCRIPT  # a notebook node naming a script: Elyra would fail on it
            if node.kind == SCRIPT:
                node.why_not = (
                    f"{SCRIPT_LANGUAGES.get(node.file.suffix.lower(), 'a script')} file "
                    f"({filename}): script steps are not supported yet, so it is not imported "
                    "(its dependents are linked to its upstream steps); run it before the "
                    "pipeline or turn it into a notebook"
                )
            else:
                if node.file_text != filename.strip():
                    self.report.note(node.where, "spaces around the file name removed")
                apply_node_properties(node, props, self.draft.parameters, self.report)
        self.draft.nodes.append(node)

    def parents(self, raw: dict[str, Any], supernode: dict[str, Any] | None) -> list[str]:
        """Upstream node ids, through supernode ports (Elyra parser's `_get_port_node_id`)."""
        ports = list(seq(raw.get("inputs")))
        if supernode is not None:  # links arriving at the supernode's port for this node
            port_id = f"{raw.get('id')}_inPort"
            ports += [p for p in seq(supernode.get("inputs")) if _get(p, "id") == port_id]
        found = []
        for port in ports:
            for link in seq(_get(port, "links")):
                ref = _get(link, "port_id_ref")
                if ref == "outPort":
                    parent = _get(link, "node_id_ref")
                elif isinstance(ref, str) and ref.endswith("_outPort"):
                    parent = ref[: -len("_outPort")]  # an inner node of a supernode
                else:
                    continue  # a binding node's port inside a sub-pipeline, or no port
                if isinstance(parent, str) and parent not in found:
                    found.append(parent)
        return found

    def resolve(self, filename: str, node: Node, old: bool) -> Path:
        beside = (self.folder / filename).resolve()
        if not old or beside.exists():
            return beside
        bases = [self.root] if self.root is not None else []
        bases += [base for base in self.folder.parents if base not in bases]
        for base in bases:
            assert base is not None
            candidate = (base / filename).resolve()
            if candidate.exists():
                shown_base = (
                    "the workspace root" if base == self.root else relative(base, self.folder)
                )
                self.report.note(
                    node.where,
                    f"{filename!r} is relative to the workspace root (Elyra up to version 1 "
                    f"wrote paths so): found it from {shown_base}",
                )
                return candidate
        if self.root is not None:
            self.report.note(
                node.where,
                f"{filename!r} is found neither beside the pipeline nor from the workspace root "
                "(Elyra up to version 1 wrote paths relative to it): taken from the root",
            )
            return (self.root / filename).resolve()
        return beside


def _get(item: Any, key: str) -> Any:
    return item.get(key) if isinstance(item, dict) else None


def _label(raw: dict[str, Any]) -> str:
    app_data = obj(raw.get("app_data"))
    for value in (_get(app_data.get("ui_data"), "label"), app_data.get("label")):
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def _position(raw: dict[str, Any]) -> tuple[float, float] | None:
    ui_data = _get(raw.get("app_data"), "ui_data")
    x, y = _get(ui_data, "x_pos"), _get(ui_data, "y_pos")
    numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (x, y))
    return (float(x), float(y)) if numbers else None


def _properties(app_data: dict[str, Any]) -> dict[str, Any]:
    if isinstance(app_data.get("component_parameters"), dict):
        return dict(app_data["component_parameters"])
    props = {k: v for k, v in app_data.items() if k not in NODE_APP_DATA}
    for old, new in PRE_V1_NAMES.items():
        if old in props and new not in props:
            props[new] = props.pop(old)
    return props


def _comments(pipeline: dict[str, Any], labels: dict[str, str], report: ImportReport) -> None:
    ui_data = _get(pipeline.get("app_data"), "ui_data")
    for comment in seq(_get(ui_data, "comments")):
        text = _get(comment, "content")
        if not isinstance(text, str) or not text.strip():
            continue
        refs = [_get(ref, "node_ref") for ref in seq(_get(comment, "associated_id_refs"))]
        on = ", ".join(f"'{labels.get(str(ref), ref)}'" for ref in refs if ref)
        report.unmapped(
            "canvas comment" + (f" on {on}" if on else ""),
            f"{shown(text.strip())}: the format has no comments; put it in the notebook's "
            "markdown or the pipeline's description",
        )
