"""Cell styles of the layout → deduplicated CSS classes for the HTML grid.

A 2,000-input sheet has a handful of distinct styles; emitting one class per
distinct style keeps the page small and the server render fast.
"""

from __future__ import annotations

from typing import Any

BORDER_CSS = {
    "thin": "1px solid #000",
    "hair": "1px dotted #000",
    "dotted": "1px dotted #000",
    "dashed": "1px dashed #000",
    "dashDot": "1px dashed #000",
    "dashDotDot": "1px dashed #000",
    "medium": "2px solid #000",
    "mediumDashed": "2px dashed #000",
    "mediumDashDot": "2px dashed #000",
    "mediumDashDotDot": "2px dashed #000",
    "slantDashDot": "2px dashed #000",
    "thick": "3px solid #000",
    "double": "3px double #000",
}
_ALIGN = {
    "left": "left",
    "center": "center",
    "right": "right",
    "justify": "justify",
    "centerContinuous": "center",
    "distributed": "justify",
    "fill": "left",
}
_VALIGN = {
    "top": "top",
    "center": "middle",
    "bottom": "bottom",
    "justify": "middle",
    "distributed": "middle",
}
_SIDES = ("top", "right", "bottom", "left")


def style_key(style: dict[str, Any] | None, border: dict[str, Any]) -> tuple[Any, ...]:
    """Hashable summary of what the CSS depends on."""
    get = (style or {}).get
    side = border.get
    return (
        get("bold"),
        get("italic"),
        get("underline"),
        get("font_size"),
        get("font_color"),
        get("fill"),
        get("align"),
        get("valign"),
        get("wrap"),
        get("indent"),
        side("top"),
        side("right"),
        side("bottom"),
        side("left"),
    )


def css_declarations(key: tuple[Any, ...]) -> str:
    """CSS declarations for a :func:`style_key`."""
    bold, italic, underline, size, color, fill, align, valign, wrap, indent = key[:10]
    parts = []
    if bold:
        parts.append("font-weight:bold")
    if italic:
        parts.append("font-style:italic")
    if underline:
        parts.append("text-decoration:underline")
    if size and size != 12:  # noqa: PLR2004 - 12 pt is the grid's base size (NĐ 30)
        parts.append(f"font-size:{float(size):g}pt")
    if color and color.upper() not in ("#000000", "#000"):
        parts.append(f"color:{color}")
    if fill:
        parts.append(f"background:{fill}")
    if align in _ALIGN:
        parts.append(f"text-align:{_ALIGN[align]}")
    if valign in _VALIGN:
        parts.append(f"vertical-align:{_VALIGN[valign]}")
    parts.append("white-space:pre-wrap" if wrap else "white-space:nowrap")
    if indent:
        parts.append(f"padding-left:{int(indent) * 9 + 3}px")
    for side, value in zip(_SIDES, key[10:], strict=True):
        if value:
            parts.append(f"border-{side}:{BORDER_CSS.get(value, BORDER_CSS['thin'])}")
    return ";".join(parts)


class StyleSheet:
    """Collects distinct styles and names them ``s0``, ``s1``, …"""

    def __init__(self) -> None:
        self.classes: dict[tuple[Any, ...], str] = {}

    def class_for(self, style: dict[str, Any] | None, border: dict[str, Any]) -> str:
        """Class name for a cell's style, creating it on first use."""
        key = style_key(style, border)
        name = self.classes.get(key)
        if name is None:
            name = self.classes[key] = f"s{len(self.classes)}"
        return name

    def css(self, scope: str) -> str:
        """The rules, each scoped to the form's element id."""
        rules = []
        for key, name in self.classes.items():
            declarations = css_declarations(key)
            if declarations:
                rules.append(f"#{scope} .{name}{{{declarations}}}")
            right, left = sticky_border_shadows(key)
            sticky = f"#{scope} .bc-hscroll td.bc-fc.{name}"
            if right:
                rules.append(f"{sticky}{{box-shadow:{right}}}")
            if left:
                both = ",".join(x for x in (right, left) if x)
                rules.append(f"{sticky}:first-child{{box-shadow:{both}}}")
        return "\n".join(rules)


def sticky_border_shadows(key: tuple[Any, ...]) -> tuple[str, str]:
    """(right, left) vertical borders of a sticky cell as inset shadows.

    Chrome paints a sticky cell's background over the collapsed vertical border
    it shares with its left neighbour, so the row labels would lose their column
    lines while scrolling. Horizontal borders stay visible and need nothing.
    """
    top, right, bottom, left = key[10:]
    del top, bottom

    def width(value: Any) -> str:
        return BORDER_CSS.get(value, BORDER_CSS["thin"]).split("px", 1)[0]

    return (
        f"inset -{width(right)}px 0 0 #000" if right else "",
        f"inset {width(left)}px 0 0 #000" if left else "",
    )
