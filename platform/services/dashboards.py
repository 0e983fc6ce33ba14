"""Dashboards (Đ.3.7): admins configure panels; everyone reads what grants allow.

A dashboard is a list of panels; each panel is a small dict (``kind``, ``title``,
``indicator`` or ``regime``, ``top``) validated here. :func:`panel_data` turns a
panel plus the page's filters (period range, unit subtree) into a
:class:`PanelData`: chart labels and datasets for the browser, and the same
numbers as columns and rows for the CSV export, so that the picture and the
file never disagree. The system admin configures every dashboard; a unit admin
those of its own subtree.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from baocao.platform.models import Dashboard, Indicator
from baocao.platform.models.workflow import Regime
from baocao.platform.services import access, audit, dashboard_panels
from baocao.platform.services.dashboard_panels import PANEL_KINDS, PanelData
from baocao.platform.services.errors import Forbidden, InvalidInput, NotFound
from baocao.platform.services.indicator_errors import IndicatorCode as Code
from baocao.platform.services.indicator_series import Filters, Viewer
from baocao.renderers import escape_formula_text
from bson import ObjectId
from bson.errors import InvalidId

BOM = "\ufeff"


def list_dashboards() -> list[Dashboard]:
    """Every dashboard, the default first."""
    return list(Dashboard.objects.order_by("-is_default", "name"))


def get_dashboard(ident: str | None = None) -> Dashboard:
    """The dashboard ``ident``, or the default (else the first) when None.

    :raises NotFound: (BD001) no such dashboard, or none at all.
    """
    found = None
    if ident:
        try:
            found = Dashboard.objects(id=ObjectId(ident)).first()
        except InvalidId:
            found = None
    else:
        found = list_dashboards()[0] if Dashboard.objects.count() else None
    if found is None:
        raise NotFound(Code.BD001, ident=ident or "")  # type: ignore[arg-type]
    return found


def can_configure(user: Any, owner_unit: str, *, now: datetime) -> bool:
    """System admin anywhere; a unit admin for dashboards of its subtree."""
    if access.is_sysadmin(user):
        return True
    return bool(owner_unit) and access.can(
        user, access.Action.ACCOUNT_MANAGE, unit=owner_unit, now=now
    )


def _require_configure(user: Any, owner_unit: str, now: datetime) -> None:
    if not can_configure(user, owner_unit, now=now):
        raise Forbidden("cấu hình bảng điều khiển này")


def create_dashboard(
    name: str, *, owner_unit: str, actor: Any, now: datetime, is_default: bool = False
) -> Dashboard:
    """A new, empty dashboard."""
    name = (name or "").strip()
    if not name or len(name) > 200:  # noqa: PLR2004 - the field's max_length
        raise InvalidInput(Code.BD006)  # type: ignore[arg-type]
    _require_configure(actor, owner_unit, now)
    moment = now.replace(tzinfo=None)
    found = Dashboard(
        name=name,
        owner_unit=owner_unit,
        is_default=is_default,
        created_by=_username(actor),
        created_at=moment,
        updated_at=moment,
    ).save()
    _audit(actor, found, now, "create")
    return found


def clean_panel(payload: Mapping[str, Any]) -> dict[str, Any]:
    """A validated panel dict with a fresh id.

    :raises InvalidInput: unknown kind (BD002), missing indicator (BD003) or
        regime (BD004).
    """
    kind = str(payload.get("kind") or "")
    if kind not in PANEL_KINDS:
        raise InvalidInput(  # type: ignore[arg-type]
            Code.BD002, kind=kind, allowed=", ".join(PANEL_KINDS)
        )
    panel: dict[str, Any] = {"id": uuid.uuid4().hex[:12], "kind": kind}
    if kind == "completeness":
        regime = str(payload.get("regime") or "")
        if not ObjectId.is_valid(regime) or Regime.objects(id=regime).first() is None:
            raise InvalidInput(Code.BD004)  # type: ignore[arg-type]
        panel["regime"] = regime
    else:
        code = str(payload.get("indicator") or "")
        if Indicator.objects(code=code).first() is None:
            raise InvalidInput(Code.BD003, kind=PANEL_KINDS[kind])  # type: ignore[arg-type]
        panel["indicator"] = code
    try:
        panel["top"] = max(1, min(int(payload.get("top") or 15), 200))
    except (TypeError, ValueError):
        panel["top"] = 15
    panel["title"] = str(payload.get("title") or "").strip()[:200]
    return panel


def add_panel(
    dashboard: Dashboard, payload: Mapping[str, Any], *, actor: Any, now: datetime
) -> dict[str, Any]:
    """Append a validated panel (one atomic push)."""
    _require_configure(actor, dashboard.owner_unit, now)
    panel = clean_panel(payload)
    Dashboard.objects(id=dashboard.pk).update_one(
        push__panels=panel, set__updated_at=now.replace(tzinfo=None)
    )
    dashboard.reload()
    _audit(actor, dashboard, now, "add_panel", panel=panel["kind"])
    return panel


def remove_panel(dashboard: Dashboard, panel_id: str, *, actor: Any, now: datetime) -> None:
    """Remove a panel by id."""
    _require_configure(actor, dashboard.owner_unit, now)
    find_panel(dashboard, panel_id)
    Dashboard.objects(id=dashboard.pk).update_one(
        pull__panels={"id": panel_id}, set__updated_at=now.replace(tzinfo=None)
    )
    dashboard.reload()
    _audit(actor, dashboard, now, "remove_panel", panel=panel_id)


def find_panel(dashboard: Dashboard, panel_id: str) -> dict[str, Any]:
    """:raises NotFound: (BD005) the dashboard has no such panel."""
    for panel in dashboard.panels:
        if panel.get("id") == panel_id:
            return dict(panel)
    raise NotFound(Code.BD005, ident=panel_id)  # type: ignore[arg-type]


def panel_data(
    panel: Mapping[str, Any], filters: Filters, *, viewer: Viewer
) -> PanelData:
    """Numbers of one panel for the filters, within what ``viewer`` may read."""
    return dashboard_panels.BUILDERS[panel["kind"]](panel, filters, viewer)


def panel_csv(data: PanelData) -> str:
    """The panel's table as CSV (UTF-8 with BOM, numbers with a decimal point)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([escape_formula_text(str(c)) for c in data.columns])
    for row in data.rows:
        writer.writerow(
            ["" if v is None else (escape_formula_text(v) if isinstance(v, str) else v)
             for v in row]
        )
    return BOM + buffer.getvalue()


def _audit(actor: Any, dashboard: Dashboard, now: datetime, what: str, **more: Any) -> None:
    audit.record(
        _username(actor), "dashboard.save", f"dashboard:{dashboard.pk}", now=now,
        unit=dashboard.owner_unit or None, details={"change": what, **more},
    )


def _username(actor: Any) -> str:
    return str(getattr(actor, "username", actor))
