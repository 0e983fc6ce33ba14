"""Stored aggregates, refreshed in the background (issue #7, DESIGN.md §6).

Reading an aggregate page must not recompute 1,000 submissions on every view,
yet must never show numbers that miss an accepted report. So the aggregate is
stored with the exact submissions it combined (id and ``version``) and is
*fresh* only while the accepted submissions in scope are still exactly those;
the comparison is one small query on every read. Accepting a submission
queues :func:`refresh_task` for every stored scope of that period (and the
receiving unit's); a page that finds its aggregate stale or missing queues it
too and shows the progress until it is fresh.

Refreshes may overlap: the last writer wins, and since freshness is decided by
the stored list of submissions, an overlapping refresh that stored an older
list is simply seen as stale and refreshed again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from baocao.platform.models.aggregate import AggregateCache
from baocao.platform.models.workflow import Regime, Submission, encode_keys
from baocao.platform.services import aggregation
from baocao.platform.services import workflow_config as config
from baocao.platform.services.workflow_config import utc_naive
from baocao.platform.tasks import enqueue
from baocao.schemas.errors import BaocaoError
from celery import shared_task
from flask import current_app
from mongoengine import Q

TASK_NAME = "baocao.aggregate.refresh"
#: A queued refresh not started after this long is assumed lost and queued again.
REQUEUE_AFTER = timedelta(minutes=5)
#: How long a refresh waits in the queue before it starts. Acceptances come in
#: runs (an aggregator going down the tracking board, a deadline morning): every
#: acceptance in this window is covered by the one waiting refresh instead of
#: each starting its own over all accepted reports. In the load benchmark's wave
#: of 50 acceptances, ten refreshes became one.
REFRESH_DELAY_S = 2.0


@dataclass(frozen=True, slots=True)
class CacheStatus:
    """What the page and the API say about a stored aggregate."""

    cache: AggregateCache
    fresh: bool
    """True only when the stored submissions are exactly the accepted ones now."""
    expected: tuple[str, ...]
    current: tuple[dict[str, Any], ...]
    """The accepted submissions in scope now (``unit``, ``id``, ``version``)."""

    @property
    def state(self) -> str:
        """``fresh``, ``running``, ``queued``, ``failed``, or ``stale``."""
        if self.fresh:
            return "fresh"
        if self.cache.refresh_state in ("running", "queued", "failed"):
            return str(self.cache.refresh_state)
        return "stale"

    def to_dict(self) -> dict[str, Any]:
        """JSON for the page's progress poll and the API."""
        cache = self.cache
        return {
            "state": self.state,
            "fresh": self.fresh,
            "progress": 100 if self.fresh else cache.progress,
            "computed_at": _iso(cache.computed_at),
            "error": cache.error,
            "error_code": cache.error_code,
            "units_included": [i["unit"] for i in self.current],
            "units_missing": missing_units(self.expected, self.current),
        }


def missing_units(expected: Any, included: Any) -> list[str]:
    """Expected units without an accepted submission, in order."""
    done = {item["unit"] for item in included}
    return [unit for unit in expected if unit not in done]


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return (
        moment.replace(tzinfo=UTC).isoformat()
        if moment.tzinfo is None
        else (moment.isoformat())
    )


def _cache_for(regime: Regime, period: str, unit: str) -> AggregateCache:
    """The stored aggregate of this scope, created empty (never computed) once."""
    key = {
        "regime_id": str(regime.pk),
        "period_key": period,
        "unit": unit,
        "form_version": regime.form_version,
    }
    AggregateCache.objects(**key).update_one(upsert=True, set_on_insert__progress=0)
    return AggregateCache.objects.get(**key)


def status(regime_id: str, period: str, unit: str | None, now: datetime) -> CacheStatus:
    """The stored aggregate of a scope and whether it is fresh."""
    regime = config.get_regime(regime_id)
    scope = unit or regime.receiving_unit
    expected = aggregation.units_in_scope(regime, scope, now)
    current = tuple(
        {"unit": s.unit, "id": str(s.pk), "version": s.version}
        for s in aggregation.accepted_in_scope(regime_id, period, expected).only(
            "id", "unit", "version"
        )
    )
    cache = _cache_for(regime, period, scope)
    fresh = (
        cache.computed_at is not None
        and list(cache.expected) == expected
        and [dict(i) for i in cache.included] == list(current)
    )
    return CacheStatus(cache, fresh, tuple(expected), current)


def ensure_fresh(
    regime_id: str, period: str, unit: str | None, now: datetime
) -> CacheStatus:
    """The status, with a refresh queued when the aggregate is stale or missing."""
    found = status(regime_id, period, unit, now)
    if found.fresh:
        return found
    cache = found.cache
    queued_at = cache.refresh_queued_at
    recent = queued_at is not None and utc_naive(now) - queued_at < REQUEUE_AFTER
    if cache.refresh_state in ("queued", "running") and recent:
        return found
    schedule(regime_id, period, cache.unit, now)
    return status(regime_id, period, cache.unit, now)  # an eager worker is done


def schedule(regime_id: str, period: str, unit: str, now: datetime) -> None:
    """Mark the scope's aggregate as queued and hand the refresh to Celery.

    Without a broker (or outside an app) the aggregate stays stale and a
    later read queues it again: the acceptance that triggered it has already
    happened and must not fail because of the cache.

    A refresh already queued and not started yet is not queued twice: it reads
    the accepted submissions when it starts, so it covers this acceptance too
    (fifty acceptances in a minute cost one or two refreshes, not fifty). It
    starts :data:`REFRESH_DELAY_S` after being queued, so that a run of
    acceptances shares it.
    """
    regime = config.get_regime(regime_id)
    cache = _cache_for(regime, period, unit)
    moment = utc_naive(now)
    not_waiting = (
        Q(refresh_state__ne="queued")
        | Q(refresh_queued_at=None)
        | Q(refresh_queued_at__lte=moment - REQUEUE_AFTER)
    )
    marked = AggregateCache.objects(Q(pk=cache.pk) & not_waiting).update_one(
        set__refresh_state="queued",
        set__refresh_queued_at=moment,
        set__progress=0,
        set__error="",
        set__error_code="",
    )
    if marked:
        enqueue(TASK_NAME, regime_id, period, unit, countdown=REFRESH_DELAY_S)


def on_accepted(sub: Submission, now: datetime) -> None:
    """Queue a refresh of every stored scope of the period, and the receiving unit's."""
    regime = config.get_regime(sub.regime_id)
    scopes = {
        c.unit
        for c in AggregateCache.objects(
            regime_id=sub.regime_id, period_key=sub.period_key
        ).only("unit")
    }
    scopes.add(regime.receiving_unit)
    for scope in sorted(scopes):
        schedule(sub.regime_id, sub.period_key, scope, now)


def refresh(
    regime_id: str,
    period: str,
    unit: str,
    *,
    load_form: aggregation.FormLoader | None,
    now: datetime,
) -> AggregateCache:
    """Compute the scope's aggregate and store it with its submissions.

    A refused aggregate (mixed form versions, form missing…) is stored as a
    failed refresh with its Vietnamese message; the old values stay but are
    never fresh, since the submissions they combine are not the current ones.
    """
    regime = config.get_regime(regime_id)
    cache = _cache_for(regime, period, unit)
    _progress(cache, "running", 5)
    expected = aggregation.units_in_scope(regime, unit, now)
    try:
        compiled = aggregation.load_compiled(regime, load_form)
        subs = list(aggregation.accepted_in_scope(regime_id, period, expected))
        _progress(cache, "running", 40)
        found = aggregation.combine(
            regime, period, unit, submissions=subs, expected=expected, compiled=compiled
        )
    except BaocaoError as err:
        AggregateCache.objects(pk=cache.pk).update_one(
            set__refresh_state="failed",
            set__progress=0,
            set__error=err.message,
            set__error_code=err.code or "",
        )
        cache.reload()
        return cache
    result = found.result
    AggregateCache.objects(pk=cache.pk).update_one(
        set__inputs=encode_keys(result.inputs),
        set__computed=encode_keys(result.computed),
        set__counts=encode_keys(result.counts),
        set__expected=expected,
        set__included=list(found.included),
        set__computed_at=utc_naive(now),
        set__refresh_state="idle",
        set__progress=100,
        set__error="",
        set__error_code="",
    )
    cache.reload()
    return cache


def _progress(cache: AggregateCache, state: str, percent: int) -> None:
    AggregateCache.objects(pk=cache.pk).update_one(
        set__refresh_state=state, set__progress=percent
    )


@shared_task(name=TASK_NAME, ignore_result=False)
def refresh_task(regime_id: str, period: str, unit: str) -> dict[str, Any]:
    """Celery entry point: refresh one scope's aggregate (idempotent)."""
    cache = refresh(
        regime_id,
        period,
        unit,
        load_form=current_app.extensions.get("baocao_form_loader"),
        now=datetime.now(UTC),
    )
    return {"state": cache.refresh_state, "error_code": cache.error_code}


class StaleAggregateError(BaocaoError):
    """The stored aggregate no longer matches the accepted submissions."""

    http_status = 409

    def __init__(self) -> None:
        super().__init__(
            "Số liệu tổng hợp đang được tính lại vì có báo cáo vừa được tiếp nhận "
            "hoặc thay đổi. Hãy chờ thanh tiến độ hoàn tất rồi chọn lại ô.",
            code="AG018",
        )


def contributions(
    regime_id: str,
    period: str,
    unit: str | None,
    address: str,
    *,
    load_form: aggregation.FormLoader | None,
    now: datetime,
) -> dict[str, Any]:
    """Drill-down of one cell of the *stored* aggregate: each unit's value.

    Reads exactly the submissions the stored aggregate combined, so the units'
    values add up to the number on the page.

    :raises StaleAggregateError: AG018 when the stored aggregate is not fresh.
    :raises baocao.schemas.AggregateError: AG005 for a cell outside the form.
    """
    found = status(regime_id, period, unit, now)
    if not found.fresh:
        raise StaleAggregateError
    regime = config.get_regime(regime_id)
    ids = [item["id"] for item in found.cache.included]
    subs = sorted(Submission.objects(id__in=ids), key=lambda s: s.unit)
    if [s.version for s in subs] != [i["version"] for i in found.cache.included]:
        raise StaleAggregateError
    combined = aggregation.combine(
        regime,
        period,
        found.cache.unit,
        submissions=subs,
        expected=list(found.expected),
        compiled=aggregation.load_compiled(regime, load_form),
    )
    part = combined.result.contributions(address)
    return {
        "cell": part.address,
        "rule": part.rule,
        "value": part.value,
        "values": part.values,
        "blank": list(part.blank),
        "missing": list(part.missing),
    }
