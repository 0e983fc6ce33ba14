"""Error codes of the formula dialect and of submitted data (Vietnamese messages).

Codes are stable and shown to users: ``FX…`` for formulas, ``DV…`` for data.
Each message says where (``{where}``: ``Sheet!A1`` or the formula's sheet), what
is wrong and how to fix it.
"""

from __future__ import annotations

from typing import Any

from baocao.schemas.errors import Detail, DetailEnum, DialectError


class FormulaCode(DetailEnum):
    """Why a formula cannot be parsed or compiled."""

    FX001 = Detail(
        "syntax error",
        "[{where}] Công thức {formula} sai cú pháp ở vị trí {position}: {detail}. "
        "Hãy sửa công thức trong Excel.",
    )
    FX002 = Detail(
        "unbalanced parentheses",
        "[{where}] Công thức {formula} thiếu hoặc thừa dấu ngoặc. "
        "Hãy kiểm tra các cặp ngoặc ( ).",
    )
    FX003 = Detail(
        "unsupported function",
        "[{where}] Hàm {function} chưa được hỗ trợ. "
        "Hãy dùng các hàm trong danh sách ở docs/formulas.md.",
    )
    FX004 = Detail(
        "unsupported syntax",
        "[{where}] Công thức {formula} dùng cú pháp chưa hỗ trợ ({detail}). "
        "Hãy viết lại công thức bằng phép toán và hàm thông thường.",
    )
    FX005 = Detail(
        "reference out of the sheet",
        "[{where}] Tham chiếu {ref} vượt quá giới hạn trang tính "
        "(tối đa cột XFD, dòng 1048576). Hãy sửa tham chiếu.",
    )
    FX006 = Detail(
        "formula too long or too deeply nested",
        "[{where}] Công thức quá dài hoặc lồng quá sâu ({detail}). "
        "Hãy tách thành nhiều ô trung gian.",
    )
    FX007 = Detail(
        "unknown sheet",
        "[{where}] Công thức tham chiếu trang tính '{sheet}' không có trong biểu mẫu. "
        "Hãy sửa tên trang tính trong công thức.",
    )
    FX008 = Detail(
        "wrong number of arguments",
        "[{where}] Hàm {function} cần {expected} đối số nhưng công thức có {count}. "
        "Hãy sửa số đối số của hàm.",
    )
    FX009 = Detail(
        "defined name not supported",
        "[{where}] Công thức dùng tên {name} không phải ô hay vùng ô. "
        "Hãy thay tên bằng địa chỉ ô (ví dụ D7 hoặc D7:D12).",
    )
    FX010 = Detail(
        "TODAY without a clock",
        "[{where}] Công thức dùng hàm TODAY nhưng chưa có ngày hiện tại. "
        "Hãy truyền today=... khi tạo Calculator.",
    )
    FX011 = Detail(
        "malformed formulas document",
        "[{where}] Tài liệu công thức không hợp lệ: {detail}. "
        "Hãy biên dịch lại biểu mẫu từ tệp Excel.",
    )


class DataCode(DetailEnum):
    """Why a submitted value is rejected (field-level, keyed by cell)."""

    DV001 = Detail("below minimum", "[{where}] Giá trị phải ≥ {limit}.")
    DV002 = Detail("above maximum", "[{where}] Giá trị phải ≤ {limit}.")
    DV003 = Detail("wrong type", "[{where}] Giá trị phải là {expected}.")
    DV004 = Detail("not in the list", "[{where}] Giá trị phải là một trong: {choices}.")
    DV005 = Detail("required", "[{where}] Chưa nhập giá trị bắt buộc.")
    DV006 = Detail(
        "not an input cell", "[{where}] Ô này không phải ô nhập liệu của biểu mẫu."
    )
    DV007 = Detail("text too long", "[{where}] Nội dung dài quá {limit} ký tự.")
    DV008 = Detail(
        "text too short", "[{where}] Nội dung phải có ít nhất {limit} ký tự."
    )
    DV009 = Detail("wrong format", "[{where}] Giá trị không đúng định dạng {format}.")
    DV010 = Detail("below exclusive minimum", "[{where}] Giá trị phải > {limit}.")
    DV011 = Detail("above exclusive maximum", "[{where}] Giá trị phải < {limit}.")
    DV012 = Detail("not a multiple", "[{where}] Giá trị phải là bội số của {limit}.")
    DV099 = Detail(
        "invalid value", "[{where}] Giá trị không hợp lệ. Hãy kiểm tra lại ô này."
    )


class FormulaError(DialectError):
    """A formula that the engine cannot parse or evaluate.

    :param code: the :class:`FormulaCode` member.
    :param where: ``Sheet!A1`` of the formula cell, or the sheet name.
    :param position: 0-based offset in the formula text, when known.
    """

    def __init__(
        self,
        code: FormulaCode,
        *,
        where: str,
        position: int | None = None,
        **fields: Any,
    ) -> None:
        super().__init__(
            code.format(where=where, position=position, **fields), code=code.name
        )
        self.detail = code
        self.where = where
        self.position = position
        self.fields = fields

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: code, message, where and the position in the text."""
        return {**super().to_dict(), "where": self.where, "position": self.position}


class DataValidationError(DialectError):
    """Submitted data breaks the form's schema; carries every field error.

    :param errors: ``(address, code, message)`` for every problem found.
    """

    def __init__(self, errors: list[tuple[str, str, str]]) -> None:
        first = errors[0][2] if errors else ""
        more = f" (và {len(errors) - 1} lỗi khác)" if len(errors) > 1 else ""
        super().__init__(first + more, code=errors[0][1] if errors else "")
        self.errors = errors

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form with one entry per field error."""
        return {
            **super().to_dict(),
            "errors": [{"cell": a, "code": c, "message": m} for a, c, m in self.errors],
        }
