from __future__ import annotations

import json
import os
from pathlib import Path

import helpers
import pytest

from runnable_jupyter.errors import PathOutsideRoot, PipelineInvalid, PipelineNotFound
from runnable_jupyter.pipeline.model import (
    CURRENT_VERSION,
    MAX_OUTPUT_LIMIT_MB,
    MAX_TIMEOUT_S,
    Pipeline,
    load_schema,
)
from runnable_jupyter.pipeline.validation import (
    Problem,
    load_pipeline,
    validate_document,
    validate_file,
)

KERNELS = {"python3"}


def write_notebook(path: Path, kernel: str | None = "python3") -> Path:
    return helpers.write_notebook(path, "x = 1", kernel=kernel)


def step(step_id: str, notebook: str | None = None, **fields) -> dict:
    return {"id": step_id, "notebook": notebook or f"{step_id}.ipynb", **fields}


def doc(*steps: dict, **fields) -> dict:
    return {"version": CURRENT_VERSION, **fields, "steps": list(steps)}


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    """A workspace with notebooks a, b, c, d in its root."""
    root = tmp_path / "ws"
    for name in "abcd":
        write_notebook(root / f"{name}.ipynb")
    return root


def problems_of(data, root: Path, base: Path | None = None, kernels=KERNELS) -> list[Problem]:
    return validate_document(data, base or root, root, known_kernels=kernels)


def only_problem(data, root: Path, **kwargs) -> Problem:
    problems = problems_of(data, root, **kwargs)
    assert len(problems) == 1, problems
    return problems[0]


# --- a valid pipeline -------------------------------------------------------------------------


def test_a_valid_pipeline_has_no_problems_and_loads_typed(ws):
    data = doc(
        step("a", parameters={"n": 1}, catalog={"put": ["out/*.csv"]}, position={"x": 1, "y": 2}),
        step("b", depends_on=["a"], kernel="python3", timeout_s=5),
        step("c", depends_on=["a"]),
        step("d", depends_on=["b", "c"]),
        name="etl",
        parameters={"seed": 0},
        settings={"skip_tags": ["skip"], "max_parallel": 2, "catalog_dir": "shared/catalog"},
    )
    assert problems_of(data, ws) == []
    (ws / "etl.pipeline.json").write_text(json.dumps(data))
    pipeline = load_pipeline(Path("etl.pipeline.json"), ws, known_kernels=KERNELS)
    assert isinstance(pipeline, Pipeline)
    assert pipeline.dependencies() == {"a": [], "b": ["a"], "c": ["a"], "d": ["b", "c"]}
    assert pipeline.settings.max_parallel == 2


def test_notebooks_are_found_relative_to_the_pipeline_folder(ws):
    write_notebook(ws / "sub" / "nb" / "x.ipynb")
    assert problems_of(doc(step("x", "nb/x.ipynb"), step("up", "../a.ipynb")), ws, ws / "sub") == []


# --- schema errors ----------------------------------------------------------------------------


def test_unknown_fields_are_named_with_a_suggestion(ws):
    problems = problems_of(doc(step("a", depens_on=["b"]), step("b"), colour="red"), ws)
    assert [(p.pointer, p.step) for p in problems] == [
        ("/colour", None),
        ("/steps/0/depens_on", "a"),
    ]
    assert "unknown field 'colour'" in problems[0].message
    assert "did you mean 'depends_on'?" in problems[1].message
    assert "allowed fields: id, notebook, depends_on" in problems[1].message


def test_wrong_types_say_what_is_expected(ws):
    problem = only_problem(doc(step("a", depends_on="b")), ws)
    assert problem.pointer == "/steps/0/depends_on"
    assert problem.message == "'depends_on' must be a list ([...]), not a string ('b')"


def test_a_whole_file_that_is_not_an_object_is_reported(ws):
    problem = only_problem([1, 2], ws)
    assert problem.pointer == ""
    assert problem.message == "the pipeline file must contain an object ({...}), not a list ([...])"


def test_bad_step_ids_explain_the_allowed_characters(ws):
    problem = only_problem(doc(step("load data", "a.ipynb")), ws)
    assert (problem.pointer, problem.step) == ("/steps/0/id", "load data")
    assert "only letters, digits, '_' and '-'" in problem.message
    assert "'load_data'" in problem.message


@pytest.mark.parametrize("bad_id", ["a\n", "a\nb", "\na"])
def test_a_step_id_must_match_its_pattern_as_a_whole_string(ws, bad_id):
    # Python's `$` matches before a final newline; JSON Schema's (and the editor's) does not.
    problem = only_problem(doc(step(bad_id, "a.ipynb")), ws)
    assert problem.pointer == "/steps/0/id"
    assert "only letters, digits, '_' and '-'" in problem.message


@pytest.mark.parametrize("timeout", [604_801, 2_147_468, 1e300])
def test_a_step_timeout_is_bounded_to_seven_days(ws, timeout):
    # Larger limits overflowed the executor's poll timeout and froze every run of the server.
    problem = only_problem(doc(step("a", "a.ipynb", timeout_s=timeout)), ws)
    assert problem.pointer == "/steps/0/timeout_s"


@pytest.mark.parametrize(
    "retention", [{"keep_last": 0}, {"keep_days": 0}, {"keep": 3}], ids=["last", "days", "typo"]
)
def test_a_retention_setting_that_keeps_nothing_sensible_is_invalid(ws, retention):
    problem = only_problem(doc(step("a", "a.ipynb"), settings={"retention": retention}), ws)
    assert problem.pointer.startswith("/settings/retention")


def test_the_schema_bound_on_timeouts_is_the_engines(ws):
    schema_max = load_schema()["$defs"]["step"]["properties"]["timeout_s"]["maximum"]
    assert schema_max == MAX_TIMEOUT_S


@pytest.mark.parametrize("limit", [0, -1, 102_401, "50"])
def test_an_output_limit_must_be_a_positive_bounded_number(ws, limit):
    problem = only_problem(doc(step("a", "a.ipynb"), settings={"output_limit_mb": limit}), ws)
    assert problem.pointer == "/settings/output_limit_mb"


def test_the_schema_bound_on_output_limits_is_the_engines(ws):
    schema_max = load_schema()["properties"]["settings"]["properties"]["output_limit_mb"]
    assert schema_max["maximum"] == MAX_OUTPUT_LIMIT_MB


def test_missing_required_fields_are_reported_on_their_object(ws):
    problems = problems_of({"steps": [{"id": "a"}]}, ws)
    assert [(p.pointer, p.message) for p in problems] == [
        ("", "the pipeline is missing the required field 'version': add it"),
        ("/steps/0", "a step is missing the required field 'notebook': add it"),
    ]
    assert problems[1].step == "a"


def test_range_and_uniqueness_rules_are_reported(ws):
    problems = problems_of(
        doc(
            step("a", timeout_s=0),
            step("b", depends_on=["a", "a"]),
            settings={"max_parallel": 0},
        ),
        ws,
    )
    assert [p.pointer for p in problems] == [
        "/settings/max_parallel",
        "/steps/0/timeout_s",
        "/steps/1/depends_on/1",
    ]
    assert problems[0].message == "'max_parallel' must be at least 1, not 0"
    assert problems[1].message == "'timeout_s' must be greater than 0, not 0"
    assert "'a' is listed twice" in problems[2].message


# --- steps and dependencies -------------------------------------------------------------------


def test_duplicate_step_ids_point_at_the_repeat(ws):
    problem = only_problem(doc(step("a"), step("b"), step("a", "c.ipynb")), ws)
    assert (problem.pointer, problem.step) == ("/steps/2/id", "a")
    assert "already used by /steps/0" in problem.message


def test_unknown_dependency_is_reported_with_a_suggestion(ws):
    data = doc(step("load", "a.ipynb"), step("train", "b.ipynb", depends_on=["laod", "zzz"]))
    problems = problems_of(data, ws)
    assert [(p.pointer, p.step) for p in problems] == [
        ("/steps/1/depends_on/0", "train"),
        ("/steps/1/depends_on/1", "train"),
    ]
    assert "unknown step 'laod': did you mean 'load'?" in problems[0].message
    assert "unknown step 'zzz': remove it or add a step with that id" in problems[1].message


def test_a_step_depending_on_itself_is_reported_once(ws):
    problem = only_problem(doc(step("a", depends_on=["a"])), ws)
    assert (problem.pointer, problem.step) == ("/steps/0/depends_on/0", "a")
    assert "depends on itself" in problem.message


def test_cycles_are_named_in_run_order(ws):
    data = doc(
        step("a", depends_on=["c"]),
        step("b", depends_on=["a"]),
        step("c", depends_on=["b"]),
        step("d"),
    )
    problem = only_problem(data, ws)
    assert (problem.pointer, problem.step) == ("/steps/0/depends_on/0", "a")
    assert "a → b → c → a" in problem.message


# --- notebooks --------------------------------------------------------------------------------


def test_a_missing_notebook_suggests_a_close_name(ws):
    problem = only_problem(doc(step("a", "a.ipnb.ipynb"), step("x", "b.ipynb")), ws)
    assert problem.pointer == "/steps/0/notebook"
    assert "not found" in problem.message
    problem = only_problem(doc(step("a", "bb.ipynb")), ws)
    assert "did you mean 'b.ipynb'?" in problem.message


def test_did_you_mean_names_the_path_a_step_must_give(ws):
    """Suggestions are paths relative to the pipeline file's folder, as the step must name them."""
    write_notebook(ws / "wine" / "train_logreg.ipynb")
    write_notebook(ws / "wine" / "train_forest.ipynb")
    problem = only_problem(doc(step("t", "train_logreg.ipynb")), ws)
    assert "did you mean 'wine/train_logreg.ipynb'?" in problem.message
    problem = only_problem(doc(step("t", "wine/train_logrg.ipynb")), ws)
    assert "did you mean 'wine/train_logreg.ipynb'?" in problem.message
    problem = only_problem(doc(step("t", "wine/zzz.ipynb")), ws)
    assert "did you mean" not in problem.message  # ".ipynb" alone makes no likeness


def test_a_file_that_is_not_a_notebook_is_reported(ws):
    (ws / "script.py").write_text("print(1)\n")
    (ws / "folder.ipynb").mkdir()
    problems = problems_of(doc(step("a", "script.py"), step("b", "folder.ipynb")), ws)
    assert "is not a notebook" in problems[0].message
    assert "is a folder" in problems[1].message


def test_notebooks_that_are_not_json_or_not_nbformat_are_reported(ws):
    (ws / "text.ipynb").write_text("not json at all")
    cell_without_source = {"cell_type": "code"}
    invalid = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [cell_without_source]}
    (ws / "bad.ipynb").write_text(json.dumps(invalid))
    (ws / "binary.ipynb").write_bytes(b"\xff\xfe\x00garbage")
    data = doc(step("t", "text.ipynb"), step("b", "bad.ipynb"), step("x", "binary.ipynb"))
    problems = problems_of(data, ws)
    assert [p.pointer for p in problems] == [f"/steps/{i}/notebook" for i in range(3)]
    assert "is not JSON" in problems[0].message
    assert "is not a valid notebook" in problems[1].message
    assert "is not UTF-8 text" in problems[2].message


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read files without read permission")
def test_an_unreadable_notebook_is_reported(ws):
    (ws / "a.ipynb").chmod(0)
    try:
        problem = only_problem(doc(step("a")), ws)
    finally:
        (ws / "a.ipynb").chmod(0o644)
    assert "cannot be read" in problem.message


# --- paths leaving the workspace --------------------------------------------------------------


def test_notebook_paths_leaving_the_root_are_refused(ws, tmp_path):
    write_notebook(tmp_path / "outside.ipynb")
    data = doc(step("up", "../outside.ipynb"), step("abs", str(tmp_path / "outside.ipynb")))
    problems = problems_of(data, ws)
    assert [p.pointer for p in problems] == ["/steps/0/notebook", "/steps/1/notebook"]
    assert "goes up ('..') out of the workspace root" in problems[0].message
    assert "is absolute" in problems[1].message


def test_a_symlink_pointing_outside_the_root_is_refused(ws, tmp_path):
    write_notebook(tmp_path / "elsewhere" / "secret.ipynb")
    (ws / "link.ipynb").symlink_to(tmp_path / "elsewhere" / "secret.ipynb")
    (ws / "linked_dir").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (ws / "inside_link.ipynb").symlink_to(ws / "a.ipynb")
    data = doc(
        step("f", "link.ipynb"),
        step("d", "linked_dir/secret.ipynb"),
        step("ok", "inside_link.ipynb"),
    )
    problems = problems_of(data, ws)
    assert [p.pointer for p in problems] == ["/steps/0/notebook", "/steps/1/notebook"]
    assert all("symlink pointing outside the workspace root" in p.message for p in problems)


def test_catalog_globs_must_stay_relative(ws):
    globs = {"get": ["/etc/*", "ok/*.csv"], "put": ["../up/*.parquet", "x/../y"]}
    data = doc(step("a", catalog=globs))
    problems = problems_of(data, ws)
    assert [p.pointer for p in problems] == [
        "/steps/0/catalog/get/0",
        "/steps/0/catalog/put/0",
        "/steps/0/catalog/put/1",
    ]
    assert "is absolute" in problems[0].message
    assert "contains '..'" in problems[1].message


def test_a_catalog_dir_leaving_the_root_is_refused(ws):
    problem = only_problem(doc(step("a"), settings={"catalog_dir": "../../catalog"}), ws, base=ws)
    assert problem.pointer == "/settings/catalog_dir"
    assert "goes up ('..') out of the workspace root" in problem.message
    # going up from a sub-folder while staying inside the root is fine
    write_notebook(ws / "sub" / "a.ipynb")
    inside = doc(step("a"), settings={"catalog_dir": "../catalog"})
    assert problems_of(inside, ws, base=ws / "sub") == []


def test_a_pipeline_folder_outside_the_root_is_reported(ws, tmp_path):
    write_notebook(tmp_path / "other" / "a.ipynb")
    problem = only_problem(doc(step("a")), ws, base=tmp_path / "other")
    assert problem.pointer == ""
    assert "is outside the workspace root" in problem.message


# --- parameters and kernels -------------------------------------------------------------------


def test_parameter_names_must_be_python_identifiers(ws):
    data = doc(
        step("a", parameters={"ok_name": 1, "2fast": 1, "for": 2}),
        parameters={"my-param": 1, "a/b": 2, "class": 3, "fine": 4},
    )
    problems = problems_of(data, ws)
    assert [(p.pointer, p.step) for p in problems] == [
        ("/parameters/a~1b", None),
        ("/parameters/class", None),
        ("/parameters/my-param", None),
        ("/steps/0/parameters/2fast", "a"),
        ("/steps/0/parameters/for", "a"),
    ]
    assert "not a Python identifier" in problems[2].message and "'my_param'" in problems[2].message
    assert "is a Python keyword" in problems[4].message and "'for_'" in problems[4].message


def test_an_unknown_kernel_is_reported_with_the_installed_ones(ws):
    problem = only_problem(doc(step("a", kernel="pyton3")), ws, kernels={"python3", "ir"})
    assert (problem.pointer, problem.step) == ("/steps/0/kernel", "a")
    assert "kernel 'pyton3' is not installed: did you mean 'python3'?" in problem.message
    assert "(installed: ir, python3)" in problem.message


def test_a_notebook_asking_for_an_unknown_kernel_is_reported_unless_the_step_overrides(ws):
    write_notebook(ws / "julia.ipynb", kernel="julia-1.9")
    problem = only_problem(doc(step("j", "julia.ipynb")), ws)
    assert (problem.pointer, problem.step) == ("/steps/0/notebook", "j")
    assert "asks for kernel 'julia-1.9'" in problem.message
    assert problems_of(doc(step("j", "julia.ipynb", kernel="python3")), ws) == []


def test_kernels_default_to_the_installed_kernelspecs(ws):
    from jupyter_client.kernelspec import KernelSpecManager

    installed = set(KernelSpecManager().find_kernel_specs())
    assert "python3" in installed  # the shared venv ships ipykernel
    data = doc(step("a", kernel="python3"), step("b", kernel="no-such-kernel-xyz"))
    problems = validate_document(data, ws, ws)
    assert [p.pointer for p in problems] == ["/steps/1/kernel"]


def test_kernelspecs_are_found_as_jupyter_client_finds_them(tmp_path, monkeypatch):
    """The lookup that spares the CLI jupyter_client's import names what KernelSpecManager
    names: folders holding kernel.json (lower-cased) on JUPYTER_PATH and in IPython's folder,
    and ipykernel's python3."""
    from jupyter_client.kernelspec import KernelSpecManager

    from runnable_jupyter.pipeline.notebook_checks import find_kernelspec_names

    for folder, name in [("jupyter", "Mixed-Case"), ("jupyter", "r-4.3"), ("ipython", "julia")]:
        spec = tmp_path / folder / "kernels" / name
        spec.mkdir(parents=True)
        (spec / "kernel.json").write_text("{}")
    (tmp_path / "jupyter" / "kernels" / "no-kernel-json").mkdir()
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    found = find_kernelspec_names()
    assert {"mixed-case", "r-4.3", "julia", "python3"} <= found
    assert "no-kernel-json" not in found
    assert found == set(KernelSpecManager().find_kernel_specs())


# --- every problem at once --------------------------------------------------------------------


def test_every_problem_is_reported_at_once_with_its_location(ws):
    data = doc(
        step("a", depends_on=["c"], parameters={"bad name": 1}),
        step("b", "missing.ipynb", depends_on=["a", "ghost"]),
        step("c", depends_on=["a"], kernel="nope"),
        step("b", "../x.ipynb", extra=True),
        *[step(f"s{i}", "d.ipynb") for i in range(7)],
        step("late", "d.ipynb", depends_on=["late"]),
        settings={"catalog_dir": "/abs"},
    )
    problems = problems_of(data, ws)
    assert [(p.pointer, p.step) for p in problems] == [
        ("/settings/catalog_dir", None),
        ("/steps/0/depends_on/0", "a"),  # cycle a → c → a
        ("/steps/0/parameters/bad name", "a"),
        ("/steps/1/depends_on/1", "b"),
        ("/steps/1/notebook", "b"),
        ("/steps/2/kernel", "c"),
        ("/steps/3/extra", "b"),
        ("/steps/3/id", "b"),
        ("/steps/3/notebook", "b"),
        ("/steps/11/depends_on/0", "late"),
    ]
    assert "a → c → a" in problems[1].message


def test_problems_serialise_for_the_server(ws):
    problem = only_problem(doc(step("a", depends_on=["a"])), ws)
    assert problem.to_json() == {
        "pointer": "/steps/0/depends_on/0",
        "step": "a",
        "message": problem.message,
    }
    assert str(problem).startswith("/steps/0/depends_on/0 (step 'a'): ")


def test_a_newer_format_is_reported_alone(ws):
    problem = only_problem({"version": CURRENT_VERSION + 1, "whatever": []}, ws)
    assert problem.pointer == "/version"
    assert "upgrade runnable-jupyter" in problem.message


# --- loading files ----------------------------------------------------------------------------


def write_pipeline(folder: Path, data, name: str = "etl") -> Path:
    path = folder / f"{name}.pipeline.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data, indent=2))
    return path


def test_load_pipeline_accepts_absolute_and_root_relative_paths(ws):
    write_notebook(ws / "sub" / "x.ipynb")
    path = write_pipeline(ws / "sub", doc(step("x")))
    assert load_pipeline(path, ws, known_kernels=KERNELS).step_ids == ["x"]
    assert load_pipeline("sub/etl.pipeline.json", str(ws), known_kernels=KERNELS).step_ids == ["x"]


def test_load_pipeline_of_a_missing_file_says_so(ws):
    with pytest.raises(PipelineNotFound, match="pipeline nope.pipeline.json not found"):
        load_pipeline(Path("nope.pipeline.json"), ws)


def test_load_pipeline_outside_the_root_is_refused(ws, tmp_path):
    outside = write_pipeline(tmp_path, doc())
    with pytest.raises(PathOutsideRoot):
        load_pipeline(outside, ws)
    with pytest.raises(PathOutsideRoot):
        load_pipeline(Path("../etl.pipeline.json"), ws)


def test_load_pipeline_names_the_line_and_column_of_malformed_json(ws):
    path = write_pipeline(ws, '{\n  "version": 1,\n  "steps": [,]\n}')
    with pytest.raises(PipelineInvalid) as raised:
        load_pipeline(path, ws)
    (problem,) = raised.value.problems
    assert problem.pointer == ""
    assert "not valid JSON at line 3, column 13" in problem.message


def test_load_pipeline_refuses_a_newer_format(ws):
    path = write_pipeline(ws, {"version": CURRENT_VERSION + 1, "steps": []})
    with pytest.raises(PipelineInvalid) as raised:
        load_pipeline(path, ws)
    assert raised.value.details[0]["pointer"] == "/version"
    assert "written by a newer runnable-jupyter" in raised.value.details[0]["message"]


def test_load_pipeline_raises_every_problem_and_writes_nothing(ws):
    path = write_pipeline(ws, doc(step("a", depends_on=["x"]), step("a", "missing.ipynb")))
    before = {p: p.stat().st_mtime_ns for p in ws.rglob("*")}
    with pytest.raises(PipelineInvalid) as raised:
        load_pipeline(path, ws, known_kernels=KERNELS)
    assert raised.value.code == "pipeline_invalid"
    assert raised.value.message == "etl.pipeline.json has 3 problems"
    assert [d["pointer"] for d in raised.value.details] == [
        "/steps/0/depends_on/0",
        "/steps/1/id",
        "/steps/1/notebook",
    ]
    assert {p: p.stat().st_mtime_ns for p in ws.rglob("*")} == before


def test_validate_file_returns_the_problems_or_nothing(ws):
    good = write_pipeline(ws, doc(step("a")), name="good")
    bad = write_pipeline(ws, doc(step("a", depends_on=["a"])), name="bad")
    assert validate_file(good, ws, known_kernels=KERNELS) == []
    problems = validate_file(bad, ws, known_kernels=KERNELS)
    assert [p.pointer for p in problems] == ["/steps/0/depends_on/0"]


def test_a_notebook_shared_by_steps_is_resolved_once_and_reported_on_each(
    ws, tmp_path, monkeypatch
):
    # 5,000 steps of one notebook resolved its path 5,000 times (1.6 s of CPU per validation).
    from runnable_jupyter.pipeline import validation

    resolved: list[str] = []

    def counting(root, relative, *, base=None):
        resolved.append(relative)
        return resolve_inside(root, relative, base=base)

    resolve_inside = validation.resolve_inside
    monkeypatch.setattr(validation, "resolve_inside", counting)
    write_notebook(tmp_path / "outside.ipynb")
    shared = [step(f"s{i}", "a.ipynb") for i in range(3)]
    outside = [step(f"o{i}", "../outside.ipynb") for i in range(2)]
    problems = problems_of(doc(*shared, *outside), ws)
    assert resolved.count("a.ipynb") == 1 and resolved.count("../outside.ipynb") == 1
    assert [(p.pointer, p.step) for p in problems] == [
        ("/steps/3/notebook", "o0"),
        ("/steps/4/notebook", "o1"),
    ]
    assert all("out of the workspace root" in p.message for p in problems)
