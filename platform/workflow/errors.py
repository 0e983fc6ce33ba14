"""Errors of the workflow package: one base, narrow leaves, stable ``WF`` codes.

Every message is Vietnamese and says where, what is wrong and how to fix it; the
web layer maps each leaf to its ``http_status`` in its single error handler
(403 forbidden actor, 409 stale version or wrong state, 422 invalid input).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from baocao.schemas.errors import BaocaoError, Detail, DetailEnum


class WorkflowCode(DetailEnum):
    """Stable codes shown to users; ``msg`` is a Vietnamese template."""

    WF001 = Detail(
        "bad period key",
        "Mã kỳ báo cáo '{key}' không hợp lệ. Hãy dùng một trong các dạng 2026-W05, "
        "2026-M03, 2026-Q1, 2026-H1, 2026-9M, 2026-Y hoặc once.",
    )
    WF002 = Detail(
        "period key does not match the frequency",
        "Kỳ '{key}' không khớp tần suất '{frequency}' của chế độ báo cáo. "
        "Hãy chọn kỳ có dạng {example}.",
    )
    WF003 = Detail(
        "bad cut-off rule",
        "Quy tắc chốt số liệu không hợp lệ: {detail}. Hãy sửa quy tắc chốt số liệu "
        "của chế độ báo cáo.",
    )
    WF004 = Detail(
        "bad deadline rule",
        "Quy tắc thời hạn gửi báo cáo không hợp lệ: {detail}. Hãy sửa thời hạn gửi "
        "của chế độ báo cáo.",
    )
    WF005 = Detail(
        "no explicit window for the key",
        "Kỳ '{key}' chưa có thời gian chốt số liệu trong quy tắc tùy chỉnh. Hãy khai "
        "báo ngày bắt đầu và ngày kết thúc cho kỳ này.",
    )
    WF010 = Detail(
        "invalid approval chain",
        "Quy trình phê duyệt '{chain}' chưa hợp lệ: {problems}",
    )
    WF020 = Detail(
        "actor may not act at this step",
        "Bạn không có quyền thực hiện thao tác '{action}' ở bước '{step}': bước này "
        "dành cho vai trò '{role}' của {unit}. Hãy liên hệ quản trị đơn vị nếu cần "
        "được phân quyền.",
    )
    WF021 = Detail(
        "action not available in the current state",
        "Không thể thực hiện thao tác '{action}' khi báo cáo đang ở trạng thái "
        "'{state}', bước '{step}'. Thao tác hợp lệ lúc này: {allowed}.",
    )
    WF022 = Detail(
        "return needs a reason",
        "Trả lại báo cáo phải ghi rõ lý do. Hãy nhập lý do trả lại.",
    )
    WF023 = Detail(
        "bad return target",
        "Không thể trả báo cáo về bước '{target}': chỉ được trả về một bước trước "
        "bước hiện tại '{step}'.",
    )
    WF024 = Detail(
        "signature required",
        "Bước '{step}' yêu cầu chữ ký số. Hãy ký số báo cáo trước khi xác nhận ký.",
    )
    WF025 = Detail(
        "bad cell comment",
        "Ý kiến gắn vào ô '{cell}' không hợp lệ: {detail}. Địa chỉ ô có dạng "
        "'Tên biểu!A1' và ý kiến không được để trống.",
    )
    WF030 = Detail(
        "stale version",
        "Báo cáo đã được người khác cập nhật (phiên bản hiện tại {current}, bạn gửi "
        "phiên bản {expected}). Hãy tải lại báo cáo rồi thực hiện lại.",
    )
    WF031 = Detail(
        "not found",
        "Không tìm thấy {what} '{key}'. Hãy kiểm tra lại mã.",
    )
    WF032 = Detail(
        "period closed",
        "Kỳ báo cáo '{key}' đã đóng và chỉ còn để tra cứu. Hãy liên hệ đơn vị nhận "
        "báo cáo nếu cần mở lại.",
    )
    WF033 = Detail(
        "data not editable",
        "Không thể sửa số liệu khi báo cáo đang ở trạng thái '{state}'. Chỉ sửa được "
        "khi báo cáo còn là bản nháp hoặc đã bị trả lại về bước nhập liệu.",
    )
    WF034 = Detail(
        "invalid data",
        "Số liệu chưa hợp lệ ({count} lỗi). Hãy sửa các ô được đánh dấu rồi lưu lại.",
    )
    WF035 = Detail(
        "missing If-Match",
        "Thiếu tiêu đề If-Match (phiên bản báo cáo đã đọc). Hãy tải báo cáo, lấy "
        "'version' rồi gửi lại kèm If-Match.",
    )
    WF036 = Detail(
        "not permitted",
        "Bạn không có quyền {action}. Hãy liên hệ quản trị đơn vị nếu cần được phân "
        "quyền.",
    )
    WF040 = Detail(
        "regime incomplete",
        "Chế độ báo cáo '{regime}' chưa thể ban hành vì còn thiếu hoặc sai: {problems}",
    )
    WF042 = Detail(
        "regime not published",
        "Chế độ báo cáo '{regime}' chưa được ban hành. Hãy ban hành chế độ báo cáo "
        "trước khi mở kỳ.",
    )
    WF043 = Detail(
        "no reporting unit",
        "Chế độ báo cáo '{regime}' không có đơn vị thực hiện nào đang hoạt động. Hãy "
        "kiểm tra danh sách đơn vị thực hiện.",
    )
    WF041 = Detail(
        "bad regime field",
        "Trường '{field}' của chế độ báo cáo không hợp lệ: {detail}.",
    )


class WorkflowError(BaocaoError):
    """Base of every error raised by the workflow package.

    :param code: the stable code; its template gives the message.
    :param fields: values for the template's placeholders.
    """

    http_status: ClassVar[int] = 422

    def __init__(self, code: WorkflowCode, **fields: Any) -> None:
        super().__init__(code.format(**fields), code=code.name)
        self.fields = fields


class PeriodError(WorkflowError):
    """A period key, cut-off rule or deadline rule is invalid."""


class ChainInvalidError(WorkflowError):
    """An approval chain breaks a rule; ``problems`` lists every broken rule."""

    def __init__(self, chain: str, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__(WorkflowCode.WF010, chain=chain, problems="; ".join(problems))

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "problems": self.problems}


class RegimeIncompleteError(WorkflowError):
    """A regime lacks an element Nghị định 09/2019 Đ.7 requires."""

    def __init__(self, regime: str, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__(
            WorkflowCode.WF040, regime=regime, problems="; ".join(problems)
        )

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "problems": self.problems}


class TransitionError(WorkflowError):
    """The action is not possible now (wrong state or step)."""

    http_status = 409


class InvalidActionInputError(WorkflowError):
    """The action lacks a reason, a signature or valid cell comments."""


class ForbiddenActionError(WorkflowError):
    """The actor's roles and unit do not match the step."""

    http_status = 403


class ConflictError(WorkflowError):
    """Optimistic concurrency: the submission changed since the client read it."""

    http_status = 409


class NotFoundError(WorkflowError):
    """A chain, regime, period or submission does not exist."""

    http_status = 404


class ClosedPeriodError(WorkflowError):
    """The period is closed; its submissions are a read-only archive (Đ.19)."""

    http_status = 409


class DataInvalidError(WorkflowError):
    """Submitted data breaks the form's schema; ``errors`` are field-level."""

    def __init__(self, errors: Sequence[dict[str, Any]]) -> None:
        self.errors = list(errors)
        super().__init__(WorkflowCode.WF034, count=len(self.errors))

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "errors": self.errors}
