"""Workflow endpoints of DESIGN.md §8: chains, regimes, periods, submissions.

Chains and regimes here, submissions in :mod:`.workflow_submissions`.
Thin: parse the request, call ``baocao.platform.services.workflow*``, answer.
Errors are :class:`~baocao.schemas.errors.BaocaoError` leaves carrying their
status (403 may not, 404 unknown, 409 stale or wrong state, 422 invalid); the
app's single error handler turns them into ``{"code", "message", ...}``. FAB's
``@safe`` is not used: it would turn them into 500s with library text.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from baocao.platform.api.workflow_common import (
    caller,
    forbid,
    iso,
    json_payload,
    utc_now,
)
from baocao.platform.models.workflow import ApprovalChain, Submission
from baocao.platform.roles import UNIT_ROLES, Role
from baocao.platform.services import (  # noqa: F401 - registers the Celery task
    access,
    workflow_jobs,
)
from baocao.platform.services import workflow as service
from baocao.platform.services import workflow_config as config
from baocao.platform.services import workflow_tracking as tracking
from baocao.platform.workflow.errors import (
    WorkflowCode,
    WorkflowError,
)
from flask_appbuilder.api import BaseApi, expose
from flask_appbuilder.security.decorators import protect


class ChainsApi(BaseApi):
    """Approval chains, designed by admins (DESIGN.md §6)."""

    resource_name = "chains"
    class_permission_name = "ApprovalChains"
    method_permission_name = {  # noqa: RUF012 - FAB reads a plain dict
        "create": "post",
        "list_chains": "get",
        "get_chain": "get",
    }
    openapi_spec_tag = "Quy trình phê duyệt"
    baocao_roles = (Role.UNIT_ADMIN, Role.DESIGNER, Role.AGGREGATOR)

    @expose("", methods=["POST"])
    @protect()
    def create(self) -> Any:
        """Create a chain.
        ---
        post:
          summary: Tạo quy trình phê duyệt (các bước có thứ tự)
          responses:
            201: {description: "{id}"}
            403: {description: Không có quyền}
            422: {description: Quy trình chưa hợp lệ, kèm danh sách lỗi}
        """
        user = caller()
        keys = access.role_keys(user)
        if not keys & {Role.SYSADMIN, Role.UNIT_ADMIN, Role.DESIGNER}:
            raise forbid("tạo quy trình", "quản trị")
        doc = config.create_chain(json_payload(), actor=user.username, now=utc_now())
        return self.response(201, id=str(doc.pk))

    @expose("", methods=["GET"])
    @protect()
    def list_chains(self) -> Any:
        """List chains.
        ---
        get:
          summary: Danh sách quy trình phê duyệt
          responses:
            200: {description: "{count, items}"}
        """
        items = [
            {"id": str(c.pk), "name": c.name, "steps": c.steps}
            for c in ApprovalChain.objects.order_by("name")
        ]
        return self.response(200, count=len(items), items=items)

    @expose("/<chain_id>", methods=["GET"])
    @protect()
    def get_chain(self, chain_id: str) -> Any:
        """One chain.
        ---
        get:
          summary: Một quy trình phê duyệt
          responses:
            200: {description: "{id, name, steps}"}
            404: {description: Không tìm thấy}
        """
        doc = config.get_chain(chain_id)
        return self.response(200, id=str(doc.pk), name=doc.name, steps=doc.steps)


def _with_defaults(payload: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Fill the elements that have a legal or system default, and say which.

    Cut-off: Nghị định 09/2019 Đ.12; method: through this system; deadline: five
    working days after the cut-off; guidance: the approval chain's steps.
    """
    filled = dict(payload)
    applied = []
    if not filled.get("cutoff"):
        filled["cutoff"] = {"kind": "nd09"}
        applied.append("cutoff")
    if not filled.get("methods"):
        filled["methods"] = ["he_thong"]
        applied.append("methods")
    if not filled.get("deadline"):
        filled["deadline"] = {"kind": "working_days_after_cutoff", "days": 5}
        applied.append("deadline")
    if not filled.get("guidance") and filled.get("chain_id"):
        try:
            steps = config.get_chain(str(filled["chain_id"])).chain().steps
        except WorkflowError:
            steps = ()
        if steps:
            filled["guidance"] = "Thực hiện theo quy trình: " + " → ".join(
                s.name for s in steps
            )
            applied.append("guidance")
    return filled, applied


def _regime_json(doc: Any) -> dict[str, Any]:
    return {
        "id": str(doc.pk),
        "name": doc.name,
        "kind": doc.kind,
        "content": doc.content,
        "reporting_units": doc.reporting_units,
        "receiving_unit": doc.receiving_unit,
        "methods": doc.methods,
        "cutoff": doc.cutoff,
        "deadline": doc.deadline,
        "frequency": doc.frequency,
        "form_id": doc.form_id,
        "form_version": doc.form_version,
        "outline": doc.outline,
        "guidance": doc.guidance,
        "chain_id": doc.chain_id,
        "status": doc.status,
    }


def _may_manage_periods(user: Any, regime: Any, now: datetime) -> bool:
    regime_id = str(regime.pk)
    return access.can(user, access.Action.REGIME_MANAGE, regime=regime_id, now=now) or (
        access.can(
            user,
            access.Action.REPORT_AGGREGATE,
            unit=regime.receiving_unit,
            regime=regime_id,
            now=now,
        )
    )


class RegimesApi(BaseApi):
    """Regimes, their periods and the tracking board."""

    resource_name = "regimes"
    class_permission_name = "Regimes"
    method_permission_name = {  # noqa: RUF012 - FAB reads a plain dict
        "create": "post",
        "publish": "post",
        "open_period": "post",
        "period_status": "get",
        "get_regime": "get",
        "set_deadline": "post",
        "close_period": "post",
    }
    openapi_spec_tag = "Chế độ báo cáo"
    baocao_roles = UNIT_ROLES

    @expose("", methods=["POST"])
    @protect()
    def create(self) -> Any:
        """Create (and, when complete, publish) a regime.
        ---
        post:
          summary: Tạo chế độ báo cáo, ban hành ngay nếu đủ thành phần (NĐ 09 Đ.7)
          responses:
            201: {description: "{id, status, problems, defaults_applied}"}
            403: {description: Không có quyền}
            422: {description: Thiếu thành phần khi yêu cầu ban hành}
        """
        user, now = caller(), utc_now()
        if not access.can(user, access.Action.REGIME_MANAGE, now=now):
            raise forbid("tạo chế độ báo cáo", "thiết kế biểu mẫu")
        payload, applied = _with_defaults(json_payload())
        publish = payload.get("publish")
        draft = config.create_regime(payload, actor=user.username, now=now)
        problems: list[str] = []
        if publish is not False:
            try:
                draft = config.publish_regime(
                    str(draft.pk), actor=user.username, now=now
                )
            except WorkflowError as err:
                if publish is True:
                    raise
                problems = list(getattr(err, "problems", [err.message]))
        return self.response(
            201,
            id=str(draft.pk),
            status=draft.status,
            problems=problems,
            defaults_applied=applied,
        )

    @expose("/<regime_id>", methods=["GET"])
    @protect()
    def get_regime(self, regime_id: str) -> Any:
        """One regime.
        ---
        get:
          summary: Một chế độ báo cáo
          responses:
            200: {description: Chế độ báo cáo}
            404: {description: Không tìm thấy}
        """
        return self.response(200, **_regime_json(config.get_regime(regime_id)))

    @expose("/<regime_id>/publish", methods=["POST"])
    @protect()
    def publish(self, regime_id: str) -> Any:
        """Publish a draft.
        ---
        post:
          summary: Ban hành chế độ báo cáo
          responses:
            200: {description: "{id, status}"}
            422: {description: Còn thiếu thành phần}
        """
        user, now = caller(), utc_now()
        if not access.can(user, access.Action.REGIME_MANAGE, now=now):
            raise forbid("ban hành chế độ báo cáo", "thiết kế biểu mẫu")
        doc = config.publish_regime(regime_id, actor=user.username, now=now)
        return self.response(200, id=str(doc.pk), status=doc.status)

    @expose("/<regime_id>/periods", methods=["POST"])
    @protect()
    def open_period(self, regime_id: str) -> Any:
        """Open a period: one submission per reporting unit (idempotent).
        ---
        post:
          summary: Mở kỳ báo cáo và tạo báo cáo cho từng đơn vị
          responses:
            201: {description: "{period, window, deadline, created, submissions}"}
            403: {description: Không có quyền}
            409: {description: Chế độ chưa ban hành}
            422: {description: Mã kỳ sai}
        """
        user, now = caller(), utc_now()
        regime = config.get_regime(regime_id)
        if not _may_manage_periods(user, regime, now):
            raise forbid("mở kỳ báo cáo", "đơn vị nhận báo cáo")
        key = str(json_payload().get("period") or "")
        period, created = service.open_period(
            regime_id, key, actor=user.username, now=now
        )
        total = Submission.objects(regime_id=regime_id, period_key=period.key).count()
        return self.response(
            201,
            period=period.key,
            window={"start": period.window_start, "end": period.window_end},
            deadline=period.effective_deadline(),
            created=created,
            submissions=total,
        )

    @expose("/<regime_id>/periods/<period>/status", methods=["GET"])
    @protect()
    def period_status(self, regime_id: str, period: str) -> Any:
        """Tracking board.
        ---
        get:
          summary: Tình hình nộp báo cáo theo đơn vị (trạng thái, bước, trễ hạn)
          responses:
            200: {description: "{count, items, on_time_rate}"}
        """
        user, now = caller(), utc_now()
        regime = config.get_regime(regime_id)
        if not access.can(
            user,
            access.Action.REPORT_VIEW,
            unit=regime.receiving_unit,
            regime=regime_id,
            now=now,
        ) and not access.can(
            user, access.Action.REGIME_MANAGE, regime=regime_id, now=now
        ):
            raise forbid("xem tình hình nộp báo cáo", "đơn vị nhận báo cáo")
        rows = tracking.status(regime_id, period, now=now)
        submitted = [r for r in rows if r.submitted_at is not None]
        on_time = sum(1 for r in submitted if not r.late)
        items = [r.to_dict() for r in rows]
        rate = round(on_time / len(rows), 4) if rows else None
        deadline = service.get_period(regime_id, period).effective_deadline()
        return self.response(
            200,
            regime=regime_id,
            period=period,
            deadline=deadline,
            count=len(items),
            items=items,
            on_time_rate=rate,
        )

    @expose("/<regime_id>/periods/<period>/deadline", methods=["POST"])
    @protect()
    def set_deadline(self, regime_id: str, period: str) -> Any:
        """Move a deadline with a notice (Đ.17.3).
        ---
        post:
          summary: Gia hạn hoặc điều chỉnh thời hạn, kèm thông báo cho đơn vị
          responses:
            200: {description: "{period, deadline}"}
        """
        user, now = caller(), utc_now()
        if not _may_manage_periods(user, config.get_regime(regime_id), now):
            raise forbid("điều chỉnh thời hạn", "đơn vị nhận báo cáo")
        payload = json_payload()
        try:
            new = date.fromisoformat(str(payload.get("deadline")))
        except ValueError as err:
            raise WorkflowError(
                WorkflowCode.WF041,
                field="deadline",
                detail="ngày phải có dạng YYYY-MM-DD",
            ) from err
        notice = str(payload.get("notice") or "").strip()
        if not notice:
            raise WorkflowError(
                WorkflowCode.WF041,
                field="notice",
                detail="phải có nội dung thông báo cho đơn vị",
            )
        doc = service.set_deadline(
            regime_id, period, new, actor=user.username, now=now, notice=notice
        )
        return self.response(200, period=doc.key, deadline=doc.effective_deadline())

    @expose("/<regime_id>/periods/<period>/close", methods=["POST"])
    @protect()
    def close_period(self, regime_id: str, period: str) -> Any:
        """Close a period (read-only archive).
        ---
        post:
          summary: Đóng kỳ báo cáo (chỉ còn tra cứu)
          responses:
            200: {description: "{period, closed_at}"}
        """
        user, now = caller(), utc_now()
        if not _may_manage_periods(user, config.get_regime(regime_id), now):
            raise forbid("đóng kỳ báo cáo", "đơn vị nhận báo cáo")
        doc = service.close_period(regime_id, period, actor=user.username, now=now)
        return self.response(200, period=doc.key, closed_at=iso(doc.closed_at))
