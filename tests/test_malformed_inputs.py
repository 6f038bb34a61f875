"""A corpus of malformed inputs, each refused clearly everywhere, with nothing written.

Pipeline documents a file can hold are `tests/malformed/NAME.pipeline.json`; `cases.json` next
to them says where (a JSON pointer, "" for the whole file) and with what message fragment each
must be refused. Documents too big or too odd to store (deep nesting, huge ids, 5,000 steps) are
generated below, and so are the impossible pipeline paths, command lines and request bodies.

- CLI: the commands a user types, through `main(argv)` in this process (fast) and a few real
  subprocesses (what reaches a terminal): exit 2, stderr one `error:` sentence (followed by one
  line per pipeline problem) or argparse's usage error, never a traceback, nothing on stdout.
- REST: a 4xx JSON error in the documented envelope, never a 500, never naming the server root;
  POST validate answers an invalid pipeline with the documented 200 `valid: false` and the
  located problem. One server per test, each test looping over a whole table.
- Nothing written: a snapshot of the workspace and of the folder next to it (paths, sha256,
  mtimes, link targets) is the same after each case: no runs folder, no catalog, the pipeline
  file untouched. Symlinks are made here at run time, never committed.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from helpers import sha256, write_notebook
from server_support import call, record_run, write_pipeline

from runnable_jupyter.cli import main
from runnable_jupyter.json_documents import load_json
from runnable_jupyter.runlog.models import StepStatus

REPO = Path(__file__).resolve().parents[1]
CORPUS = Path(__file__).parent / "malformed"
CASE_FILE = "case.pipeline.json"
VALID = "valid.pipeline.json"
DEEP_LISTS = "[" * 100_000 + "]" * 100_000
MAX_LINE = 500  # a refusal is a sentence, not a dump of the input


# --- the corpus: pipeline documents -------------------------------------------------------


@dataclass(frozen=True)
class DocumentCase:
    id: str
    text: bytes  # the pipeline file's content
    pointer: str  # where the problem is reported ("" for the whole file)
    expect: str  # a stable fragment of its message


def step(step_id: Any = "a", notebook: Any = "a.ipynb", **fields: Any) -> dict[str, Any]:
    return {"id": step_id, "notebook": notebook, **fields}


def document(*steps: dict[str, Any], **fields: Any) -> bytes:
    return json.dumps({"version": 1, **fields, "steps": list(steps)}).encode()


def nested(levels: int) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for _ in range(levels):
        value = {"x": value}
    return value


def stored_documents() -> list[DocumentCase]:
    table = json.loads((CORPUS / "cases.json").read_text(encoding="utf-8"))["cases"]
    return [
        DocumentCase(
            name,
            (CORPUS / f"{name}.pipeline.json").read_bytes(),
            expected["pointer"],
            expected["expect"],
        )
        for name, expected in sorted(table.items())
    ]


GENERATED_DOCUMENTS = [
    DocumentCase("lists-nested-100000-levels", DEEP_LISTS.encode(), "", "nested more than 64"),
    DocumentCase(
        "objects-nested-100000-levels",
        ('{"a": ' * 100_000 + "1" + "}" * 100_000).encode(),
        "",
        "nested more than 64",
    ),
    DocumentCase(
        "parameters-nested-300-levels",
        document(step(), parameters={"deep": nested(300)}),
        "",
        "nested more than 64",
    ),
    DocumentCase(
        "step-id-10000-characters",
        document(step("a" * 10_000)),
        "/steps/0/id",
        "is 10000 characters long; step ids have at most 128",
    ),
    DocumentCase(
        "notebook-name-over-255-bytes",
        document(step(notebook="n" * 300 + ".ipynb")),
        "/steps/0/notebook",
        "file names are at most 255 bytes",
    ),
    DocumentCase(
        "number-with-5000-digits",
        b'{"version": 1, "steps": [{"id": "a", "notebook": "a.ipynb", "timeout_s": '
        + b"9" * 5000
        + b"}]}",
        "",
        "has too many digits to be read",
    ),
    DocumentCase(
        "5000-steps-one-duplicate-id",
        document(*(step(f"s{i}") for i in range(5000)), step("s0")),
        "/steps/5000/id",
        "step id 's0' is already used by /steps/0",
    ),
]
DOCUMENTS = stored_documents() + GENERATED_DOCUMENTS


def test_every_stored_document_has_its_expectation() -> None:
    stored = {p.name[: -len(".pipeline.json")] for p in CORPUS.glob("*.pipeline.json")}
    assert stored == {case.id for case in stored_documents()}
    assert len({case.id for case in DOCUMENTS}) == len(DOCUMENTS)
    assert not [p for p in CORPUS.rglob("*") if p.is_symlink()]  # made at run time only


# --- the corpus: pipeline paths -----------------------------------------------------------


@dataclass(frozen=True)
class PathCase:
    id: str
    path: str  # "{outside}" stands for the folder next to the workspace
    cli_expect: str
    status: int
    code: str
    rest_expect: str | None = None  # when the server words it differently
    in_url: bool = True  # a URL cannot carry a NUL or a lone surrogate


def impossible(case_id: str, path: str, expect: str, **options: Any) -> PathCase:
    """A path no file can have: 400 bad_request."""
    return PathCase(case_id, path, expect, 400, "bad_request", **options)


def escaping(case_id: str, path: str, rest_expect: str, cli_expect: str) -> PathCase:
    return PathCase(case_id, path, cli_expect, 403, "path_outside_root", rest_expect)


def absent(case_id: str, path: str, expect: str) -> PathCase:
    return PathCase(case_id, path, expect, 404, "pipeline_not_found")


LONG_NAME = "at most 255 bytes"
OUTSIDE_ROOT = "is outside the workspace root"
LEAVES_ROOT = "leaves the workspace root"
PATHS = [
    impossible("name-over-255-bytes", "x" * 300 + ".pipeline.json", LONG_NAME),
    impossible("folder-over-255-bytes", "d" * 256 + "/p.pipeline.json", LONG_NAME),
    impossible("multibyte-name-over-255-bytes", "é" * 130 + ".pipeline.json", "is 274 bytes"),
    impossible("lone-surrogate", "\ud800.pipeline.json", "lone surrogate", in_url=False),
    impossible("nul", "a\x00.pipeline.json", "contains a NUL character", in_url=False),
    impossible("symlink-loop", "loop1.pipeline.json", "is a symlink loop"),
    impossible("empty", "", "the path is empty", rest_expect="must be a non-empty path"),
    escaping("dot-dot", "../outside/p.pipeline.json", LEAVES_ROOT, OUTSIDE_ROOT),
    escaping("absolute-outside", "{outside}/p.pipeline.json", "is absolute", OUTSIDE_ROOT),
    # `validate` says "is outside the workspace root", `run` "leaves the workspace root"
    escaping("symlink-outside", "link.pipeline.json", LEAVES_ROOT, "the workspace root"),
    absent("missing", "nothing.pipeline.json", "pipeline nothing.pipeline.json not found"),
    absent("a-folder", "folder.pipeline.json", "folder.pipeline.json is a folder, not a pipeline"),
]


# --- the workspace every case runs in -----------------------------------------------------


def build_workspace(root: Path, outside: Path) -> None:
    """Notebooks good and bad, a valid pipeline, symlinks (looping, leading outside)."""
    for name in "abc":
        write_notebook(root / f"{name}.ipynb", "x = 1")
    (root / "not-json.ipynb").write_text("this is not a notebook")
    (root / "not-nbformat.ipynb").write_text('{"cells": "not a list"}')
    (root / "notes.txt").write_text("not a notebook either")
    (root / "folder.ipynb").mkdir()
    (root / "folder.pipeline.json").mkdir()
    (root / VALID).write_bytes(
        document(step(), step("b", "b.ipynb", depends_on=["a"]), step("c", "c.ipynb"))
    )
    write_notebook(outside / "x.ipynb", "x = 1")
    (outside / "p.pipeline.json").write_bytes(document(step(notebook="x.ipynb")))
    (root / "escape.ipynb").symlink_to(outside / "x.ipynb")
    (root / "link.pipeline.json").symlink_to(outside / "p.pipeline.json")
    for suffix in (".ipynb", ".pipeline.json"):
        (root / f"loop1{suffix}").symlink_to(f"loop2{suffix}")
        (root / f"loop2{suffix}").symlink_to(f"loop1{suffix}")


def snapshot(*folders: Path) -> dict[str, str]:
    """Every entry under `folders`: a file's sha256 and mtime, a link's target, or 'folder'."""
    entries = {}
    for folder in folders:
        for parent, folder_names, file_names in os.walk(folder):  # does not follow links
            for name in folder_names + file_names:
                path = Path(parent, name)
                if path.is_symlink():
                    entries[str(path)] = f"-> {os.readlink(path)}"
                elif path.is_dir():
                    entries[str(path)] = "folder"
                else:
                    entries[str(path)] = f"{sha256(path)} {path.stat().st_mtime_ns}"
    return entries


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The workspace root (the current folder, as a user runs the CLI), `outside` next to it."""
    root, outside = tmp_path / "ws", tmp_path / "outside"
    root.mkdir()
    build_workspace(root, outside)
    monkeypatch.chdir(root)
    yield root


# --- CLI ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    code: int | str | None
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., Outcome]:
    """`main(argv)` in this process; argparse's refusals exit (SystemExit) rather than return."""

    def run(*argv: str) -> Outcome:
        capsys.readouterr()
        try:
            code: int | str | None = main(list(argv))
        except SystemExit as exit:
            code = exit.code
        out, err = capsys.readouterr()
        return Outcome(code, out, err)

    return run


ARGPARSE_ERROR = re.compile(r"^runnable-jupyter(?: \w+)?: error: ")


def assert_cli_refusal(outcome: Outcome, expect: str, label: str) -> list[str]:
    """Exit 2, nothing on stdout, one clear sentence on stderr; returns stderr's lines."""
    assert outcome.code == 2, (label, outcome)
    assert "Traceback" not in outcome.out + outcome.err, label
    assert outcome.out == "", (label, outcome.out)
    lines = outcome.err.splitlines()
    assert lines, label
    if lines[0].startswith("usage: "):  # argparse: usage, then "PROG: error: ..."
        assert ARGPARSE_ERROR.match(lines[-1]), (label, outcome.err)
    else:  # ours: "error: ...", then one indented line per pipeline problem
        assert lines[0].startswith("error: "), (label, outcome.err)
        assert all(line.startswith("  ") for line in lines[1:]), (label, outcome.err)
    assert expect in outcome.err, (label, expect, outcome.err)
    assert max(map(len, lines)) <= MAX_LINE, (label, outcome.err[:2000])
    return lines


def problem_line(pointer: str, expect: str) -> re.Pattern[str]:
    """A problem as `validate` prints it: `  POINTER (step 'ID'): MESSAGE`."""
    where = re.escape(pointer or "(file)")
    return re.compile(rf"^  {where}(?: \(step .*\))?: .*{re.escape(expect)}", re.MULTILINE)


DOCUMENT_COMMANDS = [["validate"], ["run"], ["prune", "--dry-run"]]


@pytest.mark.parametrize("case", DOCUMENTS, ids=lambda case: case.id)
def test_cli_refuses_a_malformed_pipeline(
    ws: Path, cli: Callable[..., Outcome], case: DocumentCase
) -> None:
    (ws / CASE_FILE).write_bytes(case.text)
    before = snapshot(ws, ws.parent / "outside")
    for command, *options in DOCUMENT_COMMANDS:
        label = f"{case.id}: {command}"
        outcome = cli(command, CASE_FILE, *options)
        lines = assert_cli_refusal(outcome, case.expect, label)
        assert re.match(rf"error: {CASE_FILE} has \d+ problems?$", lines[0]), (label, lines[0])
        assert problem_line(case.pointer, case.expect).search(outcome.err), (label, outcome.err)
        assert snapshot(ws, ws.parent / "outside") == before, label


PATH_COMMANDS = [["validate"], ["run"], ["runs"], ["show"], ["retry"], ["prune", "--dry-run"]]


@pytest.mark.parametrize("case", PATHS, ids=lambda case: case.id)
def test_cli_refuses_an_impossible_pipeline_path(
    ws: Path, cli: Callable[..., Outcome], case: PathCase
) -> None:
    path = case.path.format(outside=ws.parent / "outside")
    before = snapshot(ws, ws.parent / "outside")
    for command, *options in PATH_COMMANDS:
        label = f"{case.id}: {command}"
        assert_cli_refusal(cli(command, path, *options), case.cli_expect, label)
        assert snapshot(ws, ws.parent / "outside") == before, label


DEEP_PARAMETER = "deep=" + json.dumps(nested(300))
UNKNOWN_RUN = "20250101T000000-abcdef"

COMMAND_LINES = {
    "unknown-step": (["run", VALID, "--step", "ghost"], "unknown step 'ghost'"),
    "unknown-steps": (["run", VALID, "--step", "a", "--step", "x", "--step", "y"], "'x', 'y'"),
    "upstream-without-step": (["run", VALID, "--upstream"], "need at least one --step"),
    "downstream-without-step": (["run", VALID, "--downstream"], "need at least one --step"),
    "up-and-downstream": (
        ["run", VALID, "--step", "a", "--upstream", "--downstream"],
        "not allowed with argument",
    ),
    "parameter-without-equals": (["run", VALID, "-p", "n"], "has no '='"),
    "parameter-name-a-number": (["run", VALID, "-p", "1n=3"], "not a valid parameter name"),
    "parameter-name-keyword": (["run", VALID, "-p", "class=3"], "not a valid parameter name"),
    "parameter-name-empty": (["run", VALID, "-p", "=3"], "not a valid parameter name"),
    "parameter-nested-300-levels": (["run", VALID, "-p", DEEP_PARAMETER], "nested more than 64"),
    "parameter-nested-100000-levels": (
        ["run", VALID, "-p", "deep=" + DEEP_LISTS],
        "nested more than 64",
    ),
    "max-parallel-zero": (["run", VALID, "--max-parallel", "0"], "must be at least 1, not 0"),
    "max-parallel-negative": (["run", VALID, "--max-parallel", "-3"], "must be at least 1"),
    "max-parallel-a-fraction": (["run", VALID, "--max-parallel", "2.5"], "not a whole number"),
    "max-parallel-true": (["run", VALID, "--max-parallel", "true"], "'true' is not a whole"),
    "timeout-zero": (["run", VALID, "--timeout", "0"], "must be more than 0 seconds"),
    "timeout-negative": (["run", VALID, "--timeout", "-1"], "must be more than 0 seconds"),
    "timeout-a-word": (["run", VALID, "--timeout", "soon"], "is not a number of seconds"),
    "timeout-huge": (["run", VALID, "--timeout", "1e9"], "at most 604800 seconds"),
    "timeout-1e999": (["run", VALID, "--timeout", "1e999"], "at most 604800 seconds"),
    "timeout-nan": (["run", VALID, "--timeout", "nan"], "must be more than 0 seconds"),
    "show-bad-run-id": (["show", VALID, "not-a-run-id"], "not a run id"),
    "show-huge-run-id": (["show", VALID, "r" * 10_000], "not a run id"),
    "show-unknown-run": (["show", VALID, UNKNOWN_RUN], UNKNOWN_RUN),
    "show-without-runs": (["show", VALID], "has no runs yet"),
    "retry-without-runs": (["retry", VALID], "has no runs yet"),
    "retry-bad-run-id": (["retry", VALID, "../x"], "not a run id"),
    "prune-without-policy": (["prune", VALID], "nothing says which runs to delete"),
    "root-missing": (["--root", "no/such/folder", "validate", VALID], "no such folder"),
    "unknown-command": (["frobnicate", VALID], "invalid choice: 'frobnicate'"),
    "missing-pipeline-argument": (["run"], "the following arguments are required: PIPELINE"),
}


@pytest.mark.parametrize("name", COMMAND_LINES)
def test_cli_refuses_a_malformed_command_line(
    ws: Path, cli: Callable[..., Outcome], name: str
) -> None:
    argv, expect = COMMAND_LINES[name]
    before = snapshot(ws, ws.parent / "outside")
    assert_cli_refusal(cli(*argv), expect, name)
    assert snapshot(ws, ws.parent / "outside") == before


SUBPROCESS_CASES = {  # the whole command, as a terminal sees it
    "not-json": (["validate", CASE_FILE], b"this is not a pipeline\n", "not valid JSON"),
    "step-id-10000-characters": (
        ["run", CASE_FILE],
        document(step("a" * 10_000)),
        "step ids have at most 128",
    ),
    "parameter-nested-50000-levels": (  # about the longest argument Linux passes (128 KiB)
        ["run", VALID, "-p", "deep=" + "[" * 50_000 + "]" * 50_000],
        b"",
        "nested more than 64",
    ),
    "max-parallel-zero": (["run", VALID, "--max-parallel", "0"], b"", "must be at least 1"),
}


def test_no_traceback_reaches_the_terminal(ws: Path) -> None:
    """A few cases through real processes, started together (they mostly wait on imports)."""
    env = {**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "160"}
    started = {}
    for name, (argv, content, _) in SUBPROCESS_CASES.items():
        folder = ws.parent / f"process-{name}"
        folder.mkdir()
        build_workspace(folder, ws.parent / f"outside-{name}")
        if content:
            (folder / CASE_FILE).write_bytes(content)
        started[name] = (
            folder,
            snapshot(folder),
            subprocess.Popen(
                [sys.executable, "-m", "runnable_jupyter.cli", *argv],
                cwd=folder,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            ),
        )
    for name, (folder, before, process) in started.items():
        out, err = process.communicate(timeout=120)
        assert_cli_refusal(Outcome(process.returncode, out, err), SUBPROCESS_CASES[name][2], name)
        assert snapshot(folder) == before, name


# --- REST ---------------------------------------------------------------------------------


def assert_json_error(
    label: str, answer: tuple[int, Any], status: int, code: str, root: Path
) -> dict[str, Any]:
    """The documented error envelope, with this status and code, not naming the root."""
    got, body = answer
    assert isinstance(body, dict) and "error" in body, (label, got, body)
    assert (got, body["error"]["code"]) == (status, code), (label, body)
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["message"], label
    assert_root_not_named(label, body, root)
    return body["error"]  # type: ignore[no-any-return]


def assert_root_not_named(label: str, body: Any, root: Path) -> None:
    text = json.dumps(body)
    for spelling in {str(root), str(root.resolve())}:
        assert spelling not in text, (label, text[:2000])


def assert_located(label: str, problems: list[dict[str, Any]], case: DocumentCase) -> None:
    located = [p for p in problems if p["pointer"] == case.pointer]
    assert any(case.expect in p["message"] for p in located), (label, problems)


def content_request(case: DocumentCase) -> str | None:
    """A validate body carrying the document as `content`, when it is an object or a list of
    JSON a request can carry (bad syntax and numbers JSON cannot hold are body errors)."""
    try:
        text = case.text.decode("utf-8")
        data = load_json(text)
    except ValueError:  # not UTF-8, not JSON (a BOM included), too deep, NaN...
        return None
    return None if data is None else '{"content": ' + text + "}"


@pytest.fixture
def server_ws(jp_root_dir: Path) -> Path:
    build_workspace(jp_root_dir, jp_root_dir.parent / "outside")
    return jp_root_dir


async def test_rest_refuses_every_malformed_pipeline(jp_fetch, server_ws: Path) -> None:
    outside = server_ws.parent / "outside"
    for case in DOCUMENTS:
        (server_ws / CASE_FILE).write_bytes(case.text)
        before = snapshot(server_ws, outside)

        label = f"{case.id}: POST validate pipeline"
        status, body = await call(jp_fetch, "POST", "validate", body={"pipeline": CASE_FILE})
        assert (status, body.get("valid")) == (200, False), (label, body)
        assert_located(label, body["errors"], case)
        assert_root_not_named(label, body, server_ws)

        content = content_request(case)
        if content is not None:
            label = f"{case.id}: POST validate content"
            status, body = await call(jp_fetch, "POST", "validate", body=content)
            assert (status, body.get("valid")) == (200, False), (label, body)
            assert_located(label, body["errors"], case)
            assert_root_not_named(label, body, server_ws)

        label = f"{case.id}: POST runs"
        answer = await call(jp_fetch, "POST", "runs", body={"pipeline": CASE_FILE})
        error = assert_json_error(label, answer, 400, "pipeline_invalid", server_ws)
        assert_located(label, error["details"], case)

        assert snapshot(server_ws, outside) == before, case.id


async def test_rest_refuses_every_impossible_pipeline_path(jp_fetch, server_ws: Path) -> None:
    outside = server_ws.parent / "outside"
    before = snapshot(server_ws, outside)
    for case in PATHS:
        path = case.path.format(outside=outside)
        requests = [
            ("POST validate", "POST", "validate", {"pipeline": path}, None),
            ("POST runs", "POST", "runs", {"pipeline": path}, None),
        ]
        if case.in_url:
            requests.append(("GET runs", "GET", "runs", None, {"pipeline": path}))
        for name, method, route, body, params in requests:
            label = f"{case.id}: {name}"
            answer = await call(jp_fetch, method, route, body=body, params=params)
            error = assert_json_error(label, answer, case.status, case.code, server_ws)
            assert (case.rest_expect or case.cli_expect) in error["message"], (label, error)
        assert snapshot(server_ws, outside) == before, case.id


@dataclass(frozen=True)
class Request:
    method: str
    path: str  # below the API prefix; "{run}" is a recorded run's id
    body: Any  # a str is sent as is, anything else as JSON
    expect: str  # a fragment of the error message
    status: int = 400
    code: str = "bad_request"
    params: dict[str, str] | None = None


def validate(body: Any, expect: str, status: int = 400, code: str = "bad_request") -> Request:
    return Request("POST", "validate", body, expect, status, code)


def start(body: Any, expect: str, code: str = "bad_request") -> Request:
    """POST runs; an object's fields go with `"pipeline": VALID` unless it names another."""
    return Request(
        "POST",
        "runs",
        {"pipeline": VALID, **body} if isinstance(body, dict) else body,
        expect,
        400,
        code,
    )


def get(
    path: str, expect: str, status: int = 400, code: str = "bad_request", **params: str
) -> Request:
    return Request("GET", path, None, expect, status, code, params or None)


NOT_JSON = "not valid JSON"
NOT_AN_OBJECT = "must be a JSON object"
TOO_DEEP = "nested more than 64"
NOT_A_STRING = "Input should be a valid string"
NOT_A_DICT = "Input should be a valid dictionary"
NOT_PERMITTED = "Extra inputs are not permitted"
LOG = "runs/{run}/steps/a/log"

REQUESTS = {
    "validate-empty-body": validate("", "give either"),
    "validate-empty-object": validate({}, "give either"),
    "validate-not-json": validate("{oops", NOT_JSON),
    "validate-truncated": validate('{"pipeline": "va', NOT_JSON),
    "validate-body-a-list": validate("[]", NOT_AN_OBJECT),
    "validate-body-a-string": validate('"p.pipeline.json"', NOT_AN_OBJECT),
    "validate-body-null": validate("null", NOT_AN_OBJECT),
    "validate-body-nested-100000-levels": validate(DEEP_LISTS, TOO_DEEP),
    "validate-content-nested-100000-levels": validate('{"content": ' + DEEP_LISTS + "}", TOO_DEEP),
    "validate-content-nan": validate(
        '{"content": {"version": NaN, "steps": []}}', "NaN is not a JSON value"
    ),
    "validate-pipeline-empty": validate({"pipeline": ""}, "must be a non-empty path"),
    "validate-pipeline-a-number": validate({"pipeline": 3}, f"pipeline: {NOT_A_STRING}"),
    "validate-pipeline-a-list": validate({"pipeline": [VALID]}, f"pipeline: {NOT_A_STRING}"),
    "validate-both": validate({"pipeline": VALID, "content": {}}, "not both or neither"),
    "validate-unknown-field": validate({"pipline": VALID}, f"pipline: {NOT_PERMITTED}"),
    "validate-base-missing": validate({"content": {}, "base": "no-such-folder"}, "does not exist"),
    "validate-base-a-file": validate({"content": {}, "base": "a.ipynb"}, "does not exist"),
    "validate-base-a-number": validate({"content": {}, "base": 3}, f"base: {NOT_A_STRING}"),
    "validate-base-over-255-bytes": validate({"content": {}, "base": "b" * 300}, LONG_NAME),
    "validate-base-dot-dot": validate(
        {"content": {}, "base": "../outside"}, "leaves the workspace root", 403, "path_outside_root"
    ),
    "runs-empty-body": start("", "pipeline: Field required"),
    "runs-not-json": start("{oops", NOT_JSON),
    "runs-body-a-list": start(f'["{VALID}"]', NOT_AN_OBJECT),
    "runs-body-nested-100000-levels": start(DEEP_LISTS, TOO_DEEP),
    "runs-pipeline-empty": start({"pipeline": ""}, "must be a non-empty path"),
    "runs-pipeline-null": start({"pipeline": None}, f"pipeline: {NOT_A_STRING}"),
    "runs-unknown-field": start({"step": ["a"]}, f"step: {NOT_PERMITTED}"),
    "runs-steps-a-string": start({"steps": "a"}, "steps: Input should be a valid list"),
    "runs-step-id-a-number": start({"steps": [1]}, f"steps.0: {NOT_A_STRING}"),
    "runs-unknown-step": start(
        {"steps": ["ghost"], "mode": "only"}, "unknown step 'ghost'", "unknown_step"
    ),
    "runs-unknown-step-10000-characters": start(
        {"steps": ["g" * 10_000]}, "unknown step 'ggg", "unknown_step"
    ),
    "runs-bad-mode": start({"steps": ["a"], "mode": "sideways"}, "unknown mode 'sideways'"),
    "runs-mode-a-number": start({"mode": 1}, f"mode: {NOT_A_STRING}"),
    "runs-mode-without-steps": start({"mode": "upstream"}, "needs at least one step"),
    "runs-parameters-a-list": start({"parameters": ["n", 1]}, f"parameters: {NOT_A_DICT}"),
    "runs-parameters-a-string": start({"parameters": "n=1"}, f"parameters: {NOT_A_DICT}"),
    "runs-parameters-null": start({"parameters": None}, f"parameters: {NOT_A_DICT}"),
    "runs-parameter-name-not-identifier": start(
        {"parameters": {"not valid": 1}}, "must be Python identifiers: 'not valid'"
    ),
    "runs-parameter-name-keyword": start(
        {"parameters": {"class": 1}}, "must be Python identifiers: 'class'"
    ),
    "runs-parameters-nested-300-levels": start({"parameters": {"deep": nested(300)}}, TOO_DEEP),
    "runs-parameter-nan": start(
        f'{{"pipeline": "{VALID}", "parameters": {{"x": NaN}}}}', "NaN is not a JSON value"
    ),
    "runs-parameter-1e999": start(
        f'{{"pipeline": "{VALID}", "parameters": {{"x": 1e999}}}}', "1e999 is too large for JSON"
    ),
    "runs-max-parallel-zero": start({"max_parallel": 0}, f"max_parallel: {NOT_PERMITTED}"),
    "runs-max-parallel-a-string": start({"max_parallel": "2"}, f"max_parallel: {NOT_PERMITTED}"),
    "runs-max-parallel-true": start({"max_parallel": True}, f"max_parallel: {NOT_PERMITTED}"),
    "runs-skip-unchanged-a-string": start(
        {"skip_unchanged": "yes"}, "skip_unchanged: Input should be a valid boolean"
    ),
    "list-without-pipeline": get("runs", "say which pipeline"),
    "list-limit-zero": get("runs", "limit must be", pipeline=VALID, limit="0"),
    "list-limit-superscript": get("runs", "limit must be", pipeline=VALID, limit="\u00b2"),
    "list-limit-5000-digits": get("runs", "limit must be", pipeline=VALID, limit="9" * 5000),
    "list-before-not-a-run-id": get("runs", "not a run id", pipeline=VALID, before="yesterday"),
    "run-id-malformed": get("runs/not-a-run-id", "not a run id"),
    "run-id-10000-characters": get("runs/" + "r" * 10_000, "not a run id"),
    "run-unknown": get(f"runs/{UNKNOWN_RUN}", UNKNOWN_RUN, 404, "run_not_found"),
    "log-offset-superscript": get(LOG, "offset must be", offset="\u00b2"),
    "log-offset-negative": get(LOG, "offset must be", offset="-1"),
    "log-offset-5000-digits": get(LOG, "offset must be", offset="9" * 5000),
    "log-step-id-malformed": get("runs/{run}/steps/a.b/log", "is not a step id"),
    "log-step-id-newline": get("runs/{run}/steps/a\n/log", "is not a step id"),
    "log-unknown-step": get("runs/{run}/steps/ghost/log", "ghost", code="unknown_step"),
    "cancel-unknown-run": Request(
        "POST", f"runs/{UNKNOWN_RUN}/cancel", {}, UNKNOWN_RUN, 404, "run_not_found"
    ),
    "retry-force-a-string": Request(
        "POST", "runs/{run}/retry", {"force": "yes"}, "force: Input should be a valid boolean"
    ),
    "retry-not-json": Request("POST", "runs/{run}/retry", "{oops", NOT_JSON),
    "retry-unknown-field": Request(
        "POST", "runs/{run}/retry", {"forced": True}, f"forced: {NOT_PERMITTED}"
    ),
    "unknown-route": get("pipelines", "no such runnable-jupyter API route", 404, "not_found"),
}


async def test_rest_refuses_every_malformed_request(jp_fetch, server_ws: Path) -> None:
    outside = server_ws.parent / "outside"
    recorded = record_run(server_ws, write_pipeline(server_ws, {"a": {}}), StepStatus.failed)
    before = snapshot(server_ws, outside)
    for name, request in REQUESTS.items():
        parts = request.path.replace("{run}", recorded.run_id).split("/")
        answer = await call(
            jp_fetch, request.method, *parts, body=request.body, params=request.params
        )
        error = assert_json_error(name, answer, request.status, request.code, server_ws)
        assert request.expect in error["message"], (name, error)
        assert snapshot(server_ws, outside) == before, name
