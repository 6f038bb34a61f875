"""Masking the values of a step's secret environment variables in what the step outputs: the
executed notebook, the step log, error messages and the kernel's last words."""

from __future__ import annotations

from typing import Any

MASK = "********"


class SecretMask:
    def __init__(self, secrets: list[str]) -> None:
        # Longest first: a secret containing another is masked whole.
        self.secrets = sorted({value for value in secrets if value}, key=len, reverse=True)

    def text(self, value: str) -> str:
        for secret in self.secrets:
            value = value.replace(secret, MASK)
        return value

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
