"""A designer's per-cell changes applied on top of the compiled documents.

Help texts have no keyword in the schema's meta-schema, so they live in a fourth
document, ``help`` (``{address: text}``), next to schema, layout and formulas.

The compiler guesses (unprotected sheets) or reads (protected sheets) each
cell's role; the designer corrects it cell by cell. Overrides are kept apart
from the compiler's output so that they can be listed, undone and re-applied,
and the result is checked against the meta-schemas and by building a
:class:`~baocao.schemas.Calculator`, exactly like a fresh compile.
"""

from __future__ import annotations

import copy
from typing import Any

from baocao.schemas import Calculator, CompiledForm, check_document

ROLES = ("label", "input", "computed", "narrative")
KINDS = ("integer", "decimal", "percent", "date", "text", "choice", "boolean", "narrative")
#: Fields a designer may set on one cell.
FIELDS = (
    "role", "kind", "required", "minimum", "maximum", "enum", "help", "indicator", "title",
)
_AGGREGATE = {"integer": "sum", "decimal": "sum"}
_PERCENT_AGG = "average"


class OverrideProblem(ValueError):
    """One override that cannot be applied; ``message`` is Vietnamese."""

    def __init__(self, address: str, message: str) -> None:
        super().__init__(message)
        self.address = address
        self.message = message


def apply_overrides(
    base: dict[str, Any], overrides: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """The documents with every override applied (``base`` is not changed).

    :raises OverrideProblem: for the first override that cannot apply.
    """
    docs = copy.deepcopy(base)
    for address in sorted(overrides):
        _apply_one(docs, address, overrides[address])
    return docs


def check_documents(docs: dict[str, Any]) -> list[str]:
    """Meta-schema problems of the three documents, and whether the engine loads them."""
    problems: list[str] = []
    for name in ("schema", "layout", "formulas"):
        problems += [f"{name}: {p}" for p in check_document(name, docs[name])]
    if not problems:
        try:
            Calculator(CompiledForm(docs["schema"], docs["layout"], docs["formulas"]))
        except Exception as err:  # noqa: BLE001 - reported as a Vietnamese problem
            problems.append(f"Bộ tính toán không nạp được biểu mẫu ({type(err).__name__}).")
    return problems


def find_cell(docs: dict[str, Any], address: str) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The layout sheet holding ``address`` and its layout cell (None when not listed)."""
    sheet_name, _, ref = address.rpartition("!")
    for sheet in docs["layout"]["sheets"]:
        if sheet["name"] == sheet_name:
            for cell in sheet["cells"]:
                if cell["address"] == address:
                    return sheet, cell
            if not _valid_ref(ref):
                break
            return sheet, None
    raise OverrideProblem(address, f"Không có ô {address} trong biểu mẫu.")


def _valid_ref(ref: str) -> bool:
    letters = ref.rstrip("0123456789")
    digits = ref[len(letters) :]
    return bool(letters) and letters.isalpha() and letters.isupper() and digits.isdigit()


def _apply_one(docs: dict[str, Any], address: str, change: dict[str, Any]) -> None:
    sheet, cell = find_cell(docs, address)
    if any(r for r in sheet.get("repeats", []) if _in_repeat(r, cell, address)):
        raise OverrideProblem(
            address, f"Ô {address} thuộc nhóm dòng lặp: hãy sửa trong tệp Excel mẫu, hoặc bỏ "
            "nhóm đã đánh dấu trong trang thiết kế rồi sửa ô."
        )
    if cell is None:
        cell = _new_layout_cell(sheet, address)
    formulas = docs["formulas"]
    role = change.get("role", cell["role"])
    if role not in ROLES:
        raise OverrideProblem(address, f"Vai trò '{role}' không hợp lệ ở ô {address}.")
    if (role == "computed") != (address in formulas["cells"]):
        raise OverrideProblem(
            address,
            f"Ô {address}: chỉ ô có công thức mới là ô tính toán, và ô có công thức "
            "không đổi được vai trò; hãy sửa công thức trong tệp Excel mẫu.",
        )
    props = docs["schema"]["properties"]
    if role == "label":
        cell["role"] = "label"
        docs.get("help", {}).pop(address, None)
        props.pop(address, None)
        formulas["inputs"].pop(address, None)
        _set_required(docs["schema"], address, False)
        return
    if role == "computed":
        return
    _make_input(docs, cell, address, role, change)


def _in_repeat(repeat: dict[str, Any], cell: dict[str, Any] | None, address: str) -> bool:
    row = cell["row"] if cell else int(address.rpartition("!")[2].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    return int(repeat["first_row"]) <= row <= int(repeat["last_row"])


def _new_layout_cell(sheet: dict[str, Any], address: str) -> dict[str, Any]:
    ref = address.rpartition("!")[2]
    letters = ref.rstrip("0123456789")
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    cell = {
        "address": address, "ref": ref, "row": int(ref[len(letters) :]), "col": col,
        "role": "label", "text": None, "value": None, "number_format": "General",
        "style": {"bold": False, "italic": False, "underline": False, "font_size": 11,
                  "font_color": None, "fill": None, "align": None, "valign": None,
                  "wrap": False, "indent": 0,
                  "border": {"top": None, "bottom": None, "left": None, "right": None}},
    }
    sheet["cells"].append(cell)
    sheet["cells"].sort(key=lambda c: (c["row"], c["col"]))
    return cell


def _make_input(
    docs: dict[str, Any], cell: dict[str, Any], address: str, role: str, change: dict[str, Any]
) -> None:
    props = docs["schema"]["properties"]
    old = props.get(address, {})
    kind = "narrative" if role == "narrative" else change.get("kind", old.get("x-kind", "decimal"))
    if kind == "narrative" and role == "input":
        role = "narrative"
    if kind not in KINDS:
        raise OverrideProblem(address, f"Kiểu dữ liệu '{kind}' không hợp lệ ở ô {address}.")
    title = str(change.get("title") or "").strip()[:300]
    prop = _typed(kind, title or old.get("title") or cell.get("text") or address, address)
    _limits(prop, kind, address, {**_carried(old), **change})
    if kind == "text" and "maxLength" in old:
        prop["maxLength"] = old["maxLength"]
    helps = docs.setdefault("help", {})
    text = str(change.get("help", helps.get(address, "")) or "").strip()
    if text:
        helps[address] = text
    else:
        helps.pop(address, None)
    indicator = str(change.get("indicator", old.get("x-indicator", "")) or "").strip()
    if indicator:
        _unique_indicator(props, address, indicator)
        prop["x-indicator"] = indicator
    props[address] = prop
    cell["role"] = role
    docs["formulas"]["inputs"][address] = {"aggregate": prop["x-aggregate"]}
    required = change.get("required", address in docs["schema"].get("required", []))
    _set_required(docs["schema"], address, bool(required))


def _typed(kind: str, title: str, address: str) -> dict[str, Any]:
    prop: dict[str, Any] = {"title": title, "x-cell": address, "x-kind": kind}
    if kind == "integer":
        prop["type"] = "integer"
    elif kind in ("decimal", "percent"):
        prop["type"] = "number"
    elif kind == "boolean":
        prop["type"] = "boolean"
    else:
        prop["type"] = "string"
    if kind == "date":
        prop["format"] = "date"
    if kind == "narrative":
        prop["contentMediaType"] = "text/html"
    prop["x-aggregate"] = _AGGREGATE.get(kind, _PERCENT_AGG if kind == "percent" else "none")
    return prop


def _carried(old: dict[str, Any]) -> dict[str, Any]:
    return {k: old[k] for k in ("minimum", "maximum", "enum") if k in old}


def _limits(prop: dict[str, Any], kind: str, address: str, values: dict[str, Any]) -> None:
    numeric = kind in ("integer", "decimal", "percent")
    for key in ("minimum", "maximum"):
        value = values.get(key)
        if value is None or value == "":
            continue
        if not numeric or isinstance(value, bool) or not isinstance(value, int | float):
            raise OverrideProblem(
                address, f"Ô {address}: giới hạn {key} chỉ dùng cho ô số và phải là số."
            )
        prop[key] = value
    if "minimum" in prop and "maximum" in prop and prop["minimum"] > prop["maximum"]:
        raise OverrideProblem(address, f"Ô {address}: giá trị nhỏ nhất lớn hơn giá trị lớn nhất.")
    enum = values.get("enum")
    if kind == "choice":
        if not enum or not isinstance(enum, list):
            raise OverrideProblem(
                address, f"Ô {address}: kiểu 'chọn từ danh sách' cần ít nhất một giá trị cho phép."
            )
        prop["enum"] = [str(v) for v in enum]
    elif enum and kind == "text":
        prop["enum"] = [str(v) for v in enum]


def _unique_indicator(props: dict[str, Any], address: str, code: str) -> None:
    for other, prop in props.items():
        if other != address and isinstance(prop, dict) and prop.get("x-indicator") == code:
            raise OverrideProblem(
                address, f"Mã chỉ tiêu {code} đã gán cho ô {other}; mỗi chỉ tiêu chỉ một ô."
            )


def _set_required(schema: dict[str, Any], address: str, required: bool) -> None:
    names = [n for n in schema.get("required", []) if n != address]
    if required:
        names.append(address)
    schema["required"] = names
