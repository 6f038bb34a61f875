"""Elyra node properties, `pipeline_defaults` and `pipeline_parameters` (FORMATS.md 1.6, 1.7).

Every property is parsed by its shape, not by the format version (hand-edited files mix them):
env vars as `"KEY=value"` strings or `{"env_var", "value"}` dicts, secrets as
`"ENV=secret:key"` or `{"env_var", "name", "key"}`. What has an equivalent is mapped (`env`,
`catalog.put`, `parameters`); everything else is listed as having none, with what to do.
"""

from __future__ import annotations

import math
from typing import Any

from .draft import Draft, Node, obj
from .naming import is_env_name, parameter_name
from .report import ImportReport, shown

NO_EQUIVALENT = {
    "runtime_image": "a container image: steps run in a kernel on this machine instead, so "
    "install here what the image provided",
    "cpu": "a resource request for container runtimes: no equivalent when running locally",
    "cpu_limit": "a resource limit for container runtimes: no equivalent when running locally",
    "memory": "a resource request for container runtimes: no equivalent when running locally",
    "memory_limit": "a resource limit for container runtimes: no equivalent when running locally",
    "gpu": "a GPU request for container runtimes: no equivalent; the kernel sees this machine's",
    "gpu_vendor": "a GPU request for container runtimes: no equivalent when running locally",
    "mounted_volumes": "Kubernetes volumes: no equivalent; make that data reachable from this "
    "machine and read it by path",
    "kubernetes_pod_annotations": "a Kubernetes pod setting: no equivalent locally",
    "kubernetes_pod_labels": "a Kubernetes pod setting: no equivalent locally",
    "kubernetes_tolerations": "a Kubernetes pod setting: no equivalent locally",
    "kubernetes_shared_mem_size": "a Kubernetes pod setting: no equivalent locally",
    "disable_node_caching": "a Kubeflow Pipelines caching switch: no equivalent (runs reuse "
    "unchanged steps only when asked, with --skip-unchanged)",
    "cos_object_prefix": "an object storage prefix for remote runs: no equivalent (outputs go "
    "to the pipeline's catalog folder)",
    "include_subdirectories": "ships the dependencies' subfolders to remote runtimes: steps run "
    "in place here, so nothing needs shipping",
}
HANDLED_ELSEWHERE = {"filename", "pipeline_parameters"}


def is_empty(value: Any) -> bool:
    if value is None or value == "" or value is False or value == [] or value == {}:
        return True
    return isinstance(value, list) and all(item is None or item == "" for item in value)


def _items(value: Any, where: str, what: str, report: ImportReport) -> list[Any]:
    """The items of a list property, without the null and "" items real files contain."""
    items = value if isinstance(value, list) else [value]
    kept = [item for item in items if item is not None and item != ""]
    if len(kept) < len(items):
        report.note(where, f'{what}: {len(items) - len(kept)} empty item(s) (null or "") ignored')
    return kept


# --- environment variables and secrets ---------------------------------------------------------


def env_vars(value: Any, where: str, report: ImportReport) -> dict[str, str]:
    """`["KEY=value", ...]` (up to v7) or `[{"env_var", "value"}, ...]` (v8) -> {KEY: value}."""
    found: dict[str, str] = {}
    for item in _items(value, where, "env_vars", report):
        if isinstance(item, dict):
            name, text = item.get("env_var"), item.get("value")
        elif isinstance(item, str) and "=" in item:
            name, _, text = item.partition("=")
        else:
            report.unmapped(f"{where} env_vars", f"{shown(item)} is not KEY=value: not set")
            continue
        name = name.strip() if isinstance(name, str) else name
        text = "" if text is None else str(text).strip()
        if not isinstance(name, str) or not is_env_name(name):
            report.unmapped(
                f"{where} env_vars",
                f"{shown(item)}: {shown(name)} is not a variable name (letters, digits and '_', "
                "not starting with a digit; Elyra refuses it too): not set",
            )
        elif not text:
            report.note(
                f"{where} env_vars",
                f"{name} has no value, and Elyra does not set such a variable: the kernel "
                "inherits it from the environment of the server or CLI, if set there",
            )
        else:
            if isinstance(item, str) and item != f"{name}={text}":
                report.note(f"{where} env_vars", f"{shown(item)} read as {name}={shown(text)}")
            found[name] = text
    return found


def secrets(value: Any, where: str, report: ImportReport) -> dict[str, dict[str, str]]:
    """Kubernetes secrets -> `{ENV: {"from_env": ENV}}`: the value is read where the step runs."""
    found: dict[str, dict[str, str]] = {}
    for item in _items(value, where, "kubernetes_secrets", report):
        if isinstance(item, dict):
            name, secret, key = item.get("env_var"), item.get("name"), item.get("key")
        elif isinstance(item, str) and "=" in item:
            name, _, rest = item.partition("=")
            secret, _, key = rest.partition(":")
        else:
            report.unmapped(f"{where} kubernetes_secrets", f"{shown(item)} is not ENV=secret:key")
            continue
        name = name.strip() if isinstance(name, str) else name
        if not isinstance(name, str) or not is_env_name(name):
            report.unmapped(f"{where} kubernetes_secrets", f"{shown(name)} is no variable name")
            continue
        found[name] = {"from_env": name}
        report.note(
            f"{where} kubernetes_secrets",
            f"{name} came from Kubernetes secret {shown(secret)} (key {shown(key)}): it is now "
            f"read from the variable {name} of the environment that runs the step (server or "
            "CLI), so set it there; its value is never written into files or run logs",
        )
    return found


# --- node properties ---------------------------------------------------------------------------


def apply_node_properties(
    node: Node, props: dict[str, Any], parameters: dict[str, Any], report: ImportReport
) -> None:
    """Map a notebook node's properties onto `node` (merged over nothing: defaults are the
    pipeline's, applied by the engine under the step's own)."""
    where = node.where
    for key, value in props.items():
        if key in HANDLED_ELSEWHERE or is_empty(value):
            continue
        if key == "env_vars":
            for name, text in env_vars(value, where, report).items():
                node.env[name] = text
                node.map("env_vars", f"env/{name}", f"{name}={shown(text)}")
        elif key == "kubernetes_secrets":
            for name, secret in secrets(value, where, report).items():
                node.env[name] = secret
                node.map("kubernetes_secrets", f"env/{name}", f"{name} from the environment")
        elif key == "outputs":
            node.catalog_put += _globs(value, where, "outputs", report)
            if node.catalog_put:
                node.map(
                    "outputs",
                    "catalog/put",
                    f"{', '.join(node.catalog_put)} go to the catalog after the step succeeds "
                    "(from the notebook's folder); downstream steps fetch them",
                )
        elif key == "dependencies":
            node.dependencies += _globs(value, where, "dependencies", report)
        elif key in NO_EQUIVALENT:
            report.unmapped(f"{where} {key}", f"{shown(value)}: {NO_EQUIVALENT[key]}")
        else:
            report.unmapped(f"{where} {key}", f"{shown(value)}: no equivalent in runnable-jupyter")
    _node_parameters(node, props.get("pipeline_parameters"), parameters, report)


def _globs(value: Any, where: str, what: str, report: ImportReport) -> list[str]:
    kept = []
    for item in _items(value, where, what, report):
        text = item.strip() if isinstance(item, str) else None
        parts = (text or "").replace("\\", "/").split("/")
        if not text or text.startswith("/") or ".." in parts or (len(text) > 1 and text[1] == ":"):
            report.unmapped(
                f"{where} {what}",
                f"{shown(item)} is not a path inside the notebook's folder (absolute, '..' or "
                "not text): not carried over, move the file under the notebook's folder",
            )
        elif text not in kept:
            kept.append(text)
    return kept


def _node_parameters(
    node: Node, names: Any, parameters: dict[str, Any], report: ImportReport
) -> None:
    """Elyra passes the pipeline parameters a node lists as environment variables (strings)."""
    for name in _items(names, node.where, "pipeline_parameters", report) if names else []:
        key = parameter_name(str(name))
        if key not in parameters:
            report.unmapped(f"{node.where} pipeline_parameters", f"{shown(name)} is not defined")
        elif parameters[key] is None:
            report.note(f"{node.where} pipeline_parameters", f"{name} has no value: not set")
        elif not is_env_name(str(name)):
            report.unmapped(
                f"{node.where} pipeline_parameters",
                f"{shown(name)} cannot be an environment variable name: only the parameter "
                f"{key} is set",
            )
        else:
            text = parameters[key] if isinstance(parameters[key], str) else str(parameters[key])
            node.env[str(name)] = text
            node.map(
                "pipeline_parameters",
                f"env/{name}",
                f"{name} is set as an environment variable ({shown(text)}), as Elyra passes "
                f"it; the notebook also gets the parameter {key} (a run's -p changes only that)",
            )


# --- pipeline level ----------------------------------------------------------------------------


def apply_pipeline_defaults(draft: Draft, defaults: Any, report: ImportReport) -> None:
    """`pipeline_defaults`: env vars and secrets become the pipeline's `env` (a step's own win,
    as Elyra merges them); the rest has no equivalent."""
    if not isinstance(defaults, dict):
        return
    where = "pipeline_defaults"
    for key, value in defaults.items():
        if is_empty(value):
            continue
        if key == "env_vars":
            for name, text in env_vars(value, where, report).items():
                draft.env[name] = text
                report.map(f"{where} env_vars", f"/env/{name}", f"{name}={shown(text)}")
        elif key == "kubernetes_secrets":
            for name, secret in secrets(value, where, report).items():
                draft.env[name] = secret
                report.map(f"{where} kubernetes_secrets", f"/env/{name}", "from the environment")
        elif key in NO_EQUIVALENT:
            report.unmapped(f"{where} {key}", f"{shown(value)}: {NO_EQUIVALENT[key]}")
        else:
            report.unmapped(f"{where} {key}", f"{shown(value)}: no equivalent in runnable-jupyter")


def pipeline_parameters(value: Any, report: ImportReport) -> dict[str, Any]:
    """`[{"name", "default_value": {"type", "value"}, "value"?}]` -> {name: value}."""
    found: dict[str, Any] = {}
    if is_empty(value):
        return found
    for item in _items(value, "pipeline_parameters", "pipeline_parameters", report):
        name = item.get("name") if isinstance(item, dict) else None
        if not isinstance(name, str) or not name:
            report.unmapped("pipeline_parameters", f"{shown(item)} has no name: not carried over")
            continue
        default = obj(item.get("default_value"))
        kind = default.get("type")
        raw = item["value"] if item.get("value") not in (None, "") else default.get("value")
        key = parameter_name(name)
        found[key] = _typed(raw, kind)
        renamed = f" (renamed {key}: parameters are Python variables)" if key != name else ""
        missing = "; it has no value: give one with -p" if found[key] is None else ""
        report.map(
            f"pipeline_parameters {name}",
            f"/parameters/{key}",
            f"{shown(found[key])}{renamed}{missing}",
        )
    return found


def _typed(raw: Any, kind: Any) -> Any:
    if raw is None or raw == "":
        return None
    try:
        if kind == "Integer":
            return int(raw)
        if kind == "Float":
            number = float(raw)
            return number if math.isfinite(number) else raw
        if kind == "Bool":
            return raw if isinstance(raw, bool) else str(raw).strip().lower() in ("true", "1")
    except (TypeError, ValueError):
        return raw
    return raw
