"""The words of the page scripts come from the catalogue (README "Interface
language"): in Vietnamese they are exactly the texts the scripts fall back to,
in English they are English."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from baocao.platform.views.script_strings import SCRIPT_STRINGS, script_strings
from flask_babel import force_locale
from support import ROOT

#: Each script with strings, and the file that holds its Vietnamese fallback.
SCRIPTS: dict[str, Path] = {
    "dashboard": ROOT / "platform" / "static" / "dashboard.js",
    "narrative": ROOT / "renderers" / "static" / "baocao-narrative.js",
}
_VIETNAMESE = re.compile("[\u00c0-\u1ef9]")


def _fallback(script: str) -> dict[str, str]:
    """The ``{key: "text"}`` object the script passes to ``pageStrings``."""
    source = SCRIPTS[script].read_text(encoding="utf-8")
    found = re.search(
        rf'pageStrings\("bc-i18n-{script}", \{{(.*?)\n\s*\}}\);', source, re.S
    )
    assert found, f"no pageStrings call for {script}"
    pairs = re.findall(r'^\s*(\w+): ("(?:[^"\\]|\\.)*")', found.group(1), re.M)
    return {key: json.loads(text) for key, text in pairs}


def test_every_script_with_strings_is_listed() -> None:
    """UI-S01: each script that reads embedded strings has a dict, and back."""
    assert sorted(SCRIPT_STRINGS) == sorted(SCRIPTS)


@pytest.mark.parametrize("script", sorted(SCRIPTS), ids=sorted(SCRIPTS))
def test_vietnamese_strings_are_the_script_fallback(app: Any, script: str) -> None:
    """UI-S02: Vietnamese pages give a script the very texts it had before it
    read them from the page, key for key."""
    with app.test_request_context(), force_locale("vi"):
        assert script_strings(script) == _fallback(script)


@pytest.mark.parametrize("script", sorted(SCRIPTS), ids=sorted(SCRIPTS))
def test_english_strings_have_no_vietnamese(app: Any, script: str) -> None:
    """UI-S03: in English every string differs from its Vietnamese fallback and
    carries no Vietnamese letter; placeholders survive translation."""
    fallback = _fallback(script)
    with app.test_request_context(), force_locale("en"):
        english = script_strings(script)
    assert sorted(english) == sorted(fallback)
    for key, text in english.items():
        assert text != fallback[key] and not _VIETNAMESE.search(text), key
        assert re.findall(r"\{\w+\}", text) == re.findall(r"\{\w+\}", fallback[key])
