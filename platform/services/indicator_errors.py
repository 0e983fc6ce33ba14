"""Error codes of the indicator catalogue (``CT``) and dashboards (``BD``).

Raised as the domain services' :class:`~baocao.platform.services.errors.InvalidInput`
(422) and :class:`~baocao.platform.services.errors.NotFound` (404), so the single
error handler maps them like every other service error.
"""

from __future__ import annotations

from baocao.schemas.errors import Detail, DetailEnum


class IndicatorCode(DetailEnum):
    """Codes with their Vietnamese messages (what, where, how to fix)."""

    CT001 = Detail(
        "indicator not found",
        "Không tìm thấy chỉ tiêu có mã '{code}'. Hãy kiểm tra mã hoặc thêm chỉ tiêu "
        "vào danh mục.",
    )
    CT002 = Detail(
        "bad indicator code",
        "Mã chỉ tiêu '{code}' không hợp lệ: chỉ dùng chữ cái không dấu, chữ số, '_', "
        "'.' hoặc '-' (tối đa 64 ký tự), như mã gắn vào ô biểu mẫu (CT_<mã>).",
    )
    CT003 = Detail(
        "indicator code taken",
        "Mã chỉ tiêu '{code}' đã có trong danh mục. Hãy sửa chỉ tiêu đó hoặc chọn mã "
        "khác.",
    )
    CT004 = Detail("missing name", "Hãy nhập tên chỉ tiêu (tối đa 300 ký tự).")
    CT005 = Detail(
        "bad aggregate rule",
        "Cách cộng gộp '{value}' không hợp lệ. Hãy chọn một trong: {allowed}.",
    )
    CT006 = Detail(
        "owner unit missing",
        "Đơn vị quản lý chỉ tiêu '{unit}' không tồn tại. Hãy chọn một đơn vị trong "
        "danh mục đơn vị.",
    )
    CT007 = Detail(
        "bad period range",
        "Khoảng kỳ không hợp lệ: kỳ đầu '{start}' đứng sau kỳ cuối '{end}'. Hãy đổi "
        "lại thứ tự.",
    )
    BD001 = Detail("dashboard not found", "Không tìm thấy bảng điều khiển '{ident}'.")
    BD002 = Detail(
        "bad panel kind",
        "Loại biểu đồ '{kind}' không hợp lệ. Hãy chọn một trong: {allowed}.",
    )
    BD003 = Detail(
        "panel needs indicator",
        "Biểu đồ loại '{kind}' cần chọn một chỉ tiêu có trong danh mục.",
    )
    BD004 = Detail(
        "panel needs regime",
        "Biểu đồ tỷ lệ đầy đủ / đúng hạn cần chọn một chế độ báo cáo đã có.",
    )
    BD005 = Detail("panel not found", "Bảng điều khiển không có biểu đồ '{ident}'.")
    BD006 = Detail("missing dashboard name", "Hãy đặt tên bảng điều khiển (tối đa 200 ký tự).")

