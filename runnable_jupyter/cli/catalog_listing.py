"""`runnable-jupyter catalog PIPELINE [NAME] [--run RUN_ID] [--json]`: what the catalog holds."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table

from ..catalog.listing import catalog_entries, run_catalog
from ..errors import RunNotFound
from ..runlog.store import check_run_id
from .arguments import EXIT_OK, pipeline_argument
from .following import manager_for

PIPED_WIDTH = 200


def cmd_catalog(args: argparse.Namespace, root: Path) -> int:
    relative = pipeline_argument(args.pipeline, root)
    with manager_for(root) as manager:
        folder = manager.catalog_dir(relative)
        if args.run is not None and not manager.is_run_of(relative, check_run_id(args.run)):
            raise RunNotFound(f"{relative} has no run {args.run}", {"run_id": args.run})
    entries = catalog_entries(folder, args.name)
    used = run_catalog(folder, args.run) if args.run else None
    if args.run and used is None:
        raise RunNotFound(f"the catalog has no record of run {args.run} (made before versions?)")
    if used is not None:
        entries = [entry for entry in entries if entry["name"] in used]
    if args.json:
        print(json.dumps({"entries": entries, **({"run": used} if used is not None else {})}))
        return EXIT_OK
    if not entries:
        print(f"the catalog of {relative} holds nothing{' that run used' if used else ''} yet")
        return EXIT_OK
    console = Console()
    console = console if console.is_terminal else Console(width=PIPED_WIDTH)
    console.print(_table(relative, entries, used))
    return EXIT_OK


def _table(pipeline: str, entries: list[dict[str, Any]], used: dict[str, Any] | None) -> Table:
    table = Table(title=f"catalog of {pipeline}", title_justify="left", box=box.SIMPLE_HEAD)
    for column in ("entry", "version", "size", "format", "produced by", "current"):
        table.add_column(column, no_wrap=True)
    table.add_column("read by runs", overflow="fold")
    if used is not None:
        table.add_column("this run", no_wrap=True)
    for entry in entries:
        for index, version in enumerate(entry["versions"]):
            producer = f"{version['step']} · {version['run_id']}" if version["run_id"] else "-"
            row = [
                entry["name"] if index == 0 else "",
                version["sha256"][:12],
                _size(version["size"]),
                version["format"],
                producer,
                "yes" if version["current"] else "",
                ", ".join(version["read_by"]),
            ]
            if used is not None:
                roles = [
                    role for role, sha in used[entry["name"]].items() if sha == version["sha256"]
                ]
                row.append(", ".join(roles))
            table.add_row(*row)
    return table


def _size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB"):
        if value < 1024:
            return f"{value:.0f} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"
