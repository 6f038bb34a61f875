"""Importing Elyra and Orchest pipelines (runnable_jupyter.importers): every file of the shared
corpus is converted into a valid pipeline (apart from the notebooks the corpus lacks, which
validation names) or refused in one sentence, and each mapping rule is pinned by a test of its
own. The corpus is read only: every test works on a copy in its tmp_path.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from corpus_support import entry, manifest, notebook_refs, rebuild, refusal_reason

from runnable_jupyter.errors import PipelineNotFound, RunnableError
from runnable_jupyter.importers import Conversion, ImportRefused, OutputExists, convert, write
from runnable_jupyter.pipeline.validation import validate_file

PYTHON_ONLY = {"python3": "python"}
EMPTY_NOTEBOOK = {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


def _notebook(path: Path) -> None:
    path.write_text(json.dumps(EMPTY_NOTEBOOK))


def imported(fragment: str, tmp_path: Path, **options: Any) -> Conversion:
    root, pipeline = rebuild(entry(fragment), tmp_path)
    options.setdefault("kernels", PYTHON_ONLY)
    return convert(pipeline, root=root, **options)


def step(conversion: Conversion, step_id: str) -> dict[str, Any]:
    return next(s for s in conversion.document["steps"] if s["id"] == step_id)


def messages(items: list[Any]) -> str:
    return "\n".join(f"{item.source}: {item.message}" for item in items)


# --- the whole corpus ---------------------------------------------------------------------------


@pytest.mark.parametrize("item", manifest(), ids=lambda item: Path(item["file"]).name[:80])
def test_every_corpus_file_is_converted_and_valid_or_refused_in_one_sentence(item, tmp_path):
    root, pipeline = rebuild(item, tmp_path)
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    reason = refusal_reason(item)
    if reason is not None:
        with pytest.raises(RunnableError) as refused:
            convert(pipeline, root=root, shown_source=item["path"])
        message = refused.value.message
        assert "\n" not in message and item["path"] in message, message
        assert sorted(p.relative_to(root) for p in root.rglob("*")) == before  # nothing written
        return
    conversion = convert(pipeline, root=root, shown_source=item["path"])
    write(conversion)
    notebooks = notebook_refs(item)
    assert len(conversion.document["steps"]) == len(notebooks)
    missing = sorted(Path(r["file"]).name for r in notebooks if r["status"].startswith("absent"))
    problems = validate_file(conversion.output, root)
    # valid, but for the notebooks the corpus lacks: validation names each of them
    assert len(problems) == len(missing), [str(p) for p in problems]
    assert all("not found" in p.message and p.pointer.endswith("/notebook") for p in problems)
    named = sorted(Path(p.message.split("'")[1]).name for p in problems)
    assert named == missing
    assert conversion.report.problems == [str(p) for p in problems]


def test_the_corpus_is_there_and_all_of_it_is_covered():
    items = manifest()
    if not items:
        pytest.skip("the shared corpus is not there")
    assert len(items) == 43
    refused = [item for item in items if refusal_reason(item)]
    # malformed JSON, a cycle, zero nodes; custom components only (4), no step files (1)
    assert len(refused) == 8


ODD_VALUES = [None, "", "x", 0, -1, 1.5, True, [], {}, [None], ["a=b"], {"a": None}, "/abs", [1]]


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    children = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else []
    )
    for key, child in children:
        found += _paths(child, (*prefix, key))
    return found


def test_hand_edited_corpus_files_are_converted_or_refused_never_a_crash(tmp_path):
    """Each corpus file with odd values put in random places (a fixed seed): the importer
    refuses in one sentence or converts into a document the schema accepts."""
    import random

    from runnable_jupyter.pipeline.validation import validate_document

    rng = random.Random(20261203)
    items = [item for item in manifest() if item.get("valid_json", True)]
    if not items:
        pytest.skip("the shared corpus is not there")
    for number, item in enumerate(items):
        root, pipeline = rebuild(item, tmp_path / str(number))
        original = json.loads(pipeline.read_text())
        for _ in range(4):
            document = json.loads(json.dumps(original))
            path = rng.choice(_paths(document)[1:])
            target = document
            for key in path[:-1]:
                target = target[key]
            target[path[-1]] = json.loads(json.dumps(rng.choice(ODD_VALUES)))
            pipeline.write_text(json.dumps(document))
            try:
                conversion = convert(pipeline, root=root, kernels=PYTHON_ONLY)
            except RunnableError as error:
                assert "\n" not in error.message
                continue
            problems = validate_document(
                conversion.document, pipeline.parent, root, known_kernels={"python3"}
            )
            assert all("notebook" in p.message for p in problems), (path, problems)


# --- nodes, ids, links --------------------------------------------------------------------------


def test_step_ids_come_from_labels_and_stay_unique_and_valid(tmp_path):
    conversion = imported("covid19-trustedai", tmp_path)
    ids = [s["id"] for s in conversion.document["steps"]]
    assert len(ids) == len(set(ids)) == 14
    assert "store_asset" in ids and "store_asset_2" in ids  # two nodes, one label
    assert "input-covid-chestxray" in ids
    assert "step id 'store_asset' is taken" in messages(conversion.report.notes)


def test_a_long_label_makes_an_id_of_at_most_128_characters(tmp_path):
    _notebook(tmp_path / "a.ipynb")
    nodes = [_elyra_node(f"n{i}", "a.ipynb", label="x" * 300) for i in range(2)]
    conversion = convert(_elyra_file(tmp_path, nodes), root=tmp_path, kernels=PYTHON_ONLY)
    ids = [s["id"] for s in conversion.document["steps"]]
    assert ids == ["x" * 120, "x" * 120 + "_2"]


def test_elyra_links_become_depends_on(tmp_path):
    conversion = imported("kfp-multi-node-generic", tmp_path)
    assert step(conversion, "consumer-producer")["depends_on"] == ["produce_a_file"]
    assert step(conversion, "consume_a_file")["depends_on"] == ["consumer-producer"]
    assert "depends_on" not in step(conversion, "produce_a_file")


def test_links_through_a_supernode_are_flattened(tmp_path):
    conversion = imported("pipeline_with_supernode", tmp_path)
    assert [s["id"] for s in conversion.document["steps"]] == [
        "generate-contributions",
        "generate-stats",
        "data_science_aws",
        "overview",  # the supernode's inner node
    ]
    assert step(conversion, "overview")["depends_on"] == [
        "generate-contributions",
        "generate-stats",
    ]
    assert step(conversion, "data_science_aws")["depends_on"] == ["overview"]
    assert "flattened" in messages(conversion.report.notes)


def test_orchest_incoming_connections_keep_their_order(tmp_path):
    conversion = imported("orchest__orchest__california_housing.at-03b41f2", tmp_path)
    assert step(conversion, "collect-results")["depends_on"] == [
        "linear-regression",
        "decision-tree",
    ]
    steps = {
        "a": {"title": "A", "file_path": "a.ipynb", "incoming_connections": []},
        "b": {"title": "B", "file_path": "a.ipynb", "incoming_connections": []},
        "c": {"title": "C", "file_path": "a.ipynb", "incoming_connections": ["b", "a"]},
    }
    conversion = convert(_orchest_file(tmp_path, steps), root=tmp_path, kernels=PYTHON_ONLY)
    assert step(conversion, "C")["depends_on"] == ["B", "A"]


def test_scripts_are_reported_not_imported_and_their_dependents_relinked(tmp_path):
    conversion = imported("cypress__fixtures__pipelines__producer-consumer", tmp_path)
    assert [s["id"] for s in conversion.document["steps"]] == ["producer", "consumer"]
    unmapped = messages(conversion.report.not_mapped)
    for script in ("../scripts/setup.py", "create-source-files.py", "producer-script.py"):
        assert f"a Python script file ({script}): script steps are not supported yet" in unmapped
    # consumer came after producer-script.py, which came after producer
    assert step(conversion, "consumer")["depends_on"] == ["producer"]
    assert "which is not imported: it now depends on 'producer'" in messages(
        conversion.report.notes
    )


def test_an_r_script_node_is_reported_too(tmp_path):
    conversion = imported("generic_basic_pipeline_with_scripts", tmp_path)
    assert "an R script file (untitled1.r)" in messages(conversion.report.not_mapped)


def test_custom_components_are_reported_and_bridged(tmp_path):
    _notebook(tmp_path / "a.ipynb")
    nodes = [
        _elyra_node("n1", "a.ipynb", label="first"),
        _elyra_node("n2", None, label="Download data", op="my-catalog:1234", parents=["n1"]),
        _elyra_node("n3", "a.ipynb", label="last", parents=["n2"]),
    ]
    conversion = convert(_elyra_file(tmp_path, nodes), root=tmp_path, kernels=PYTHON_ONLY)
    assert step(conversion, "last")["depends_on"] == ["first"]
    assert "a custom component (my-catalog:1234)" in messages(conversion.report.not_mapped)


# --- paths and positions ------------------------------------------------------------------------


def test_elyra_v1_paths_are_from_the_workspace_root_and_written_from_the_new_file(tmp_path):
    conversion = imported("analyze_NOAA_weather_data.at-3bb3d99", tmp_path)
    assert step(conversion, "load_data")["notebook"] == "load_data.ipynb"
    assert "relative to the workspace root" in messages(conversion.report.notes)
    assert conversion.report.problems == []


def test_later_elyra_paths_are_from_the_pipeline_folder(tmp_path):
    conversion = imported("pipeline_with_notebooks.pipeline", tmp_path)
    assert step(conversion, "notebook_1")["notebook"] == "notebooks/notebook_1.ipynb"


def test_paths_are_rewritten_for_an_output_elsewhere(tmp_path):
    root, pipeline = rebuild(entry("pipeline_with_notebooks.pipeline"), tmp_path)
    output = root / "imported" / "flows" / "nb.pipeline.json"
    conversion = convert(pipeline, root=root, output=output, kernels=PYTHON_ONLY)
    notebook = step(conversion, "notebook_1")["notebook"]
    assert notebook == "../../elyra/tests/cli/resources/pipelines/notebooks/notebook_1.ipynb"
    write(conversion)
    assert validate_file(output, root) == []


def test_orchest_2020_layout_reads_paths_from_the_folder_holding_dot_orchest(tmp_path):
    conversion = imported("__.orchest__pipeline.at-2e6961e", tmp_path)
    assert conversion.output.name == "pipeline.pipeline.json"
    assert conversion.output.parent.name == "6b55f1d1-5f8e-4744-83d8-dd7dbf2bec8c"
    assert step(conversion, "asd")["notebook"] == "asd.ipynb"
    assert "orchestsoftware/scipy-notebook-augmented" in messages(conversion.report.not_mapped)


def test_positions_are_kept(tmp_path):
    elyra = imported("kfp-multi-node-generic", tmp_path / "e")
    assert all("position" in s for s in elyra.document["steps"])
    orchest = imported("dump-env-params", tmp_path / "o")
    assert step(orchest, "dump-env-params")["position"] == {"x": 275, "y": 350}


# --- properties ---------------------------------------------------------------------------------


def test_env_vars_in_both_shapes_become_env(tmp_path):
    strings = imported("analyze_NOAA_weather_data.pipeline", tmp_path / "a")  # "KEY=value"
    assert step(strings, "load_data")["env"]["DATASET_URL"].startswith("https://dax-cdn")
    dicts = imported("generic-test", tmp_path / "b")  # {"env_var", "value"}
    assert step(dicts, "helloworld")["env"] == {"TEST_ENV_1": "1", "TEST_ENV_2": "2"}


def test_odd_env_vars_are_reported_not_dropped(tmp_path):
    conversion = imported("think-lab", tmp_path / "a")
    env = step(conversion, "transform-apply")["env"]
    assert env == {"function": "replace('/','_')", "column": "finding"}  # '(', quotes, spaces
    assert "column = finding read as column=finding" in messages(conversion.report.notes)
    empty = imported("cypress__fixtures__pipelines__producer-consumer", tmp_path / "b")
    assert "env" not in step(empty, "producer")  # NB_USER= has no value: Elyra sets none
    assert "NB_USER has no value" in messages(empty.report.notes)
    nulls = imported("covid19-trustedai", tmp_path / "c")
    assert 'empty item(s) (null or "") ignored' in messages(nulls.report.notes)


def test_pipeline_defaults_become_pipeline_env_and_secrets_come_from_the_environment(tmp_path):
    nodes = [_elyra_node("n1", "a.ipynb", label="a", props={"env_vars": ["MODE=node"]})]
    _notebook(tmp_path / "a.ipynb")
    defaults = {
        "env_vars": [{"env_var": "MODE", "value": "default"}, {"env_var": "LEVEL", "value": "3"}],
        "kubernetes_secrets": [{"env_var": "TOKEN", "name": "creds", "key": "token"}],
        "mounted_volumes": [{"path": "/mnt/data", "pvc_name": "data"}],
    }
    path = _elyra_file(tmp_path, nodes, defaults=defaults)
    conversion = convert(path, root=tmp_path, kernels=PYTHON_ONLY)
    assert conversion.document["env"] == {
        "MODE": "default",
        "LEVEL": "3",
        "TOKEN": {"from_env": "TOKEN"},
    }
    assert step(conversion, "a")["env"] == {"MODE": "node"}  # the step's own wins, as in Elyra
    assert "Kubernetes secret creds (key token)" in messages(conversion.report.notes)
    assert "pipeline_defaults mounted_volumes" in messages(conversion.report.not_mapped)
    assert conversion.report.problems == []


def test_node_secrets_in_both_shapes(tmp_path):
    conversion = imported("kfp-one-node-generic-elyra-properties", tmp_path)
    env = step(conversion, "a-notebook")["env"]
    assert env and all(value == {"from_env": name} for name, value in env.items())


def test_outputs_go_to_the_catalog_and_reach_every_downstream_step(tmp_path):
    conversion = imported("analyze_NOAA_weather_data.pipeline", tmp_path)
    assert step(conversion, "load_data")["catalog"] == {
        "put": ["data/noaa-weather-data-jfk-airport/jfk_weather.csv"]
    }
    part_2 = step(conversion, "Part_2_-_Data_Analysis")["catalog"]
    assert part_2 == {
        "get": [
            "data/noaa-weather-data-jfk-airport/jfk_weather.csv",
            "data/noaa-weather-data-jfk-airport/jfk_weather_cleaned.csv",
        ]
    }


def test_dependencies_produced_upstream_are_fetched_the_others_read_in_place(tmp_path):
    v0 = imported("analyze_NOAA_weather_data.at-45e7fd2", tmp_path / "a")
    cleaning = step(v0, "Part_1_-_Data_Cleaning")
    assert cleaning["catalog"]["get"] == ["data/noaa-weather-data-jfk-airport/jfk_weather.csv"]
    shipped = imported("pipeline_with_one_mount", tmp_path / "b")
    assert "'d.txt' is a file Elyra ships with the node" in messages(shipped.report.notes)


def test_everything_without_an_equivalent_is_listed(tmp_path):
    conversion = imported("kfp-one-node-generic-elyra-properties", tmp_path)
    unmapped = messages(conversion.report.not_mapped)
    for key in (
        "runtime_image",
        "mounted_volumes",
        "kubernetes_pod_annotations",
        "kubernetes_pod_labels",
        "kubernetes_tolerations",
        "kubernetes_shared_mem_size",
    ):
        assert f"node 'a-notebook.ipynb' {key}" in unmapped, key
    resources = imported("kfp-multi-node-generic", tmp_path / "r")
    unmapped = messages(resources.report.not_mapped)
    assert "cpu: 1" in unmapped and "gpu: 2" in unmapped and "memory: 3" in unmapped
    assert "canvas comment on 'produce a file'" in unmapped
    assert "Kubeflow Pipelines" in unmapped
    services = imported("services_connectivity", tmp_path / "s")
    unmapped = messages(services.report.not_mapped)
    for name in ("postgres", "redis", "streamlit", "tensorboard", "vscode"):
        assert f"service '{name}'" in unmapped
    assert "environment" in unmapped and "data_passing_memory_size" in unmapped


def test_elyra_pipeline_parameters_become_parameters_and_env(tmp_path):
    conversion = imported("kfp-one-node-generic.pipeline", tmp_path)
    # param2's value (3) wins over its default (2); param3 is defined but no node lists it
    assert conversion.document["parameters"] == {
        "param1": "my value",
        "param2": 3,
        "param3": "not present",
    }
    # Elyra hands the parameters a node lists to it as environment variables (text)
    assert step(conversion, "a-notebook")["env"] == {"param1": "my value", "param2": "3"}


def test_orchest_parameters_become_identifier_parameters(tmp_path):
    conversion = imported("dump-env-params", tmp_path)
    assert conversion.document["parameters"] == {"pipeline_param_A": 1}
    assert step(conversion, "dump-env-params")["parameters"] == {
        "step_param_a": 1,
        "test_output_file": "test-output.json",
    }
    assert "get_pipeline_param('pipeline-param-A') still finds it" in messages(
        conversion.report.mapped
    )
    assert conversion.report.problems == []


def test_orchest_settings_map_to_settings_or_are_listed(tmp_path):
    steps = {"a": {"title": "A", "file_path": "a.ipynb", "incoming_connections": []}}
    settings = {"max_steps_parallelism": 3, "auto_eviction": True}
    conversion = convert(
        _orchest_file(tmp_path, steps, settings=settings), root=tmp_path, kernels=PYTHON_ONLY
    )
    assert conversion.document["settings"] == {"max_parallel": 3}
    assert "settings auto_eviction" in messages(conversion.report.not_mapped)


# --- kernels and the Orchest SDK ----------------------------------------------------------------


def test_orchest_kernels_become_an_installed_kernel_of_their_language(tmp_path):
    conversion = imported("projects__data-passing__data-passing", tmp_path)
    assert step(conversion, "A")["kernel"] == "python3"  # the notebook says orchest-kernel-<uuid>
    assert "orchest-kernel-bb37767a" in messages(conversion.report.mapped)
    assert conversion.report.problems == []


def test_an_r_step_gets_an_r_kernel_or_is_reported(tmp_path):
    _notebook(tmp_path / "a.ipynb")
    steps = {
        "a": {
            "title": "A",
            "file_path": "a.ipynb",
            "incoming_connections": [],
            "kernel": {"name": "ir", "display_name": "R"},
        }
    }
    path = _orchest_file(tmp_path, steps)
    with_r = convert(path, root=tmp_path, kernels={"python3": "python", "ir": "r"})
    assert step(with_r, "A")["kernel"] == "ir"
    without = convert(path, root=tmp_path, kernels=PYTHON_ONLY)
    assert "kernel" not in step(without, "A")
    assert "no r kernel is installed here (installed: python3)" in messages(
        without.report.not_mapped
    )


def test_kernel_option_puts_every_step_in_that_kernel_and_must_name_an_installed_one(tmp_path):
    conversion = imported("kfp-multi-node-generic", tmp_path / "a", kernel="python3")
    assert {s["kernel"] for s in conversion.document["steps"]} == {"python3"}
    with pytest.raises(ImportRefused, match="--kernel nope: no such kernel is installed"):
        imported("kfp-multi-node-generic", tmp_path / "b", kernel="nope")


def test_the_report_gives_the_one_line_change_for_the_orchest_sdk(tmp_path):
    conversion = imported("projects__data-passing__data-passing", tmp_path)
    notes = messages(conversion.report.notes)
    assert "`import orchest` -> `from runnable_jupyter.compat import orchest`" in notes
    assert "`import orchest.parameters as op` works as it is" in notes
    assert "never edits notebooks" in notes


# --- refusals -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", "is not valid JSON (line 1, column 2"),
        ("[1, 2]", "is neither an Elyra pipeline"),
        ('{"version": 1, "steps": []}', "is already a runnable-jupyter pipeline"),
        ('{"doc_type": "pipeline", "pipelines": []}', "has an empty list of pipelines"),
        ('{"name": "x", "steps": {}}', "has no steps: there is nothing to import"),
        ('{"cells": [], "metadata": {}, "nbformat": 4}', "is neither an Elyra pipeline"),
    ],
)
def test_files_that_cannot_be_converted_are_refused_in_one_sentence(tmp_path, content, expected):
    source = tmp_path / "x.pipeline"
    source.write_text(content)
    with pytest.raises(ImportRefused) as refused:
        convert(source, root=tmp_path, shown_source="x.pipeline", kernels=PYTHON_ONLY)
    assert expected in refused.value.message and refused.value.message.startswith("x.pipeline")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.pipeline"]


def test_a_missing_file_and_a_bad_output_name_are_refused(tmp_path):
    with pytest.raises(PipelineNotFound, match="no such file"):
        convert(tmp_path / "nope.pipeline", kernels=PYTHON_ONLY)
    with pytest.raises(ImportRefused, match="must be named NAME.pipeline.json"):
        imported("kfp-multi-node-generic", tmp_path, output=tmp_path / "out.json")


def test_write_never_overwrites_without_force(tmp_path):
    conversion = imported("kfp-multi-node-generic", tmp_path)
    conversion.output.write_text("mine")
    with pytest.raises(OutputExists, match="exists already"):
        write(conversion)
    assert conversion.output.read_text() == "mine"
    write(conversion, force=True)
    assert json.loads(conversion.output.read_text()) == conversion.document
    assert [p.name for p in conversion.output.parent.iterdir() if p.name.endswith(".tmp")] == []


# --- small synthetic sources --------------------------------------------------------------------


def _elyra_node(
    key: str,
    filename: str | None,
    *,
    label: str,
    op: str = "execute-notebook-node",
    parents: list[str] = (),  # type: ignore[assignment]
    props: dict[str, Any] | None = None,
) -> dict[str, Any]:
    parameters = dict(props or {})
    if filename is not None:
        parameters["filename"] = filename
    return {
        "id": key,
        "type": "execution_node",
        "op": op,
        "app_data": {"component_parameters": parameters, "ui_data": {"label": label}},
        "inputs": [
            {
                "id": "inPort",
                "links": [
                    {"id": f"l{p}", "node_id_ref": p, "port_id_ref": "outPort"} for p in parents
                ],
            }
        ],
        "outputs": [{"id": "outPort"}],
    }


def _elyra_file(folder: Path, nodes: list[dict[str, Any]], defaults: Any = None) -> Path:
    document = {
        "doc_type": "pipeline",
        "version": "3.0",
        "id": "p",
        "primary_pipeline": "main",
        "pipelines": [
            {
                "id": "main",
                "nodes": nodes,
                "app_data": {"version": 8, "properties": {"pipeline_defaults": defaults or {}}},
            }
        ],
    }
    path = folder / "flow.pipeline"
    path.write_text(json.dumps(document))
    return path


def _orchest_file(folder: Path, steps: dict[str, Any], settings: Any = None) -> Path:
    for key, value in steps.items():
        value.setdefault("uuid", key)
        notebook = folder / value["file_path"]
        if not notebook.exists():
            _notebook(notebook)
    document = {"name": "p", "uuid": "u", "version": "1.0.0", "settings": settings or {}}
    path = folder / "main.orchest"
    path.write_text(json.dumps(document | {"steps": steps}))
    return path
