"""The per-step output limit: how much cell output one step may keep.

A step that prints without end must not fill the disk or the worker's memory: every output the
kernel sends is counted (the bytes the stored notebook would keep), and once a step's outputs
reach the limit the rest is dropped as it arrives, so memory stays flat while the kernel keeps
printing. A visible marker replaces what was cut, in the executed notebook and in the step's log.
Error outputs are always kept: they decide whether the step failed.
"""

from __future__ import annotations

from typing import Any

MB = 1024 * 1024


def limit_in_bytes(limit_mb: float | None) -> int | None:
    return None if limit_mb is None else max(1, int(limit_mb * MB))


def _size(value: Any) -> int:
    """Bytes an output's text or data takes (strings as UTF-8, nested values summed)."""
    if isinstance(value, str):
        return len(value.encode("utf-8", "surrogatepass"))
    if isinstance(value, dict):
        return sum(_size(item) for item in value.values())
    if isinstance(value, list):
        return sum(_size(item) for item in value)
    return 0


def _utf8_prefix(text: str, size: int) -> str:
    """The longest prefix of `text` that fits in `size` bytes of UTF-8."""
    return text.encode("utf-8", "surrogatepass")[:size].decode("utf-8", "ignore")


class OutputBudget:
    """Counts a step's stored output bytes and says what to do with each new output message."""

    def __init__(self, limit_bytes: int | None) -> None:
        self.limit = limit_bytes
        self.stored_by_cell: dict[int, int] = {}
        self.reached = False
        self.dropped = 0  # bytes of output not kept once the limit was reached

    def marker(self) -> str:
        limit_mb = (self.limit or 0) / MB
        return (
            f"\n[runnable-jupyter] output limit of {limit_mb:g} MB reached: further output of "
            "this step is not kept (raise settings.output_limit_mb in the pipeline to keep more)\n"
        )

    def cleared(self, cell_index: int) -> None:
        """The cell's outputs were cleared (clear_output): they no longer count."""
        self.stored_by_cell[cell_index] = 0

    def admit(self, msg: dict[str, Any], cell_index: int) -> dict[str, Any] | None:
        """The message to store for `msg` (itself, a cut copy ending with the marker, or the
        marker alone), or None to drop it."""
        if self.limit is None or msg.get("msg_type") == "error":
            return msg
        content = msg.get("content") or {}
        is_stream = msg.get("msg_type") == "stream"
        size = _size(content.get("text") if is_stream else content.get("data"))
        if self.reached:
            self.dropped += size
            return None
        stored = sum(self.stored_by_cell.values())
        if stored + size <= self.limit:
            self.stored_by_cell[cell_index] = self.stored_by_cell.get(cell_index, 0) + size
            return msg
        self.reached = True
        room = self.limit - stored
        self.dropped += size - (room if is_stream else 0)
        kept = _utf8_prefix(str(content.get("text", "")), room) if is_stream else ""
        name = content.get("name", "stdout") if is_stream else "stderr"
        return _stream_message(msg, name, kept + self.marker())


def _stream_message(msg: dict[str, Any], name: str, text: str) -> dict[str, Any]:
    header = {**(msg.get("header") or {}), "msg_type": "stream"}
    return {**msg, "header": header, "msg_type": "stream", "content": {"name": name, "text": text}}
