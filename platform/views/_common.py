"""Helpers shared by the domain views: the clock, the user, permission checks."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from baocao.platform.services import access
from baocao.platform.services.errors import Forbidden
from baocao.platform.services.workhours import VIETNAM
from flask import g, request


def now() -> datetime:
    """The request's clock (aware UTC); services take it as an argument."""
    return datetime.now(UTC)


def user() -> Any:
    """The signed-in FAB user (FAB's ``has_access`` already required one)."""
    return g.user


def require(action: access.Action, *, unit: str | None = None, what: str) -> None:
    """Stop with 403 unless the permission service allows ``action``.

    :param what: Vietnamese words completing "Bạn không có quyền …".
    """
    if not access.can(user(), action, unit=unit, now=now()):
        raise Forbidden(what)


def form_text(name: str, default: str = "") -> str:
    """A trimmed form field."""
    return (request.form.get(name) or default).strip()


def parse_local(value: str) -> datetime | None:
    """A ``datetime-local`` input (Vietnam time) as an aware datetime, or None."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=VIETNAM)
    except ValueError:
        return None


def local_input(moment: datetime | None) -> str:
    """A datetime for a ``datetime-local`` input (Vietnam time)."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(VIETNAM).strftime("%Y-%m-%dT%H:%M")


def local_text(moment: datetime | None) -> str:
    """``HH:MM dd/mm/yyyy`` in Vietnam time ("—" for None)."""
    if moment is None:
        return "—"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(VIETNAM).strftime("%H:%M %d/%m/%Y")


def describe(details: dict[str, Any]) -> str:
    """Audit details as readable text (Vietnamese kept, not ``\\u`` escaped)."""
    return "; ".join(
        f"{key}: {json.dumps(value, ensure_ascii=False, default=str)}"
        for key, value in details.items()
    )
