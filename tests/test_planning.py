from __future__ import annotations

import random

import pytest

from runnable_jupyter.errors import BadRequest, UnknownStep
from runnable_jupyter.pipeline import graph as planning
from runnable_jupyter.pipeline.graph import (
    Mode,
    ancestors,
    dependents,
    descendants,
    find_cycles,
    levels,
    plan,
    topological_order,
    would_create_cycle,
)

# a → b, a → c, b → d, c → d (arrows: runs before)
DIAMOND = {"a": [], "b": ["a"], "c": ["a"], "d": ["b", "c"]}


def assert_dependencies_first(deps, order):
    position = {step: index for index, step in enumerate(order)}
    for step in order:
        for dep in deps[step]:
            if dep in position:
                assert position[dep] < position[step], f"{dep} must come before {step}"


def random_dag(size: int, seed: int) -> tuple[dict[str, list[str]], dict[str, set[str]]]:
    """A random DAG in shuffled file order, with each step's ancestors computed independently."""
    rng = random.Random(seed)
    names = [f"s{i}" for i in range(size)]
    built: dict[str, list[str]] = {}
    reference_ancestors: dict[str, set[str]] = {}
    for index, name in enumerate(names):  # dependencies only on earlier-built steps: acyclic
        deps = rng.sample(names[:index], k=min(index, rng.randint(0, 3)))
        built[name] = deps
        reference_ancestors[name] = set(deps).union(*(reference_ancestors[d] for d in deps))
    file_order = names[:]
    rng.shuffle(file_order)
    return {name: built[name] for name in file_order}, reference_ancestors


# --- topological order and levels ------------------------------------------------------------


def test_topological_order_puts_dependencies_first_on_a_diamond():
    assert topological_order(DIAMOND) == ["a", "b", "c", "d"]


def test_topological_order_breaks_ties_by_file_order():
    deps = {"z": [], "late": ["x"], "y": [], "x": []}
    assert topological_order(deps) == ["z", "y", "x", "late"]


def test_topological_order_ignores_unknown_dependencies():
    assert topological_order({"a": ["ghost"], "b": ["a"]}) == ["a", "b"]


def test_topological_order_of_a_cycle_raises_naming_it():
    with pytest.raises(ValueError, match="a → b → a"):
        topological_order({"a": ["b"], "b": ["a"], "c": []})


def test_levels_group_independent_steps_in_file_order():
    assert levels(DIAMOND) == [["a"], ["b", "c"], ["d"]]
    assert levels({"x": ["w"], "w": [], "v": []}) == [["w", "v"], ["x"]]
    assert levels({}) == []


def test_levels_place_a_step_below_its_deepest_dependency():
    deps = {"a": [], "b": ["a"], "c": ["b"], "d": ["a", "c"]}
    assert levels(deps) == [["a"], ["b"], ["c"], ["d"]]


def test_dependents_invert_the_edges_in_file_order():
    assert dependents(DIAMOND) == {"a": ["b", "c"], "b": ["d"], "c": ["d"], "d": []}


# --- cycles ----------------------------------------------------------------------------------


def test_find_cycles_names_the_cycle_in_run_order_from_its_first_step():
    # b depends on a, c on b, a on c: a → b → c → a
    deps = {"a": ["c"], "b": ["a"], "c": ["b"], "d": ["a"]}
    assert find_cycles(deps) == [["a", "b", "c", "a"]]


def test_find_cycles_reports_each_separate_cycle_and_self_dependency():
    deps = {"x": ["y"], "y": ["x"], "solo": ["solo"], "ok": [], "p": ["q"], "q": ["p", "ok"]}
    assert find_cycles(deps) == [["x", "y", "x"], ["solo", "solo"], ["p", "q", "p"]]


def test_find_cycles_reports_the_shortest_cycle_through_the_first_step():
    # the long way a → b → c → d → a, and the short a → d → a (d depends on a, a on d)
    deps = {"a": ["d"], "b": ["a"], "c": ["b"], "d": ["c", "a"]}
    assert find_cycles(deps) == [["a", "d", "a"]]


def test_find_cycles_is_empty_for_a_dag():
    dag, _ = random_dag(300, seed=7)
    assert find_cycles(dag) == []
    assert find_cycles(DIAMOND) == []


def test_find_cycles_handles_a_10000_step_ring_without_recursion_limits():
    size = 10_000
    ring = {f"n{i}": [f"n{(i - 1) % size}"] for i in range(size)}
    (cycle,) = find_cycles(ring)
    assert cycle[0] == cycle[-1] == "n0"
    assert len(cycle) == size + 1
    assert cycle[1] == "n1"


# --- ancestors, descendants, would_create_cycle -------------------------------------------------


def test_ancestors_and_descendants_on_a_diamond():
    assert ancestors(DIAMOND, ["d"]) == {"a", "b", "c"}
    assert ancestors(DIAMOND, ["b"]) == {"a"}
    assert ancestors(DIAMOND, ["a"]) == set()
    assert descendants(DIAMOND, ["a"]) == {"b", "c", "d"}
    assert descendants(DIAMOND, ["b", "c"]) == {"d"}
    assert descendants(DIAMOND, ["d"]) == set()


def test_would_create_cycle_detects_closing_edges_only():
    assert would_create_cycle(DIAMOND, "d", "a")  # a would depend on d, which depends on a
    assert would_create_cycle(DIAMOND, "b", "b")
    assert not would_create_cycle(DIAMOND, "a", "d")  # d already depends on a, indirectly
    assert not would_create_cycle(DIAMOND, "b", "c")  # siblings


# --- plan -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("selection", "mode", "expected"),
    [
        (["b"], Mode.only, ["b"]),
        (["d", "a"], Mode.only, ["a", "d"]),
        (["b"], Mode.upstream, ["a", "b"]),
        (["d"], Mode.upstream, ["a", "b", "c", "d"]),
        (["b"], Mode.downstream, ["b", "d"]),
        (["a"], Mode.downstream, ["a", "b", "c", "d"]),
        (["b", "c"], Mode.downstream, ["b", "c", "d"]),
        ([], Mode.all, ["a", "b", "c", "d"]),
        (["c"], Mode.all, ["a", "b", "c", "d"]),
        (["c"], "upstream", ["a", "c"]),
        (["b", "b"], Mode.only, ["b"]),
    ],
)
def test_plan_modes_on_a_diamond(selection, mode, expected):
    assert plan(DIAMOND, selection, mode) == expected


def test_plan_with_unknown_steps_names_them_and_lists_valid_ids():
    with pytest.raises(UnknownStep) as raised:
        plan(DIAMOND, ["b", "zz", "yy"], Mode.only)
    assert "'zz', 'yy'" in raised.value.message
    assert "a, b, c, d" in raised.value.message
    assert raised.value.details == {"unknown": ["zz", "yy"], "valid": ["a", "b", "c", "d"]}
    assert raised.value.code == "unknown_step"


def test_plan_rejects_unknown_steps_even_in_mode_all():
    with pytest.raises(UnknownStep):
        plan(DIAMOND, ["nope"], Mode.all)


@pytest.mark.parametrize("mode", [Mode.only, Mode.upstream, Mode.downstream])
def test_plan_needs_a_selection_except_in_mode_all(mode):
    with pytest.raises(BadRequest, match="needs at least one step"):
        plan(DIAMOND, [], mode)


def test_plan_rejects_an_unknown_mode():
    with pytest.raises(BadRequest, match="unknown mode 'sideways'"):
        plan(DIAMOND, ["a"], "sideways")


@pytest.mark.timeout(60)
def test_plan_on_a_1000_step_random_dag_keeps_order_and_closures():
    deps, reference = random_dag(1000, seed=2024)
    order = topological_order(deps)
    assert sorted(order) == sorted(deps)
    assert_dependencies_first(deps, order)

    rng = random.Random(1)
    for _ in range(20):
        selection = rng.sample(list(deps), k=rng.randint(1, 5))
        expected_up = set(selection).union(*(reference[s] for s in selection))
        up = plan(deps, selection, Mode.upstream)
        assert set(up) == expected_up and len(up) == len(expected_up)
        assert_dependencies_first(deps, up)

        expected_down = set(selection) | {s for s in deps if reference[s] & set(selection)}
        down = plan(deps, selection, Mode.downstream)
        assert set(down) == expected_down and len(down) == len(expected_down)
        assert_dependencies_first(deps, down)

        assert plan(deps, selection, Mode.only) == [s for s in order if s in selection]

    flat = [step for level in levels(deps) for step in level]
    assert sorted(flat) == sorted(deps)
    assert_dependencies_first(deps, flat)
    depth = {step: i for i, level in enumerate(levels(deps)) for step in level}
    for step, step_deps in deps.items():  # each step sits right below its deepest dependency
        assert depth[step] == 1 + max((depth[d] for d in step_deps), default=-1)


@pytest.mark.timeout(60)
def test_plan_on_a_10000_step_chain_has_no_recursion_limit():
    chain = {f"s{i}": ([f"s{i - 1}"] if i else []) for i in range(10_000)}
    assert plan(chain, ["s9999"], Mode.upstream) == list(chain)
    assert plan(chain, ["s0"], Mode.downstream) == list(chain)
    assert len(levels(chain)) == 10_000


def test_widest_level_counts_the_steps_that_can_run_together_in_a_subset():
    deps = {"load": [], "f1": ["load"], "f2": ["load"], "f3": ["load"], "join": ["f1", "f2", "f3"]}
    assert planning.widest_level(list(deps), deps) == 3
    assert planning.widest_level(["join"], deps) == 1  # its dependencies are outside the run
    assert planning.widest_level(["f1", "f2"], deps) == 2
    assert planning.widest_level([], deps) == 0
