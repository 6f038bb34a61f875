"""The shared corpus of real Elyra and Orchest pipelines (../shared/corpora beside the repo),
rebuilt in a test's folder: this module holds no tests.

Each manifest entry's file is put back where it lived in its repository (`path`), inside a copy
of that repository's corpus folder (the first two parts of `tree_dir`, e.g.
`elyra/elyra-ai__examples`), so relative notebook paths resolve as they did upstream and the
copy is the workspace root (Elyra up to version 1 wrote paths relative to it). The corpus itself
is read only.
"""

from __future__ import annotations

import json
import shutil
from functools import cache
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpora"


@cache
def manifest() -> list[dict[str, Any]]:
    if not (CORPUS / "manifest.json").is_file():
        return []
    return json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def entry(fragment: str) -> dict[str, Any]:
    """The one manifest entry whose file name contains `fragment`."""
    found = [e for e in manifest() if fragment in e["file"]]
    if not found:
        pytest.skip(f"the shared corpus ({CORPUS}) is not there")
    assert len(found) == 1, [e["file"] for e in found]
    return found[0]


def rebuild(item: dict[str, Any], folder: Path) -> tuple[Path, Path]:
    """(workspace root, the pipeline file inside it) for a manifest entry, under `folder`."""
    repository = Path(*Path(item["tree_dir"]).parts[:2])
    root = folder / repository.name
    shutil.copytree(CORPUS / repository, root, dirs_exist_ok=True)
    for path in [root, *root.rglob("*")]:  # the corpus is read-only; the copy must not be
        path.chmod(path.stat().st_mode | 0o200)
    pipeline = root / item["path"]
    pipeline.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(CORPUS / item["file"], pipeline)
    pipeline.chmod(0o644)
    return root, pipeline


def notebook_refs(item: dict[str, Any]) -> list[dict[str, Any]]:
    """The nodes or steps of an entry that are notebooks (the ones an import makes steps of)."""
    return [ref for ref in item.get("refs", []) if str(ref.get("file") or "").endswith(".ipynb")]


def refusal_reason(item: dict[str, Any]) -> str | None:
    """Why the manifest says an entry cannot be imported; None when it can."""
    if not item.get("valid_json", True):
        return "not valid JSON"
    if "cycle" in item.get("note", ""):
        return "cycle"
    if item.get("format", {}).get("nodes", item.get("format", {}).get("steps")) == 0:
        return "no nodes"
    if not notebook_refs(item):
        return "no notebook"
    return None
