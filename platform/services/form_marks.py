"""Structure a designer marks in the page: repeatable row groups, narrative
sections (rich-text cells with a title) and the narrative outline.

A repeat group changes what the compiler produces (array properties, per-row
formulas, ranges that widen with the rows), so a mark is not patched into the
documents: the stored source is compiled again with the marked groups, exactly
as if the workbook had a ``LAP_<name>`` name for them, and the compiler's rules
refuse impossible marks (overlaps, formulas reading other rows of the group,
merges across its edge, no inputs). The per-cell overrides are then re-applied
and the result checked like any override. A refused mark keeps nothing.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from baocao.form_designer import FormCompileError, Repeat, compile_workbook
from baocao.platform.models.forms import Form
from baocao.platform.services.form_outline import OutlineProblems, normalize_outline
from baocao.platform.services.form_overrides import (
    OverrideProblem,
    apply_overrides,
    check_documents,
)
from baocao.platform.services.forms import (
    FormCode,
    FormOverrideError,
    get_form,
    require_workbook,
    set_override,
    source_bytes,
)

MAX_TITLE = 300
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,39}$")


def _sheet_bounds(base: dict[str, Any], sheet_name: str) -> tuple[str, int, int] | None:
    """(exact sheet name, last row, last column) of a sheet of the compiled layout."""
    for sheet in base["layout"]["sheets"]:
        if sheet["name"] == sheet_name:
            rows = [r["index"] for r in sheet["rows"]] + [
                c["row"] for c in sheet["cells"]
            ]
            cols = [c["index"] for c in sheet["columns"]] + [
                c["col"] for c in sheet["cells"]
            ]
            return sheet["name"], max(rows, default=1), max(cols, default=1)
    return None


def _whole(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _checked_mark(form: Form, spec: dict[str, Any]) -> dict[str, Any]:
    """The mark as stored, or a :class:`FormOverrideError` saying what is wrong."""
    name = str(spec.get("name") or "").strip()
    if not _NAME.match(name):
        raise FormOverrideError(FormCode.FS007, value=name)
    sheet = str(spec.get("sheet") or "")
    first, last = _whole(spec.get("first_row")), _whole(spec.get("last_row"))
    bounds = _sheet_bounds(form.base(), sheet)
    rows = f"{spec.get('first_row')}–{spec.get('last_row')}"
    if bounds is None or first is None or last is None:
        raise FormOverrideError(FormCode.FS008, value=rows, sheet=sheet, max_row="?")
    if not 1 <= first <= last <= bounds[1]:
        raise FormOverrideError(
            FormCode.FS008, value=rows, sheet=sheet, max_row=bounds[1]
        )
    template_rows = last - first + 1
    low = _whole(spec.get("min_rows") if spec.get("min_rows") not in (None, "") else 0)
    high = _whole(spec.get("max_rows") or template_rows)
    if low is None or high is None or low < 0 or high < max(low, 1):
        problem = (
            "số dòng tối thiểu và tối đa phải là số nguyên, 0 ≤ tối thiểu ≤ tối đa"
        )
        raise FormOverrideError(FormCode.FS009, name=name, problem=problem)
    if high > template_rows:
        problem = (
            f"tối đa {high} dòng nhưng vùng mẫu chỉ có {template_rows} dòng; hãy chọn "
            "vùng có đủ số dòng (bộ tính toán chỉ tính trên các dòng của vùng mẫu)"
        )
        raise FormOverrideError(FormCode.FS009, name=name, problem=problem)
    return {
        "name": name,
        "sheet": bounds[0],
        "first_row": first,
        "last_row": last,
        "last_col": bounds[2],
        "min_rows": low,
        "max_rows": high,
    }


def _touched_overrides(form: Form, mark: dict[str, Any]) -> list[str]:
    prefix = f"{mark['sheet']}!"
    found = []
    for address in form.overrides():
        if address.startswith(prefix):
            ref = address[len(prefix) :]
            row = int(ref[len(ref.rstrip("0123456789")) :] or 0)
            if mark["first_row"] <= row <= mark["last_row"]:
                found.append(address)
    return sorted(found)


def _compiled_base(
    form: Form, marks: list[dict[str, Any]]
) -> tuple[dict[str, Any], list]:
    """Compile the stored source with ``marks``; min/max rows go on the arrays."""
    groups = [
        Repeat(m["name"], m["sheet"], m["first_row"], m["last_row"], 1, m["last_col"])
        for m in marks
    ]
    try:
        compiled = compile_workbook(source_bytes(form.source_file_id), repeats=groups)
    except FormCompileError as err:
        problems = " ".join(d.message for d in err.diagnostics if d.is_error)
        raise FormOverrideError(FormCode.FS011, problems=problems) from None
    base = {
        "schema": compiled.schema,
        "layout": compiled.layout,
        "formulas": compiled.formulas,
    }
    for mark in marks:
        prop = base["schema"]["properties"].get(mark["name"], {})
        prop["maxItems"] = mark["max_rows"]
        if mark["min_rows"]:
            prop["minItems"] = mark["min_rows"]
    return base, [w.to_dict() for w in compiled.warnings]


def _store_marks(
    form: Form, marks: list[dict[str, Any]], now: datetime
) -> dict[str, Any]:
    base, warnings = _compiled_base(form, marks)
    try:
        docs = apply_overrides(base, form.overrides())
    except OverrideProblem as problem:
        raise FormOverrideError(
            FormCode.FS003, cell=problem.address, message=problem.message
        ) from None
    problems = check_documents(docs)
    if problems:
        raise FormOverrideError(FormCode.FS004, problems="; ".join(problems[:3]))
    form.base_json = json.dumps(base, ensure_ascii=False)
    form.repeats_json = json.dumps(marks, ensure_ascii=False)
    form.warnings = warnings
    form.updated_at = now
    form.save()
    return docs


def mark_repeat(form_id: str, spec: dict[str, Any], *, now: datetime) -> dict[str, Any]:
    """Mark (or change) a repeatable row group; returns the new draft documents.

    ``spec``: name, sheet, first_row, last_row, min_rows, max_rows.

    :raises FormOverrideError: (422) with a Vietnamese message; nothing kept.
    """
    form = get_form(form_id)
    require_workbook(form, "đánh dấu nhóm dòng lặp")
    mark = _checked_mark(form, spec)
    touched = _touched_overrides(form, mark)
    if touched:
        rows = f"{mark['first_row']}–{mark['last_row']}"
        raise FormOverrideError(
            FormCode.FS010, cell=touched[0], cells=", ".join(touched[:5]), rows=rows
        )
    marks = [m for m in form.repeat_marks() if m["name"] != mark["name"]]
    return _store_marks(form, [*marks, mark], now)


def unmark_repeat(form_id: str, name: str, *, now: datetime) -> dict[str, Any]:
    """Remove a group marked in the page (groups named in the workbook stay)."""
    form = get_form(form_id)
    marks = form.repeat_marks()
    kept = [m for m in marks if m["name"] != name]
    if len(kept) == len(marks):
        in_workbook = any(
            r["name"] == name
            for s in form.base()["layout"]["sheets"]
            for r in s["repeats"]
        )
        raise FormOverrideError(
            FormCode.FS012 if in_workbook else FormCode.FS013, name=name
        )
    return _store_marks(form, kept, now)


def mark_narrative(
    form_id: str, address: str, title: str, *, now: datetime, required: bool = False
) -> dict[str, Any]:
    """Make a cell (or the top-left cell of a merged block) a titled rich-text field."""
    title = (title or "").strip()
    if not title or len(title) > MAX_TITLE:
        raise FormOverrideError(FormCode.FS014, cell=address, address=address)
    form = get_form(form_id)
    _refuse_inside_merge(form.base(), address)
    change = {"role": "narrative", "title": title, "required": required}
    return set_override(form_id, address, change, now=now)


_CELL = re.compile(r"^([A-Z]{1,3})([1-9][0-9]*)$")


def _position(ref: str) -> tuple[int, int] | None:
    """``B12`` → (column number, row)."""
    match = _CELL.match(ref)
    if not match:
        return None
    col = 0
    for char in match.group(1):
        col = col * 26 + ord(char) - 64
    return col, int(match.group(2))


def _refuse_inside_merge(base: dict[str, Any], address: str) -> None:
    sheet_name, _, ref = address.rpartition("!")
    target = _position(ref)
    for sheet in base["layout"]["sheets"]:
        if sheet["name"] != sheet_name or target is None:
            continue
        for merge in sheet["merges"]:
            start, _, end = merge.partition(":")
            (c1, r1), (c2, r2) = _position(start) or (0, 0), _position(end) or (0, 0)
            inside = c1 <= target[0] <= c2 and r1 <= target[1] <= r2
            if inside and target != (c1, r1):
                anchor = f"{sheet_name}!{start}"
                raise FormOverrideError(
                    FormCode.FS015,
                    cell=address,
                    address=address,
                    merge=merge,
                    anchor=anchor,
                )


class OutlineError(FormOverrideError):
    """A refused outline (FS016): the message lists every problem, and
    ``problems`` places each one (section position, JSON field) for API clients."""

    def __init__(self, problems: OutlineProblems) -> None:
        super().__init__(FormCode.FS016, problems="; ".join(problems.problems))
        self.problems = [item._asdict() for item in problems.items]

    def to_dict(self) -> dict[str, Any]:
        # Placed by section, not by cell: the override's "cell" would be blank.
        base = super(FormOverrideError, self).to_dict()
        return {**base, "problems": self.problems}


def check_outline(raw: Any) -> dict[str, Any] | None:
    """The outline as it would be stored (None: no sections), for every writer
    of outlines (the page, ``PUT …/outline``, a new outline-only form).

    :raises OutlineError: (422) FS016 listing every problem.
    """
    try:
        return normalize_outline(raw)
    except OutlineProblems as err:
        raise OutlineError(err) from None


def set_outline(form_id: str, raw: Any, *, now: datetime) -> dict[str, Any] | None:
    """Replace the draft's outline (no sections clears it); published versions
    keep theirs, the next ``publish`` snapshots this one.

    :param raw: ``{"title"?, "sections": [...]}``, see
        :func:`.form_outline.normalize_outline`.
    :raises FormNotFoundError: (404) unknown form.
    :raises OutlineError: (422) FS016 listing every problem; nothing kept.
    """
    form = get_form(form_id)
    outline = check_outline(raw)
    form.outline_json = json.dumps(outline, ensure_ascii=False) if outline else ""
    form.updated_at = now
    form.save()
    return outline
