"""The data-entry grid: the sheet drawn from ``layout`` with typed inputs.

``render_entry_form`` returns an HTML fragment (no ``<html>`` shell; the
platform wraps it and serves ``static/baocao-grid.js`` and ``.css``). Inputs
carry their data key, kind and display format so that the browser script can
parse Vietnamese numbers, navigate like a spreadsheet, paste blocks, ask for
recalculation and report changes for autosave.

Data keys: an ordinary input is keyed by its address (``Biểu 01!D9``); a
cell of a repeatable row group by ``group[i].D`` (row ``i`` from 0, column
letter), matching the schema's array-of-objects property for the group.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from baocao.renderers._assemble import RowHtml, sheet_tables
from baocao.renderers._cells import CellContext, computed_cell, input_cell, label_cell
from baocao.renderers._sheet import (
    SheetGrid,
    Slot,
    build_grid,
    column_letter,
    height_to_px,
    width_to_px,
)
from baocao.renderers._styles import StyleSheet
from baocao.renderers._templates import render_template, ui_strings
from baocao.renderers.errors import LayoutError, RenderCode

TOOLS_WIDTH = 28
FormDocuments = Any
"""A ``CompiledForm``, a ``(schema, layout)`` pair or a dict with both keys."""


@dataclass(slots=True)
class _SheetHtml:
    name: str
    html: str
    error_count: int


def split_documents(form: FormDocuments) -> tuple[dict[str, Any], dict[str, Any]]:
    """(schema, layout) from whichever shape the caller holds."""
    if isinstance(form, tuple | list) and len(form) == 2:  # noqa: PLR2004 - a pair
        return form[0], form[1]
    if isinstance(form, Mapping):
        schema, layout = form.get("schema"), form.get("layout")
    else:
        schema, layout = getattr(form, "schema", None), getattr(form, "layout", None)
    if not isinstance(layout, Mapping):
        raise LayoutError(RenderCode.RD003, value="layout")
    return dict(schema or {}), dict(layout)


def _normalise_errors(errors: Mapping[str, Any] | None) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for key, messages in (errors or {}).items():
        if isinstance(messages, str):
            result[key] = [messages]
        else:
            result[key] = [str(m) for m in messages]
    return result


def _repeat_rows(
    grid: SheetGrid, data: Mapping[str, Any]
) -> dict[int, tuple[dict[str, Any], int]]:
    """First row of each group → (repeat group, number of rows to draw)."""
    starts = {}
    for group in grid.repeats:
        items = data.get(group["name"])
        template_rows = group["last_row"] - group["first_row"] + 1
        count = len(items) if isinstance(items, list) else template_rows
        starts[group["first_row"]] = (group, max(count, 1))
    return starts


class _GridWriter:
    """Writes the ``<table>`` of one sheet."""

    def __init__(
        self,
        grid: SheetGrid,
        schema: dict[str, Any],
        data: Mapping[str, Any],
        computed: Mapping[str, Any],
        *,
        ctx: CellContext,
        styles: StyleSheet,
    ) -> None:
        self.grid, self.data, self.computed = grid, data, computed
        self.properties: dict[str, Any] = schema.get("properties") or {}
        self.required = set(schema.get("required") or ())
        self.ctx, self.styles = ctx, styles
        self.frozen_left = self._frozen_left()
        self.position = {row: i for i, row in enumerate(grid.rows)}

    def _frozen_left(self) -> dict[int, int]:
        """Left offsets of frozen columns (row labels)."""
        offsets: dict[int, int] = {}
        left = 0
        for col in self.grid.columns:
            if col <= self.grid.freeze_cols:
                offsets[col] = left
                left += width_to_px(self.grid.widths[col])
        return offsets

    def _sticky(self, slot: Slot) -> tuple[str, str]:
        """(class, inline style) that keep row labels in view."""
        classes, style = [], []
        left = self.frozen_left.get(slot.col)
        if (
            left is not None
            and self.grid.freeze_from <= slot.row <= self.grid.freeze_until
        ):
            classes.append("bc-fc")
            style.append(f"left:{left}px")
        return " ".join(classes), ";".join(style)

    def cell(self, slot: Slot, repeat: tuple[str, int, bool] | None = None) -> str:
        """HTML of one slot, dispatched on the cell's role."""
        cell = slot.cell
        css = self.styles.class_for(cell.get("style") if cell else None, slot.border)
        sticky_class, sticky_style = self._sticky(slot)
        if sticky_class:
            css = f"{css} {sticky_class}"
        span = f' data-r="{slot.row}" data-c="{slot.col}"'
        if slot.colspan > 1:
            span += f' colspan="{slot.colspan}"'
        if slot.rowspan > 1:
            span += f' rowspan="{slot.rowspan}"'
        if sticky_style:
            span += f' style="{sticky_style}"'
        role = cell.get("role") if cell else None
        if role in ("input", "narrative"):
            return self._input(cell, slot, repeat, span, css)
        if role == "computed":
            key = cell["address"]
            if repeat is not None and not repeat[2]:
                key = self._repeat_key(cell, repeat)
            value = self.computed.get(key)
            extra = (
                "" if repeat is None else f' data-col="{column_letter(cell["col"])}"'
            )
            return computed_cell(
                cell, key, value, ctx=self.ctx, span=span, css=css, extra=extra
            )
        return label_cell(cell, span, css)

    def _repeat_key(self, cell: dict[str, Any], repeat: tuple[str, int, bool]) -> str:
        return f"{repeat[0]}[{repeat[1]}].{column_letter(cell['col'])}"

    def _input(
        self,
        cell: dict[str, Any],
        slot: Slot,
        repeat: tuple[str, int, bool] | None,
        span: str,
        css: str,
    ) -> str:
        address = cell["address"]
        if repeat is None:
            key, value = address, self.data.get(address)
            prop = dict(self.properties.get(address) or {})
            prop["x-required"] = address in self.required
            attrs = ""
        else:
            group, index, _ = repeat
            letter = column_letter(cell["col"])
            key = f"{group}[{index}].{letter}"
            items = self.data.get(group)
            row = items[index] if isinstance(items, list) and index < len(items) else {}
            value = row.get(letter) if isinstance(row, Mapping) else None
            group_schema = self.properties.get(group) or {}
            prop = dict(
                ((group_schema.get("items") or {}).get("properties") or {}).get(letter)
                or {}
            )
            attrs = f' data-repeat="{group}" data-index="{index}" data-col="{letter}"'
        return input_cell(
            cell, key, value, prop=prop, ctx=self.ctx, attrs=attrs, span=span, css=css
        )

    def rows(self) -> list[RowHtml]:
        """Every ``<tr>`` of the sheet, with repeatable groups expanded."""
        starts = _repeat_rows(self.grid, self.data)
        skip: set[int] = set()
        for group, _ in starts.values():
            skip.update(range(group["first_row"] + 1, group["last_row"] + 1))
        out: list[RowHtml] = []
        merged_until = -1  # position of the last row a rowspan reaches
        for row in self.grid.rows:
            if row in skip:
                continue
            if row in starts:
                out.extend(self._group_rows(*starts[row]))
                continue
            here = self.position[row]
            slots = self.grid.slots[row]
            for slot in slots:
                merged_until = max(merged_until, here + slot.rowspan - 1)
            height = height_to_px(self.grid.heights[row])
            cells = "".join(self._line(slots))
            out.append(
                RowHtml(
                    row,
                    f'<tr style="height:{height}px">{cells}</tr>',
                    height,
                    merged_until <= here,
                )
            )
        return out

    def _line(self, slots: list[Slot]) -> list[str]:
        """Cells of a row; text may overflow into empty neighbours, as in Excel."""
        out = []
        for i, slot in enumerate(slots):
            html = self.cell(slot)
            cell = slot.cell
            if cell and cell.get("text") and cell.get("role") in (None, "label"):
                following = slots[i + 1].cell if i + 1 < len(slots) else None
                if not following or (
                    not following.get("text")
                    and following.get("role") in (None, "label")
                    and following.get("value") is None
                ):
                    html = html.replace('<td class="', '<td class="bc-ov ', 1)
            out.append(html)
        return out

    def _group_rows(self, group: dict[str, Any], count: int) -> list[RowHtml]:
        """The group's rows, then its "add row" line; one unbreakable block."""
        name = group["name"]
        template_rows = [
            r for r in self.grid.rows if group["first_row"] <= r <= group["last_row"]
        ]
        out = []
        remove = self.ctx.strings["remove_row"]
        for index in range(count):
            own_row = index < len(template_rows)
            row = template_rows[min(index, len(template_rows) - 1)]
            cells = "".join(
                self.cell(slot, (name, index, own_row)) for slot in self.grid.slots[row]
            )
            tools = (
                ""
                if self.ctx.readonly
                else (
                    f'<td class="bc-tools"><button type="button" class="bc-del" '
                    f'aria-label="{remove}" title="{remove}">'
                    "\u2212</button></td>"
                )
            )
            height = height_to_px(self.grid.heights[row])
            html = (
                f'<tr class="bc-rep" data-repeat="{name}" data-index="{index}" '
                f'style="height:{height}px">{cells}{tools}</tr>'
            )
            out.append(RowHtml(row, html, height, False))
        if not self.ctx.readonly:
            prop = self.properties.get(name) or {}
            limits = "".join(
                f' data-{attr}="{int(prop[key])}"'
                for key, attr in (("minItems", "min-rows"), ("maxItems", "max-rows"))
                if isinstance(prop.get(key), int)
            )
            if isinstance(prop.get("maxItems"), int) and count >= prop["maxItems"]:
                limits += " disabled"
            html = (
                f'<tr class="bc-addrow"><td colspan="{len(self.grid.columns) + 1}">'
                f'<button type="button" class="bc-add" data-repeat="{name}" '
                f'data-first-row="{group["first_row"]}" '
                f'data-template-rows="{len(template_rows)}"{limits}>+ '
                f"{self.ctx.strings['add_row']}</button></td></tr>"
            )
            out.append(RowHtml(group["last_row"], html, 24, False))
        last = out[-1]
        out[-1] = RowHtml(last.row, last.html, last.height, True)
        return out


def render_entry_form(
    form: FormDocuments,
    data: Mapping[str, Any],
    computed: Mapping[str, Any],
    *,
    errors: Mapping[str, str | Sequence[str]] | None = None,
    readonly: bool = False,
    lang: str = "vi",
    form_id: str = "bc-form",
    recalc_url: str | None = None,
) -> str:
    """Render the data-entry grid of a compiled form as an HTML fragment.

    :param form: ``CompiledForm``, ``(schema, layout)`` or ``{"schema", "layout"}``.
    :param data: input values keyed by address (repeat groups by group name).
    :param computed: formula results keyed by address (``Calculator.calculate``).
    :param errors: Vietnamese messages per data key, shown at the cell and in a
        summary with links; keys that match no cell appear in the summary only.
    :param readonly: draw values without editable controls (approver's view).
    :param form_id: element id; distinct ids let two forms share a page.
    :param recalc_url: endpoint the browser POSTs changed inputs to.
    :raises LayoutError: when ``layout`` breaks the contract.
    """
    schema, layout = split_documents(form)
    sheets = layout.get("sheets") or []
    if not sheets:
        raise LayoutError(RenderCode.RD004)
    strings = ui_strings(lang)
    ctx = CellContext(
        form_id=_safe_id(form_id),
        readonly=readonly,
        errors=_normalise_errors(errors),
        strings=strings,
    )
    styles = StyleSheet()
    rendered = []
    for sheet in sheets:
        grid = build_grid(sheet)
        before = len(ctx.placed_errors)
        writer = _GridWriter(grid, schema, data, computed, ctx=ctx, styles=styles)
        rows = writer.rows()
        widths = [width_to_px(grid.widths[c]) for c in grid.columns]
        if grid.repeats and not readonly:
            widths.append(TOOLS_WIDTH)  # the add/remove row buttons
        colgroup = "".join(f'<col style="width:{w}px">' for w in widths)
        width = sum(widths)
        html = sheet_tables(grid, rows, colgroup, width)
        rendered.append(_SheetHtml(grid.name, html, len(ctx.placed_errors) - before))
    summary = [
        (key, messages, ctx.ids.get(key)) for key, messages in ctx.errors.items()
    ]
    return render_template(
        "entry_form.html",
        form_id=ctx.form_id,
        sheets=rendered,
        css=styles.css(ctx.form_id),
        summary=summary,
        strings=strings,
        readonly=readonly,
        recalc_url=recalc_url,
        lang=lang,
        error_count=sum(len(m) for m in ctx.errors.values()),
    )


def _safe_id(value: str) -> str:
    """Element ids end up in CSS selectors: keep them to [A-Za-z0-9_-]."""
    return re.sub(r"[^A-Za-z0-9_-]", "-", value) or "bc-form"
