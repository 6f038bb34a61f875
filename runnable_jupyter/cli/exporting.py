"""`runnable-jupyter export script|argo PIPELINE [-o FILE] [--force]`: the pipeline as a
standalone papermill script, or as an Argo Workflow (`--image IMAGE [--volume-claim NAME]`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..pipeline.model import pipeline_stem
from .arguments import EXIT_OK, CliError, pipeline_argument
from .following import manager_for


def cmd_export(args: argparse.Namespace, root: Path) -> int:
    from ..pipeline.validation import load_pipeline

    relative = pipeline_argument(args.pipeline, root)
    pipeline_path = (root / relative).resolve()
    if args.format != "argo" and (args.image is not None or args.volume_claim is not None):
        raise CliError("--image and --volume-claim are options of `export argo`")
    if args.format == "argo" and not args.image:
        raise CliError(
            "export argo needs --image IMAGE: the container image every step runs in, with "
            "runnable-jupyter and the steps' kernels installed"
        )
    model = load_pipeline(pipeline_path, root)
    suffix = ".argo.yaml" if args.format == "argo" else "_pipeline.py"
    default = pipeline_path.parent / f"{pipeline_stem(pipeline_path)}{suffix}"
    target = Path(args.output).resolve() if args.output else default
    if target.exists() and not args.force:
        raise CliError(f"{target} exists: pass --force to overwrite it, or -o another file")
    if args.format == "argo":
        from ..exports.argo import export_argo

        text = export_argo(model, relative, args.image, args.volume_claim)
        how = f"submit it with `argo submit {target.name}`"
    else:
        from ..exports.script import export_script
        from ..runs.environment import package_version

        with manager_for(root) as manager:
            catalog_dir = manager.catalog_dir(relative)
        version = package_version("runnable-jupyter") or "(a source checkout)"
        text = export_script(model, pipeline_path, target, catalog_dir, version)
        how = f"run it with `python {target.name}` (papermill alone)"
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target}: {how}")
    return EXIT_OK
