"""The root of every error baocao raises on purpose.

Each package derives one base class from :class:`BaocaoError` and narrow leaves
from that base. An error carries a stable code shown to users (``FD012``), a
Vietnamese message that says where, what and how to fix it, and the HTTP status
that the web layer maps it to in its single error handler.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, ClassVar


@dataclass(frozen=True, slots=True)
class Detail:
    """One entry of a package's error-code enum."""

    name: str
    """English summary, for logs."""
    msg: str
    """Vietnamese message template with ``{placeholders}``."""


class DetailEnum(enum.Enum):
    """Base for per-package code enums: ``Code.FD012.format(sheet=..., cell=...)``."""

    value: Detail

    def format(self, **fields: Any) -> str:
        """Return the Vietnamese message with its placeholders filled."""
        return self.value.msg.format(**fields)


class BaocaoError(Exception):
    """Root of the baocao error hierarchy.

    :param message: the user-facing (Vietnamese) message.
    :param code: a stable code such as ``FD012``; empty for generic errors.
    """

    http_status: ClassVar[int] = 400

    def __init__(self, message: str, *, code: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return f"{self.code}: {self.message}" if self.code else self.message

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form used by the API and the CLI."""
        return {"code": self.code, "message": self.message}


class DialectError(BaocaoError):
    """A CompiledForm or submitted data does not follow our JSON dialect."""

    http_status = 422
