"""Pages of a pipeline's runs, newest first, cut from its run index.

A page is at most `limit` runs after the run `before` (a cursor: the previous page's `next`).
Only the page's summaries are validated, so a page of 50 out of 10,000 runs costs microseconds.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..runlog.models import RunSummary
from ..runlog.store import check_run_id


@dataclass(frozen=True)
class RunPage:
    runs: list[RunSummary]
    next: str | None  # the cursor for the following page; None on the last one


def page_of(
    documents: Sequence[dict[str, Any]],
    limit: int | None,
    before: str | None,
    as_seen: Callable[[RunSummary], RunSummary],
) -> RunPage:
    """The page of `documents` (summaries as JSON, newest first) after `before`, at most
    `limit`; `as_seen` gives each run's summary as it stands now (runs in progress)."""
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise ValueError(f"limit must be a positive integer, not {limit!r}")
    if before is not None:
        check_run_id(before)
        position = next(
            (index for index, doc in enumerate(documents) if doc["run_id"] == before), None
        )
        if position is not None:
            documents = documents[position + 1 :]
        else:  # the cursor's run was deleted meanwhile: continue from its creation second
            documents = [doc for doc in documents if doc["run_id"][:15] < before[:15]]
    page = documents if limit is None else documents[:limit]
    more = limit is not None and len(documents) > limit
    runs = [as_seen(RunSummary.model_validate(doc)) for doc in page]
    return RunPage(runs, page[-1]["run_id"] if more else None)
