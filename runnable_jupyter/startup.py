"""Start-up cost of the processes the engine owns (the CLI and the worker processes)."""

from __future__ import annotations

import sys

# What jsonschema imports, when installed, only to check one string format each (`iri`,
# `duration`, `uri`, `date-time`, `uri-template`, `color`, `hostname`...). Nothing the engine
# validates uses a format check; `isoduration` alone imports arrow and dateutil.
FORMAT_CHECKER_MODULES = (
    "fqdn",
    "isoduration",
    "rfc3339_validator",
    "rfc3986_validator",
    "rfc3987",
    "rfc3987_syntax",
    "uri_template",
    "webcolors",
)


def skip_iri_format_checker() -> None:
    """Keep jsonschema from importing `rfc3987_syntax`.

    jsonschema (imported by nbformat, so by papermill) imports `rfc3987_syntax` when it is
    installed, only to check the `iri` string format; that module builds a grammar at import,
    which costs about 1.5 s per process. Nothing the engine validates uses that format, so in
    our own processes jsonschema is told the module is absent (an `ImportError` it expects).
    Not applied inside Jupyter Server, whose other extensions may check that format.
    """
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


def skip_format_checker_imports() -> None:
    """Keep jsonschema from importing any of its format checkers' libraries (~60 ms of CPU).

    As `skip_iri_format_checker`, for all of `FORMAT_CHECKER_MODULES`, and only in the processes
    that run nothing but the engine (the CLI, the local executor's workers): there, nothing
    else imports them. Dask workers, which may run other tasks, skip only `rfc3987_syntax`.
    """
    for name in FORMAT_CHECKER_MODULES:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]


def import_papermill_without_hdfs() -> None:
    """Import papermill without the HDFS client it loads when pyarrow is installed.

    papermill's I/O module imports `pyarrow.fs`, and with it pyarrow and numpy (~0.24 s of CPU, a
    quarter of a worker's start-up), only for `hdfs://` paths; the engine gives papermill local
    paths only. The block lasts for that import alone: pyarrow stays importable afterwards (the
    catalog's parquet format uses it). Called by the processes that execute steps (the local
    executor's workers, `exec-step`) before they import papermill.
    """
    if "papermill.iorw" in sys.modules or "pyarrow.fs" in sys.modules:
        return  # too late, or nothing to save
    sys.modules["pyarrow.fs"] = None  # type: ignore[assignment]
    try:
        import papermill.iorw  # noqa: F401
    finally:
        del sys.modules["pyarrow.fs"]
