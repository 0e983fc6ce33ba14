"""Helpers shared by the domain views: the clock, the user, permission checks."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from baocao.platform.services import access
from baocao.platform.services.errors import Forbidden
from baocao.platform.services.workhours import VIETNAM
from flask import g, request

View = TypeVar("View", bound=Callable[..., Any])


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


def refusal_returns_to(endpoint: str, *args: str) -> Callable[[View], View]:
    """Mark a page's form action: a refused request goes back to the page.

    When the action is refused because of the report's state or content (a
    ``BaocaoError`` with status 409 or 422: a narrative section missing, data
    invalid, someone else acted first), the app's single error handler flashes
    the message and redirects to ``endpoint`` (built from the request's view
    arguments named in ``args``) instead of showing the bare error page, so the
    user lands back on the page with the message and their saved work. JSON
    requests still get the JSON error; 403 still gets the error page (the page
    itself is refused). Put it under ``has_access``.
    """

    def mark(view: View) -> View:
        view.baocao_refusal_page = (endpoint, args)  # type: ignore[attr-defined]
        return view

    return mark


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
