"""Errors of the domain services (units, accounts, grants, support).

One base, :class:`ServiceError`, and narrow leaves that carry the HTTP status
the web layer's single error handler maps them to. Codes are stable and shown
to users: ``DV`` for units (đơn vị), ``TK`` for accounts (tài khoản), ``PQ`` for
permissions (phân quyền), ``HT`` for support and announcements (hỗ trợ),
``XF`` for exported files (xuất tệp).
"""

from __future__ import annotations

from typing import Any, ClassVar

from baocao.schemas.errors import BaocaoError, Detail, DetailEnum


class Code(DetailEnum):
    """Error codes of the domain services with their Vietnamese messages."""

    DV001 = Detail(
        "unit not found",
        "Không tìm thấy đơn vị có mã '{code}'. Hãy kiểm tra lại mã đơn vị.",
    )
    DV002 = Detail(
        "unit code taken", "Mã đơn vị '{code}' đã tồn tại. Hãy chọn mã khác."
    )
    DV003 = Detail(
        "bad unit code",
        "Mã đơn vị '{code}' không hợp lệ: chỉ dùng chữ cái không dấu, chữ số, '-' hoặc '_' (tối đa 32 ký tự).",
    )
    DV004 = Detail(
        "parent missing",
        "Đơn vị cấp trên '{parent}' không tồn tại. Hãy tạo đơn vị cấp trên trước hoặc sửa mã.",
    )
    DV005 = Detail(
        "parent closed",
        "Đơn vị cấp trên '{parent}' đã ngừng hoạt động. Hãy chọn một đơn vị đang hoạt động.",
    )
    DV006 = Detail(
        "cycle",
        "Không thể đặt '{parent}' làm cấp trên của '{code}': '{parent}' nằm trong cây đơn vị của '{code}' (sẽ tạo vòng lặp).",
    )
    DV007 = Detail(
        "bad kind for parent",
        "Loại đơn vị '{kind}' không được đặt dưới đơn vị '{parent}' loại '{parent_kind}'. {hint}",
    )
    DV008 = Detail(
        "bad kind",
        "Loại đơn vị '{kind}' không hợp lệ. Dùng một trong: tỉnh, sở/ngành, xã/phường, đơn vị trực thuộc.",
    )
    DV009 = Detail(
        "unit closed",
        "Đơn vị '{code}' đã ngừng hoạt động từ {when}; không thể thực hiện thao tác này.",
    )
    DV010 = Detail(
        "active children",
        "Đơn vị '{code}' còn {count} đơn vị trực thuộc đang hoạt động. Hãy đóng hoặc chuyển các đơn vị đó trước.",
    )
    DV011 = Detail(
        "merge into itself",
        "Không thể sáp nhập đơn vị '{code}' vào chính nó hoặc vào đơn vị trực thuộc của nó.",
    )
    DV012 = Detail("missing name", "Tên đơn vị không được để trống.")
    DV013 = Detail(
        "bad date",
        "Ngày '{value}' không hợp lệ. Hãy ghi theo dạng NNNN-TT-NN (ví dụ 2025-07-01) hoặc NN/TT/NNNN.",
    )
    DV014 = Detail("bad import file", "Không đọc được tệp '{filename}': {why}")
    DV015 = Detail(
        "import has errors",
        "Tệp có {count} dòng lỗi; chưa có dữ liệu nào được lưu. Hãy sửa các dòng lỗi rồi nhập lại.",
    )
    DV016 = Detail(
        "kind change in import",
        "Đơn vị '{code}' đã tồn tại với loại '{old}' và cấp trên '{old_parent}'; tệp ghi loại '{new}', cấp trên '{new_parent}'. Hãy dùng chức năng sửa đơn vị để chuyển cấp trên.",
    )
    DV017 = Detail(
        "duplicate in file",
        "Mã đơn vị '{code}' xuất hiện nhiều lần trong tệp (dòng {lines}). Mỗi mã chỉ được ghi một lần.",
    )
    DV018 = Detail(
        "bad date order",
        "Ngày ngừng hoạt động ({end}) phải sau ngày bắt đầu hiệu lực ({start}).",
    )
    TK001 = Detail("account not found", "Không tìm thấy tài khoản '{username}'.")
    TK002 = Detail(
        "username taken", "Tên đăng nhập '{username}' đã được dùng. Hãy chọn tên khác."
    )
    TK003 = Detail(
        "bad username",
        "Tên đăng nhập '{username}' không hợp lệ: 3–64 ký tự gồm chữ không dấu, chữ số, '.', '-', '_'.",
    )
    TK004 = Detail(
        "one admin per unit",
        "Đơn vị '{unit}' đã có tài khoản quản trị '{other}' (mỗi đơn vị một tài khoản quản trị, Đ.14.2). Hãy khóa hoặc chuyển tài khoản đó trước.",
    )
    TK005 = Detail(
        "bad role", "Vai trò '{role}' không hợp lệ hoặc bạn không được cấp vai trò này."
    )
    TK006 = Detail("no roles", "Hãy chọn ít nhất một vai trò cho tài khoản.")
    TK007 = Detail(
        "weak password",
        "Mật khẩu chưa đạt yêu cầu: {why}",
    )
    TK008 = Detail("bad email", "Địa chỉ thư điện tử '{email}' không hợp lệ.")
    TK009 = Detail(
        "email taken", "Địa chỉ thư điện tử '{email}' đã được dùng cho tài khoản khác."
    )
    TK010 = Detail("grant not found", "Không tìm thấy quyền được cấp có mã '{grant}'.")
    TK011 = Detail(
        "self change", "Bạn không thể tự khóa hoặc tự chuyển tài khoản của chính mình."
    )
    TK012 = Detail(
        "store failure",
        "Không lưu được tài khoản '{username}' vào kho tài khoản. Hãy thử lại; nếu lỗi lặp lại hãy gửi yêu cầu hỗ trợ.",
    )
    TK013 = Detail(
        "regime not found",
        "Không tìm thấy chế độ báo cáo có mã '{regime}'. Hãy chọn chế độ báo cáo trong danh sách.",
    )
    PQ001 = Detail("forbidden", "Bạn không có quyền {what}.")
    HT001 = Detail("empty text", "Hãy mô tả nội dung cần hỗ trợ (không để trống).")
    HT002 = Detail("request not found", "Không tìm thấy yêu cầu hỗ trợ số '{ident}'.")
    HT003 = Detail(
        "bad window", "Thời gian kết thúc ({end}) phải sau thời gian bắt đầu ({start})."
    )
    HT004 = Detail(
        "short notice",
        "Thông báo bảo trì phải đăng trước ít nhất {required} giờ làm việc (Đ.20.3); hiện chỉ còn {hours} giờ làm việc. Hãy dời thời gian bảo trì hoặc đánh dấu là khẩn cấp.",
    )
    HT005 = Detail("announcement not found", "Không tìm thấy thông báo số '{ident}'.")
    HT006 = Detail("bad status", "Trạng thái '{status}' không hợp lệ.")
    HT007 = Detail(
        "expected before created",
        "Thời gian dự kiến hoàn thành ({when}) phải sau thời điểm nhận yêu cầu.",
    )
    HT009 = Detail(
        "missing window",
        "Hãy nhập đủ thời gian bắt đầu và kết thúc bảo trì (giờ Việt Nam).",
    )
    HT008 = Detail("text too long", "Nội dung dài quá {max} ký tự. Hãy rút gọn.")
    XF001 = Detail(
        "unknown export format",
        "Định dạng '{fmt}' không được hỗ trợ. Hãy chọn một trong: {formats}.",
    )
    XF002 = Detail(
        "no form to export",
        "Chế độ báo cáo '{regime}' không có biểu mẫu số liệu (hoặc phiên bản biểu mẫu "
        "không còn) nên không xuất được tệp.",
    )
    XF003 = Detail(
        "form has no workbook",
        "Chế độ báo cáo '{regime}' dùng biểu mẫu chỉ có mẫu đề cương, không có tệp "
        "Excel nên không có tệp .xlsx. Hãy tải bản PDF hoặc CSV.",
    )


class ServiceError(BaocaoError):
    """Base of every error raised on purpose by the domain services."""

    http_status: ClassVar[int] = 400

    def __init__(self, detail: Code, /, **fields: Any) -> None:
        super().__init__(detail.format(**fields), code=detail.name)
        self.detail = detail
        self.fields = fields


class InvalidInput(ServiceError):
    """The request is well-formed but breaks a domain rule (HTTP 422)."""

    http_status = 422


class NotFound(ServiceError):
    """The unit, account, grant or request does not exist (HTTP 404)."""

    http_status = 404


class Conflict(ServiceError):
    """The target already exists or its state forbids the change (HTTP 409)."""

    http_status = 409


class Forbidden(ServiceError):
    """The caller may not do this (HTTP 403)."""

    http_status = 403

    def __init__(self, what: str) -> None:
        super().__init__(Code.PQ001, what=what)


class ImportRejected(InvalidInput):
    """An import file has at least one bad row; nothing was stored."""

    def __init__(self, report: Any, count: int) -> None:
        super().__init__(Code.DV015, count=count)
        self.report = report
