"""Recording and reading the append-only audit log.

Every unit and account action goes through :func:`record`; the log is never
updated or deleted (see :class:`~baocao.platform.models.AuditEvent`).
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from baocao.platform.models import AuditEvent
from baocao.platform.services.workhours import utc_naive

logger = logging.getLogger(__name__)

#: Vietnamese descriptions of the recorded actions, for the log view.
ACTION_LABELS: dict[str, str] = {
    "unit.create": "Tạo đơn vị",
    "unit.edit": "Sửa đơn vị",
    "unit.move": "Chuyển cấp trên của đơn vị",
    "unit.close": "Ngừng hoạt động đơn vị",
    "unit.merge": "Sáp nhập đơn vị",
    "unit.import": "Nhập danh mục đơn vị",
    "unit.seed": "Khởi tạo danh mục Đồng Tháp",
    "account.create": "Tạo tài khoản",
    "account.edit": "Sửa tài khoản",
    "account.deactivate": "Khóa tài khoản",
    "account.reactivate": "Mở khóa tài khoản",
    "account.transfer": "Chuyển giao tài khoản",
    "account.password": "Đặt lại mật khẩu",
    "grant.add": "Cấp quyền theo báo cáo",
    "grant.revoke": "Thu hồi quyền",
    "announcement.post": "Đăng thông báo bảo trì",
    "announcement.withdraw": "Gỡ thông báo bảo trì",
    "support.create": "Gửi yêu cầu hỗ trợ",
    "support.update": "Cập nhật yêu cầu hỗ trợ",
    "chain.create": "Tạo quy trình phê duyệt",
    "regime.create": "Tạo chế độ báo cáo",
    "regime.publish": "Ban hành chế độ báo cáo",
    "period.open": "Mở kỳ báo cáo",
    "period.deadline": "Điều chỉnh hạn báo cáo",
    "period.close": "Đóng kỳ báo cáo",
    "period.remind": "Nhắc nhở đơn vị chưa nộp báo cáo",
    "submission.save": "Lưu dữ liệu báo cáo",
    "submission.import": "Nhập số liệu từ tệp Excel",
    "submission.submit": "Trình báo cáo",
    "submission.approve": "Phê duyệt báo cáo",
    "submission.return": "Trả lại báo cáo",
    "submission.sign": "Ký số báo cáo",
    "submission.send": "Gửi báo cáo",
    "submission.accept": "Tiếp nhận báo cáo",
    "submission.record_outside": "Ghi nhận báo cáo nhận ngoài hệ thống",
    "exchange.queue": "Xếp gói tin QCVN 125 vào hàng đợi",
    "exchange.delivered": "Gửi gói tin QCVN 125 thành công",
    "exchange.pending": "Gửi gói tin QCVN 125 lỗi, sẽ gửi lại",
    "exchange.rejected": "Gói tin QCVN 125 bị từ chối",
    "exchange.failed": "Gửi gói tin QCVN 125 thất bại",
    "exchange.retry": "Gửi lại gói tin QCVN 125 ngay",
    "exchange.error": "Không lập được gói tin QCVN 125",
    "indicator.create": "Thêm chỉ tiêu",
    "indicator.update": "Sửa chỉ tiêu",
    "dashboard.save": "Lưu bảng điều khiển",
}


def record(
    actor: str,
    action: str,
    target: str,
    *,
    now: datetime,
    unit: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event and return it.

    :param actor: username of who acted (``system`` for commands and seeding).
    :param action: dotted action key, see :data:`ACTION_LABELS`.
    :param target: ``kind:id`` of what was acted on.
    :param unit: the unit the event concerns, for subtree-scoped reading.
    """
    event = AuditEvent(
        actor=actor,
        action=action,
        target=target,
        unit=unit,
        time=utc_naive(now),
        details=details or {},
    )
    event.save()
    logger.info("audit %s %s %s", actor, action, target)
    return event


@dataclass(frozen=True, slots=True)
class AuditPage:
    """One page of events, newest first."""

    events: list[AuditEvent]
    total: int
    page: int
    per_page: int


def query(
    *,
    units: Collection[str] | None = None,
    actor: str = "",
    action: str = "",
    target: str = "",
    page: int = 1,
    per_page: int = 50,
) -> AuditPage:
    """Return events filtered by the given values, newest first.

    :param units: when given, only events whose ``unit`` is in it (the unit
        admin's subtree); None means every event (system admin).
    """
    filters: dict[str, Any] = {}
    if units is not None:
        filters["unit__in"] = sorted(units)
    if actor:
        filters["actor"] = actor
    if action:
        filters["action"] = action
    if target:
        filters["target"] = target
    found = AuditEvent.objects(**filters).order_by("-time")
    total = found.count()
    page = max(page, 1)
    events = list(found.skip((page - 1) * per_page).limit(per_page))
    return AuditPage(events=events, total=total, page=page, per_page=per_page)


def history(target: str) -> list[AuditEvent]:
    """Every event about one target, oldest first (an account's or unit's history)."""
    return list(AuditEvent.objects(target=target).order_by("time"))
