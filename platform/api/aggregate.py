"""Aggregate endpoints of DESIGN.md §8.

``GET /api/v1/regimes/{id}/periods/{period}/aggregate?unit=`` answers
``{"values", "units_included", "units_missing", "inputs", "computed", "counts"}``
and ``.../aggregate/contributions?cell=Sheet!A1&unit=`` drills one cell down to
the units' values. Thin: the caller must hold ``report.aggregate`` on the scope
unit for the regime; the service does the rest.
"""

from __future__ import annotations

from typing import Any

from baocao.platform.api.workflow_common import (
    caller,
    forbid,
    submission_json,
    utc_now,
)
from baocao.platform.roles import Role
from baocao.platform.services import access
from baocao.platform.services import aggregate_exports as exports
from baocao.platform.services import aggregate_levels as levels
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
        "start_job": "post",
        "get_job": "get",
        "get_job_file": "get",
        "fill_upper": "post",
    }
    openapi_spec_tag = "Tổng hợp báo cáo"
    # Data entry only for fill_upper (its report filled from its aggregate); the
    # permission service still refuses it every aggregate (report.aggregate).
    baocao_roles = (Role.AGGREGATOR, Role.VIEWER, Role.DATA_ENTRY)

    def _scope(self, regime_id: str) -> tuple[Any, str]:
        """The regime and the scope unit, after the permission check (403)."""
        regime = config.get_regime(regime_id)
        scope = request.args.get("unit") or regime.receiving_unit
        if not access.can(
            caller(),
            access.Action.REPORT_AGGREGATE,
            unit=scope,
            regime=regime_id,
            now=utc_now(),
        ):
            raise forbid("xem số liệu tổng hợp", "đơn vị được chọn")
        return regime, scope

    def _aggregate(self, regime_id: str, period: str) -> service.PeriodAggregate:
        _regime, scope = self._scope(regime_id)
        return service.aggregate_period(
            regime_id,
            period,
            unit=scope,
            load_form=current_app.extensions.get("baocao_form_loader"),
            now=utc_now(),
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
        """The aggregate as a file, made while the caller waits.
        ---
        get:
          summary: Xuất số liệu tổng hợp (.xlsx theo mẫu kèm mỗi đơn vị một trang,
            CSV dạng dài, PDF)
          description: Với tệp lớn hoặc nhiều kỳ, hãy dùng các yêu cầu xuất chạy
            nền (POST .../aggregate/jobs).
          parameters:
          - {in: query, name: format, schema: {type: string, enum: [xlsx, csv, pdf]}}
          - {in: query, name: unit, schema: {type: string}}
          - in: query
            name: periods
            schema: {type: string}
            description: >-
              CSV: nhiều kỳ cách nhau bởi dấu phẩy (mặc định: kỳ trên đường dẫn)
          responses:
            200:
              description: >-
                Tệp .xlsx, .pdf, hoặc text/csv (unit, period, sheet, cell,
                indicator, label, value)
            403: {description: Không có quyền tổng hợp}
            422: {description: Định dạng hoặc danh sách kỳ không hợp lệ}
        """
        _regime, scope = self._scope(regime_id)
        fmt = request.args.get("format", "csv")
        if fmt not in exports.FORMATS:
            raise service.ExportFormatError(fmt)
        made = exports.export_aggregate(
            regime_id,
            exports.parse_periods(request.args.get("periods") or period, fmt),
            scope,
            fmt,
            load_form=current_app.extensions.get("baocao_form_loader"),
            load_source=current_app.extensions.get("baocao_form_source"),
            now=utc_now(),
        )
        return _file(made)

    @expose("/<regime_id>/periods/<period>/aggregate/jobs", methods=["POST"])
    @protect()
    def start_job(self, regime_id: str, period: str) -> Any:
        """Start an export as a background job.
        ---
        post:
          summary: Tạo yêu cầu xuất số liệu tổng hợp chạy nền
          parameters:
          - {in: query, name: unit, schema: {type: string}}
          requestBody:
            content:
              application/json:
                schema:
                  type: object
                  properties:
                    format: {type: string, enum: [xlsx, csv, pdf]}
                    periods: {type: string, example: "2026-M01,2026-M02"}
          responses:
            202: {description: "{id, state, progress, format, periods, unit}"}
            403: {description: Không có quyền tổng hợp}
            422: {description: Định dạng hoặc danh sách kỳ không hợp lệ}
        """
        _regime, scope = self._scope(regime_id)
        body = request.get_json(silent=True) or {}
        fmt = str(body.get("format", "csv"))
        if fmt not in exports.FORMATS:
            raise service.ExportFormatError(fmt)
        periods = exports.parse_periods(str(body.get("periods") or period), fmt)
        job = exports.start_job(
            caller().username, regime_id, periods, unit=scope, fmt=fmt, now=utc_now()
        )
        return self.response(202, **exports.job_dict(job))

    @expose("/<regime_id>/periods/<period>/aggregate/jobs/<job_id>", methods=["GET"])
    @protect()
    def get_job(self, regime_id: str, period: str, job_id: str) -> Any:
        """State and progress of one of the caller's export jobs.
        ---
        get:
          summary: Tiến độ của một yêu cầu xuất (chỉ người tạo xem được)
          responses:
            200:
              description: >-
                {id, state: queued|running|done|failed, progress, filename, error}
            404: {description: Không có yêu cầu xuất này của bạn}
        """
        return self.response(
            200, **exports.job_dict(exports.get_job(job_id, caller().username))
        )

    @expose(
        "/<regime_id>/periods/<period>/aggregate/jobs/<job_id>/file", methods=["GET"]
    )
    @protect()
    def get_job_file(self, regime_id: str, period: str, job_id: str) -> Any:
        """The finished job's file.
        ---
        get:
          summary: Tải tệp của một yêu cầu xuất đã xong
          responses:
            200: {description: Tệp đã xuất}
            404: {description: Không có yêu cầu xuất này của bạn}
            409: {description: Yêu cầu xuất chưa xong}
        """
        return _file(exports.job_file(exports.get_job(job_id, caller().username)))

    @expose("/<regime_id>/periods/<period>/aggregate/fill", methods=["POST"])
    @protect()
    def fill_upper(self, regime_id: str, period: str) -> Any:
        """Fill a unit's report to the next level from its aggregate.
        ---
        post:
          summary: Lập báo cáo gửi cấp trên từ số liệu tổng hợp của đơn vị
          description: >-
            Chép số liệu tổng hợp (còn mới) của chế độ {regime_id} tại đơn vị của
            báo cáo vào bản nháp của báo cáo đó trong chế độ cấp trên (cùng phiên
            bản biểu mẫu); người gọi phải được nhập liệu cho báo cáo đó.
          requestBody:
            content:
              application/json:
                schema:
                  type: object
                  properties:
                    submission: {type: string}
          responses:
            200: {description: "{id, state, step, version, data, computed, history}"}
            403: {description: Không được nhập liệu cho báo cáo này}
            409: {description: Số liệu tổng hợp đang được tính lại}
            422: {description: Khác phiên bản biểu mẫu (AG019) hoặc khác kỳ (AG020)}
        """
        body = request.get_json(silent=True) or {}
        saved = levels.fill_from_aggregate(
            str(body.get("submission", "")),
            regime_id,
            period,
            caller(),
            load_form=current_app.extensions.get("baocao_form_loader"),
            now=utc_now(),
        )
        return self.response(200, **submission_json(saved))


def _file(made: Any) -> Response:
    return Response(
        made.data,
        mimetype=made.mimetype,
        headers={"Content-Disposition": f'attachment; filename="{made.filename}"'},
    )
