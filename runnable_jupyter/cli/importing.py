"""`runnable-jupyter import FILE [-o OUT.pipeline.json] [--kernel NAME] [--force]`: an Elyra
`.pipeline` or Orchest `.orchest` (or `.orchest/pipeline.json`) file becomes a pipeline file,
`NAME.pipeline.json` beside it by default, and the report says what went where and what has no
equivalent. An existing file is never overwritten without `--force`; a file that cannot be
converted is refused (exit 2, one sentence) with nothing written."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from ..paths import check_path_text


def add_import_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="an Elyra .pipeline or Orchest .orchest file")
    parser.add_argument(
        "-o",
        "--output",
        metavar="OUT.pipeline.json",
        help="the pipeline file to write (default: NAME.pipeline.json beside FILE)",
    )
    parser.add_argument(
        "--kernel",
        metavar="NAME",
        help="run every step in this installed kernel (default: each notebook's own, or for "
        "Orchest steps an installed kernel of the step's language)",
    )
    parser.add_argument(
        "--force", action="store_true", help="overwrite the output file if it exists"
    )


def cmd_import(args: argparse.Namespace, root: Path) -> int:
    from ..importers import convert, default_output, write
    from .arguments import EXIT_OK

    check_path_text(args.file)
    if args.output is not None:
        check_path_text(args.output)
    source = Path(os.path.abspath(args.file))
    output = Path(os.path.abspath(args.output)) if args.output else default_output(source)
    conversion = convert(
        source,
        output=output,
        kernel=args.kernel,
        root=root,
        shown_source=args.file,
        shown_output=args.output or os.path.relpath(output),
    )
    write(conversion, force=args.force)
    print("\n".join(conversion.report.lines()))
    print(f"wrote {conversion.report.output}")
    return EXIT_OK
