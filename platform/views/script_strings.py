"""The words the page scripts write, translated on the server.

``dashboard.js`` and the narrative editor (``baocao-narrative.js``) write status
texts into the page after it has loaded. They have no catalogue of their own:
the template that loads a script embeds the script's strings, already in the
user's language, as ``<script type="application/json" id="bc-i18n-NAME">``,
and the script reads them from there (keeping its Vietnamese texts when a page
gives none). The texts live in ``messages.po`` like every other page string.

The data-entry grid (``baocao-grid.js``) is drawn by the renderers, which have
no Flask: its words come with the grid as ``data-msg-*`` attributes in the
language the platform asks for (:func:`page_language`).

Placeholders the script fills in are written ``{name}`` (passed through
gettext's ``%(name)s``), as the submission page's autosave does.
"""

from __future__ import annotations

from typing import Any

from flask_babel import get_locale, lazy_gettext

__all__ = ["SCRIPT_STRINGS", "page_language", "script_strings"]

#: ``dashboard.js``: the status line under each chart.
DASHBOARD: dict[str, Any] = {
    "empty": lazy_gettext("No accepted figures in the chosen range yet."),
    "rows": lazy_gettext("Rows of data: %(count)s", count="{count}"),
    "unit": lazy_gettext("unit of measure:"),
    "failed": lazy_gettext(
        "Could not load the chart's figures. Check the filters (periods like"
        " 2026-M03), then reload the page."
    ),
}

#: ``baocao-narrative.js``: word counts and the autosave status.
NARRATIVE: dict[str, Any] = {
    "words": lazy_gettext("words"),
    "at_most": lazy_gettext("at most"),
    "saved": lazy_gettext("Narrative saved at"),
    "conflict": lazy_gettext(
        "Not saved: the report was saved by %(actor)s at %(time)s after you"
        " opened the page. Your text did not overwrite that version; copy what"
        " you wrote, then reload the page.",
        actor="{actor}",
        time="{time}",
    ),
    "not_saved": lazy_gettext("Narrative not saved yet:"),
    "server_error": lazy_gettext("server error"),
    "offline": lazy_gettext(
        "Could not save: the connection to the server was lost; it will retry on"
        " the next change."
    ),
    "waiting": lazy_gettext("Waiting to save…"),
}

#: Strings per script, by the name in the element id ``bc-i18n-NAME``.
SCRIPT_STRINGS: dict[str, dict[str, Any]] = {
    "dashboard": DASHBOARD,
    "narrative": NARRATIVE,
}


def script_strings(script: str) -> dict[str, str]:
    """The strings of ``script`` in the request's language, ready for ``tojson``.

    :raises KeyError: for a script that has no strings here.
    """
    return {key: str(text) for key, text in SCRIPT_STRINGS[script].items()}


def page_language() -> str:
    """The language code pages are drawn in (``vi`` or ``en``), for the renderers.

    The renderers fall back to Vietnamese for a code they do not know.
    """
    locale = get_locale()
    return locale.language if locale is not None else "vi"
