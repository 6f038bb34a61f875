"""From a reader's draft to the new pipeline document.

- Cycles and pipelines with nothing to run are refused (one sentence, nothing written).
- Only notebook nodes become steps. A node that is not imported (a script, a custom component)
  is bridged: its dependents depend on its own upstream steps instead, so the order holds.
- Step ids come from labels, unique and valid; notebook paths become relative to the new
  file's folder.
- Elyra's data passing: a node receives the files its upstream nodes list in `outputs`, so each
  step's `catalog.get` lists what its imported ancestors `put`.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..pipeline.graph import find_cycles
from ..pipeline.validation import pointer
from .draft import NOTEBOOK, Draft, Node
from .naming import step_id_from, unique
from .report import ImportReport
from .source import ImportRefused

LISTED_IN_MESSAGES = 5


def assemble(draft: Draft, output_dir: Path, report: ImportReport, shown: str) -> dict[str, Any]:
    nodes: dict[str, Node] = {}
    for node in draft.nodes:
        if node.key in nodes:  # hand-edited files: the later one is kept apart, unlinked
            report.note(node.where, f"its id {node.key} is another node's too: links go there")
            node.key = f"{node.key} (duplicate {len(nodes)})"
        nodes[node.key] = node
    if not nodes:
        raise ImportRefused(f"{shown} has no {draft.unit}s: there is nothing to import")
    for node in draft.nodes:
        _drop_unknown_parents(node, nodes, report)
    _refuse_cycles(draft, nodes, shown)
    imported = [node for node in draft.nodes if node.kind == NOTEBOOK]
    if not imported:
        raise ImportRefused(_nothing_to_run(draft, shown))
    ids = _step_ids(imported, report)
    parents = {node.key: _nearest_imported(node, nodes, ids) for node in imported}
    for node in draft.nodes:
        if node.kind != NOTEBOOK:
            report.unmapped(node.where, node.why_not)
    steps = []
    for index, node in enumerate(imported):
        if draft.outputs_reach_descendants:
            _receive_upstream_outputs(node, index, ids, parents, nodes, report)
        steps.append(_step(node, index, ids, parents, nodes, output_dir, report))
        for source, target, message in node.mapped:
            report.map(source, pointer("steps", index, *target.split("/")), message)
        notebook = steps[-1]["notebook"]
        report.steps.append({"id": ids[node.key], "from": node.where, "notebook": notebook})
    document: dict[str, Any] = {"version": 1}
    for key in ("name", "description", "parameters", "env", "settings"):
        value = getattr(draft, key)
        if value:
            document[key] = value
    document["steps"] = steps
    return document


def _drop_unknown_parents(node: Node, nodes: dict[str, Node], report: ImportReport) -> None:
    known = []
    for parent in node.parents:
        if parent in nodes and parent != node.key and parent not in known:
            known.append(parent)
        elif parent not in nodes:
            report.note(node.where, f"a link comes from {parent}, which is no node: ignored")
        elif parent == node.key:
            report.note(node.where, "a link from the node to itself: ignored")
    node.parents = known


def _refuse_cycles(draft: Draft, nodes: dict[str, Node], shown: str) -> None:
    cycles = find_cycles({key: node.parents for key, node in nodes.items()})
    if cycles:
        path = " → ".join(f"'{nodes[key].label or key}'" for key in cycles[0])
        raise ImportRefused(
            f"{shown} cannot be imported: its {draft.unit}s form a cycle {path} (each arrow "
            "points to a node that depends on the previous one): remove one of these links "
            "first"
        )


def _nothing_to_run(draft: Draft, shown: str) -> str:
    listed = [f"'{node.label or node.key}' ({node.kind})" for node in draft.nodes]
    more = len(listed) - LISTED_IN_MESSAGES
    text = ", ".join(listed[:LISTED_IN_MESSAGES]) + (f" and {more} more" if more > 0 else "")
    return (
        f"{shown} has no notebook {draft.unit} to import, only {text}: runnable-jupyter runs "
        "notebooks, so nothing was written"
    )


def _step_ids(imported: list[Node], report: ImportReport) -> dict[str, str]:
    taken: set[str] = set()
    ids = {}
    for node in imported:
        label = node.label or (node.file.name if node.file else "")
        base = step_id_from(label)
        ids[node.key] = unique(base, taken)
        if ids[node.key] != base:
            report.note(node.where, f"step id {base!r} is taken: this step is {ids[node.key]!r}")
    return ids


def _nearest_imported(node: Node, nodes: dict[str, Node], ids: dict[str, str]) -> list[str]:
    """The imported nodes `node` depends on, looking through nodes that are not imported."""
    found: list[str] = []
    stack, seen = list(reversed(node.parents)), set()
    while stack:
        key = stack.pop()
        if key in seen:
            continue
        seen.add(key)
        if key in ids:
            if key not in found:
                found.append(key)
        else:
            stack.extend(reversed(nodes[key].parents))
    return found


def _step(
    node: Node,
    index: int,
    ids: dict[str, str],
    parents: dict[str, list[str]],
    nodes: dict[str, Node],
    output_dir: Path,
    report: ImportReport,
) -> dict[str, Any]:
    assert node.file is not None  # a notebook node always has its file
    step: dict[str, Any] = {"id": ids[node.key], "notebook": relative(node.file, output_dir)}
    if parents[node.key]:
        step["depends_on"] = [ids[key] for key in parents[node.key]]
    skipped = [key for key in node.parents if key not in ids]
    if skipped:
        upstream = ", ".join(repr(ids[key]) for key in parents[node.key]) or "nothing"
        which = "which is" if len(skipped) == 1 else "which are"
        report.note(
            node.where,
            f"it depended on {_labels(skipped, nodes)}, {which} not imported: it now depends "
            f"on {upstream} instead, so the order holds",
            pointer("steps", index, "depends_on"),
        )
    for key in ("parameters", "env"):
        value = getattr(node, key)
        if value:
            step[key] = value
    if node.kernel:
        step["kernel"] = node.kernel
    if node.catalog_get or node.catalog_put:
        step["catalog"] = {
            key: value
            for key, value in (("get", node.catalog_get), ("put", node.catalog_put))
            if value
        }
    if node.position is not None:
        step["position"] = {"x": round(node.position[0]), "y": round(node.position[1])}
    return step


def _labels(keys: Iterable[str], nodes: dict[str, Node]) -> str:
    return ", ".join(f"'{nodes[key].label or key}'" for key in keys)


def _receive_upstream_outputs(
    node: Node,
    index: int,
    ids: dict[str, str],
    parents: dict[str, list[str]],
    nodes: dict[str, Node],
    report: ImportReport,
) -> None:
    """Elyra hands every upstream node's `outputs` to a node: `catalog.get` fetches them."""
    inputs: list[str] = []
    stack, seen = list(parents[node.key]), set()
    while stack:
        key = stack.pop()
        if key in seen:
            continue
        seen.add(key)
        inputs += [glob for glob in nodes[key].catalog_put if glob not in inputs]
        stack.extend(parents[key])
    for dependency in node.dependencies:
        if any(dependency == glob or fnmatch.fnmatch(glob, dependency) for glob in inputs):
            continue
        report.note(
            f"{node.where} dependencies",
            f"{dependency!r} is a file Elyra ships with the node to remote runtimes; steps run "
            "in place here, so the notebook reads it from its own folder (nothing to copy)",
        )
    if not inputs:
        return
    node.catalog_get = sorted(set(node.catalog_get) | set(inputs))
    report.map(
        f"{node.where} inputs",
        pointer("steps", index, "catalog", "get"),
        f"the files upstream nodes list as outputs ({', '.join(sorted(inputs))}) are fetched "
        f"from the catalog before {ids[node.key]!r} runs, as Elyra hands them on",
    )


def relative(path: Path, folder: Path) -> str:
    """`path` relative to `folder`, with '/' (it may start with '..')."""
    return Path(os.path.relpath(path, folder)).as_posix()
