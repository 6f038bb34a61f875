"""The arguments of `export` (a pipeline compiled for another tool) and of `exec-step` (the
command an exported Argo workflow runs for each step)."""

from __future__ import annotations

import argparse

EXPORT_FORMATS = ["script", "argo"]


def add_export_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("format", choices=EXPORT_FORMATS, help="what to export to")
    parser.add_argument("pipeline", metavar="PIPELINE")
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="default: NAME_pipeline.py (script) or NAME.argo.yaml (argo) beside the pipeline",
    )
    parser.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    parser.add_argument(
        "--image",
        metavar="IMAGE",
        help="argo: the container image every step runs in (with runnable-jupyter, papermill "
        "and the steps' kernels installed)",
    )
    parser.add_argument(
        "--volume-claim",
        metavar="NAME",
        help="argo: the PersistentVolumeClaim holding the workspace, mounted in every step "
        "(default: runnable-jupyter-workspace)",
    )


def add_exec_step_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("pipeline", metavar="PIPELINE")
    parser.add_argument(
        "--run-id",
        required=True,
        metavar="RUN_ID",
        help="the run this step belongs to (YYYYMMDDTHHMMSS-xxxxxx); the first exec-step of a "
        "run id creates the run with the pipeline's plan",
    )
    parser.add_argument("--step", required=True, metavar="ID", help="the step to execute")
    parser.add_argument(
        "-p",
        "--parameter",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a parameter (the same for every step of the run); VALUE is parsed as "
        "JSON when it can be, else a string",
    )
