"""Dashboard pages (Đ.3.7) and the public data page (Đ.18.6).

The dashboard page draws only empty panels; its script (static/dashboard.js)
asks ``…/panels/<id>/data`` for each panel's numbers with the page's filters
(period range, unit subtree) and draws them with the vendored Chart.js. The
numbers are narrowed to what the signed-in user may read (see
``services.indicator_series``); ``…/export.csv`` gives the same numbers as a
file. The public page (no login) draws public indicators from accepted data.
"""

from __future__ import annotations

from typing import Any

from baocao.platform.models import Indicator, Unit
from baocao.platform.models.workflow import Regime
from baocao.platform.roles import UNIT_ROLES
from baocao.platform.services import dashboards, indicators
from baocao.platform.services.dashboard_panels import PanelData
from baocao.platform.services.errors import ServiceError
from baocao.platform.services.indicator_series import Filters, Viewer
from baocao.platform.views._common import form_text, now, user
from baocao.platform.views.labels import PANEL_KIND_LABELS
from baocao.platform.views.script_strings import script_strings
from flask import Response, flash, jsonify, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access

#: The public page's two panels for each public indicator.
PUBLIC_PANELS = ("indicator_time", "units_ranked")


def csv_response(data: PanelData, name: str) -> Response:
    """A panel's numbers as a CSV download."""
    return Response(
        dashboards.panel_csv(data).encode("utf-8"),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


def _filter_units() -> list[Unit]:
    """Province and departments first, then communes, for the unit filter."""
    order = {"province": 0, "department": 1, "commune": 2, "subunit": 3}
    found = Unit.objects(merged_into=None).only("code", "name", "kind")
    return sorted(found, key=lambda u: (order.get(u.kind, 9), u.name))


class DashboardView(BaseView):
    """Bảng điều khiển: panels with filters; admins configure them."""

    route_base = "/bang-dieu-khien"
    default_view = "index"
    class_permission_name = "Dashboard"
    method_permission_name = {  # noqa: RUF012 - FAB reads a plain dict
        "index": "read",
        "panel_data": "read",
        "panel_csv": "read",
        "configure": "read",
        "create": "read",
    }
    baocao_roles = UNIT_ROLES

    @expose("/")
    @expose("/<ident>")
    @has_access
    def index(self, ident: str | None = None) -> Any:
        boards = dashboards.list_dashboards()
        board = dashboards.get_dashboard(ident) if ident or boards else None
        return self.render_template(
            "baocao/dashboard/index.html",
            board=board,
            boards=boards,
            units=_filter_units(),
            filters=request.args,
            can_configure=board is not None
            and dashboards.can_configure(user(), board.owner_unit, now=now()),
            can_create=dashboards.can_configure(
                user(), user().unit_code or "", now=now()
            ),
            script_strings=script_strings("dashboard"),
        )

    def _panel(self, ident: str, panel_id: str) -> PanelData:
        board = dashboards.get_dashboard(ident)
        panel = dashboards.find_panel(board, panel_id)
        filters = Filters.from_args(request.args)
        return dashboards.panel_data(
            panel, filters, viewer=Viewer.of(user(), now=now())
        )

    @expose("/<ident>/panels/<panel_id>/data")
    @has_access
    def panel_data(self, ident: str, panel_id: str) -> Any:
        return jsonify(self._panel(ident, panel_id).to_dict())

    @expose("/<ident>/panels/<panel_id>/export.csv")
    @has_access
    def panel_csv(self, ident: str, panel_id: str) -> Any:
        return csv_response(self._panel(ident, panel_id), f"bieu-do-{panel_id}")

    @expose("/tao", methods=["POST"])
    @has_access
    def create(self) -> Any:
        try:
            board = dashboards.create_dashboard(
                form_text("name"),
                owner_unit=user().unit_code or "",
                actor=user(),
                now=now(),
                is_default=not dashboards.list_dashboards(),
            )
        except ServiceError as err:
            flash(str(err), "danger")
            return redirect(url_for("DashboardView.index"))
        return redirect(url_for("DashboardView.configure", ident=str(board.pk)))

    @expose("/<ident>/cau-hinh", methods=["GET", "POST"])
    @has_access
    def configure(self, ident: str) -> Any:
        board = dashboards.get_dashboard(ident)
        if request.method == "POST":
            try:
                if request.form.get("remove"):
                    dashboards.remove_panel(
                        board, request.form["remove"], actor=user(), now=now()
                    )
                else:
                    dashboards.add_panel(board, request.form, actor=user(), now=now())
            except ServiceError as err:
                flash(str(err), "danger")
            return redirect(url_for("DashboardView.configure", ident=ident))
        return self.render_template(
            "baocao/dashboard/configure.html",
            board=board,
            kinds=PANEL_KIND_LABELS,
            indicators=indicators.list_indicators(),
            regimes=Regime.objects(status="published").only("name"),
            can_configure=dashboards.can_configure(user(), board.owner_unit, now=now()),
        )


class PublicDataView(BaseView):
    """Số liệu công khai: public indicators, accepted values only, no login."""

    route_base = "/cong-khai"
    default_view = "index"

    @expose("/")
    def index(self) -> Any:
        return self.render_template(
            "baocao/dashboard/public.html",
            items=Indicator.objects(public=True).order_by("group", "code"),
            kinds=PUBLIC_PANELS,
            units=_filter_units(),
            filters=request.args,
            script_strings=script_strings("dashboard"),
        )

    def _panel(self, code: str, kind: str) -> PanelData:
        if kind not in PUBLIC_PANELS:
            kind = PUBLIC_PANELS[0]
        panel = {"id": kind, "kind": kind, "indicator": code, "top": 15}
        filters = Filters.from_args(request.args)
        return dashboards.panel_data(panel, filters, viewer=Viewer.public(now=now()))

    @expose("/<code>/<kind>/data")
    def panel_data(self, code: str, kind: str) -> Any:
        return jsonify(self._panel(code, kind).to_dict())

    @expose("/<code>/<kind>/export.csv")
    def panel_csv(self, code: str, kind: str) -> Any:
        return csv_response(self._panel(code, kind), f"{code}-{kind}")
