"""Validating a pipeline document: every problem at once, each located and explained.

`validate_document` checks a parsed document against the JSON Schema and then the rules a
schema cannot express (unique ids, known dependencies, no cycles, readable notebooks inside the
workspace, identifier parameter names, installed kernels, confined catalog paths). Semantic
checks are best-effort on malformed documents, so one pass shows everything to fix. Nothing is
ever written. `load_pipeline` reads, migrates and validates a file, returning a typed `Pipeline`.
"""

from __future__ import annotations

import functools
import json
import keyword
import re
from collections.abc import Collection, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError
from pydantic import ValidationError as PydanticValidationError

from ..errors import InvalidPath, PathOutsideRoot, PipelineInvalid, PipelineNotFound
from ..json_documents import JsonNumberInvalid, JsonTooDeep, load_json
from ..paths import check_path_text, resolve_inside, resolve_path
from . import graph
from .migrations import UnsupportedVersion, migrate
from .model import Pipeline, load_schema
from .notebook_checks import (
    KERNELSPECS_MISS_MAX_AGE_S,
    escape_reason,
    inspect_notebook,
    installed_kernels,
    suggest_fix,
)
from .schema_messages import describe_schema_error


@dataclass(frozen=True)
class Problem:
    pointer: str  # JSON pointer into the document, "" for the whole file
    step: str | None  # id of the step it concerns, when any
    message: str  # what is wrong and how to fix it

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        where = self.pointer or "(file)"
        step = self.step if self.step is None or len(self.step) <= 40 else self.step[:37] + "..."
        return f"{where}{f' (step {step!r})' if step else ''}: {self.message}"


def pointer(*parts: str | int) -> str:
    """RFC 6901 JSON pointer from path parts."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def _pointer_sort_key(ptr: str) -> list[tuple[int, int, str]]:
    # numeric segments compare as numbers so /steps/10 comes after /steps/2
    return [(0, int(s), "") if s.isdigit() else (1, 0, s) for s in ptr.split("/")[1:]]


def _whole_string_pattern(
    validator: Any, pattern: str, instance: Any, schema: dict[str, Any]
) -> Iterator[ValidationError]:
    """`pattern` as JSON Schema means it (ECMA-262, as the editor's TypeScript reads it): `$` is
    the end of the string. Python's `$` also matches before a final newline, so a step id "a\\n"
    passed and became a file name with a newline."""
    if not validator.is_type(instance, "string"):
        return
    found = re.search(pattern, instance)
    if found is None or (pattern.endswith("$") and found.end() != len(instance)):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


_PipelineSchemaValidator = validators.extend(  # type: ignore[no-untyped-call]
    Draft202012Validator, {"pattern": _whole_string_pattern}
)


@functools.cache
def _schema_validator() -> Any:
    return _PipelineSchemaValidator(load_schema())


def validate_document(
    data: Any,
    base_dir: Path,
    root: Path,
    *,
    known_kernels: Collection[str] | None = None,
) -> list[Problem]:
    """Every problem of a pipeline document whose file lives in `base_dir`, sorted by pointer.

    Older formats are migrated first, so pointers refer to the current format. `known_kernels`
    defaults to the kernelspecs jupyter_client finds, looked up only when a kernel is named.
    """
    try:
        data = migrate(data)
    except UnsupportedVersion as error:
        return [Problem("/version", None, error.message)]
    checker = _Checker(data, base_dir, root, known_kernels)
    checker.run()
    unique = list(dict.fromkeys(checker.problems))
    return sorted(unique, key=lambda p: _pointer_sort_key(p.pointer))


class _Checker:
    def __init__(
        self, data: Any, base_dir: Path, root: Path, known_kernels: Collection[str] | None
    ) -> None:
        self.data = data
        self.root = root.resolve()
        self.base_dir = base_dir
        self.problems: list[Problem] = []
        self._known_kernels = None if known_kernels is None else set(known_kernels)
        self._kernels_rechecked: bool | None = None  # None: given by the caller, never looked up
        # notebook as written -> (its problem, its kernelspec name): steps may share one
        self._notebooks: dict[str, tuple[str | None, str | None]] = {}
        self.steps: list[tuple[int, dict[str, Any]]] = []
        if isinstance(data, dict) and isinstance(data.get("steps"), list):
            self.steps = [(i, s) for i, s in enumerate(data["steps"]) if isinstance(s, dict)]

    def add(self, ptr: str, message: str, step: str | None = None) -> None:
        self.problems.append(Problem(ptr, step, message))

    def step_id_at(self, index: int) -> str | None:
        steps = self.data.get("steps") if isinstance(self.data, dict) else None
        if isinstance(steps, list) and index < len(steps) and isinstance(steps[index], dict):
            step_id = steps[index].get("id")
            return step_id if isinstance(step_id, str) else None
        return None

    def run(self) -> None:
        self.check_schema()
        if not isinstance(self.data, dict):
            return
        base_inside = self.check_base_dir()
        self.check_parameter_names(self.data.get("parameters"), ("parameters",), None)
        self.check_graph()
        for index, step in self.steps:
            step_id = step.get("id") if isinstance(step.get("id"), str) else None
            params_at = ("steps", index, "parameters")
            self.check_parameter_names(step.get("parameters"), params_at, step_id)
            self.check_catalog_globs(step.get("catalog"), index, step_id)
            notebook_kernel = self.check_notebook(step, index, step_id) if base_inside else None
            self.check_kernel(step, index, step_id, notebook_kernel)
        if base_inside:
            self.check_catalog_dir()

    # --- schema -----------------------------------------------------------------------------

    def check_schema(self) -> None:
        for error in _schema_validator().iter_errors(self.data):
            path = list(error.absolute_path)
            step = self.step_id_at(path[1]) if len(path) > 1 and path[0] == "steps" else None
            for sub_path, message in describe_schema_error(error):
                self.add(pointer(*path, *sub_path), message, step)

    # --- the pipeline's folder --------------------------------------------------------------

    def check_base_dir(self) -> bool:
        base = self.base_dir.resolve()
        if base == self.root or self.root in base.parents:
            return True
        self.add(
            "",
            "the pipeline file's folder is outside the workspace root: "
            "move the pipeline into the workspace",
        )
        return False

    # --- steps and their dependencies -------------------------------------------------------

    def check_graph(self) -> None:
        first_index: dict[str, int] = {}
        for index, step in self.steps:
            step_id = step.get("id")
            if not isinstance(step_id, str):
                continue
            if step_id in first_index:
                self.add(
                    pointer("steps", index, "id"),
                    f"step id {step_id!r} is already used by /steps/{first_index[step_id]}: "
                    "step ids must be unique, rename one of them",
                    step_id,
                )
            else:
                first_index[step_id] = index
        deps: dict[str, list[str]] = {step_id: [] for step_id in first_index}
        for index, step in self.steps:
            step_id = step.get("id") if isinstance(step.get("id"), str) else None
            depends_on = step.get("depends_on")
            if not isinstance(depends_on, list):
                continue
            for position, dep in enumerate(depends_on):
                if not isinstance(dep, str):
                    continue
                where = pointer("steps", index, "depends_on", position)
                if dep == step_id:
                    message = f"step {dep!r} depends on itself: remove {dep!r} from its depends_on"
                    self.add(where, message, step_id)
                elif dep not in first_index:
                    fix = suggest_fix(dep, first_index, "remove it or add a step with that id")
                    known = ", ".join(map(repr, first_index)) or "none"
                    message = f"depends on unknown step {dep!r}: {fix} (steps: {known})"
                    self.add(where, message, step_id)
                elif step_id is not None and first_index.get(step_id) == index:
                    deps[step_id].append(dep)
        self.report_cycles(deps, first_index)

    def report_cycles(self, deps: dict[str, list[str]], first_index: dict[str, int]) -> None:
        for cycle in graph.find_cycles(deps):
            # point at the dependency that closes the cycle: cycle[0] depending on cycle[-2]
            head, closing = cycle[0], cycle[-2]
            index = first_index[head]
            position = self.data["steps"][index]["depends_on"].index(closing)
            self.add(
                pointer("steps", index, "depends_on", position),
                f"the steps form a cycle {' → '.join(cycle)} (each arrow points to a step that "
                "depends on the previous one): remove one of these dependencies",
                head,
            )

    # --- parameters, catalog paths ----------------------------------------------------------

    def check_parameter_names(self, params: Any, at: Sequence[str | int], step: str | None) -> None:
        if not isinstance(params, dict):
            return
        for name in params:
            if keyword.iskeyword(name):
                self.add(
                    pointer(*at, name),
                    f"parameter name {name!r} is a Python keyword, so a notebook cannot assign "
                    f"it: rename it, e.g. {name + '_'!r}",
                    step,
                )
            elif not name.isidentifier():
                fixed = "".join(c if c.isalnum() or c == "_" else "_" for c in name) or "value"
                fixed = "_" + fixed if fixed[0].isdigit() else fixed
                self.add(
                    pointer(*at, name),
                    f"parameter name {name!r} is not a Python identifier (letters, digits and "
                    f"'_', not starting with a digit): rename it, e.g. {fixed!r}",
                    step,
                )

    def check_catalog_globs(self, catalog: Any, index: int, step: str | None) -> None:
        if not isinstance(catalog, dict):
            return
        for direction in ("get", "put"):
            globs = catalog.get(direction)
            if not isinstance(globs, list):
                continue
            for position, glob in enumerate(globs):
                if not isinstance(glob, str) or not glob:
                    continue
                parts = glob.replace("\\", "/").split("/")
                if glob.startswith(("/", "\\")) or (len(glob) > 1 and glob[1] == ":"):
                    reason = "is absolute"
                elif ".." in parts:
                    reason = "contains '..'"
                else:
                    continue
                self.add(
                    pointer("steps", index, "catalog", direction, position),
                    f"catalog glob {glob!r} {reason}: globs are relative to the catalog folder "
                    "and the notebook's folder and stay inside them, e.g. 'data/*.csv'",
                    step,
                )

    def check_catalog_dir(self) -> None:
        settings = self.data.get("settings")
        catalog_dir = settings.get("catalog_dir") if isinstance(settings, dict) else None
        if not isinstance(catalog_dir, str) or not catalog_dir:
            return
        try:
            resolve_inside(self.root, catalog_dir, base=self.base_dir)
        except PathOutsideRoot:
            reason = escape_reason(catalog_dir, self.root)
            self.add("/settings/catalog_dir", f"catalog_dir {catalog_dir!r} {reason}")
        except InvalidPath as error:
            self.add("/settings/catalog_dir", f"catalog_dir: {error}")

    # --- notebooks and kernels --------------------------------------------------------------

    def check_notebook(self, step: dict[str, Any], index: int, step_id: str | None) -> str | None:
        """Reports notebook problems; returns the notebook's kernelspec name when readable."""
        notebook = step.get("notebook")
        if not isinstance(notebook, str) or not notebook:
            return None
        if notebook not in self._notebooks:  # resolved and read once, not once per step
            self._notebooks[notebook] = self.read_notebook(notebook)
        problem, kernel = self._notebooks[notebook]
        if problem is not None:
            self.add(pointer("steps", index, "notebook"), problem, step_id)
        return kernel

    def read_notebook(self, notebook: str) -> tuple[str | None, str | None]:
        """The notebook's problem (where it resolves to, or what it holds) and kernel name."""
        try:
            path = resolve_inside(self.root, notebook, base=self.base_dir)
        except PathOutsideRoot:
            return f"notebook {notebook!r} {escape_reason(notebook, self.root)}", None
        except InvalidPath as error:
            return f"notebook: {error}", None
        return inspect_notebook(notebook, path, self.root, self.base_dir)

    def known_kernels(self) -> set[str]:
        if self._known_kernels is None:
            self._known_kernels = set(installed_kernels())
            self._kernels_rechecked = False
        return self._known_kernels

    def is_installed(self, kernel: str) -> bool:
        if kernel in self.known_kernels():
            return True
        if self._kernels_rechecked is False:  # looked up, maybe cached: a new kernel counts too
            known = set(installed_kernels(max_age_s=KERNELSPECS_MISS_MAX_AGE_S))
            self._known_kernels = known
            self._kernels_rechecked = True
            return kernel in known
        return False

    def check_kernel(
        self, step: dict[str, Any], index: int, step_id: str | None, notebook_kernel: str | None
    ) -> None:
        kernel = step.get("kernel")
        if isinstance(kernel, str) and kernel:
            if not self.is_installed(kernel):
                otherwise = "install it or choose an installed one"
                self.add(
                    pointer("steps", index, "kernel"),
                    f"kernel {kernel!r} is not installed: "
                    f"{suggest_fix(kernel, self.known_kernels(), otherwise)}"
                    f" (installed: {', '.join(sorted(self.known_kernels())) or 'none'})",
                    step_id,
                )
        elif kernel is None and notebook_kernel and not self.is_installed(notebook_kernel):
            self.add(
                pointer("steps", index, "notebook"),
                f"the notebook asks for kernel {notebook_kernel!r}, which is not installed "
                f"(installed: {', '.join(sorted(self.known_kernels())) or 'none'}): install it "
                "or set the step's 'kernel'",
                step_id,
            )


# --- files --------------------------------------------------------------------------------


def _pipeline_path(path: Path, root: Path) -> tuple[Path, str]:
    """The pipeline's absolute path (relative ones are taken from `root`) and its display name."""
    root = root.resolve()
    absolute = path if path.is_absolute() else root / path
    check_path_text(str(path))
    resolved = resolve_path(absolute, str(path))
    if resolved != root and root not in resolved.parents:
        raise PathOutsideRoot(
            f"pipeline {path} is outside the workspace root: keep pipelines inside it",
            {"path": str(path)},
        )
    return absolute, resolved.relative_to(root).as_posix()


def _read_document(path: Path, root: Path) -> tuple[Path, str, Any]:
    absolute, display = _pipeline_path(path, root)
    if not absolute.is_file():
        what = "is a folder, not a pipeline file" if absolute.is_dir() else "not found"
        message = f"pipeline {display} {what} in the workspace"
        raise PipelineNotFound(message, {"path": display})
    try:
        text = absolute.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        message = f"is not UTF-8 text ({error.reason} at byte {error.start}): save it as UTF-8"
        raise PipelineInvalid(display, [Problem("", None, message)]) from None
    except OSError as error:
        raise PipelineInvalid(display, [Problem("", None, f"cannot be read: {error}")]) from None
    try:
        data = load_json(text)
    except (JsonTooDeep, JsonNumberInvalid) as error:
        raise PipelineInvalid(display, [Problem("", None, str(error))]) from None
    except json.JSONDecodeError as error:
        raise PipelineInvalid(display, [Problem("", None, _syntax_problem(error))]) from None
    return absolute, display, data


def _syntax_problem(error: json.JSONDecodeError) -> str:
    if error.msg.startswith("Unexpected UTF-8 BOM"):
        # the editor's JSON.parse refuses it too: say how to save the file, not to fix a comma
        return (
            "starts with a byte order mark (BOM), which JSON does not allow: save the file as "
            "UTF-8 without a BOM"
        )
    return (
        f"not valid JSON at line {error.lineno}, column {error.colno}: {error.msg}; "
        "fix the syntax (a missing comma or quote, a trailing comma?)"
    )


def load_pipeline(
    path: Path | str, root: Path | str, *, known_kernels: Collection[str] | None = None
) -> Pipeline:
    """Read, migrate and validate a pipeline file (`path` absolute or relative to `root`).

    Raises PipelineNotFound, PathOutsideRoot, or PipelineInvalid listing every problem.
    """
    path, root = Path(path), Path(root)
    absolute, display, data = _read_document(path, root)
    try:
        data = migrate(data)
    except UnsupportedVersion as error:
        raise PipelineInvalid(display, [Problem("/version", None, error.message)]) from None
    problems = validate_document(data, absolute.parent, root, known_kernels=known_kernels)
    if problems:
        raise PipelineInvalid(display, problems)
    try:
        return Pipeline.model_validate(data)
    except PydanticValidationError as error:  # the schema should have caught it; stay located
        located = [Problem(pointer(*e["loc"]), None, e["msg"]) for e in error.errors()]
        raise PipelineInvalid(display, located) from None


def validate_file(
    path: Path | str, root: Path | str, known_kernels: Collection[str] | None = None
) -> list[Problem]:
    """Every problem of a pipeline file, [] when valid. A missing file still raises."""
    try:
        load_pipeline(path, root, known_kernels=known_kernels)
    except PipelineInvalid as error:
        return list(error.problems)
    return []
