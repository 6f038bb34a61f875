"""Export a pipeline as a standalone Python script that runs it with papermill alone.

The script imports no runnable-jupyter module: it runs the steps one after the other in
dependency order, each notebook with papermill in its own folder (as runnable-jupyter does),
with the pipeline's and the step's parameters (`-p NAME=VALUE` on the script's command line
wins), the skip tags (a tagged cell gets nbclient's own `skip-execution` tag in the copy that
runs, so it is not executed), the step's environment variables (secrets from the script's own
environment), and the declarative catalog globs copied in before a step and out after it.
Executed notebooks go to `NAME.script-runs/<time>/`; the source notebooks are never written.
Notebooks that call `from runnable_jupyter import catalog` keep working where runnable-jupyter
is installed: the script sets the same environment variables a run sets.
"""

from __future__ import annotations

import json
import os
import pprint
from pathlib import Path
from typing import Any

from ..pipeline import graph
from ..pipeline.model import FromEnv, Pipeline, pipeline_stem

TEMPLATE = '''#!/usr/bin/env python3
"""Run the pipeline {name!r} with papermill alone: {count} steps in dependency order.

Exported by runnable-jupyter {version} from {source}. Usage:
    python {script} [-p NAME=VALUE]...
"""
import argparse
import datetime
import json
import os
import pathlib
import shutil
import sys

import nbformat
import papermill

HERE = pathlib.Path(__file__).resolve().parent
PIPELINE = HERE / {pipeline_file!r}
CATALOG = HERE / {catalog!r}
SKIP_TAGS = {skip_tags!r}
PIPELINE_PARAMETERS = {parameters}
STEPS = {steps}


def parse_parameters(items):
    parameters = {{}}
    for item in items:
        name, sep, text = item.partition("=")
        if not sep or not name.isidentifier():
            sys.exit(f"-p {{item!r}}: write -p NAME=VALUE")
        try:
            parameters[name] = json.loads(text)
        except ValueError:
            parameters[name] = text
    return parameters


def copy_matches(pattern, source, target):
    matches = [p for p in source.glob(pattern) if p.is_file()]
    if not matches:
        raise SystemExit(f"catalog glob {{pattern!r}} matched no file in {{source}}")
    for match in matches:
        relative = match.relative_to(source)
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(match, target / relative)


def runnable_copy(notebook, out_dir, step_id):
    """(the notebook with its skip-tagged cells tagged for nbclient to skip, in the run folder;
    its kernel: the notebook's own, else python3 as runnable-jupyter does)."""
    nb = nbformat.read(notebook, as_version=4)
    kernel = (nb.metadata.get("kernelspec") or {{}}).get("name") or "python3"
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        if cell.cell_type == "code" and set(tags) & set(SKIP_TAGS) and "skip-execution" not in tags:
            cell.metadata["tags"] = [*tags, "skip-execution"]
    copy = out_dir / f".{{step_id}}.input.ipynb"
    nbformat.write(nb, copy)
    return copy, kernel


def step_environment(step, run_id, out_dir):
    env = dict(os.environ)
    for name, value in step["env"].items():
        if isinstance(value, dict):
            if value["from_env"] not in os.environ:
                raise SystemExit(f"step {{step['id']!r}} needs the variable {{value['from_env']}}")
            value = os.environ[value["from_env"]]
        env[name] = value
    env.update(
        RUNNABLE_JUPYTER_CATALOG_DIR=str(CATALOG),
        RUNNABLE_JUPYTER_PIPELINE=str(PIPELINE),
        RUNNABLE_JUPYTER_RUN_ID=run_id,
        RUNNABLE_JUPYTER_STEP_ID=step["id"],
        RUNNABLE_JUPYTER_ACCESS_LOG=str(out_dir / f"{{step['id']}}.catalog.jsonl"),
    )
    return env


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-p", "--parameter", action="append", default=[], metavar="NAME=VALUE")
    overrides = parse_parameters(parser.parse_args().parameter)
    run_id = datetime.datetime.now().strftime("%Y%m%dT%H%M%S")
    out_dir = HERE / {runs!r} / run_id
    out_dir.mkdir(parents=True)
    CATALOG.mkdir(parents=True, exist_ok=True)
    saved_environ = dict(os.environ)
    for step in STEPS:
        notebook = (HERE / step["notebook"]).resolve()
        print(f"{{datetime.datetime.now():%H:%M:%S}} {{step['id']}} running", flush=True)
        for pattern in step["catalog_get"]:
            copy_matches(pattern, CATALOG, notebook.parent)
        parameters = {{**PIPELINE_PARAMETERS, **step["parameters"], **overrides}}
        os.environ.update(step_environment(step, run_id, out_dir))  # the kernel inherits it
        source, kernel = runnable_copy(notebook, out_dir, step["id"])
        try:
            papermill.execute_notebook(
                str(source),
                str(out_dir / f"{{step['id']}}.ipynb"),
                parameters=parameters,
                kernel_name=step["kernel"] or kernel,
                cwd=str(notebook.parent),
                progress_bar=False,
            )
        except papermill.PapermillExecutionError as error:
            print(f"{{step['id']}} failed: {{error.ename}}: {{error.evalue}}", file=sys.stderr)
            return 1
        finally:
            os.environ.clear()
            os.environ.update(saved_environ)
        for pattern in step["catalog_put"]:
            copy_matches(pattern, notebook.parent, CATALOG)
        print(f"{{datetime.datetime.now():%H:%M:%S}} {{step['id']}} succeeded", flush=True)
    print(f"all {{len(STEPS)}} steps succeeded; executed notebooks in {{out_dir}}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
'''


def _env(model: Pipeline, step_id: str) -> dict[str, Any]:
    declared = {**model.env, **model.step(step_id).env}
    return {
        name: {"from_env": value.from_env} if isinstance(value, FromEnv) else value
        for name, value in declared.items()
    }


def export_script(
    model: Pipeline, pipeline_path: Path, script_path: Path, catalog_dir: Path, version: str
) -> str:
    """The script's text. Paths in it are relative to the script's folder."""
    folder = script_path.parent.resolve()
    order = graph.topological_order(model.dependencies())
    steps = []
    for step_id in order:
        step = model.step(step_id)
        notebook = (pipeline_path.parent / step.notebook).resolve()
        steps.append(
            {
                "id": step.id,
                "notebook": _relative(notebook, folder),
                "parameters": step.parameters,
                "kernel": step.kernel,
                "env": _env(model, step_id),
                "catalog_get": list(step.catalog.get),
                "catalog_put": list(step.catalog.put),
            }
        )
    return TEMPLATE.format(
        name=model.name or pipeline_stem(pipeline_path),
        count=len(steps),
        version=version,
        source=pipeline_path.name,
        script=script_path.name,
        pipeline_file=_relative(pipeline_path.resolve(), folder),
        catalog=_relative(catalog_dir.resolve(), folder),
        runs=f"{pipeline_stem(pipeline_path)}.script-runs",
        skip_tags=list(model.settings.skip_tags),
        parameters=_literal(model.parameters),
        steps=_literal(steps),
    )


def _relative(path: Path, folder: Path) -> str:
    return Path(os.path.relpath(path, folder)).as_posix()


def _literal(value: Any) -> str:
    """A readable Python literal of JSON data (true/false/null spelled the Python way)."""
    return pprint.pformat(json.loads(json.dumps(value)), indent=1, width=96, sort_dicts=False)
