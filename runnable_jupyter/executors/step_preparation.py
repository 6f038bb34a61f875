"""Preparing a step before papermill runs it: which kernel, the kernel's environment, which
code cells run and which are skipped (skip tags)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from .interface import FALLBACK_KERNEL, StepJob

# "0" starts every kernel the normal way (a comparison, or a platform where forking misbehaves).
ZYGOTE_SWITCH = "RUNNABLE_JUPYTER_KERNEL_ZYGOTE"

# nbclient skips this tag on its own, so plain papermill never runs such cells: always skip it too.
NBCLIENT_SKIP_TAG = "skip-execution"


def kernel_zygote_enabled() -> bool:
    """Whether Python kernels may be forked by a zygote here: on Linux (forking without exec is
    unsafe on macOS, impossible on Windows), unless RUNNABLE_JUPYTER_KERNEL_ZYGOTE=0."""
    return sys.platform.startswith("linux") and os.environ.get(ZYGOTE_SWITCH, "1") != "0"


def resolve_kernel_name(requested: str | None, nb: Any) -> str:
    """The kernel a step runs in: the step's `kernel`, else the notebook's kernelspec, else
    `python3`.

    Plain papermill refuses a notebook without kernel metadata ("No kernel name found") unless a
    kernel is named; VS Code's blank notebooks and most of nbclient's test notebooks have none.
    runnable-jupyter runs those in `python3`, exactly like `papermill -k python3`, instead of
    failing the step: pipelines are Python pipelines and the result is the same as papermill's.
    """
    return requested or (nb.metadata.get("kernelspec") or {}).get("name") or FALLBACK_KERNEL


def check_kernel_and_language(nb: Any, kernel_name: str) -> None:
    """Fail clearly on an unknown kernel; give papermill a language when the notebook has none."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    manager = KernelSpecManager()
    try:
        spec = manager.get_kernel_spec(kernel_name)
    except NoSuchKernel:
        available = ", ".join(sorted(manager.find_kernel_specs())) or "none"
        raise NoSuchKernel(
            f"kernel '{kernel_name}' is not installed (installed kernels: {available}): set the "
            "step's `kernel` to one of them or install it"
        ) from None
    language_info = nb.metadata.get("language_info") or {}
    if not language_info.get("name") and not (nb.metadata.get("kernelspec") or {}).get("language"):
        nb.metadata["language_info"] = {**language_info, "name": spec.language}


def _package_root() -> str:
    return str(Path(__file__).resolve().parents[2])


def kernel_environment(job: StepJob) -> dict[str, str]:
    """The kernel's environment: ours, the RUNNABLE_JUPYTER_* variables of the notebook-side
    catalog API, and a PYTHONPATH entry for `runnable_jupyter` when only PYTHONPATH (not the
    installed environment) makes it importable here."""
    env = dict(os.environ)
    env.update(job.env)  # the step's own variables; runnable-jupyter's below win
    env.update(
        RUNNABLE_JUPYTER_CATALOG_DIR=job.catalog_dir,
        RUNNABLE_JUPYTER_PIPELINE=job.pipeline_path,
        RUNNABLE_JUPYTER_RUN_ID=job.run_id,
        RUNNABLE_JUPYTER_STEP_ID=job.step_id,
        RUNNABLE_JUPYTER_ACCESS_LOG=job.access_log,
    )
    if job.metrics_log:
        env["RUNNABLE_JUPYTER_METRICS_LOG"] = job.metrics_log
    if job.catalog_view:
        env.update(
            RUNNABLE_JUPYTER_CATALOG_VIEW=job.catalog_view,
            RUNNABLE_JUPYTER_CATALOG_FILES=job.catalog_files,
        )
    return with_package_importable(env)


def with_package_importable(env: dict[str, str]) -> dict[str, str]:
    """`env` with the PYTHONPATH entry for `runnable_jupyter` a kernel needs (see above)."""
    root = _package_root()
    pythonpath = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    from_pythonpath = {str(Path(p).resolve()) for p in pythonpath}
    on_sys_path = {str(Path(p or ".").resolve()) for p in sys.path}
    if root not in on_sys_path or root in from_pythonpath:
        env["PYTHONPATH"] = os.pathsep.join([root, *[p for p in pythonpath if p != root]])
    return env


def code_cell_plan(nb: Any, skip_tags: set[str]) -> tuple[dict[int, Any], list[int]]:
    """(skipped code cells: index -> copy of outputs and count, indices of cells to execute)."""
    skipped: dict[int, Any] = {}
    executed: list[int] = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if skip_tags & set(cell.metadata.get("tags") or []):
            skipped[index] = json.loads(
                json.dumps(
                    {"outputs": cell.get("outputs", []), "execution_count": cell.execution_count}
                )
            )
        elif cell.source.strip():  # nbclient does not execute empty cells
            executed.append(index)
    return skipped, executed
