"""What the executor's parent process and its worker processes say to each other over a pipe.

Small picklable dataclasses matched with `match`, one per kind of message.
"""

from __future__ import annotations

from dataclasses import dataclass

from .interface import StepJob, StepProgress, StepResult

# -- parent to worker


@dataclass(frozen=True)
class RunJob:
    """Run this step; the worker answers with `KernelStarted`, `Progress`, then `JobFinished`."""

    job: StepJob


@dataclass(frozen=True)
class StopWorker:
    """Exit once the current job (if any) is done."""


ToWorker = RunJob | StopWorker


# -- worker to parent


@dataclass(frozen=True)
class KernelStarted:
    """The step's kernel runs as process (and process group) `pid`."""

    pid: int


@dataclass(frozen=True)
class Progress:
    progress: StepProgress


@dataclass(frozen=True)
class JobFinished:
    result: StepResult


FromWorker = KernelStarted | Progress | JobFinished
