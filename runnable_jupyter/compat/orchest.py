"""A stand-in for the Orchest SDK (`import orchest`) over runnable-jupyter's catalog and
parameters, so notebooks imported from Orchest run after one line changes:

    from runnable_jupyter.compat import orchest      # was: import orchest

    data = orchest.get_inputs()                      # {"name": ..., "unnamed": [...]}
    orchest.output(model, name="model")
    alpha = orchest.get_step_param("alpha")
    n = orchest.get_pipeline_param("pipeline-param-A", default=1)

- `output(data, name)` stores the step's one output in the catalog (entry
  `orchest_output_<step id>`, its name in `orchest_output_<step id>_name`); calling it again
  replaces it, as in Orchest.
- `get_inputs()` reads the outputs of the steps this one depends on, in `depends_on` order
  (the importer keeps Orchest's `incoming_connections` order): named outputs under their
  name, the others in `"unnamed"`. `inputs[0]`, `inputs[1]`... also give them by position, as
  the SDK's first versions did.
- Parameters are papermill's (a run's `-p` overrides included), found under their Orchest
  names: the importer renamed `test-output-file` to `test_output_file`, and
  `get_step_param("test-output-file")` finds it. `get_params()` gives (step, pipeline).

Importing this module also makes it `orchest`, `orchest.parameters` and `orchest.transfer`
for the rest of the kernel (unless a real Orchest SDK is imported already), so lines such as
`import orchest.parameters as op` keep working unchanged.

Inside a run the step and pipeline come from the variables the run sets; outside one (a
notebook open in JupyterLab), from the pipeline that has this notebook as a step. Cheap to
import: the standard library and `runnable_jupyter.catalog` only.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from .. import catalog
from ..catalog.discovery import ENV_PIPELINE, PIPELINE_SUFFIX, discover, read_pipeline
from ..errors import CatalogError
from .names import parameter_name

ENV_STEP_ID = "RUNNABLE_JUPYTER_STEP_ID"
ENV_RUN_ID = "RUNNABLE_JUPYTER_RUN_ID"
UNNAMED = "unnamed"  # Orchest's reserved name for outputs without one
OUTPUT_ENTRY = "orchest_output_{step}"
NAME_ENTRY = "orchest_output_{step}_name"

__all__ = [
    "get_inputs",
    "get_params",
    "get_pipeline_param",
    "get_step_param",
    "output",
    "output_to_disk",
    "output_to_memory",
]


class Parameters(dict[str, Any]):
    """Parameters under their runnable-jupyter names, also found by their Orchest names."""

    def __missing__(self, name: str) -> Any:
        key = parameter_name(name)
        if key != name and key in self:
            return self[key]
        raise KeyError(name)

    def get(self, name: str, default: Any = None) -> Any:
        try:
            return self[name]
        except KeyError:
            return default

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        return dict.__contains__(self, name) or dict.__contains__(self, parameter_name(name))


class Inputs(dict[str, Any]):
    """`get_inputs()`'s answer: outputs by name, and `"unnamed"`; `inputs[i]` is the output of
    the i-th step this one depends on."""

    def __init__(self, by_name: dict[str, Any], in_order: list[Any]) -> None:
        super().__init__(by_name)
        self._in_order = in_order

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, int) and not isinstance(key, bool):
            return self._in_order[key]
        return super().__getitem__(key)


# --- data passing --------------------------------------------------------------------------------


def output(data: Any, name: str | None = None) -> None:
    """Make `data` this step's output for the steps that depend on it (replacing an earlier
    output of the step)."""
    if name is not None and not isinstance(name, str):
        raise TypeError("orchest.output: the name must be a string or None")
    if name == UNNAMED:
        raise ValueError(f"orchest.output: '{UNNAMED}' is a reserved name: choose another one")
    step = _current_step()["id"]
    catalog.put(OUTPUT_ENTRY.format(step=step), data)
    catalog.put(NAME_ENTRY.format(step=step), {"name": name})


def output_to_disk(data: Any, name: str | None = None, serialization: Any = None) -> None:
    """`output`: outputs always go to the catalog folder on disk."""
    del serialization
    output(data, name)


def output_to_memory(data: Any, name: str | None = None, disk_fallback: bool = True) -> None:
    """`output`: outputs always go to the catalog folder on disk."""
    del disk_fallback
    output(data, name)


def get_inputs(ignore_failure: bool = False, verbose: bool = False) -> Inputs:
    """The outputs of the steps this one depends on: `{name: data, ..., "unnamed": [data, ...]}`
    in `depends_on` order. A step that output nothing is an error, or None with
    `ignore_failure=True`."""
    del verbose
    by_name: dict[str, Any] = {}
    unnamed: list[Any] = []
    in_order: list[Any] = []
    for parent in _current_step().get("depends_on") or []:
        try:
            data = catalog.get(OUTPUT_ENTRY.format(step=parent))
        except CatalogError as error:
            if not ignore_failure:
                raise CatalogError(
                    f"orchest.get_inputs: step {parent!r} has no output (it calls no "
                    f"orchest.output, or has not run yet): {error.message}",
                    {"step": parent},
                ) from None
            data, name = None, None
        else:
            name = _output_name(parent)
        in_order.append(data)
        if name is None:
            unnamed.append(data)
        elif name in by_name:
            raise CatalogError(
                f"orchest.get_inputs: two steps this one depends on output data named {name!r}: "
                "give them different names",
                {"name": name},
            )
        else:
            by_name[name] = data
    by_name[UNNAMED] = unnamed
    return Inputs(by_name, in_order)


def _output_name(step: str) -> str | None:
    try:
        record = catalog.get(NAME_ENTRY.format(step=step))
    except CatalogError:
        return None  # e.g. a mocked step's prepared output: unnamed
    name = record.get("name") if isinstance(record, dict) else None
    return name if isinstance(name, str) else None


# --- parameters ----------------------------------------------------------------------------------


def get_params() -> tuple[Parameters, Parameters]:
    """(the step's parameters, the pipeline's), each found by Orchest or identifier names."""
    pipeline, _ = _pipeline()
    step = _current_step()
    step_file = _object(step.get("parameters"))
    pipeline_file = _object(pipeline.get("parameters"))
    injected = _injected()
    step_params = Parameters({k: injected.get(k, v) for k, v in step_file.items()})
    pipeline_params = Parameters(
        {k: v if k in step_file else injected.get(k, v) for k, v in pipeline_file.items()}
    )
    return step_params, pipeline_params


def get_step_param(name: str, default: Any = None) -> Any:
    return get_params()[0].get(name, default)


def get_pipeline_param(name: str, default: Any = None) -> Any:
    return get_params()[1].get(name, default)


def update_step_param(name: str, value: Any) -> None:
    del name, value
    raise CatalogError(_UPDATE_REFUSED)


def update_pipeline_param(name: str, value: Any) -> None:
    del name, value
    raise CatalogError(_UPDATE_REFUSED)


_UPDATE_REFUSED = (
    "orchest.update_*_param: runs never change the pipeline file; change the parameter in the "
    "pipeline file (or the editor), or pass it for one run with -p NAME=VALUE"
)


def get_service(name: str) -> Any:
    raise CatalogError(
        f"orchest.get_service({name!r}): runnable-jupyter has no services; start the service "
        "yourself and give its address to the notebook (a parameter or an env variable)"
    )


def get_services() -> Any:
    return get_service("*")


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _injected() -> dict[str, Any]:
    """Papermill's parameters, inside a run: the notebook's variables (where it assigns them)."""
    if not os.environ.get(ENV_RUN_ID):
        return {}
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    namespace = getattr(shell, "user_ns", None)
    return namespace if isinstance(namespace, dict) else {}


# --- which pipeline and step ---------------------------------------------------------------------


def _pipeline() -> tuple[dict[str, Any], Path]:
    named = os.environ.get(ENV_PIPELINE)
    path = Path(named).expanduser().absolute() if named else discover()
    return read_pipeline(path), path


def _current_step() -> dict[str, Any]:
    pipeline, path = _pipeline()
    steps = [s for s in pipeline.get("steps") or [] if isinstance(s, dict)]
    step_id = os.environ.get(ENV_STEP_ID)
    if step_id:
        found = [s for s in steps if s.get("id") == step_id]
    else:
        notebook = _this_notebook()
        found = [
            s
            for s in steps
            if isinstance(s.get("notebook"), str)
            and notebook is not None
            and (path.parent / s["notebook"]).resolve() == notebook
        ]
    if len(found) == 1:
        return found[0]
    which = f"step {step_id!r}" if step_id else "this notebook"
    problem = "is not a step of" if not found else "is more than one step of"
    raise CatalogError(
        f"orchest: {which} {problem} {path}: run the notebook as a step of its pipeline, or "
        f"set {ENV_PIPELINE} to the *{PIPELINE_SUFFIX} it belongs to",
        {"pipeline": str(path)},
    )


def _this_notebook() -> Path | None:
    candidates = [os.environ.get("JPY_SESSION_NAME")]
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is not None:
        candidates.append(shell.user_ns.get("__session__"))
    cwd = Path.cwd()
    for raw in candidates:
        if isinstance(raw, str) and raw:
            given = Path(raw).expanduser()
            for base in (cwd, *cwd.parents) if not given.is_absolute() else (cwd,):
                if (base / given).is_file():
                    return (base / given).resolve()
    return None


# `import orchest.parameters as op` and `from orchest import transfer` find this module too
parameters = transfer = sys.modules[__name__]
for _alias in ("orchest", "orchest.parameters", "orchest.transfer"):
    sys.modules.setdefault(_alias, sys.modules[__name__])
