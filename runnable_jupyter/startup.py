"""Start-up cost of the processes the engine owns (the CLI and the worker processes)."""

from __future__ import annotations

import sys


def skip_iri_format_checker() -> None:
    """Keep jsonschema from importing `rfc3987_syntax`.

    jsonschema (imported by nbformat, so by papermill) imports `rfc3987_syntax` when it is
    installed, only to check the `iri` string format; that module builds a grammar at import,
    which costs about 1.5 s per process. Nothing the engine validates uses that format, so in
    our own processes jsonschema is told the module is absent (an `ImportError` it expects).
    Not applied inside Jupyter Server, whose other extensions may check that format.
    """
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
