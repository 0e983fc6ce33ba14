"""Long-form CSV of a submission: one line per data cell.

Columns: sheet, cell, indicator, label, value. UTF-8 with a byte-order mark so
that Excel opens Vietnamese text correctly; numbers with a decimal point (the
file is for machines and pivot tables, not for display); user text escaped
against formula injection. The narrative sections of an outline follow the
cells, one line each (sheet ``Đề cương``, cell = section key).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import Any

from baocao.renderers._labels import cell_labels
from baocao.renderers._sheet import build_grid
from baocao.renderers.escape import escape_formula_text
from baocao.renderers.narrative import NarrativeResult, html_to_text

HEADER = ("sheet", "cell", "indicator", "label", "value")
NARRATIVE_SHEET = "Đề cương"
BOM = "\ufeff"


def csv_value(value: Any, *, narrative: bool = False) -> str | int | float:
    """The CSV text of one value."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:  # noqa: PLR2004
            return int(value)
        return value
    text = html_to_text(str(value)) if narrative else str(value)
    return escape_formula_text(text)


def _rows(
    schema: Mapping[str, Any],
    sheet: Mapping[str, Any],
    data: Mapping[str, Any],
    computed: Mapping[str, Any],
) -> list[tuple[Any, ...]]:
    grid = build_grid(dict(sheet))
    labels = cell_labels(grid)
    properties = schema.get("properties") or {}
    repeat_rows = {
        r: g for g in grid.repeats for r in range(g["first_row"], g["last_row"] + 1)
    }
    done_groups: set[str] = set()
    out: list[tuple[Any, ...]] = []
    for row in grid.rows:
        if row in repeat_rows:
            group = repeat_rows[row]
            if group["name"] not in done_groups:
                done_groups.add(group["name"])
                out.extend(_group_rows(grid, group, properties, data))
            continue
        for slot in grid.slots[row]:
            cell = slot.cell
            role = cell.get("role") if cell else None
            if role not in ("input", "computed", "narrative"):
                continue
            address = cell["address"]
            prop = properties.get(address) or {}
            value = computed.get(address) if role == "computed" else data.get(address)
            label = prop.get("title") or labels.get((row, slot.col), "")
            out.append(
                (
                    escape_formula_text(grid.name),
                    cell.get("ref") or address.rsplit("!", 1)[-1],
                    prop.get("x-indicator") or "",
                    escape_formula_text(label),
                    csv_value(value, narrative=role == "narrative"),
                )
            )
    return out


def _group_rows(
    grid: Any,
    group: Mapping[str, Any],
    properties: Mapping[str, Any],
    data: Mapping[str, Any],
) -> list[tuple[Any, ...]]:
    """One line per filled cell of a repeatable group, keyed ``group[i].D``."""
    items = data.get(group["name"])
    item_props = ((properties.get(group["name"]) or {}).get("items") or {}).get(
        "properties"
    ) or {}
    out = []
    for index, item in enumerate(items if isinstance(items, list) else []):
        for letter in group.get("columns") or sorted(item):
            prop = item_props.get(letter) or {}
            out.append(
                (
                    escape_formula_text(grid.name),
                    f"{group['name']}[{index}].{letter}",
                    prop.get("x-indicator") or "",
                    escape_formula_text(prop.get("title") or letter),
                    csv_value(item.get(letter) if isinstance(item, Mapping) else None),
                )
            )
    return out


def narrative_rows(narrative: NarrativeResult) -> list[tuple[Any, ...]]:
    """One line per outline section: sheet ``Đề cương``, the section key as the
    cell, its heading as the label and its plain text as the value."""
    return [
        (
            NARRATIVE_SHEET,
            section.key,
            "",
            escape_formula_text(section.title),
            csv_value(section.html, narrative=True),
        )
        for section in narrative.sections
    ]


def render_csv(
    schema: Mapping[str, Any],
    layout: Mapping[str, Any],
    data: Mapping[str, Any],
    computed: Mapping[str, Any],
    *,
    narrative: NarrativeResult | None = None,
) -> str:
    """Long-form CSV of every input and computed cell, in sheet order, then the
    narrative sections (when given).

    :returns: the file's text, starting with a BOM; the view encodes it as UTF-8.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    for sheet in layout.get("sheets") or ():
        writer.writerows(_rows(schema, sheet, data, computed))
    if narrative is not None:
        writer.writerows(narrative_rows(narrative))
    return BOM + buffer.getvalue()
