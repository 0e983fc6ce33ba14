"""What happens in baocao that the national system must hear about (DESIGN.md §8).

The services call one hook here after their own write succeeded:

- a regime is published → its regime package, plus the form and outline
  packages of the form version it uses;
- a period is opened → the period catalogue package of that period;
- an indicator is created or changed → the indicator catalogue, groups and
  disaggregations packages;
- a submission changes state → a status package when the national system tracks
  that state (sent, accepted, returned: the states between agencies; drafts,
  approvals and signatures stay inside the reporting agency); when accepted, the
  data package (and list data, outline submission and KPI data when the form
  has them); and once every reporting unit of the period is accepted, the
  receiving unit's aggregate as data and KPI data packages.

Only when exchange is enabled (``BAOCAO_EXCHANGE_URL`` set): otherwise nothing
is queued. Queuing is idempotent (the outbox's key hashes type, natural key and
payload), so the same event twice is one message. A package that cannot be built
or signed is logged and audited, never raised: the user's action is already
stored and must not fail because of the exchange.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from baocao.platform.exchange import qcvn125, sealing
from baocao.platform.exchange.delivery import enqueue
from baocao.platform.exchange.outbox import payload_sha256
from baocao.platform.models import Indicator, Unit
from baocao.platform.models.exchange import OutboxMessage
from baocao.platform.models.workflow import Submission
from baocao.platform.services import audit
from baocao.platform.workflow.periods import is_late
from baocao.schemas.errors import BaocaoError
from flask import current_app, has_app_context

logger = logging.getLogger(__name__)

NATIONAL = {"code": "CP", "official_id": "", "name": "Hệ thống báo cáo Chính phủ"}
"""The receiver of every package (its official identifier is not public here)."""
STATUS_STATES = frozenset({"sent", "accepted", "returned"})
"""Submission states the national system is told about (see the module doc)."""
Package = tuple[qcvn125.PackageType, str, dict[str, Any]]


# The workflow services call this module, so it reaches them when called, not
# at import time (a cycle otherwise).
def _workflow() -> Any:
    from baocao.platform.services import workflow_config  # noqa: PLC0415 - cycle

    return workflow_config


def _periods() -> Any:
    from baocao.platform.services import workflow_periods  # noqa: PLC0415 - cycle

    return workflow_periods


def _aggregation() -> Any:
    from baocao.platform.services import aggregation  # noqa: PLC0415 - cycle

    return aggregation


def enabled() -> bool:
    """Whether packages are queued: an app is running with an exchange URL."""
    return has_app_context() and bool(current_app.config.get("EXCHANGE_ENDPOINT"))


def queue(package: Package, now: datetime) -> OutboxMessage | None:
    """Wrap, sign when required, and store one package; ``None`` when disabled."""
    if not enabled():
        return None
    kind, key, payload = package
    envelope = qcvn125.envelope(
        kind, key, payload, sender=_province(), receiver=NATIONAL, now=now
    )
    signer = current_app.extensions.get("baocao_exchange_signer")
    if sealing.must_sign(kind.value) and signer is not None:
        envelope = sealing.seal(envelope, signer, now)
    message, created = enqueue(kind.value, key, envelope, now)
    if created:
        audit.record(
            "system",
            "exchange.queue",
            f"outbox:{message.key}",
            now=now,
            details={"type": kind.value, "natural_key": key, "signed": message.signed},
        )
        kick = current_app.extensions.get("baocao_exchange_kick")
        if kick is not None:
            kick()
    return message


def _queue_all(packages: Iterable[Package], now: datetime, what: str) -> None:
    """Queue each package; a failure is logged and audited, never raised."""
    try:
        for package in packages:
            queue(package, now)
    except (BaocaoError, LookupError) as err:
        logger.warning("exchange: %s not queued: %s", what, err)
        audit.record(
            "system",
            "exchange.error",
            f"exchange:{what}",
            now=now,
            details={"error": str(err)},
        )


def _province() -> dict[str, Any]:
    """The sending agency: the root of the unit tree (the province)."""
    root = Unit.objects(parent=None).order_by("code").first()
    if root is None:
        return {"code": "", "official_id": "", "name": ""}
    return {"code": root.code, "official_id": root.official_id, "name": root.name}


def _load_form(form_id: str, version: int | None) -> Any:
    loader = current_app.extensions.get("baocao_form_loader")
    return loader(form_id, version) if loader and form_id else None


def regime_published(regime: Any, now: datetime) -> None:
    """Regime package, and the form and outline packages of its form version."""
    if not enabled():
        return

    def packages() -> Iterable[Package]:
        yield qcvn125.regime_package(
            {
                "id": str(regime.pk),
                "name": regime.name,
                "kind": regime.kind,
                "content": regime.content,
                "frequency": regime.frequency,
                "form_id": regime.form_id,
                "form_version": regime.form_version,
                "reporting_units": _workflow().reporting_unit_codes(regime, now),
                "receiving_unit": regime.receiving_unit,
            }
        )
        compiled = _load_form(regime.form_id, regime.form_version)
        if compiled is not None:
            version = regime.form_version or 0
            yield qcvn125.form_package(
                regime.form_id, version, regime.name, compiled.to_dict()
            )
            yield qcvn125.outline_package(regime.form_id, version, compiled.layout)

    _queue_all(packages(), now, f"regime/{regime.pk}")


def period_opened(regime_id: str, period: Any, now: datetime) -> None:
    """Period catalogue package of one opened period."""
    if not enabled():
        return
    item = {
        "key": period.key,
        "start": period.window_start,
        "end": period.window_end,
        "deadline": period.effective_deadline(),
    }
    package = qcvn125.period_catalogue_package(str(regime_id), [item])
    _queue_all([package], now, f"period/{regime_id}/{period.key}")


def catalogue_changed(now: datetime) -> None:
    """Indicator catalogue, groups and disaggregations after an indicator changed.

    The catalogue's version is a hash of its entries, so an unchanged catalogue
    is the same package (one message) however often it is queued.
    """
    if not enabled():
        return
    entries = [
        {
            "code": i.code,
            "name": i.name,
            "unit_of_measure": i.unit_of_measure,
            "group": i.group,
            "disaggregations": list(i.disaggregations),
            "owner": i.owner_unit,
        }
        for i in Indicator.objects.order_by("code")
    ]
    version = payload_sha256(entries)[:12]
    packages = [
        qcvn125.indicator_catalogue_package(entries, version),
        qcvn125.indicator_groups_package(entries),
        qcvn125.disaggregations_package(entries),
    ]
    _queue_all(packages, now, "indicators")


def _submission_view(sub: Any, now: datetime) -> dict[str, Any]:
    """What the builders read from a submission (plain values)."""
    deadline = date.fromisoformat(
        _periods().get_period(sub.regime_id, sub.period_key).effective_deadline()
    )
    return {
        "regime": sub.regime_id,
        "period": sub.period_key,
        "unit": sub.unit,
        "form_id": sub.form_id,
        "form_version": sub.form_version,
        "data": sub.get_data(),
        "computed": sub.get_computed(),
        "state": sub.state,
        "version": sub.version,
        "updated_at": sub.updated_at.isoformat() if sub.updated_at else None,
        "late": is_late(sub.submitted_at, deadline, now),
    }


def _history(sub: Any) -> list[dict[str, Any]]:
    return [
        {
            "action": e.get("action"),
            "time": e["time"].isoformat() if e.get("time") else None,
            "reason": e.get("reason") or "",
        }
        for e in sub.history
        if e.get("action") != "save"
    ]


def _report_packages(view: dict[str, Any], sub: Any) -> Iterable[Package]:
    """Data, list data, outline submission and KPI data of an accepted report."""
    compiled = _load_form(sub.form_id, sub.form_version)
    schema = compiled.schema if compiled is not None else {}
    yield qcvn125.data_package(view, schema)
    if any(isinstance(v, list) for v in view["data"].values()):
        yield qcvn125.list_data_package(view)
    sections = dict(sub.narrative_sections or {})
    if not sections and sub.narrative:
        sections = {"noi_dung": sub.narrative}
    if sections:  # sanitised HTML per outline section
        yield qcvn125.outline_submission_package(view, sections)
    kpi = qcvn125.kpi_data_package(view, schema)
    if kpi[2]["chi_so"]:
        yield kpi


def submission_changed(sub: Any, now: datetime) -> None:
    """Status package (tracked states), and the report's packages when accepted."""
    if not enabled() or sub.state not in STATUS_STATES:
        return

    def packages() -> Iterable[Package]:
        view = _submission_view(sub, now)
        yield qcvn125.status_package(view, _history(sub))
        if sub.state == "accepted":
            yield from _report_packages(view, sub)
            yield from _complete_aggregate(sub, now)

    _queue_all(packages(), now, f"submission/{sub.pk}")


def _complete_aggregate(sub: Any, now: datetime) -> Iterable[Package]:
    """The receiving unit's aggregate, once no reporting unit is missing.

    Counting first keeps every other acceptance from aggregating the period.
    """
    aggregation = _aggregation()
    regime = _workflow().get_regime(sub.regime_id)
    expected = aggregation.units_in_scope(regime, regime.receiving_unit, now)
    accepted = Submission.objects(
        regime_id=sub.regime_id,
        period_key=sub.period_key,
        state="accepted",
        unit__in=expected,
    ).count()
    if accepted < len(expected):
        return
    found = aggregation.aggregate_period(
        sub.regime_id,
        sub.period_key,
        unit=None,
        load_form=current_app.extensions.get("baocao_form_loader"),
        now=now,
    )
    if found.result.missing:
        return
    view = {
        "regime": found.regime_id,
        "period": found.period,
        "unit": found.unit,
        "form_id": sub.form_id,
        "form_version": sub.form_version,
        "data": dict(found.result.inputs),
        "computed": dict(found.result.computed),
        "units_included": list(found.result.units),
    }
    yield qcvn125.data_package(view, found.compiled.schema)
    kpi = qcvn125.kpi_data_package(view, found.compiled.schema)
    if kpi[2]["chi_so"]:
        yield kpi
