"""The notebook-side metrics API: `from runnable_jupyter import metrics`.

    metrics.log("accuracy", 0.93)            # a scalar of this step, recorded in the run log
    for epoch, loss in enumerate(losses):
        metrics.log("loss", loss, step=epoch)  # a curve: one value per step index

Inside a run, each call appends one JSON line to the step's metrics file (the engine sets
`RUNNABLE_JUPYTER_METRICS_LOG`); the run log records them with the step's attempt, and
`runnable-jupyter compare` and the Jobs view show them. Outside a run `log` does nothing and
says so once. Standard library only: as cheap to import as `catalog`.
"""

from __future__ import annotations

import json
import math
import numbers
import os
import sys
from datetime import datetime, timezone

ENV_METRICS_LOG = "RUNNABLE_JUPYTER_METRICS_LOG"
MAX_NAME_LENGTH = 128

__all__ = ["log"]

_warned = False


def log(name: str, value: float, step: int | None = None) -> None:
    """Record the number `value` under `name` (with `step`, a point of a curve)."""
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME_LENGTH:
        raise ValueError(
            f"a metric name is a non-empty string of at most {MAX_NAME_LENGTH} "
            f"characters, not {name!r}"
        )
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"metric {name!r} must be a number, not {type(value).__name__}")
    if not math.isfinite(float(value)):
        raise ValueError(f"metric {name!r} must be a finite number, not {value}")
    if step is not None and (isinstance(step, bool) or not isinstance(step, int)):
        raise TypeError(f"the step of metric {name!r} must be a whole number, not {step!r}")
    target = os.environ.get(ENV_METRICS_LOG)
    if not target:
        _say_once()
        return
    entry = {
        "name": name,
        "value": float(value),
        "step": step,
        "time": datetime.now(timezone.utc).isoformat(),
    }
    with open(target, "a", encoding="utf-8") as stream:
        stream.write(json.dumps(entry) + "\n")


def _say_once() -> None:
    global _warned
    if not _warned:
        _warned = True
        print(
            "runnable_jupyter.metrics: not in a pipeline run, metrics are not recorded",
            file=sys.stderr,
        )
