"""Parameter grids: how many runs a grid makes, its points, and a run's parameters.

A grid is a list of parameter sets (`[{"alpha": 0.1}, {"alpha": 1, "depth": 3}]`, one run
each) or an object of value lists whose product is the grid (`{"alpha": [0.1, 1], "depth":
[3, 5]}`: four runs, the last name varying fastest). No grid is one run. A run's parameters are
the job's fixed parameters overlaid by its grid point. Sizes are computed without expanding, so
a grid of a billion points is refused as cheaply as a small one is counted.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Mapping
from typing import Any

from .model import Grid


def grid_size(grid: Grid | None) -> int:
    """The number of runs the grid makes (1 without a grid)."""
    if grid is None:
        return 1
    if isinstance(grid, list):
        return len(grid)
    return math.prod(len(values) for values in grid.values())


def grid_points(grid: Grid | None) -> Iterator[dict[str, Any]]:
    """The grid's points, in order (lazily: a product is never held in memory whole)."""
    if grid is None:
        yield {}
        return
    if isinstance(grid, list):
        for point in grid:
            yield dict(point)
        return
    names = list(grid)
    for values in itertools.product(*(grid[name] for name in names)):
        yield dict(zip(names, values, strict=True))


def grid_names(grid: Grid | None) -> list[str]:
    """The parameter names the grid sets, in order of first appearance."""
    if grid is None:
        return []
    if isinstance(grid, dict):
        return list(grid)
    return list(dict.fromkeys(name for point in grid for name in point))


def run_parameters(fixed: Mapping[str, Any], point: Mapping[str, Any]) -> dict[str, Any]:
    """A grid point's run parameters: the job's fixed parameters, the point's winning."""
    return {**fixed, **point}
