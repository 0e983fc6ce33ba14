"""The Vietnamese catalogue covers FAB's strings and ours (issue #2 §4: FAB ships no vi)."""

from __future__ import annotations

import io
from pathlib import Path

import flask_appbuilder
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from support import ROOT

CATALOGUE = ROOT / "platform" / "translations" / "vi" / "LC_MESSAGES"
KEYWORDS = {
    "_": None,
    "gettext": None,
    "lazy_gettext": None,
    "lazy_formatter_gettext": (1,),
    "ngettext": (1, 2),
}
METHODS = [("**.py", "python"), ("**/templates/**.html", "jinja2")]


def _msgids(folder: Path) -> set[str]:
    found = set()
    for _, _, message, _, _ in extract_from_dir(
        str(folder), method_map=METHODS, keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def _catalogue():  # noqa: ANN202
    with (CATALOGUE / "messages.po").open("rb") as handle:
        return read_po(handle, locale="vi")


def test_every_fab_and_baocao_string_is_translated() -> None:
    catalogue = _catalogue()
    translated = {m.id for m in catalogue if m.id and m.string and not m.fuzzy}
    wanted = _msgids(Path(flask_appbuilder.__file__).parent) | _msgids(ROOT / "platform")
    assert sorted(wanted - translated) == []


def test_compiled_catalogue_matches_the_po_file() -> None:
    buffer = io.BytesIO()
    write_mo(buffer, _catalogue())
    buffer.seek(0)
    expected = {m.id: m.string for m in read_mo(buffer) if m.id}
    with (CATALOGUE / "messages.mo").open("rb") as handle:
        actual = {m.id: m.string for m in read_mo(handle) if m.id}
    assert actual == expected
