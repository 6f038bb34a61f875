"""Pure functions over a pipeline's dependency graph.

The graph is given as `deps`: step id -> the ids it depends on, in pipeline-file order (a dict
keeps it). Edges to ids that are not keys are ignored here (validation reports them). Every
algorithm is iterative, so graph size is bounded by memory, not by Python's recursion limit, and
ties are always broken by file order so that results are deterministic.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from enum import Enum

from ..errors import BadRequest, UnknownStep

Deps = Mapping[str, Sequence[str]]


class Mode(str, Enum):
    """Which steps a selection runs: only those, or with their ancestors, their descendants, or
    every step of the pipeline."""

    only = "only"
    upstream = "upstream"
    downstream = "downstream"
    all = "all"


def _known_deps(deps: Deps) -> dict[str, list[str]]:
    """Each step's dependencies restricted to existing steps, duplicates dropped."""
    return {step: list(dict.fromkeys(d for d in deps[step] if d in deps)) for step in deps}


def dependents(deps: Deps) -> dict[str, list[str]]:
    """Step id -> the ids that depend on it (the downstream edges), in file order."""
    result: dict[str, list[str]] = {step: [] for step in deps}
    for step, step_deps in _known_deps(deps).items():
        for dep in step_deps:
            result[dep].append(step)
    return result


def find_cycles(deps: Deps) -> list[list[str]]:
    """One cycle per strongly connected component that has one, as a closed path.

    Paths follow the direction in which steps run (a dependency comes before its dependent), so
    `['a', 'b', 'c', 'a']` means b depends on a, c on b and a on c. Each cycle starts at its
    earliest step in file order and is the shortest cycle through that step; a step depending on
    itself gives `['a', 'a']`. Cycles are listed in file order of their first step.
    """
    order = {step: index for index, step in enumerate(deps)}
    downstream = dependents(deps)
    cycles = []
    for component in _strongly_connected(downstream):
        start = min(component, key=order.__getitem__)
        if len(component) > 1 or start in downstream[start]:
            cycles.append(_shortest_cycle(downstream, start, component))
    cycles.sort(key=lambda cycle: order[cycle[0]])
    return cycles


def _strongly_connected(graph: Mapping[str, Sequence[str]]) -> list[set[str]]:
    """Tarjan's algorithm with an explicit stack."""
    index: dict[str, int] = {}
    lowlink: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[set[str]] = []
    for root in graph:
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, child_position = work.pop()
            if child_position == 0:
                index[node] = lowlink[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            children = graph[node]
            while child_position < len(children):
                child = children[child_position]
                child_position += 1
                if child not in index:
                    work.append((node, child_position))
                    work.append((child, 0))
                    break
                if child in on_stack:
                    lowlink[node] = min(lowlink[node], index[child])
            else:
                if lowlink[node] == index[node]:
                    component = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.add(member)
                        if member == node:
                            break
                    components.append(component)
                if work:
                    parent = work[-1][0]
                    lowlink[parent] = min(lowlink[parent], lowlink[node])
    return components


def _shortest_cycle(
    downstream: Mapping[str, Sequence[str]], start: str, component: set[str]
) -> list[str]:
    """Breadth-first from `start` back to itself, staying inside its component."""
    previous: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for child in downstream[node]:
            if child == start:
                path = [start, node]
                while path[-1] != start:
                    path.append(previous[path[-1]])
                path.reverse()
                return path
            if child in component and child not in previous:
                previous[child] = node
                queue.append(child)
    raise AssertionError(f"{start} is in a cyclic component but no cycle was found")


def _raise_if_cyclic(deps: Deps) -> None:
    cycles = find_cycles(deps)
    if cycles:
        named = "; ".join(" → ".join(cycle) for cycle in cycles)
        raise ValueError(f"the steps form a cycle, so they have no order: {named}")


def topological_order(deps: Deps) -> list[str]:
    """Every step after all its dependencies; among ready steps, the earliest in the file first.

    Raises ValueError naming the cycle(s) when there is no such order.
    """
    order = {step: index for index, step in enumerate(deps)}
    known = _known_deps(deps)
    downstream = dependents(deps)
    waiting_on = {step: len(step_deps) for step, step_deps in known.items()}
    ready = [order[step] for step, count in waiting_on.items() if count == 0]
    heapq.heapify(ready)
    steps = list(deps)
    result: list[str] = []
    while ready:
        step = steps[heapq.heappop(ready)]
        result.append(step)
        for child in downstream[step]:
            waiting_on[child] -= 1
            if waiting_on[child] == 0:
                heapq.heappush(ready, order[child])
    if len(result) != len(steps):
        _raise_if_cyclic(deps)
    return result


def levels(deps: Deps) -> list[list[str]]:
    """Steps grouped by depth: level 0 has no dependencies, level n depends on level n-1 at most.

    Steps in one level are independent of each other; each level keeps file order.
    """
    known = _known_deps(deps)
    depth: dict[str, int] = {}
    for step in topological_order(deps):
        depth[step] = 1 + max((depth[dep] for dep in known[step]), default=-1)
    grouped: list[list[str]] = [[] for _ in range(1 + max(depth.values(), default=-1))]
    for step in deps:  # file order within each level
        grouped[depth[step]].append(step)
    return grouped


def _reachable(graph: Mapping[str, Sequence[str]], ids: Iterable[str]) -> set[str]:
    """Everything reachable from `ids` in one or more steps (`ids` only when on a cycle)."""
    seen: set[str] = set()
    queue = deque(ids)
    while queue:
        node = queue.popleft()
        for child in graph.get(node, ()):
            if child not in seen:
                seen.add(child)
                queue.append(child)
    return seen


def ancestors(deps: Deps, ids: Iterable[str]) -> set[str]:
    """All steps that `ids` depend on, directly or indirectly (not `ids` themselves)."""
    ids = list(ids)
    return _reachable(_known_deps(deps), ids) - set(ids)


def descendants(deps: Deps, ids: Iterable[str]) -> set[str]:
    """All steps that depend on `ids`, directly or indirectly (not `ids` themselves)."""
    ids = list(ids)
    return _reachable(dependents(deps), ids) - set(ids)


def plan(deps: Deps, selection: Sequence[str], mode: Mode | str) -> list[str]:
    """The steps to run, in topological order.

    `only`: exactly the selection; `upstream`: plus everything it depends on; `downstream`: plus
    everything that depends on it; `all`: every step (the selection is not needed).
    """
    try:
        mode = Mode(mode)
    except ValueError:
        valid = ", ".join(m.value for m in Mode)
        message = f"unknown mode '{mode}': use one of {valid}"
        raise BadRequest(message, {"mode": str(mode)}) from None
    unknown = [step for step in dict.fromkeys(selection) if step not in deps]
    if unknown:
        raise UnknownStep(
            f"unknown step{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}: "
            f"the pipeline's steps are {', '.join(deps) or '(none)'}",
            {"unknown": unknown, "valid": list(deps)},
        )
    if mode is Mode.all:
        chosen = set(deps)
    elif not selection:
        raise BadRequest(
            f"mode '{mode.value}' needs at least one step: select steps or use mode 'all'",
            {"mode": mode.value},
        )
    elif mode is Mode.only:
        chosen = set(selection)
    elif mode is Mode.upstream:
        chosen = set(selection) | ancestors(deps, selection)
    else:
        chosen = set(selection) | descendants(deps, selection)
    return [step for step in topological_order(deps) if step in chosen]


def would_create_cycle(deps: Deps, source: str, target: str) -> bool:
    """Whether making `target` depend on `source` (an edge source → target) closes a cycle.

    It does when `source` is `target` or already depends, directly or not, on `target`.
    """
    return source == target or target in ancestors(deps, [source])


def widest_level(steps: Sequence[str], deps: Deps) -> int:
    """How many of `steps` the widest level of their subgraph holds: a cheap estimate of how
    many can run at once (dependencies outside `steps` are already done)."""
    subgraph = {step: list(deps.get(step, ())) for step in steps}
    return max((len(level) for level in levels(subgraph)), default=0)
