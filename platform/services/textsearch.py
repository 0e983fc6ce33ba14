"""Vietnamese-aware substring matching for unit and account search.

A query typed without diacritics (``dao thanh``) matches names with any
diacritics ("Phường Đạo Thạnh"); a query typed with diacritics (``phường``)
matches them exactly, so it does not also find "Xã Phương Thịnh".
"""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower-case ``text`` and strip Vietnamese diacritics (``Đạo`` → ``dao``)."""
    decomposed = unicodedata.normalize(
        "NFD", (text or "").replace("đ", "d").replace("Đ", "D")
    )
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def _lower(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text or "").casefold().split())


def matches(query: str, *values: str) -> bool:
    """Whether ``query`` occurs in any of ``values`` (see the module docstring)."""
    plain = fold(query)
    if not plain:
        return True
    if plain == _lower(query):
        return any(plain in fold(v) for v in values)
    needle = _lower(query)
    return any(needle in _lower(v) for v in values)
