"""`runnable-jupyter prune`: delete a pipeline's old finished runs (never one in progress)."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..runs.retention import RetentionPolicy


def add_prune_arguments(prune: argparse.ArgumentParser) -> None:
    prune.add_argument("pipeline", metavar="PIPELINE")
    prune.add_argument("--keep", type=int, metavar="N", help="keep the newest N runs")
    prune.add_argument(
        "--older-than",
        type=float,
        metavar="D",
        help="delete runs that ended D days ago or more",
    )
    prune.add_argument(
        "--dry-run", action="store_true", help="list the runs that would be deleted, delete none"
    )


def prune_policy(args: argparse.Namespace, pipeline_path: Path, root: Path) -> RetentionPolicy:
    """The options given, else the pipeline's `settings.retention`."""
    # Validation imports jsonschema: late, after the CLI's start-up trims its format checker.
    from ..pipeline.validation import load_pipeline

    if args.keep is not None or args.older_than is not None:
        return RetentionPolicy(args.keep, args.older_than)
    policy = RetentionPolicy.of_pipeline(load_pipeline(pipeline_path, root))
    if policy is None:
        raise ValueError(
            "nothing says which runs to delete: pass --keep N and/or --older-than D, or set "
            "settings.retention in the pipeline"
        )
    return policy
