"""Which installed kernelspec each imported step runs in.

Orchest runs a step in the kernel of its `kernel.name` (python, r, julia) inside its
environment's image, and saves notebooks with kernelspecs such as `orchest-kernel-<uuid>` that
exist nowhere else; so an Orchest step gets an installed kernelspec of that language (`python3`
first for Python, `ir` for R). Elyra runs a notebook in its own kernelspec: that stays, unless it
is not installed here, when one of its language stands in. `--kernel NAME` puts every step in
NAME. The report also says which notebooks import the Orchest SDK and the one-line change.
"""

from __future__ import annotations

from collections.abc import Mapping

from .draft import NOTEBOOK, Node
from .notebooks import read_notebook, shim_line
from .report import ImportReport
from .source import ImportRefused

PREFERRED = {"python": ("python3", "python"), "r": ("ir",), "julia": ()}


def installed_kernels() -> dict[str, str]:
    """{kernelspec name: its language, lowercase} of the kernels jupyter_client finds."""
    from jupyter_client.kernelspec import KernelSpecManager

    specs = KernelSpecManager().get_all_specs()
    return {
        name: str((entry.get("spec") or {}).get("language") or "").lower()
        for name, entry in specs.items()
    }


def check_forced(kernel: str, installed: Mapping[str, str]) -> None:
    if kernel not in installed:
        listed = ", ".join(sorted(installed)) or "none"
        raise ImportRefused(
            f"--kernel {kernel}: no such kernel is installed (installed: {listed}); see "
            "`jupyter kernelspec list`"
        )


def of_language(language: str, installed: Mapping[str, str]) -> str | None:
    language = language.lower()
    for name in PREFERRED.get(language, ()):
        if installed.get(name) == language:
            return name
    same = sorted(name for name, lang in installed.items() if lang == language)
    return same[0] if same else None


def choose_kernels(
    nodes: list[Node],
    installed: Mapping[str, str],
    forced: str | None,
    orchest: bool,
    report: ImportReport,
) -> None:
    for node in nodes:
        if node.kind != NOTEBOOK or node.file is None:
            continue
        info = read_notebook(node.file)
        if info is not None and info.sdk_imports:
            _sdk_note(node, info.sdk_imports, report)
        if forced is not None:
            node.kernel = forced
            node.map("kernel", "kernel", f"{forced} (--kernel)")
            continue
        own = info.kernel_name if info is not None else None
        language = node.language if orchest else None
        language = language or (info.language if info is not None else None)
        if own is not None and own in installed and installed[own] == (language or installed[own]):
            continue  # the notebook's own kernelspec is installed and of the right language
        if language is None:
            continue  # nothing to go by: validation says what the notebook asks for
        chosen = of_language(language, installed)
        listed = ", ".join(sorted(installed)) or "none"
        if chosen is None:
            report.unmapped(
                f"{node.where} kernel",
                f"no {language} kernel is installed here (installed: {listed}): install one "
                "(e.g. IRkernel for R), or import again with --kernel NAME",
            )
            continue
        node.kernel = chosen
        asked = f"the notebook's kernelspec {own!r}" if own else "no kernelspec"
        why = "Orchest runs it in a" if orchest else f"{asked} is not installed; a"
        node.map(
            "kernel",
            "kernel",
            f"{chosen}: {why} {language} kernel"
            + (f" (the notebook names {own!r})" if orchest and own else ""),
        )


def _sdk_note(node: Node, lines: list[tuple[int, str]], report: ImportReport) -> None:
    changes = []
    for cell, line in lines:
        replacement = shim_line(line)
        if replacement is not None:
            changes.append(f"cell {cell}: `{line}` -> `{replacement}`")
    unchanged = [line for _, line in lines if shim_line(line) is None]
    then = f"; then {', '.join(f'`{u}`' for u in unchanged)} works as it is" if unchanged else ""
    report.note(
        f"{node.where} notebook",
        f"uses the Orchest SDK; runnable_jupyter.compat.orchest stands in for it over the "
        f"catalog and parameters, with this change: {'; '.join(changes) or 'none'}{then} (the "
        "importer never edits notebooks)",
    )
