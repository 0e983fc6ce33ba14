"""Diagnostics and errors of the form compiler.

Every problem found in a template is a :class:`Diagnostic` with a stable code
(``FD012``), the sheet and cell it is about and a Vietnamese message that says
where, what is wrong and how to fix it. The compiler collects all of them and
raises one :class:`FormCompileError` when any is an error, so that a designer
fixes the whole template in one pass instead of one upload per mistake.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, ClassVar

from baocao.schemas.errors import BaocaoError, Detail, DetailEnum

_WHERE = "[Sheet '{sheet}', ô {cell}] "


class Code(DetailEnum):
    """Stable diagnostic codes; the message templates are shown to designers."""

    FD001 = Detail(
        "not an xlsx file",
        "Tệp tải lên không phải tệp Excel .xlsx (không đọc được cấu trúc tệp). "
        "Hãy mở tệp bằng Excel và lưu lại dạng 'Excel Workbook (*.xlsx)'.",
    )
    FD002 = Detail(
        "encrypted workbook",
        "Tệp Excel đang được đặt mật khẩu mở tệp (mã hoá) nên không đọc được. "
        "Hãy gỡ mật khẩu mở tệp (File > Info > Protect Workbook > Encrypt with "
        "Password, xoá mật khẩu) rồi tải lại; mật khẩu khoá trang tính thì giữ được.",
    )
    FD003 = Detail(
        "macro-enabled workbook",
        "Tệp có chứa macro (VBA) nên bị từ chối vì lý do an toàn. Hãy lưu lại dạng "
        "'Excel Workbook (*.xlsx)' (không macro) rồi tải lại.",
    )
    FD004 = Detail(
        "zip bomb",
        "Tệp nén bất thường ({value}), vượt giới hạn an toàn khi giải nén. "
        "Hãy kiểm tra lại tệp, xoá dữ liệu thừa và lưu lại bằng Excel.",
    )
    FD005 = Detail(
        "unreadable workbook",
        "Không đọc được nội dung tệp Excel (tệp hỏng hoặc không đúng chuẩn .xlsx). "
        "Hãy mở tệp bằng Excel, lưu lại dạng .xlsx rồi tải lại.",
    )
    FD006 = Detail(
        "too many cells",
        "Biểu mẫu có {value} ô có nội dung hoặc ô nhập liệu, vượt giới hạn {limit} "
        "ô. Hãy tách biểu mẫu thành nhiều biểu nhỏ hoặc xoá các vùng dữ liệu, vùng "
        "bỏ khoá không dùng.",
    )
    FD007 = Detail(
        "used range trimmed",
        "[Sheet '{sheet}'] Vùng đã dùng khai báo {value} lớn hơn nhiều so với nội "
        "dung thực tế nên đã được thu gọn về {cell}. Nếu muốn, hãy xoá định dạng "
        "các dòng/cột thừa trong Excel.",
    )
    FD008 = Detail(
        "external links",
        "Tệp có liên kết tới tệp Excel khác ({value}). Hãy dùng Data > Edit Links > "
        "Break Link để chuyển liên kết thành giá trị rồi tải lại.",
    )
    FD009 = Detail(
        "legacy xls",
        "Tệp là định dạng Excel cũ (.xls), không được hỗ trợ. Hãy mở bằng Excel và "
        "lưu lại dạng 'Excel Workbook (*.xlsx)'.",
    )
    FD010 = Detail(
        "unsupported function",
        _WHERE + "Công thức dùng hàm {value} chưa được hỗ trợ. Hãy thay bằng các hàm "
        "được hỗ trợ (ví dụ SUM, IF, IFERROR, ROUND, SUMIF, COUNTIF, INDEX/MATCH).",
    )
    FD011 = Detail(
        "whole column or row reference",
        _WHERE + "Công thức tham chiếu cả cột hoặc cả dòng ({value}). Hãy giới hạn "
        "vùng tham chiếu trong bảng, ví dụ D9:D18 thay cho D:D.",
    )
    FD012 = Detail(
        "external workbook reference",
        _WHERE + "Công thức tham chiếu tới tệp Excel khác ({value}). Hãy chép dữ "
        "liệu cần dùng vào một sheet của biểu mẫu này và tham chiếu tới sheet đó.",
    )
    FD013 = Detail(
        "circular reference",
        _WHERE + "Tham chiếu vòng giữa các ô: {value}. Hãy sửa công thức để không "
        "ô nào phụ thuộc (trực tiếp hay gián tiếp) vào chính nó.",
    )
    FD014 = Detail(
        "formula syntax error",
        _WHERE + "Không phân tích được công thức {value}. Hãy kiểm tra dấu ngoặc, "
        "dấu phẩy và tên hàm rồi nhập lại công thức trong Excel.",
    )
    FD015 = Detail(
        "unknown sheet",
        _WHERE + "Công thức tham chiếu sheet không có trong tệp ({value}). Hãy sửa "
        "tên sheet trong công thức hoặc thêm sheet đó vào biểu mẫu.",
    )
    FD016 = Detail(
        "range too large",
        _WHERE + "Công thức tham chiếu vùng quá lớn ({value}). Hãy giới hạn vùng "
        "tham chiếu trong phạm vi bảng số liệu.",
    )
    FD017 = Detail(
        "array formula",
        _WHERE + "Công thức mảng hoặc bảng dữ liệu (Data Table) chưa được hỗ trợ. "
        "Hãy thay bằng công thức thường trong từng ô.",
    )
    FD018 = Detail(
        "bad repeat group",
        "[Sheet '{sheet}'] Tên vùng lặp {value} phải trỏ tới một vùng nhiều dòng "
        "liền nhau trên một sheet (ví dụ 'Biểu 01'!$A$10:$F$12). Hãy sửa tên vùng "
        "trong Formulas > Name Manager.",
    )
    FD019 = Detail(
        "duplicate indicator code",
        _WHERE + "Mã chỉ tiêu {value} đã gắn cho ô {other}. Mỗi mã chỉ tiêu chỉ gắn "
        "cho một ô; hãy sửa ghi chú hoặc tên vùng của một trong hai ô.",
    )
    FD020 = Detail(
        "no input cells",
        "Không tìm thấy ô nhập liệu nào trong biểu mẫu. Hãy bỏ khoá (Format Cells > "
        "Protection > bỏ chọn Locked) các ô đơn vị cần nhập rồi bật Protect Sheet.",
    )
    FD021 = Detail(
        "validation list unresolved",
        _WHERE + "Danh sách chọn của ô lấy từ {value} nhưng không đọc được các giá "
        "trị. Hãy nhập danh sách trực tiếp (ví dụ: Có,Không) hoặc trỏ tới một vùng "
        "ô có giá trị trong cùng tệp.",
    )
    FD022 = Detail(
        "ignored workbook feature",
        "Tệp dùng tính năng Excel không được hỗ trợ và đã được bỏ qua ({value}). "
        "Hãy kiểm tra lại biểu mẫu sau khi biên dịch.",
    )
    FD023 = Detail(
        "defined name in formula",
        _WHERE + "Công thức dùng tên vùng {value} không trỏ tới một vùng ô trong "
        "tệp. Hãy thay tên vùng bằng địa chỉ ô (ví dụ D9:D18).",
    )
    FD024 = Detail(
        "overlapping repeat groups",
        "[Sheet '{sheet}'] Nhóm dòng lặp {value} (dòng {rows}) chồng lên nhóm {other}. "
        "Mỗi dòng chỉ thuộc một nhóm; hãy chọn vùng dòng khác hoặc bỏ một nhóm.",
    )
    FD025 = Detail(
        "duplicate repeat group name",
        "[Sheet '{sheet}'] Tên nhóm dòng lặp {value} đã dùng cho một nhóm khác. Hãy "
        "đặt tên khác (chữ không dấu, số, dấu gạch dưới).",
    )
    FD026 = Detail(
        "repeat group without inputs",
        "[Sheet '{sheet}'] Nhóm dòng lặp {value}: dòng {rows} không có ô nhập liệu. "
        "Hãy chỉ chọn các dòng số liệu đơn vị nhập (không chọn dòng tiêu đề, dòng "
        "tổng cộng).",
    )
    FD027 = Detail(
        "merge across repeat group edge",
        _WHERE + "Vùng gộp ô {value} nằm một phần trong nhóm dòng lặp {other}. "
        "Hãy chọn vùng dòng chứa trọn vùng gộp, hoặc bỏ gộp ô trong tệp Excel.",
    )
    FD028 = Detail(
        "formula across repeat rows",
        _WHERE + "Ô công thức nằm trong nhóm dòng lặp {value} nhưng đọc ô {other} ở "
        "dòng khác của nhóm (ví dụ dòng tổng cộng, luỹ kế). Công thức trong nhóm chỉ "
        "được dùng ô cùng dòng; hãy đưa dòng tổng ra ngoài vùng nhóm.",
    )
    FD030 = Detail(
        "not an input cell",
        _WHERE + "Ô này không phải ô nhập liệu của biểu mẫu (giá trị {value}). Hãy "
        "chỉ nhập số liệu vào các ô nhập liệu, không sửa tiêu đề và ô công thức.",
    )
    FD031 = Detail(
        "wrong value type",
        _WHERE + "Giá trị {value} không đúng kiểu {kind} của ô. Hãy nhập lại giá trị "
        "đúng kiểu.",
    )
    FD032 = Detail(
        "unknown sheet or cell",
        "Địa chỉ {value} không có trong biểu mẫu. Hãy dùng địa chỉ dạng 'Tên sheet!D9' "
        "của một ô nhập liệu.",
    )
    FD033 = Detail(
        "formula cell overwritten",
        _WHERE + "Ô này là ô công thức {formula} nhưng trong tệp đã bị ghi đè hoặc "
        "sửa thành {value}. Hãy khôi phục công thức (hoặc tải lại tệp Excel từ trang "
        "báo cáo) rồi chỉ nhập số liệu vào các ô nhập liệu.",
    )
    FD034 = Detail(
        "file of another form",
        "Tệp tải lên không phải tệp Excel của biểu mẫu này ({value}). Hãy bấm 'Tải "
        "Excel' trên trang của chính báo cáo này, nhập số liệu vào tệp đó rồi tải lên.",
    )
    FD035 = Detail(
        "too many rows in a repeat group",
        "[Sheet '{sheet}', dòng {rows}] Nhóm dòng lặp {value} có {count} dòng nhưng "
        "biểu mẫu chỉ cho phép tối đa {limit} dòng. Hãy xoá bớt các dòng thừa trong "
        "tệp Excel (hoặc gộp nội dung vào các dòng có sẵn) rồi tải lên lại.",
    )


class Severity(enum.Enum):
    """Whether a diagnostic stops compilation."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem found in a template."""

    code: Code
    """Stable code shown to users (``FD012``)."""
    message: str
    """Formatted Vietnamese message saying where, what and how to fix it."""
    sheet: str = ""
    """Sheet name, empty for workbook-level problems."""
    cell: str = ""
    """Cell reference such as ``D9``, empty when not about one cell."""
    severity: Severity = Severity.ERROR
    """Errors stop compilation; warnings are returned with the result."""

    @classmethod
    def make(
        cls,
        code: Code,
        *,
        sheet: str = "",
        cell: str = "",
        severity: Severity = Severity.ERROR,
        **fields: Any,
    ) -> Diagnostic:
        """Build a diagnostic, formatting ``code``'s message with the fields."""
        message = code.format(sheet=sheet, cell=cell, **fields)
        return cls(code, message, sheet, cell, severity)

    @property
    def is_error(self) -> bool:
        """True when this diagnostic stops compilation."""
        return self.severity is Severity.ERROR

    def to_dict(self) -> dict[str, str]:
        """JSON-ready form used by the API and the CLI."""
        return {
            "code": self.code.name,
            "severity": self.severity.value,
            "sheet": self.sheet,
            "cell": self.cell,
            "message": self.message,
        }


class FormDesignError(BaocaoError):
    """Base of the errors raised by :mod:`baocao.form_designer`."""

    http_status: ClassVar[int] = 422


class FormCompileError(FormDesignError):
    """A template has errors; carries every diagnostic (errors and warnings).

    :param diagnostics: everything found, in a stable order.
    """

    def __init__(self, diagnostics: tuple[Diagnostic, ...] | list[Diagnostic]) -> None:
        self.diagnostics = tuple(diagnostics)
        errors = [d for d in self.diagnostics if d.is_error]
        first = errors[0] if errors else None
        count = len(errors)
        summary = f"Biểu mẫu có {count} lỗi cần sửa." if count != 1 else ""
        text = "\n".join(d.message for d in errors) or "Biểu mẫu có lỗi."
        message = f"{summary}\n{text}" if summary else text
        super().__init__(message, code=first.code.name if first else "FD000")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form with every diagnostic."""
        return {
            "code": self.code,
            "message": self.message,
            "diagnostics": [d.to_dict() for d in self.diagnostics],
        }


class FillError(FormDesignError):
    """Data to write into, or read from, a filled workbook does not fit the form.

    :param problems: one Vietnamese line per wrong cell.
    """

    def __init__(self, problems: list[str], *, code: str) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(problems), code=code)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form listing every wrong cell."""
        return {
            "code": self.code,
            "message": self.message,
            "problems": list(self.problems),
        }
