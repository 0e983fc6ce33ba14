"""``GET /api/v1/units?kind=&parent=``: the unit tree as a flat, filterable list."""

from __future__ import annotations

from typing import Any

from datetime import UTC, datetime

from flask import g, request
from flask_appbuilder.api import BaseApi, expose, safe
from flask_appbuilder.security.decorators import protect

from baocao.platform.roles import Role

UNIT_KINDS = ("province", "department", "commune", "subunit")


class UnitsApi(BaseApi):
    """Units, for every logged-in role; the access service says which (Đ.5.2a)."""

    resource_name = "units"
    class_permission_name = "Units"
    method_permission_name = {"list_units": "get"}
    openapi_spec_tag = "Đơn vị"
    baocao_roles = tuple(Role)

    @expose("", methods=["GET"])
    @protect()
    @safe
    def list_units(self) -> Any:
        """List units.
        ---
        get:
          summary: Danh sách đơn vị, lọc theo loại và đơn vị cha
          parameters:
          - in: query
            name: kind
            schema:
              type: string
              enum: [province, department, commune, subunit]
          - in: query
            name: parent
            schema:
              type: string
            description: mã đơn vị cha
          responses:
            200:
              description: Các đơn vị
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      count:
                        type: integer
                      items:
                        type: array
                        items:
                          type: object
                          properties:
                            code: {type: string}
                            name: {type: string}
                            kind: {type: string}
                            parent: {type: string, nullable: true}
            400:
              $ref: '#/components/responses/400'
            401:
              $ref: '#/components/responses/401'
        """
        from baocao.platform.services import access, units

        kind = request.args.get("kind") or None
        parent = request.args.get("parent") or None
        if kind is not None and kind not in UNIT_KINDS:
            return self.response_400(
                message=f"Tham số kind='{kind}' không hợp lệ; chỉ nhận "
                + ", ".join(UNIT_KINDS)
            )
        now = datetime.now(UTC)
        visible = access.visible_units(g.user, access.Action.UNIT_VIEW, now=now)
        found = units.list_units(now=now, kind=kind, parent=parent, codes=visible)
        items = [
            {"code": u.code, "name": u.name, "kind": u.kind, "parent": u.parent}
            for u in found
        ]
        return self.response(200, count=len(items), items=items)
