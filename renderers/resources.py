"""Where the files the platform serves or embeds are installed.

Paths only: nothing is read here. The platform mounts ``STATIC_DIR`` and
``FONTS_DIR`` side by side (the stylesheet loads ``../fonts/*.ttf``).
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
STATIC_DIR = PACKAGE_DIR / "static"
"""``baocao-grid.js`` and ``baocao-grid.css``."""
FONTS_DIR = PACKAGE_DIR / "fonts"
"""Liberation Serif 2 (SIL OFL 1.1), metric-compatible with Times New Roman."""
