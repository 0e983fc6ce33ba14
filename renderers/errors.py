"""Errors raised by the renderers (STYLE.md §4).

A renderer fails only when the documents it is given break the CompiledForm
contract (a merge that is not a range, a cell address that is not ``A1``
style). Those are programming or storage faults, not user mistakes, so the
messages tell the designer which sheet and cell to look at.
"""

from __future__ import annotations

from baocao.schemas.errors import BaocaoError, Detail, DetailEnum


class RenderCode(DetailEnum):
    """Stable codes of rendering failures, with Vietnamese messages."""

    RD001 = Detail(
        "bad cell reference",
        "[Sheet '{sheet}', ô {cell}] Địa chỉ ô không hợp lệ trong bố cục biểu mẫu. "
        "Hãy biên dịch lại mẫu biểu từ tệp Excel.",
    )
    RD002 = Detail(
        "bad merged range",
        "[Sheet '{sheet}'] Vùng gộp ô '{value}' không hợp lệ. "
        "Hãy biên dịch lại mẫu biểu từ tệp Excel.",
    )
    RD003 = Detail(
        "form documents missing",
        "Biểu mẫu thiếu phần '{value}' (schema hoặc layout). "
        "Hãy xuất bản lại phiên bản biểu mẫu.",
    )
    RD004 = Detail(
        "layout has no sheet",
        "Bố cục biểu mẫu không có sheet nào để hiển thị. "
        "Hãy kiểm tra tệp Excel mẫu và biên dịch lại.",
    )


class RenderError(BaocaoError):
    """Base of every error raised by :mod:`baocao.renderers`."""

    http_status = 500

    def __init__(self, code: RenderCode, **fields: object) -> None:
        super().__init__(code.format(**fields), code=code.name)
        self.detail = code


class LayoutError(RenderError):
    """The ``layout`` document does not follow docs/compiled_form.md."""

    http_status = 422
