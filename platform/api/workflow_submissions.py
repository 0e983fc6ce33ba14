"""Submission endpoints of DESIGN.md §8: read, save data and act, with If-Match.

Writes name the version the client read (``If-Match: "3"``, or ``version`` in
the body); a stale one is a 409, a missing one a 428.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from baocao.platform.api.workflow_common import (
    caller,
    expected_version,
    forbid,
    iso,
    json_payload,
    submission_json,
    utc_now,
)
from baocao.platform.models.workflow import Submission
from baocao.platform.roles import UNIT_ROLES
from baocao.platform.services import workflow as service
from baocao.platform.services import workflow_config as config
from baocao.platform.services import workflow_fallback
from baocao.platform.services import workflow_tracking as tracking
from baocao.platform.services.submission_export import export_submission
from baocao.platform.workflow.errors import (
    DataInvalidError,
    WorkflowCode,
    WorkflowError,
)
from baocao.platform.workflow.transitions import CELL_RE
from flask import current_app, request, send_file
from flask_appbuilder.api import BaseApi, expose
from flask_appbuilder.security.decorators import protect

_SCALARS = (int, float, str, bool, type(None))


def _shape_errors(data: Any) -> list[dict[str, Any]]:
    """Field-level errors of a data object before the form's own validation."""
    if not isinstance(data, dict):
        return [
            {"cell": "", "message": "'data' phải là một đối tượng {địa chỉ ô: giá trị}"}
        ]
    errors = []
    for cell, value in data.items():
        if not CELL_RE.match(str(cell)):
            errors.append(
                {"cell": cell, "message": "Địa chỉ ô phải có dạng 'Tên biểu!A1'"}
            )
        elif not isinstance(value, _SCALARS):
            errors.append(
                {"cell": cell, "message": "Giá trị phải là số, chữ, đúng/sai hoặc rỗng"}
            )
    return errors


class SubmissionsApi(BaseApi):
    """Submissions: read, save data (If-Match) and act (If-Match)."""

    resource_name = "submissions"
    class_permission_name = "Submissions"
    method_permission_name = {  # noqa: RUF012 - FAB reads a plain dict
        "list_submissions": "get",
        "get_submission": "get",
        "put_data": "put",
        "take_action": "post",
        "inbox": "get",
        "record_external": "post",
    }
    openapi_spec_tag = "Báo cáo"
    baocao_roles = UNIT_ROLES

    @expose("", methods=["GET"])
    @protect()
    def list_submissions(self) -> Any:
        """Submissions the caller may see.
        ---
        get:
          summary: Danh sách báo cáo trong phạm vi được phân quyền
          responses:
            200: {description: "{count, items}"}
        """
        found = tracking.list_submissions(
            caller(),
            now=utc_now(),
            regime=request.args.get("regime") or None,
            period=request.args.get("period") or None,
            unit=request.args.get("unit") or None,
        )
        items = [
            {
                "id": str(s.pk),
                "regime": s.regime_id,
                "period": s.period_key,
                "unit": s.unit,
                "state": s.state,
                "step": s.step,
                "version": s.version,
                "submitted_at": iso(s.submitted_at),
            }
            for s in found
        ]
        return self.response(200, count=len(items), items=items)

    @expose("/inbox", methods=["GET"])
    @protect()
    def inbox(self) -> Any:
        """What waits for the caller.
        ---
        get:
          summary: Việc cần làm của người dùng (mọi chế độ báo cáo, theo thời hạn)
          responses:
            200: {description: "{count, items}"}
        """
        items = [i.to_dict() for i in tracking.inbox(caller(), now=utc_now())]
        return self.response(200, count=len(items), items=items)

    def _visible(self, submission_id: str) -> Submission:
        sub = service.get_submission(submission_id)
        regime = config.get_regime(sub.regime_id)
        if not service.can_view(caller(), sub, regime, utc_now()):
            raise forbid("xem báo cáo", "đơn vị báo cáo hoặc đơn vị nhận")
        return sub

    @expose("/<submission_id>", methods=["GET"])
    @protect()
    def get_submission(self, submission_id: str) -> Any:
        """One submission with data, computed values and history.
        ---
        get:
          summary: Một báo cáo (số liệu, giá trị tính toán, lịch sử)
          responses:
            200: {description: "{id, state, step, version, data, computed, history}"}
            403: {description: Không có quyền xem}
            404: {description: Không tìm thấy}
        """
        sub = self._visible(submission_id)
        response = self.response(200, **submission_json(sub))
        response.headers["ETag"] = f'"{sub.version}"'
        return response

    @expose("/<submission_id>/data", methods=["PUT"])
    @protect()
    def put_data(self, submission_id: str) -> Any:
        """Save a draft's data.
        ---
        put:
          summary: Lưu số liệu (If-Match là phiên bản đã đọc)
          responses:
            200: {description: "{version, computed, errors}"}
            403: {description: Không có quyền nhập liệu}
            409: {description: Phiên bản đã cũ hoặc báo cáo không còn sửa được}
            422: {description: Số liệu sai, kèm lỗi từng ô}
            428: {description: Thiếu If-Match}
        """
        payload = json_payload()
        expected = expected_version(payload)
        data = payload.get("data")
        errors = _shape_errors(data)
        if errors:
            raise DataInvalidError(errors)
        narrative = payload.get("narrative")
        saved = service.save_data(
            submission_id,
            data,
            expected,
            caller(),
            now=utc_now(),
            narrative=str(narrative) if isinstance(narrative, str) else None,
            form_loader=current_app.extensions.get("baocao_form_loader"),
        )
        response = self.response(
            200, version=saved.version, computed=saved.get_computed(), errors=[]
        )
        response.headers["ETag"] = f'"{saved.version}"'
        return response

    @expose("/<submission_id>/actions/<action>", methods=["POST"])
    @protect()
    def take_action(self, submission_id: str, action: str) -> Any:
        """Submit, approve, return, sign, send or accept.
        ---
        post:
          summary: Thao tác trên báo cáo; trả lại phải có lý do (reason)
          responses:
            200: {description: Báo cáo sau thao tác}
            403: {description: Không có quyền ở bước này}
            409: {description: Phiên bản cũ hoặc thao tác không hợp lệ ở trạng thái này}
            422: {description: Thiếu lý do, chữ ký hoặc ý kiến ô sai}
        """
        payload = json_payload()
        expected = expected_version(payload)
        to_step = payload.get("to_step")
        comments = payload.get("comments")
        done = service.act(  # reads the submission once, 404 / 409 included
            submission_id,
            action,
            expected,
            caller(),
            now=utc_now(),
            reason=payload.get("reason"),
            to_step=to_step if isinstance(to_step, int) else None,
            comments=comments if isinstance(comments, dict) else None,
            signature=payload.get("signature"),
        )
        response = self.response(200, **submission_json(done))
        response.headers["ETag"] = f'"{done.version}"'
        return response

    @expose("/<submission_id>/export", methods=["GET"])
    @protect()
    def export(self, submission_id: str) -> Any:
        """The submission as a filled .xlsx, a PDF or a long-form CSV.
        ---
        get:
          summary: Tải báo cáo dạng Excel, PDF hoặc CSV
          parameters:
          - {in: query, name: format, schema: {type: string, enum: [xlsx, pdf, csv]}}
          responses:
            200: {description: Tệp báo cáo}
            400: {description: Định dạng không hỗ trợ hoặc chế độ không có biểu mẫu}
            403: {description: Không có quyền xem}
        """
        sub = self._visible(submission_id)
        exported = export_submission(
            sub,
            config.get_regime(sub.regime_id),
            request.args.get("format", "xlsx"),
            load_compiled=current_app.extensions.get("baocao_form_loader"),
            load_source=current_app.extensions.get("baocao_form_source"),
            now=utc_now(),
        )
        return send_file(
            io.BytesIO(exported.data),
            mimetype=exported.mimetype,
            as_attachment=True,
            download_name=exported.filename,
        )

    @expose("/<submission_id>/external", methods=["POST"])
    @protect()
    def record_external(self, submission_id: str) -> Any:
        """Record a report received outside the system (Đ.11.2).
        ---
        post:
          summary: Ghi nhận báo cáo gửi ngoài hệ thống (số, ngày văn bản)
          responses:
            200: {description: Báo cáo sau khi ghi nhận}
            403: {description: Không phải đơn vị nhận báo cáo}
            409: {description: Phiên bản cũ}
            422: {description: Thiếu số hoặc ngày văn bản}
        """
        payload = json_payload()
        expected = expected_version(payload)
        try:
            when = date.fromisoformat(str(payload.get("document_date")))
        except ValueError as err:
            raise WorkflowError(
                WorkflowCode.WF041,
                field="document_date",
                detail="ngày văn bản phải có dạng YYYY-MM-DD",
            ) from err
        done = workflow_fallback.record_received_outside(
            submission_id,
            expected,
            caller(),
            now=utc_now(),
            document_number=str(payload.get("document_number") or ""),
            document_date=when,
            file_id=str(payload.get("file_id") or ""),
        )
        return self.response(200, **submission_json(done))
