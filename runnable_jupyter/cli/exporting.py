"""`runnable-jupyter export script PIPELINE [-o FILE] [--force]`: the pipeline as a standalone
papermill script."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..exports.script import export_script
from ..pipeline.model import pipeline_stem
from .arguments import EXIT_OK, CliError, pipeline_argument
from .following import manager_for


def cmd_export(args: argparse.Namespace, root: Path) -> int:
    from ..pipeline.validation import load_pipeline
    from ..runs.environment import package_version

    relative = pipeline_argument(args.pipeline, root)
    pipeline_path = (root / relative).resolve()
    model = load_pipeline(pipeline_path, root)
    default = pipeline_path.parent / f"{pipeline_stem(pipeline_path)}_pipeline.py"
    target = Path(args.output).resolve() if args.output else default
    if target.exists() and not args.force:
        raise CliError(f"{target} exists: pass --force to overwrite it, or -o another file")
    with manager_for(root) as manager:
        catalog_dir = manager.catalog_dir(relative)
    version = package_version("runnable-jupyter") or "(a source checkout)"
    text = export_script(model, pipeline_path, target, catalog_dir, version)
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target}: run it with `python {target.name}` (papermill alone)")
    return EXIT_OK
