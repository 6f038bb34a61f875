"""Every conformance notebook ends as plain papermill ends it (/work/shared/conformance/README.md).

The expectations below are the README's table, measured with plain papermill:
`execute_notebook(nb, out, kernel_name="python3", cwd=<its folder>, execution_timeout=30)`.
One difference is by design: `keyboard_interrupt.ipynb` runs until stopped, papermill's own
expectation is `CellTimeoutError` after its 30 s per-cell timeout; a step has a whole-step
`timeout_s` instead, so we give it 5 s and expect our `TimeoutError`.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator
from concurrent.futures import Future
from pathlib import Path

import psutil
import pytest

from runnable_jupyter.executors.interface import StepJob, StepResult
from runnable_jupyter.executors.local import LocalProcessExecutor
from runnable_jupyter.pipeline.model import DEFAULT_SKIP_TAGS
from runnable_jupyter.runlog.models import StepStatus

pytestmark = pytest.mark.timeout(300)

CONFORMANCE = Path("/work/shared/conformance")
OK = (StepStatus.succeeded, None)

EXPECTED: dict[str, tuple[StepStatus, str | None]] = {
    "nbclient/Autokill.ipynb": (StepStatus.failed, "DeadKernelError"),
    "nbclient/Clear Output.ipynb": OK,
    "nbclient/Disable Stdin.ipynb": (StepStatus.failed, "StdinNotImplementedError"),
    "nbclient/Empty Cell.ipynb": OK,
    "nbclient/Error.ipynb": (StepStatus.failed, "ZeroDivisionError"),
    "nbclient/Factorials.ipynb": OK,
    "nbclient/HelloWorld.ipynb": OK,
    "nbclient/SVG.ipynb": OK,
    "nbclient/Skip Exceptions with Cell Tags.ipynb": (StepStatus.failed, "Exception"),
    "nbclient/Skip Exceptions.ipynb": (StepStatus.failed, "Exception"),
    "nbclient/Skip Execution with Cell Tag.ipynb": OK,
    "nbclient/Sleep1s.ipynb": OK,
    "nbclient/Unicode.ipynb": OK,
    "nbclient/UnicodePy3.ipynb": OK,
    "nbclient/update-display-id.ipynb": OK,
    "papermill/blank-vscode.ipynb": OK,
    "papermill/broken.ipynb": (StepStatus.failed, "SyntaxError"),
    "papermill/broken1.ipynb": (StepStatus.failed, "AssertionError"),
    "papermill/broken2.ipynb": (StepStatus.failed, "ImportError"),
    "papermill/complex_parameters.ipynb": (StepStatus.failed, "SyntaxError"),
    "papermill/keyboard_interrupt.ipynb": (StepStatus.failed, "TimeoutError"),
    "papermill/line_magic_error.ipynb": (StepStatus.failed, "CellExecutionError"),
    "papermill/nb_version_4.4.ipynb": OK,
    "papermill/no_parameters.ipynb": OK,
    "papermill/read_check.ipynb": (StepStatus.failed, "AssertionError"),
    "papermill/simple_execute.ipynb": OK,
    "papermill/sysexit.ipynb": OK,
    "papermill/sysexit0.ipynb": OK,
    "papermill/sysexit1.ipynb": (StepStatus.failed, "SystemExit"),
    "papermill/systemexit.ipynb": OK,
}
TIMEOUTS = {"papermill/keyboard_interrupt.ipynb": 5.0}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_conformance_notebook_has_an_expectation() -> None:
    found = {p.relative_to(CONFORMANCE).as_posix() for p in CONFORMANCE.glob("*/*.ipynb")}
    assert found == set(EXPECTED)


@pytest.fixture(scope="module")
def outcomes(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[dict[str, tuple[StepJob, Future[StepResult], str]]]:
    """Submit every notebook at once to one 2-worker pool (a copy of the folder: cwd = its own)."""
    base = tmp_path_factory.mktemp("conformance")
    work = base / "notebooks"
    shutil.copytree(CONFORMANCE, work)
    futures = {}
    with LocalProcessExecutor(2) as pool:
        for index, name in enumerate(sorted(EXPECTED)):
            notebook = work / name
            step = f"s{index}"
            job = StepJob(
                run_id="20261122T101500-c0ffee",
                step_id=step,
                notebook=str(notebook),
                cwd=str(notebook.parent),
                output_notebook=str(base / "run" / f"{step}.ipynb"),
                log_file=str(base / "run" / f"{step}.log"),
                access_log=str(base / "run" / f"{step}.catalog.jsonl"),
                skip_tags=list(DEFAULT_SKIP_TAGS),
                timeout_s=TIMEOUTS.get(name),
                catalog_dir=str(base / "catalog"),
                pipeline_path=str(base / "c.pipeline.json"),
            )
            futures[name] = (job, pool.submit(job, lambda _: None), sha256(notebook))
        yield futures


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_outcome_matches_plain_papermill(
    name: str, outcomes: dict[str, tuple[StepJob, Future[StepResult], str]]
) -> None:
    job, future, source_hash = outcomes[name]
    result = future.result(timeout=240)
    status, exception = EXPECTED[name]
    assert (result.status, result.error.name if result.error else None) == (status, exception), (
        result.error
    )
    assert result.kernel_name == "python3"
    assert Path(job.output_notebook).exists()
    assert sha256(Path(job.notebook)) == source_hash


def test_conformance_leaves_no_kernel_behind(
    outcomes: dict[str, tuple[StepJob, Future[StepResult], str]],
) -> None:
    for _, future, _ in outcomes.values():
        future.result(timeout=240)
    kernels = [
        p
        for p in psutil.Process().children(recursive=True)
        if p.status() != psutil.STATUS_ZOMBIE and "ipykernel_launcher" in " ".join(p.cmdline())
    ]
    assert kernels == []
