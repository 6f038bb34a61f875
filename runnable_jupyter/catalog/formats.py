"""Catalog formats: how a Python object becomes an entry's file, and how a file is loaded back.

pandas, numpy and pyarrow are imported only when an object of theirs is stored or loaded: the
notebook-side `catalog` module must stay cheap to import.
"""

from __future__ import annotations

import json
import pickle
import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from ..errors import CatalogError

# format -> file extension of entries written by put()
EXTENSIONS = {"parquet": ".parquet", "npy": ".npy", "json": ".json", "pickle": ".pkl"}
# how get() loads plain files (declarative puts, path() files) by their extension
FORMAT_BY_EXTENSION = {
    ".parquet": "parquet",
    ".npy": "npy",
    ".json": "json",
    ".pkl": "pickle",
    ".pickle": "pickle",
}
SERIES_COLUMN = "__series__"
# (format, writer of the file content, extra metadata)
Encoder = tuple[str, Callable[[IO[bytes]], object], dict[str, Any]]


def _is_json_able(obj: Any) -> bool:
    """True when JSON gives back an equal object (tuples, int keys, NaN... are not)."""
    if not isinstance(obj, (dict, list, str, int, float, bool, type(None))):
        return False
    try:
        return bool(json.loads(json.dumps(obj, allow_nan=False)) == obj)
    except (TypeError, ValueError, RecursionError):
        return False


def encoder_for(obj: Any) -> Encoder:
    """(format, writer, extra metadata) for `obj`. Checks types without importing libraries."""
    pandas = sys.modules.get("pandas")
    if pandas is not None and isinstance(obj, (pandas.DataFrame, pandas.Series)):
        encoded = _parquet_encoder(obj, pandas)
        if encoded is not None:
            return encoded
    numpy = sys.modules.get("numpy")
    if numpy is not None and isinstance(obj, numpy.ndarray) and obj.dtype != object:
        return "npy", lambda out: numpy.save(out, obj, allow_pickle=False), {}
    if _is_json_able(obj):
        return "json", lambda out: out.write(json.dumps(obj, indent=1).encode("utf-8")), {}
    return "pickle", lambda out: write_pickle(obj, out), {}


def write_pickle(obj: Any, out: IO[bytes]) -> None:
    pickle.dump(obj, out, protocol=pickle.HIGHEST_PROTOCOL)


def _parquet_encoder(obj: Any, pandas: Any) -> Encoder | None:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return None  # pickle it
    extra: dict[str, Any] = {"python_type": f"pandas.{type(obj).__name__}"}
    frame = obj
    if isinstance(obj, pandas.Series):
        if obj.name is not None and not isinstance(obj.name, str):
            return None  # a name parquet cannot carry faithfully
        frame = obj.to_frame(name=SERIES_COLUMN)
        extra["series_name"] = obj.name
    if not all(isinstance(column, str) for column in frame.columns):
        return None  # parquet needs string column names
    return "parquet", lambda out: frame.to_parquet(out), extra


def load_file(path: Path, fmt: str, meta: dict[str, Any]) -> Any:
    if fmt == "json":
        return json.loads(path.read_text(encoding="utf-8"))
    if fmt == "npy":
        import numpy

        return numpy.load(path, allow_pickle=False)
    if fmt == "parquet":
        import pandas

        frame = pandas.read_parquet(path)
        if meta.get("python_type") == "pandas.Series":
            series = frame[SERIES_COLUMN]
            series.name = meta.get("series_name")
            return series
        return frame
    if fmt == "pickle":
        with open(path, "rb") as handle:
            return pickle.load(handle)
    raise CatalogError(f"unknown catalog format '{fmt}' for {path}", {"path": str(path)})
