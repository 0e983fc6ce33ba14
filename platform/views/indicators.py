"""The indicator catalogue pages (Đ.4.4, Đ.5.2h): list, add, edit, import.

Every signed-in account reads the catalogue; the catalogue service decides who
edits an entry (admins and designers of its owner unit). The import box lists
codes bound to cells of published form versions but missing from the
catalogue, with names suggested from the cells' titles.
"""

from __future__ import annotations

from typing import Any

from baocao.platform.models.indicator import AGGREGATE_RULES
from baocao.platform.roles import UNIT_ROLES
from baocao.platform.services import indicators
from baocao.platform.services.errors import ServiceError
from baocao.platform.views._common import form_text, now, user
from baocao.platform.views.labels import INDICATOR_RULE_LABELS
from flask import flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext

FIELDS = (
    "code",
    "name",
    "unit_of_measure",
    "group",
    "disaggregations",
    "owner_unit",
    "aggregate",
    "description",
)


def _values() -> dict[str, Any]:
    values: dict[str, Any] = {name: form_text(name) for name in FIELDS}
    values["public"] = bool(request.form.get("public"))
    return values


class IndicatorsView(BaseView):
    """Danh mục chỉ tiêu."""

    route_base = "/chi-tieu"
    default_view = "index"
    class_permission_name = "IndicatorCatalogue"
    method_permission_name = {  # noqa: RUF012 - FAB reads a plain dict
        "index": "read",
        "create": "write",
        "edit": "write",
        "import_codes": "write",
    }
    baocao_roles = UNIT_ROLES

    @expose("/")
    @has_access
    def index(self) -> Any:
        return self.render_template(
            "baocao/indicators/index.html",
            items=indicators.list_indicators(),
            suggested=indicators.suggestions(),
            rules=INDICATOR_RULE_LABELS,
            can_edit=lambda owner: indicators.can_edit(user(), owner, now=now()),
        )

    @expose("/them", methods=["GET", "POST"])
    @has_access
    def create(self) -> Any:
        values: dict[str, Any] = {
            "owner_unit": user().unit_code or "",
            "aggregate": "sum",
        }
        error, status = "", 200
        if request.method == "POST":
            values = _values()
            try:
                made = indicators.create_indicator(values, actor=user(), now=now())
            except ServiceError as err:
                error, status = str(err), err.http_status
            else:
                flash(gettext("Indicator %(code)s added.", code=made.code), "success")
                return redirect(url_for("IndicatorsView.index"))
        return self._form(values, error, status, creating=True)

    @expose("/<code>/sua", methods=["GET", "POST"])
    @has_access
    def edit(self, code: str) -> Any:
        found = indicators.get_indicator(code)
        values: dict[str, Any] = found.to_dict()
        values["disaggregations"] = ", ".join(found.disaggregations or ())
        error, status = "", 200
        if request.method == "POST":
            values = {**_values(), "code": code}
            try:
                indicators.update_indicator(code, values, actor=user(), now=now())
            except ServiceError as err:
                error, status = str(err), err.http_status
            else:
                flash(gettext("Indicator %(code)s saved.", code=code), "success")
                return redirect(url_for("IndicatorsView.index"))
        return self._form(values, error, status, creating=False)

    def _form(
        self, values: dict[str, Any], error: str, status: int, *, creating: bool
    ) -> Any:
        page = self.render_template(
            "baocao/indicators/form.html",
            values=values,
            error=error,
            creating=creating,
            rules={k: INDICATOR_RULE_LABELS[k] for k in AGGREGATE_RULES},
        )
        return page, status

    @expose("/nhap-tu-bieu-mau", methods=["POST"])
    @has_access
    def import_codes(self) -> Any:
        codes = request.form.getlist("code")
        try:
            made = indicators.import_missing(codes, actor=user(), now=now())
        except ServiceError as err:
            flash(str(err), "danger")
        else:
            flash(
                gettext(
                    "%(n)s indicators added from the form's coded cells.", n=len(made)
                ),
                "success",
            )
        return redirect(url_for("IndicatorsView.index"))
