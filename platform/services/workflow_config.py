"""Approval chains and regimes: create, validate, publish (DESIGN.md §5-6, §8).

Services take plain values and ``now``; they never see a request. Every change
is written to the audit log.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from baocao.platform.exchange import events as exchange_events
from baocao.platform.models import Unit
from baocao.platform.models.forms import FormVersion
from baocao.platform.models.workflow import ApprovalChain, Regime
from baocao.platform.services import audit
from baocao.platform.workflow.chains import Chain, default_chain
from baocao.platform.workflow.errors import (
    NotFoundError,
    RegimeIncompleteError,
    WorkflowCode,
)
from baocao.platform.workflow.regime import (
    RegimeSpec,
    UnitRef,
    require_publishable,
    resolve_units,
)
from bson import ObjectId
from bson.errors import InvalidId

logger = logging.getLogger(__name__)

#: Regime fields an API payload may set.
_REGIME_FIELDS = (
    "name",
    "kind",
    "content",
    "receiving_unit",
    "frequency",
    "form_id",
    "outline",
    "guidance",
    "chain_id",
)


def utc_naive(now: datetime) -> datetime:
    """Store times as naive UTC, which is what MongoDB hands back."""
    if now.tzinfo is None:
        return now
    return now.astimezone(UTC).replace(tzinfo=None)


def _object_id(value: str, what: str) -> ObjectId:
    try:
        return ObjectId(str(value))
    except (InvalidId, TypeError) as err:
        raise NotFoundError(WorkflowCode.WF031, what=what, key=value) from err


def get_chain(chain_id: str) -> ApprovalChain:
    """The chain with this id.

    :raises NotFoundError: (404) no such chain.
    """
    found = ApprovalChain.objects(id=_object_id(chain_id, "quy trình")).first()
    if found is None:
        raise NotFoundError(WorkflowCode.WF031, what="quy trình", key=chain_id)
    return found


def create_chain(
    payload: Mapping[str, Any], *, actor: str, now: datetime
) -> ApprovalChain:
    """Validate and store a chain designed by an admin.

    :raises ChainInvalidError: (422) listing every broken rule.
    """
    chain = Chain.from_dict(payload)
    return _store_chain(chain, actor=actor, now=now)


def _store_chain(chain: Chain, *, actor: str, now: datetime) -> ApprovalChain:
    data = chain.to_dict()
    doc = ApprovalChain(
        name=data["name"],
        steps=data["steps"],
        created_by=actor,
        created_at=utc_naive(now),
    )
    doc.save()
    audit.record(
        actor,
        "chain.create",
        f"chain:{doc.pk}",
        now=now,
        details={"name": chain.name, "steps": len(chain.steps)},
    )
    return doc


def ensure_default_chain(*, actor: str = "system", now: datetime) -> ApprovalChain:
    """The ready-made chain, created once (idempotent by name)."""
    chain = default_chain()
    found = ApprovalChain.objects(name=chain.name).first()
    return found if found is not None else _store_chain(chain, actor=actor, now=now)


def get_regime(regime_id: str) -> Regime:
    """The regime with this id.

    :raises NotFoundError: (404) no such regime.
    """
    found = Regime.objects(id=_object_id(regime_id, "chế độ báo cáo")).first()
    if found is None:
        raise NotFoundError(WorkflowCode.WF031, what="chế độ báo cáo", key=regime_id)
    return found


def create_regime(
    payload: Mapping[str, Any], *, actor: str, now: datetime, publish: bool = False
) -> Regime:
    """Store a regime as a draft (anything may be missing), optionally publishing it.

    :raises RegimeIncompleteError: (422) when ``publish`` and an element is missing.
    """
    spec = RegimeSpec.from_dict(payload)
    doc = Regime(created_by=actor, created_at=utc_naive(now))
    for name in _REGIME_FIELDS:
        setattr(doc, name, getattr(spec, name))
    doc.form_version = spec.form_version
    doc.reporting_units = spec.reporting_units.to_dict()
    doc.methods = list(spec.methods)
    doc.cutoff = dict(spec.cutoff) if spec.cutoff is not None else None
    doc.deadline = dict(spec.deadline) if spec.deadline is not None else None
    holidays = payload.get("holidays")
    doc.holidays = dict(holidays) if isinstance(holidays, Mapping) else None
    if publish:
        _check_publishable(doc, now)
        doc.status = "published"
        doc.published_at = utc_naive(now)
    doc.save()
    audit.record(
        actor,
        "regime.create",
        f"regime:{doc.pk}",
        now=now,
        unit=doc.receiving_unit or None,
        details={"name": doc.name, "status": doc.status},
    )
    if doc.status == "published":
        exchange_events.regime_published(doc, now)
    return doc


def publish_regime(regime_id: str, *, actor: str, now: datetime) -> Regime:
    """Publish a draft regime once every element Đ.7 requires is present.

    :raises RegimeIncompleteError: (422) listing everything missing.
    """
    doc = get_regime(regime_id)
    if doc.status == "published":
        return doc
    _check_publishable(doc, now)
    Regime.objects(id=doc.pk, status="draft").update_one(
        set__status="published", set__published_at=utc_naive(now)
    )
    audit.record(
        actor,
        "regime.publish",
        f"regime:{doc.pk}",
        now=now,
        unit=doc.receiving_unit or None,
        details={"name": doc.name},
    )
    doc.reload()
    exchange_events.regime_published(doc, now)
    return doc


def _check_publishable(doc: Regime, now: datetime) -> None:
    spec = require_publishable(doc.spec())
    problems: list[str] = []
    try:
        get_chain(spec.chain_id).chain()
    except NotFoundError:
        problems.append(f"quy trình phê duyệt '{spec.chain_id}' không tồn tại")
    if Unit.objects(code=spec.receiving_unit).first() is None:
        problems.append(f"cơ quan nhận báo cáo '{spec.receiving_unit}' không tồn tại")
    if not reporting_unit_codes(doc, now):
        problems.append("không có đơn vị thực hiện báo cáo nào đang hoạt động")
    problems += _grid_problems(spec)
    if problems:
        raise RegimeIncompleteError(spec.name, problems)


def _grid_problems(spec: Any) -> list[str]:
    """A numeric or linked regime needs a form with a grid, not an outline only."""
    if spec.content not in ("numeric", "linked") or not spec.form_id:
        return []
    version = FormVersion.objects(form_id=spec.form_id, n=spec.form_version).first()
    if version is None or version.has_workbook:
        return []
    return [
        f"biểu mẫu '{spec.form_id}' phiên bản {spec.form_version} chỉ có đề cương, "
        "không có bảng số liệu: chọn nội dung 'văn bản' (đề cương) hoặc một biểu "
        "mẫu tạo từ tệp Excel"
    ]


def reporting_unit_codes(regime: Regime, now: datetime) -> list[str]:
    """Codes of the active units that report under ``regime``, sorted."""
    selector = regime.spec().reporting_units
    query = (
        Unit.objects(code__in=list(selector.codes))
        if selector.mode == "list"
        else Unit.objects()
    )
    moment = utc_naive(now)
    refs = [
        UnitRef(u.code, u.kind, tuple(str(u.path).split("/")[:-1]))
        for u in query
        if u.is_active(moment)
    ]
    return resolve_units(selector, refs)
