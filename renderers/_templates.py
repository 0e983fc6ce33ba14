"""The Jinja2 environment of the renderers and their interface strings.

Templates sit beside the code (``renderers/templates``) and are loaded from the
installed package. The environment is created on first use, not at import.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

STRINGS: dict[str, dict[str, str]] = {
    "vi": {
        "yes": "Có",
        "no": "Không",
        "add_row": "Thêm dòng",
        "remove_row": "Xóa dòng",
        "errors_title": "Biểu mẫu còn {count} lỗi cần sửa:",
        "not_number": "Giá trị phải là số (ví dụ 1.234,5).",
        "below_min": "Giá trị phải lớn hơn hoặc bằng {min}.",
        "above_max": "Giá trị phải nhỏ hơn hoặc bằng {max}.",
        "recalc_failed": (
            "Không tính lại được các ô công thức. Hãy kiểm tra kết nối mạng."
        ),
        "unsaved": "Có thay đổi chưa được lưu. Bạn có chắc muốn rời trang?",
        "sheets": "Các biểu",
        "words": "từ",
        "required": "bắt buộc",
        "missing": "Phần bắt buộc chưa có nội dung.",
        "total_words": "Tổng số từ",
        "guidance": "Hướng dẫn",
    },
    "en": {
        "yes": "Yes",
        "no": "No",
        "add_row": "Add row",
        "remove_row": "Remove row",
        "errors_title": "The form has {count} errors to fix:",
        "not_number": "The value must be a number (e.g. 1.234,5).",
        "below_min": "The value must be at least {min}.",
        "above_max": "The value must be at most {max}.",
        "recalc_failed": "Could not recalculate the formula cells. Check the network.",
        "unsaved": "There are unsaved changes. Leave the page?",
        "sheets": "Sheets",
        "words": "words",
        "required": "required",
        "missing": "This required section is empty.",
        "total_words": "Total words",
        "guidance": "Guidance",
    },
}


def ui_strings(lang: str) -> dict[str, str]:
    """Interface strings for ``lang`` (Vietnamese when unknown)."""
    return STRINGS.get(lang, STRINGS["vi"])


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The shared, autoescaping Jinja2 environment."""
    return Environment(
        loader=PackageLoader("baocao.renderers", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_template(name: str, **context: Any) -> str:
    """Render one of the package's templates."""
    return environment().get_template(name).render(**context)
