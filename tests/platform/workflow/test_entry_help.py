"""The designer's help texts reach the entry grid (issue #4 items 1-2)."""

from __future__ import annotations

from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

from baocao.platform.services import forms as service
from baocao.renderers import render_entry_form
from support import SHARED

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
D9, E9 = "Biểu 01-KTXH!D9", "Biểu 01-KTXH!E9"
HELP = 'Tỷ đồng, giá hiện hành; ghi "0" nếu không có'


class Elements(HTMLParser):
    """Every element's attributes, and the text inside elements with an id."""

    def __init__(self) -> None:
        super().__init__()
        self.by_id: dict[str, dict[str, Any]] = {}
        self.text: dict[str, str] = {}
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.by_id[str(found["id"])] = {"tag": tag, **found}
            self._open.append(str(found["id"]))
            self.text[str(found["id"])] = ""

    def handle_data(self, data: str) -> None:
        if self._open:
            self.text[self._open[-1]] += data

    def handle_endtag(self, tag: str) -> None:
        if self._open and self.by_id[self._open[-1]]["tag"] == tag:
            self._open.pop()


def test_help_text_is_the_tooltip_and_the_accessible_description(app: Any) -> None:
    """HELP-01: a help text set in the designer and published is, in the grid,
    the input's title and its aria-describedby note; other inputs have none."""
    template = (SHARED / "templates" / "bieu01_ktxh.xlsx").read_bytes()
    with app.app_context():
        form, _ = service.upload_form(
            template, name="Biểu 01", owner_unit="SKHCN", actor="t", now=NOW
        )
        service.set_override(str(form.pk), D9, {"help": HELP}, now=NOW)
        service.publish(str(form.pk), actor="t", now=NOW)
        compiled = service.load_compiled(str(form.pk), 1)
    assert compiled.schema["properties"][D9]["description"] == HELP
    page = Elements()
    page.feed(render_entry_form(compiled, {}, {}))
    controls = {e.get("data-key"): e for e in page.by_id.values() if "data-key" in e}
    helped, plain = controls[D9], controls[E9]
    assert helped["title"] == HELP
    note = helped["aria-describedby"]
    assert page.by_id[note]["class"] == "bc-note" and page.text[note] == HELP
    assert "title" not in plain and "aria-describedby" not in plain
