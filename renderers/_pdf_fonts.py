"""The embedded serif font of the PDFs (Liberation Serif 2, SIL OFL 1.1).

Nghị định 30/2020 asks for Times New Roman; Liberation Serif has the same
metrics, covers Vietnamese, and may be redistributed and embedded. Fonts are
registered with reportlab on first use (not at import) and subset on output.
"""

from __future__ import annotations

from functools import lru_cache

from baocao.renderers.resources import FONTS_DIR
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FAMILY = "BaocaoSerif"
_FILES = {
    (0, 0): ("BaocaoSerif", "LiberationSerif-Regular.ttf"),
    (1, 0): ("BaocaoSerif-Bold", "LiberationSerif-Bold.ttf"),
    (0, 1): ("BaocaoSerif-Italic", "LiberationSerif-Italic.ttf"),
    (1, 1): ("BaocaoSerif-BoldItalic", "LiberationSerif-BoldItalic.ttf"),
}


@lru_cache(maxsize=1)
def register_fonts() -> str:
    """Register the four faces once per process; return the family name."""
    for (bold, italic), (name, filename) in _FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(FONTS_DIR / filename)))
        addMapping(FAMILY, bold, italic, name)
    return FAMILY


def font_name(bold: bool = False, italic: bool = False) -> str:
    """reportlab name of the face with the given weight and slant."""
    return _FILES[(int(bool(bold)), int(bool(italic)))][0]
