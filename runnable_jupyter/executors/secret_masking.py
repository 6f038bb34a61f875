"""Masking the values of a step's secret environment variables in what the step outputs: the
executed notebook, the step log, error messages and the kernel's last words."""

from __future__ import annotations

from typing import Any

from ..runlog.models import ErrorInfo, strip_ansi

MASK = "********"


class SecretMask:
    def __init__(self, secrets: list[str]) -> None:
        # Longest first: a secret containing another is masked whole.
        self.secrets = sorted({value for value in secrets if value}, key=len, reverse=True)

    def text(self, value: str) -> str:
        for secret in self.secrets:
            value = value.replace(secret, MASK)
        return value

    def error(self, error: ErrorInfo) -> ErrorInfo:
        """`error` with its message, traceback and cell source masked."""
        if not self.secrets:
            return error
        traceback, plain = self.text(error.traceback), error.plain_traceback
        if self.text(plain) != strip_ansi(traceback):
            traceback = self.text(plain)  # colour escapes split a secret: kept plain, masked
        source = self.text(error.cell_source) if error.cell_source is not None else None
        return error.model_copy(
            update={
                "message": self.text(error.message),
                "traceback": traceback,
                "cell_source": source,
            }
        )

    def deep(self, value: Any) -> Any:
        """`value` with every string in it (lists and dicts included) masked."""
        if not self.secrets:
            return value
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.deep(item) for item in value]
        if isinstance(value, dict):
            return {key: self.deep(item) for key, item in value.items()}
        return value

    def message(self, msg: dict[str, Any]) -> dict[str, Any]:
        """An iopub output message with its content masked (a copy when anything changes)."""
        if not self.secrets or "content" not in msg:
            return msg
        return {**msg, "content": self.deep(msg["content"])}
