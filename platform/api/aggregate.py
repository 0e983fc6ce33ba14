"""Aggregate endpoints of DESIGN.md §8.

``GET /api/v1/regimes/{id}/periods/{period}/aggregate?unit=`` answers
``{"values", "units_included", "units_missing", "inputs", "computed", "counts"}``
and ``.../aggregate/contributions?cell=Sheet!A1&unit=`` drills one cell down to
the units' values. Thin: the caller must hold ``report.aggregate`` on the scope
unit for the regime; the service does the rest.
"""

from __future__ import annotations

from typing import Any

from baocao.platform.api.workflow_common import caller, forbid, utc_now
from baocao.platform.roles import Role
from baocao.platform.services import access
from baocao.platform.services import aggregation as service
from baocao.platform.services import workflow_config as config
from flask import Response, current_app, request
from flask_appbuilder.api import BaseApi, expose
from flask_appbuilder.security.decorators import protect


class AggregatesApi(BaseApi):
    """Aggregates of a regime's period, and their drill-down."""

    resource_name = "regimes"
    class_permission_name = "Aggregates"
    method_permission_name = {  # noqa: RUF012 - FAB reads a plain dict
        "get_aggregate": "get",
        "get_contributions": "get",
        "export": "get",
    }
    openapi_spec_tag = "Tổng hợp báo cáo"
    baocao_roles = (Role.AGGREGATOR, Role.VIEWER)

    def _aggregate(self, regime_id: str, period: str) -> service.PeriodAggregate:
        user, now = caller(), utc_now()
        regime = config.get_regime(regime_id)
        scope = request.args.get("unit") or regime.receiving_unit
        if not access.can(
            user, access.Action.REPORT_AGGREGATE, unit=scope, regime=regime_id, now=now
        ):
            raise forbid("xem số liệu tổng hợp", "đơn vị được chọn")
        return service.aggregate_period(
            regime_id,
            period,
            unit=scope,
            load_form=current_app.extensions.get("baocao_form_loader"),
            now=now,
        )

    @expose("/<regime_id>/periods/<period>/aggregate", methods=["GET"])
    @protect()
    def get_aggregate(self, regime_id: str, period: str) -> Any:
        """Aggregate of the accepted submissions.
        ---
        get:
          summary: Số liệu tổng hợp các báo cáo đã tiếp nhận của một kỳ
          parameters:
          - {in: query, name: unit, schema: {type: string},
             description: Đơn vị tổng hợp (mặc định là cơ quan nhận báo cáo)}
          responses:
            200: {description: "{values, units_included, units_missing, counts}"}
            403: {description: Không có quyền tổng hợp}
            404: {description: Không có chế độ báo cáo}
            409: {description: Chưa tải được biểu mẫu}
            422: {description: Báo cáo lập trên phiên bản biểu mẫu khác}
        """
        return self.response(200, **self._aggregate(regime_id, period).to_dict())

    @expose("/<regime_id>/periods/<period>/aggregate/contributions", methods=["GET"])
    @protect()
    def get_contributions(self, regime_id: str, period: str) -> Any:
        """Drill-down of one aggregate cell.
        ---
        get:
          summary: Số liệu từng đơn vị của một ô tổng hợp, và các đơn vị chưa có
          parameters:
          - {in: query, name: cell, required: true, schema: {type: string}}
          - {in: query, name: unit, schema: {type: string}}
          responses:
            200: {description: "{cell, rule, value, values, blank, missing}"}
            422: {description: Ô không thuộc biểu mẫu}
        """
        found = self._aggregate(regime_id, period).result
        part = found.contributions(request.args.get("cell", ""))
        return self.response(
            200,
            cell=part.address,
            rule=part.rule,
            value=part.value,
            values=part.values,
            blank=list(part.blank),
            missing=list(part.missing),
        )

    @expose("/<regime_id>/periods/<period>/aggregate/export", methods=["GET"])
    @protect()
    def export(self, regime_id: str, period: str) -> Any:
        """The aggregate and every unit's values as a long-form file.
        ---
        get:
          summary: Xuất số liệu tổng hợp (CSV dạng dài, kèm số liệu từng đơn vị)
          parameters:
          - {in: query, name: format, schema: {type: string, enum: [csv]}}
          - {in: query, name: unit, schema: {type: string}}
          responses:
            200: {description: "text/csv: unit, period, sheet, cell, indicator, value"}
            422: {description: Định dạng chưa hỗ trợ}
        """
        wanted = request.args.get("format", "csv")
        if wanted != "csv":
            raise service.ExportFormatError(wanted)
        found = self._aggregate(regime_id, period)
        name = f"tong-hop-{found.unit}-{period}.csv"
        return Response(
            service.export_csv(found).encode("utf-8"),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
