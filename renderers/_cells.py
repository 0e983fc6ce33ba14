"""HTML of one grid cell: label, input (typed), computed, narrative.

Built with f-strings and ``html.escape`` rather than a Jinja loop: a
2,000-input sheet has ~5,000 cells and the server render budget is 100 ms.
Every value written into the page is escaped here.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

from baocao.renderers.narrative import sanitize_html
from baocao.renderers.numbers import DisplayFormat, format_value, parse_number_format


def escape(value: Any) -> str:
    """Text made safe for element content and quoted attribute values."""
    return html.escape(str(value), quote=True)


NUMERIC_KINDS = frozenset({"integer", "decimal", "percent", "number"})


@dataclass(slots=True)
class CellContext:
    """What every cell of one render shares."""

    form_id: str
    readonly: bool
    errors: dict[str, list[str]]
    strings: dict[str, str]
    placed_errors: set[str] = field(default_factory=set)
    ids: dict[str, str] = field(default_factory=dict)
    """Element id of each rendered control, by data key (for error links)."""

    def element_id(self, key: str) -> str:
        """A stable, unique element id for the control of ``key``."""
        element_id = self.ids.get(key)
        if element_id is None:
            element_id = self.ids[key] = f"{self.form_id}-c{len(self.ids)}"
        return element_id


def _kind(cell: dict[str, Any], prop: dict[str, Any], fmt: DisplayFormat) -> str:
    """The input kind: the schema's ``x-kind``, else guessed from type/format."""
    guesses = (
        (bool(prop.get("x-kind")), str(prop.get("x-kind"))),
        ("enum" in prop, "choice"),
        (cell.get("role") == "narrative", "narrative"),
        (prop.get("type") == "integer", "integer"),
        (fmt.kind == "percent", "percent"),
        (prop.get("type") == "number" or fmt.kind == "number", "decimal"),
        (prop.get("format") == "date" or fmt.kind == "date", "date"),
    )
    return next((kind for matches, kind in guesses if matches), "text")


def _error_html(ctx: CellContext, key: str) -> tuple[str, str]:
    """(extra class, error markup) for the cell whose data key is ``key``."""
    messages = ctx.errors.get(key)
    if not messages:
        return "", ""
    ctx.placed_errors.add(key)
    text = "<br>".join(escape(m) for m in messages)
    return " bc-invalid", f'<div class="bc-err" role="alert">{text}</div>'


def _input_attributes(kind: str, prop: dict[str, Any]) -> str:
    attributes = []
    if kind in NUMERIC_KINDS:
        attributes.append(' inputmode="decimal"')
    for keyword, name in (("minimum", "min"), ("maximum", "max")):
        if isinstance(prop.get(keyword), int | float):
            attributes.append(f' data-{name}="{prop[keyword]}"')
    if isinstance(prop.get("maxLength"), int):
        attributes.append(f' maxlength="{prop["maxLength"]}"')
    return "".join(attributes)


def _control(
    kind: str,
    common: str,
    value: Any,
    *,
    fmt: DisplayFormat,
    prop: dict[str, Any],
    ctx: CellContext,
) -> str:
    """The form control for an input cell of ``kind``."""
    lock = " readonly" if ctx.readonly else ""
    if kind in ("choice", "boolean"):
        options = prop.get("enum") or ([True, False] if kind == "boolean" else [])
        labels = {True: ctx.strings["yes"], False: ctx.strings["no"]}
        html = ['<option value=""></option>']
        for option in options:
            chosen = " selected" if option == value and value is not None else ""
            shown = labels.get(option, option) if isinstance(option, bool) else option
            encoded = (
                "true" if option is True else "false" if option is False else option
            )
            html.append(
                f'<option value="{escape(encoded)}"{chosen}>{escape(shown)}</option>'
            )
        disabled = " disabled" if ctx.readonly else ""
        return f"<select{common}{disabled}>{''.join(html)}</select>"
    if kind == "narrative":
        editable = "false" if ctx.readonly else "true"
        content = sanitize_html(value) if isinstance(value, str) else ""
        return (
            f'<div{common} contenteditable="{editable}" role="textbox" '
            f'aria-multiline="true">{content}</div>'
        )
    if kind == "date":
        shown = value if isinstance(value, str) else ""
        return f'<input type="date"{common} value="{escape(shown)}"{lock}>'
    shown = format_value(value, fmt)
    extra = _input_attributes(kind, prop)
    return f'<input type="text"{common} value="{escape(shown)}"{extra}{lock}>'


def input_cell(
    cell: dict[str, Any],
    key: str,
    value: Any,
    *,
    prop: dict[str, Any],
    ctx: CellContext,
    attrs: str,
    span: str,
    css: str,
) -> str:
    """A ``<td>`` holding the typed control of an input (or narrative) cell."""
    fmt = parse_number_format(cell.get("number_format"))
    kind = _kind(cell, prop, fmt)
    if kind == "percent" and fmt.kind != "percent":
        fmt = DisplayFormat("percent", 2, False)
    invalid, error = _error_html(ctx, key)
    label = prop.get("title") or key
    required = ' aria-required="true"' if prop.get("x-required") else ""
    aria_invalid = ' aria-invalid="true"' if invalid else ""
    element_id = ctx.element_id(key)
    tooltip, note = _help(prop.get("description"), element_id)
    common = (
        f' class="bc-in" id="{element_id}" name="{escape(key)}"'
        f' data-key="{escape(key)}"'
        f' data-kind="{kind}" data-fmt="{fmt.code}" aria-label="{escape(label)}"'
        f"{tooltip}{required}{aria_invalid}{attrs}"
    )
    control = _control(kind, common, value, fmt=fmt, prop=prop, ctx=ctx)
    numeric = " bc-num" if kind in NUMERIC_KINDS else ""
    helped = " bc-help" if note else ""
    return (
        f'<td class="bc-i{numeric}{invalid}{helped} {css}"{span}>'
        f"{control}{note}{error}</td>"
    )


def _help(text: Any, element_id: str) -> tuple[str, str]:
    """(control attributes, note element) for the designer's help text of a cell.

    The text is the control's tooltip for the mouse and, through
    ``aria-describedby``, its accessible description for screen readers; the
    cell shows a corner mark like an Excel comment.
    """
    if not isinstance(text, str) or not text.strip():
        return "", ""
    shown = escape(text.strip())
    note_id = f"{element_id}-h"
    return (
        f' title="{shown}" aria-describedby="{note_id}"',
        f'<span class="bc-note" id="{note_id}" hidden>{shown}</span>',
    )


def computed_cell(
    cell: dict[str, Any],
    key: str,
    value: Any,
    *,
    ctx: CellContext,
    span: str,
    css: str,
    extra: str = "",
) -> str:
    """A read-only ``<td>`` whose text the browser script replaces on recalculation."""
    fmt = parse_number_format(cell.get("number_format"))
    invalid, error = _error_html(ctx, key)
    numeric = (
        " bc-num"
        if isinstance(value, int | float) or fmt.kind in ("number", "percent")
        else ""
    )
    return (
        f'<td class="bc-c{numeric}{invalid} {css}"{span} data-key="{escape(key)}"'
        f' data-fmt="{fmt.code}"{extra} aria-readonly="true"><span class="bc-v">'
        f"{escape(format_value(value, fmt))}</span>{error}</td>"
    )


def label_cell(cell: dict[str, Any] | None, span: str, css: str) -> str:
    """A ``<td>`` with the sheet's own text (titles, headings, row labels)."""
    if cell is None:
        return f'<td class="{css}"{span}></td>'
    text = cell.get("text")
    if text is None:
        text = format_value(
            cell.get("value"), parse_number_format(cell.get("number_format"))
        )
    value = cell.get("value")
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    numeric = " bc-num" if is_number else ""
    return f'<td class="{css}{numeric}"{span}>{escape(text)}</td>'
