"""Where each unit's report stands, per regime period, for the completeness panel.

A projection of the submissions' ``state`` and ``submitted_at``: one
:class:`~baocao.platform.models.ReportProgress` document per (regime, period),
one entry per unit, each changed by a single-document atomic ``$set``. The
workflow writes it when a period opens (a draft per unit), on every transition
and when a report received outside the system is recorded. A period with no
document yet (data written before the projection existed) is rebuilt from its
submissions the first time it is read, so the answer is always the
submissions' own.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from baocao.platform.models import ReportProgress
from baocao.platform.models.workflow import Submission


def _entry(state: str, submitted_at: datetime | None) -> dict[str, Any]:
    return {"state": state, "submitted_at": submitted_at}


def record(
    regime_id: str,
    period_key: str,
    unit: str,
    state: str,
    submitted_at: datetime | None,
) -> None:
    """Set one unit's entry (creating the period's document if needed)."""
    ReportProgress._get_collection().update_one(
        {"regime_id": regime_id, "period_key": period_key},
        {"$set": {f"units.{unit}": _entry(state, submitted_at)}},
        upsert=True,
    )


def record_submission(sub: Submission) -> None:
    """The entry of ``sub`` as it is now."""
    record(sub.regime_id, sub.period_key, sub.unit, sub.state, sub.submitted_at)


def rebuild_period(regime_id: str, period_key: str) -> dict[str, dict[str, Any]]:
    """Recompute one period's entries from its submissions; returns them."""
    rows = Submission.objects(regime_id=regime_id, period_key=period_key).only(
        "unit", "state", "submitted_at"
    )
    units = {
        row["unit"]: _entry(row.get("state", "draft"), row.get("submitted_at"))
        for row in rows.as_pymongo()
    }
    ReportProgress._get_collection().update_one(
        {"regime_id": regime_id, "period_key": period_key},
        {"$set": {"units": units}},
        upsert=True,
    )
    return units


def progress(
    regime_id: str, period_keys: Iterable[str]
) -> dict[str, dict[str, dict[str, Any]]]:
    """Period key → unit → ``{"state", "submitted_at"}`` for the given periods."""
    keys = list(period_keys)
    found = {
        row["period_key"]: dict(row.get("units") or {})
        for row in ReportProgress._get_collection().find(
            {"regime_id": regime_id, "period_key": {"$in": keys}},
            {"period_key": 1, "units": 1},
        )
    }
    for key in keys:
        if key not in found:
            found[key] = rebuild_period(regime_id, key)
    return found
