"""Cell-by-cell differences between two versions of a form.

A designer publishing version 3 needs to see what units will meet that they
did not in version 2: cells that became inputs, changed type or limits, new
formulas, changed labels. Compared per address over the layout cells, the
schema properties and the formulas.
"""

from __future__ import annotations

from typing import Any

#: Compared aspects, with their Vietnamese names for the page.
ASPECTS = {
    "role": "vai trò",
    "text": "nội dung",
    "kind": "kiểu dữ liệu",
    "required": "bắt buộc",
    "minimum": "nhỏ nhất",
    "maximum": "lớn nhất",
    "enum": "giá trị cho phép",
    "help": "hướng dẫn",
    "indicator": "mã chỉ tiêu",
    "formula": "công thức",
    "title": "tiêu đề",
    "repeat": "nhóm dòng lặp (dòng, số dòng tối thiểu–tối đa)",
}


def cell_facts(docs: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every address with the aspects that matter to a unit filling the form."""
    facts: dict[str, dict[str, Any]] = {}
    for sheet in docs["layout"]["sheets"]:
        for cell in sheet["cells"]:
            text = cell.get("text")
            entry = {"role": cell.get("role"), "text": text if text not in ("", None) else None}
            facts[cell["address"]] = entry
    required = set(docs["schema"].get("required", []))
    for address, prop in docs["schema"].get("properties", {}).items():
        if "x-repeat" in prop:
            continue
        entry = facts.setdefault(address, {"role": "input", "text": None})
        entry.update(
            kind=prop.get("x-kind"),
            required=address in required,
            minimum=prop.get("minimum"),
            maximum=prop.get("maximum"),
            enum=prop.get("enum"),
            help=docs.get("help", {}).get(address),
            indicator=prop.get("x-indicator"),
            title=prop.get("title"),
        )
    for name, prop in docs["schema"].get("properties", {}).items():
        if "x-repeat" in prop:
            rows = f"{prop.get('x-first-row')}–{prop.get('x-last-row')}"
            counts = f"{prop.get('minItems', 0)}–{prop.get('maxItems', '')}"
            facts[f"{prop.get('x-sheet')}!{name}"] = {"repeat": f"{rows}, {counts}"}
    for address, formula in docs["formulas"].get("cells", {}).items():
        facts.setdefault(address, {"role": "computed", "text": None})["formula"] = formula.get(
            "formula"
        )
    return facts


def diff_documents(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """``[{"address", "change": added|removed|changed, "fields": {aspect: [old, new]}}]``.

    Ordered by sheet, row, column; unchanged cells are left out.
    """
    before, after = cell_facts(old), cell_facts(new)
    changes: list[dict[str, Any]] = []
    for address in sorted(set(before) | set(after), key=_order):
        a, b = before.get(address), after.get(address)
        if a == b:
            continue
        keys = [k for k in ASPECTS if (a or {}).get(k) != (b or {}).get(k)]
        if not keys:
            continue
        change = "added" if a is None else "removed" if b is None else "changed"
        fields = {k: [(a or {}).get(k), (b or {}).get(k)] for k in keys}
        changes.append({"address": address, "change": change, "fields": fields})
    return changes


def _order(address: str) -> tuple[str, int, int]:
    sheet, _, ref = address.rpartition("!")
    letters = ref.rstrip("0123456789")
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    row = int(ref[len(letters) :] or 0)
    return sheet, row, col
