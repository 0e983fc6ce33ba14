"""Indicator values collected from accepted submissions (Đ.4.4, Đ.5.2h).

A value is read from every input cell bound to the indicator (``x-indicator``
in the schema of the submission's own form version), whichever form and
version that is: the code, not the cell, makes values comparable across forms
and periods. Only accepted submissions count (published data, Đ.18.6).

:func:`sync_submission` keeps the :class:`~baocao.platform.models.IndicatorValue`
projection in step with a submission; the workflow calls it after every
transition, so a value appears on accept and disappears when an accepted report
is reopened. Each change is one single-document atomic update per indicator
(no multi-document transaction, DESIGN.md §3). :func:`scan_values` computes the
same answer straight from the submissions: the benchmark's naive baseline, the
consistency check of the tests, and :func:`rebuild` use it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from baocao.platform.models import FormVersion, IndicatorValue
from baocao.platform.models.workflow import Submission
from baocao.platform.workflow.transitions import State


@dataclass(frozen=True, slots=True)
class RegimeValues:
    """Accepted values of one indicator in one regime period, by unit code."""

    regime_id: str
    period: str
    values: dict[str, float]


def binding_map(form_id: str, version: int | None) -> dict[str, str]:
    """Cell address → indicator code of a published form version ({} if none)."""
    if not form_id or version is None:
        return {}
    found = FormVersion.objects(form_id=form_id, n=version).only("documents_json").first()
    if found is None:
        return {}
    props = json.loads(found.documents_json).get("schema", {}).get("properties", {})
    return {
        cell: str(prop["x-indicator"])
        for cell, prop in props.items()
        if isinstance(prop, dict) and prop.get("x-indicator")
    }


def as_number(value: Any) -> float | None:
    """A finite number, or None for blanks, text and booleans."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | Decimal):
        number = float(value)
        return number if math.isfinite(number) else None
    return None


def extract(data: dict[str, Any], bound: dict[str, str]) -> dict[str, float]:
    """Indicator code → number for the bound cells that hold a number."""
    found = {}
    for cell, code in bound.items():
        number = as_number(data.get(cell))
        if number is not None:
            found[code] = number
    return found


def sync_submission(sub: Submission, *, now: datetime) -> None:
    """Make the projection match ``sub``: its values if accepted, none otherwise."""
    collection = IndicatorValue._get_collection()
    unit = sub.unit
    where = {"regime_id": sub.regime_id, "period_key": sub.period_key}
    collection.update_many(
        {**where, f"sources.{unit}": {"$exists": True}},
        {"$unset": {f"values.{unit}": "", f"sources.{unit}": ""}},
    )
    if sub.state != State.ACCEPTED.value:
        return
    bound = binding_map(sub.form_id, sub.form_version)
    moment = now.replace(tzinfo=None)
    for code, number in extract(sub.get_data(), bound).items():
        collection.update_one(
            {**where, "indicator": code},
            {
                "$set": {
                    f"values.{unit}": number,
                    f"sources.{unit}": str(sub.pk),
                    "updated_at": moment,
                }
            },
            upsert=True,
        )


def _period_query(start: str, end: str) -> dict[str, str]:
    query = {}
    if start:
        query["$gte"] = start
    if end:
        query["$lte"] = end
    return query


def stored_values(code: str, *, start: str = "", end: str = "") -> list[RegimeValues]:
    """The projection of one indicator over a period range (fast path)."""
    query: dict[str, Any] = {"indicator": code}
    periods = _period_query(start, end)
    if periods:
        query["period_key"] = periods
    rows = IndicatorValue._get_collection().find(
        query, {"regime_id": 1, "period_key": 1, "values": 1}
    )
    found = [
        RegimeValues(row["regime_id"], row["period_key"], dict(row.get("values") or {}))
        for row in rows
    ]
    return sorted(found, key=lambda r: (r.period, r.regime_id))


def scan_values(code: str, *, start: str = "", end: str = "") -> list[RegimeValues]:
    """The same as :func:`stored_values`, read from the accepted submissions."""
    query: dict[str, Any] = {"state": State.ACCEPTED.value}
    periods = _period_query(start, end)
    if periods:
        query["period_key"] = periods
    maps: dict[tuple[str, int | None], dict[str, str]] = {}
    grouped: dict[tuple[str, str], dict[str, float]] = {}
    for sub in Submission.objects(__raw__=query):
        key = (sub.form_id, sub.form_version)
        if key not in maps:
            maps[key] = binding_map(*key)
        number = extract(sub.get_data(), maps[key]).get(code)
        if number is not None:
            grouped.setdefault((sub.regime_id, sub.period_key), {})[sub.unit] = number
    found = [RegimeValues(r, p, values) for (r, p), values in grouped.items()]
    return sorted(found, key=lambda r: (r.period, r.regime_id))


def rebuild(*, now: datetime) -> int:
    """Recompute the whole projection from the submissions; returns documents written."""
    IndicatorValue._get_collection().delete_many({})
    for sub in Submission.objects(state=State.ACCEPTED.value):
        sync_submission(sub, now=now)
    return IndicatorValue.objects.count()


def combine(rule: str, numbers: Iterable[float]) -> float | None:
    """Units' values as one number for a subtree (None when there is none)."""
    values = list(numbers)
    if not values:
        return None
    if rule == "average":
        return sum(values) / len(values)
    if rule == "min":
        return min(values)
    if rule == "max":
        return max(values)
    return math.fsum(values)
