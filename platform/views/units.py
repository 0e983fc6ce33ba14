"""Unit tree views: browse and search (every role), manage (system admin only)."""

from __future__ import annotations

import secrets
from typing import Any

from baocao.platform import db as documents
from baocao.platform.models.unit import UnitKind
from baocao.platform.roles import Role
from baocao.platform.services import access, audit, units
from baocao.platform.services.errors import ServiceError
from baocao.platform.services.unit_import import MAX_IMPORT_BYTES
from baocao.platform.views._common import (
    form_text,
    local_text,
    now,
    parse_local,
    require,
    user,
)
from baocao.platform.views.labels import (
    AUDIT_ACTION_LABELS,
    IMPORT_ACTION_LABELS,
    UNIT_KIND_LABELS,
    UNIT_SUBTYPE_LABELS,
    unit_kind_label,
)
from flask import abort, flash, redirect, request, session, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext

_IMPORTS = "unit_imports"


def _kinds() -> list[tuple[str, str]]:
    return [(k.value, UNIT_KIND_LABELS[k.value]) for k in UnitKind]


class UnitsView(BaseView):
    """The unit tree with search, and one unit's page (Đ.5.2a)."""

    route_base = "/don-vi"
    default_view = "index"
    class_permission_name = "UnitTree"
    method_permission_name = {"index": "read", "show": "read"}  # noqa: RUF012
    baocao_roles = tuple(Role)

    @expose("/")
    @has_access
    def index(self) -> Any:
        require(access.Action.UNIT_VIEW, what="xem danh mục đơn vị")
        query = request.args.get("q", "").strip()
        kind = request.args.get("kind") or None
        closed = request.args.get("closed") == "1"
        found = (
            units.search_units(query, now=now(), include_closed=closed, kind=kind)
            if query or kind
            else None
        )
        return self.render_template(
            "baocao/units/index.html",
            roots=units.tree(now=now(), include_closed=closed),
            found=found,
            query=query,
            kind=kind or "",
            closed=closed,
            kinds=_kinds(),
            kind_names=dict(_kinds()),
            unit_kind=unit_kind_label,
            can_manage=access.can(user(), access.Action.UNIT_MANAGE, now=now()),
            moment=now(),
        )

    @expose("/<code>")
    @has_access
    def show(self, code: str) -> Any:
        require(access.Action.UNIT_VIEW, what="xem danh mục đơn vị")
        unit = units.get_unit(code)
        successor = units.resolve(code) if unit.merged_into else None
        return self.render_template(
            "baocao/units/show.html",
            unit=unit,
            successor=successor,
            ancestors=units.ancestors(code),
            moment=now(),
            children=units.children(code, now=now(), include_closed=True),
            events=audit.history(f"unit:{code}")
            if access.can(user(), access.Action.AUDIT_VIEW, unit=code, now=now())
            else [],
            can_manage=access.can(user(), access.Action.UNIT_MANAGE, now=now()),
            local_text=local_text,
            action_labels=AUDIT_ACTION_LABELS,
            unit_kind=unit_kind_label,
        )


class UnitAdminView(BaseView):
    """Create, edit, move, close, merge and import units (system admin)."""

    route_base = "/don-vi/quan-tri"
    default_view = "create"
    class_permission_name = "UnitAdmin"
    method_permission_name = {  # noqa: RUF012
        "create": "write",
        "edit": "write",
        "close": "write",
        "merge": "write",
        "import_file": "write",
        "import_confirm": "write",
    }
    baocao_roles = ()

    def _form(
        self, template: str, error: str = "", status: int = 200, **values: Any
    ) -> Any:
        return self.render_template(
            template,
            error=error,
            kinds=_kinds(),
            subtypes=UNIT_SUBTYPE_LABELS,
            import_actions=IMPORT_ACTION_LABELS,
            **values,
        ), status

    @expose("/tao", methods=["GET", "POST"])
    @has_access
    def create(self) -> Any:
        require(access.Action.UNIT_MANAGE, what="tạo đơn vị")
        values = {
            k: form_text(k)
            for k in (
                "code",
                "name",
                "kind",
                "parent",
                "official_id",
                "subtype",
                "valid_from",
            )
        }
        values["parent"] = values["parent"] or request.args.get("parent", "")
        if request.method == "GET":
            return self._form("baocao/units/form.html", values=values, unit=None)
        try:
            unit = units.create_unit(
                units.UnitInput(
                    code=values["code"],
                    name=values["name"],
                    kind=values["kind"],
                    parent=values["parent"] or None,
                    official_id=values["official_id"],
                    subtype=values["subtype"],
                    valid_from=parse_local(values["valid_from"]),
                ),
                actor=user().username,
                now=now(),
            )
        except ServiceError as err:
            return self._form(
                "baocao/units/form.html",
                error=str(err),
                status=err.http_status,
                values=values,
                unit=None,
            )
        flash(
            gettext("Unit %(code)s created: %(name)s.", code=unit.code, name=unit.name),
            "success",
        )
        return redirect(url_for("UnitsView.show", code=unit.code))

    @expose("/<code>/sua", methods=["GET", "POST"])
    @has_access
    def edit(self, code: str) -> Any:
        require(access.Action.UNIT_MANAGE, unit=code, what="sửa đơn vị")
        unit = units.get_unit(code)
        if request.method == "GET":
            values = {
                "name": unit.name,
                "kind": unit.kind,
                "parent": unit.parent or "",
                "official_id": unit.official_id,
                "subtype": unit.subtype,
            }
            return self._form("baocao/units/form.html", values=values, unit=unit)
        values = {
            k: form_text(k)
            for k in ("name", "kind", "parent", "official_id", "subtype")
        }
        try:
            units.edit_unit(
                code,
                name=values["name"],
                official_id=values["official_id"],
                subtype=values["subtype"],
                kind=values["kind"] or None,
                actor=user().username,
                now=now(),
            )
            if (values["parent"] or None) != unit.parent and values["parent"]:
                units.move_unit(
                    code, values["parent"], actor=user().username, now=now()
                )
        except ServiceError as err:
            return self._form(
                "baocao/units/form.html",
                error=str(err),
                status=err.http_status,
                values=values,
                unit=unit,
            )
        flash(gettext("Unit %(code)s saved.", code=code), "success")
        return redirect(url_for("UnitsView.show", code=code))

    @expose("/<code>/ngung", methods=["POST"])
    @has_access
    def close(self, code: str) -> Any:
        require(access.Action.UNIT_MANAGE, unit=code, what="ngừng hoạt động đơn vị")
        units.close_unit(
            code,
            actor=user().username,
            now=now(),
            when=parse_local(form_text("valid_to")),
        )
        flash(gettext("Unit %(code)s is closed.", code=code), "success")
        return redirect(url_for("UnitsView.show", code=code))

    @expose("/<code>/sap-nhap", methods=["GET", "POST"])
    @has_access
    def merge(self, code: str) -> Any:
        require(access.Action.UNIT_MANAGE, unit=code, what="sáp nhập đơn vị")
        unit = units.get_unit(code)
        target = form_text("target")
        if request.method == "POST":
            try:
                units.merge_units(code, target, actor=user().username, now=now())
            except ServiceError as err:
                return self._form(
                    "baocao/units/merge.html",
                    error=str(err),
                    status=err.http_status,
                    unit=unit,
                    target=target,
                )
            flash(
                gettext(
                    "%(code)s merged into %(target)s; the reports of %(code)s now"
                    " belong to %(target)s.",
                    code=code,
                    target=target,
                ),
                "success",
            )
            return redirect(url_for("UnitsView.show", code=target))
        return self._form("baocao/units/merge.html", unit=unit, target=target)

    @expose("/nhap", methods=["GET", "POST"])
    @has_access
    def import_file(self) -> Any:
        require(access.Action.UNIT_MANAGE, what="nhập danh mục đơn vị")
        if request.method == "GET":
            return self._form("baocao/units/import.html", report=None)
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            return self._form(
                "baocao/units/import.html",
                report=None,
                status=422,
                error=gettext("Choose a .csv or .xlsx file to import."),
            )
        data = upload.read(MAX_IMPORT_BYTES + 1)
        try:
            report = units.import_units(data, upload.filename, dry_run=True, now=now())
        except ServiceError as err:
            return self._form(
                "baocao/units/import.html",
                report=None,
                error=str(err),
                status=err.http_status,
            )
        token = ""
        if report.ok:
            token = secrets.token_urlsafe(16)
            documents.get_gridfs(_IMPORTS).put(
                data, filename=upload.filename, token=token, owner=user().username
            )
            session["unit_import"] = token
        return self._form("baocao/units/import.html", report=report, token=token)

    @expose("/nhap/xac-nhan", methods=["POST"])
    @has_access
    def import_confirm(self) -> Any:
        require(access.Action.UNIT_MANAGE, what="nhập danh mục đơn vị")
        token = form_text("token")
        if not token or session.pop("unit_import", None) != token:
            abort(400)
        files = documents.get_gridfs(_IMPORTS)
        stored = files.find_one({"token": token, "owner": user().username})
        if stored is None:
            abort(400)
        data, filename = stored.read(), stored.filename
        files.delete(stored._id)
        report = units.import_units(
            data, filename, dry_run=False, actor=user().username, now=now()
        )
        if not report.stored:
            return self._form(
                "baocao/units/import.html",
                report=report,
                status=422,
                error=gettext(
                    "The data changed since the preview; the file has rows in error."
                ),
            )
        flash(
            gettext(
                "Imported %(created)s new units, updated %(updated)s units.",
                created=report.count("create"),
                updated=report.count("update"),
            ),
            "success",
        )
        return redirect(url_for("UnitsView.index"))
