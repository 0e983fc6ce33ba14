"""``GET/POST /api/v1/indicators``: the indicator catalogue (Đ.4.4, Đ.5.2h).

``GET`` lists the catalogue (every signed-in role); ``POST`` adds an entry for
admins and designers of its owner unit (the catalogue service decides);
``GET /api/v1/indicators/{code}/series?from=&to=&unit=`` answers the accepted
values period x unit that the caller's grants allow, as the dashboard does.
"""

from __future__ import annotations

from typing import Any

from baocao.platform.api.workflow_common import caller, json_payload, utc_now
from baocao.platform.roles import Role
from baocao.platform.services import indicator_series, indicators
from flask import jsonify, make_response, request
from flask_appbuilder.api import BaseApi, expose
from flask_appbuilder.security.decorators import protect


class IndicatorsApi(BaseApi):
    """The indicator catalogue and its values."""

    resource_name = "indicators"
    class_permission_name = "Indicators"
    method_permission_name = {  # noqa: RUF012 - FAB reads a plain dict
        "list_indicators": "get",
        "create_indicator": "post",
        "get_series": "get",
    }
    openapi_spec_tag = "Chỉ tiêu"
    baocao_roles = tuple(r for r in Role if r is not Role.SYSADMIN)

    @expose("", methods=["GET"])
    @protect()
    def list_indicators(self) -> Any:
        """The catalogue.
        ---
        get:
          summary: Danh mục chỉ tiêu
          parameters:
          - {in: query, name: public, schema: {type: boolean},
             description: Chỉ các chỉ tiêu công khai}
          responses:
            200: {description: "{count, items: [{code, name, unit_of_measure, group,
              disaggregations, owner_unit, aggregate, public}]}"}
        """
        public_only = request.args.get("public", "").lower() in ("1", "true")
        items = [i.to_dict() for i in indicators.list_indicators(public_only=public_only)]
        return self.response(200, count=len(items), items=items)

    @expose("", methods=["POST"])
    @protect()
    def create_indicator(self) -> Any:
        """Add an entry.
        ---
        post:
          summary: Thêm chỉ tiêu vào danh mục
          requestBody:
            content:
              application/json:
                schema:
                  type: object
                  required: [code, name, owner_unit]
                  properties:
                    code: {type: string}
                    name: {type: string}
                    unit_of_measure: {type: string}
                    group: {type: string}
                    disaggregations: {type: array, items: {type: string}}
                    owner_unit: {type: string}
                    aggregate: {type: string, enum: [sum, average, min, max]}
                    public: {type: boolean}
          responses:
            201: {description: Chỉ tiêu đã thêm}
            403: {description: Không có quyền với đơn vị quản lý}
            409: {description: Mã đã có}
            422: {description: Dữ liệu không hợp lệ}
        """
        made = indicators.create_indicator(
            json_payload(), actor=caller(), now=utc_now()
        )
        # not self.response(): its first parameter is named ``code`` too
        return make_response(jsonify(made.to_dict()), 201)

    @expose("/<code>/series", methods=["GET"])
    @protect()
    def get_series(self, code: str) -> Any:
        """Accepted values, period x unit.
        ---
        get:
          summary: Số liệu đã tiếp nhận của một chỉ tiêu theo kỳ và đơn vị
          parameters:
          - {in: path, name: code, required: true, schema: {type: string}}
          - {in: query, name: from, schema: {type: string}, description: Kỳ đầu (2025-M04)}
          - {in: query, name: to, schema: {type: string}, description: Kỳ cuối}
          - {in: query, name: unit, schema: {type: string},
             description: Chỉ các đơn vị thuộc đơn vị này}
          responses:
            200: {description: "{indicator, periods, units, values: {period: {unit: value}},
              totals: {period: value}}"}
            404: {description: Không có chỉ tiêu}
        """
        found = indicator_series.series(
            code,
            indicator_series.Filters.from_args(request.args),
            viewer=indicator_series.Viewer.of(caller(), now=utc_now()),
        )
        return self.response(200, **found.to_dict())
