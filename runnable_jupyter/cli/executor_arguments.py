"""`--executor local|dask` and `--scheduler-address` of the commands that run steps (`run`,
`retry`, `rerun`): where the steps execute."""

from __future__ import annotations

import argparse
import re

# The engine's check (`executors.choice`), without importing the engine for `--help`.
_SCHEDULER_ADDRESS = re.compile(r"^(?:[a-z]+://)?(?:\[[0-9A-Fa-f:.]+\]|[\w.\-]+):\d{1,5}$")


def scheduler_address(text: str) -> str:
    if not _SCHEDULER_ADDRESS.match(text):
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a Dask scheduler address: write tcp://HOST:PORT, e.g. "
            "tcp://10.0.0.5:8786 (what `dask scheduler` prints)"
        )
    return text


def add_executor_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--executor",
        choices=["local", "dask"],
        default="local",
        help="where steps run: worker processes on this machine (local, the default) or a "
        "Dask cluster (dask; needs runnable-jupyter[dask] and the workspace on a filesystem "
        "every worker mounts)",
    )
    parser.add_argument(
        "--scheduler-address",
        type=scheduler_address,
        metavar="tcp://HOST:PORT",
        help="the Dask scheduler to use with --executor dask (default: start a local cluster "
        "for this run and stop it at the end)",
    )
