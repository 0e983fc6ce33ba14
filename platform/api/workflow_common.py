"""Helpers shared by the workflow API modules: caller, clock, JSON, If-Match."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from baocao.platform.models.workflow import Submission
from baocao.platform.workflow.errors import (
    ForbiddenActionError,
    WorkflowCode,
    WorkflowError,
)
from flask import current_app, request

ETAG = re.compile(r'^(?:W/)?"?(\d+)"?$')


class PreconditionRequiredError(WorkflowError):
    """A write without ``If-Match`` would risk a lost update."""

    http_status = 428


def utc_now() -> datetime:
    return datetime.now(UTC)


def caller() -> Any:
    return current_app.appbuilder.sm.current_user  # type: ignore[attr-defined]


def forbid(action: str, what: str = "") -> ForbiddenActionError:
    """403 for an action the caller's roles and units do not allow."""
    del what
    return ForbiddenActionError(WorkflowCode.WF036, action=action)


def json_payload() -> dict[str, Any]:
    payload = request.get_json(silent=True)
    return payload if isinstance(payload, dict) else {}


def expected_version(payload: dict[str, Any]) -> int:
    header = request.headers.get("If-Match", "").strip()
    match = ETAG.match(header) if header else None
    if match:
        return int(match.group(1))
    if isinstance(payload.get("version"), int):
        return int(payload["version"])
    raise PreconditionRequiredError(WorkflowCode.WF035)


def submission_json(sub: Submission) -> dict[str, Any]:
    return {
        "id": str(sub.pk),
        "regime": sub.regime_id,
        "period": sub.period_key,
        "unit": sub.unit,
        "state": sub.state,
        "step": sub.step,
        "version": sub.version,
        "data": sub.get_data(),
        "computed": sub.get_computed(),
        "narrative": sub.narrative,
        "narrative_sections": dict(sub.narrative_sections or {}),
        "comments": [plain(c) for c in sub.comments],
        "history": [plain(e) for e in sub.history],
        "submitted_at": iso(sub.submitted_at),
        "updated_at": iso(sub.updated_at),
    }


def plain(entry: dict[str, Any]) -> dict[str, Any]:
    return {k: iso(v) if isinstance(v, datetime) else v for k, v in entry.items()}


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat() + "Z" if moment is not None else None
