"""Request bodies of the REST API, checked by pydantic before anything else happens.

Unknown fields are refused (a typo such as "step" for "steps" must not silently run every
step), and types are strict (no "1" for 1). Values the engine checks with better messages
(mode names, step ids, parameter names) are left to the engine.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, StrictBool, StrictStr, ValidationError

from ..errors import BadRequest


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class ValidateBody(_Body):
    pipeline: StrictStr | None = None  # a pipeline file, relative to the server root
    content: Any = None  # or a pipeline document not saved yet ...
    base: StrictStr = ""  # ... and the folder it would live in ("" = the server root)


class StartRunBody(_Body):
    pipeline: StrictStr
    steps: list[StrictStr] = []
    mode: StrictStr = "all"
    parameters: dict[str, Any] = {}
    skip_unchanged: StrictBool = False  # reuse the results of unchanged steps (cached)
    rerun_of: StrictStr | None = None  # re-run this run exactly
    mocks: dict[str, StrictStr] = {}  # step id -> folder or file (root-relative) standing in


class RetryBody(_Body):
    force: StrictBool = False


class ImportBody(_Body):
    path: StrictStr  # an Elyra or Orchest pipeline file, relative to the server root
    output: StrictStr | None = None  # the NAME.pipeline.json to write (default: beside it)
    kernel: StrictStr | None = None  # run every step in this installed kernel
    force: StrictBool = False  # overwrite an existing output


Body = TypeVar("Body", bound=_Body)


def parse_body(model: type[Body], data: dict[str, Any]) -> Body:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        problems = [
            {"field": ".".join(map(str, e["loc"])) or "(body)", "message": e["msg"]}
            for e in error.errors()
        ]
        summary = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
        raise BadRequest(f"invalid request body: {summary}", problems) from None
