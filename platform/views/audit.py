"""The audit log, read-only: system admin sees all, unit admin its subtree."""

from __future__ import annotations

from typing import Any

from baocao.platform.roles import Role
from baocao.platform.services import access, audit
from baocao.platform.views._common import describe, local_text, now, require, user
from baocao.platform.views.labels import AUDIT_ACTION_LABELS
from flask import request
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access


class AuditView(BaseView):
    """Filterable, paginated list of audit events; there is no edit or delete."""

    route_base = "/nhat-ky"
    default_view = "index"
    class_permission_name = "AuditLog"
    method_permission_name = {"index": "read"}  # noqa: RUF012
    baocao_roles = (Role.UNIT_ADMIN,)

    @expose("/")
    @has_access
    def index(self) -> Any:
        require(access.Action.AUDIT_VIEW, what="xem nhật ký hệ thống")
        scope = (
            None
            if access.is_sysadmin(user())
            else access.visible_units(user(), access.Action.AUDIT_VIEW, now=now())
        )
        try:
            page = max(int(request.args.get("page", "1")), 1)
        except ValueError:
            page = 1
        filters = {
            k: request.args.get(k, "").strip() for k in ("actor", "action", "target")
        }
        result = audit.query(units=scope, page=page, per_page=50, **filters)
        return self.render_template(
            "baocao/audit/index.html",
            result=result,
            filters=filters,
            labels=AUDIT_ACTION_LABELS,
            local_text=local_text,
            describe=describe,
            pages=(result.total + result.per_page - 1) // result.per_page,
        )
